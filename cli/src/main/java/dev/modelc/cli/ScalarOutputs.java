package dev.modelc.cli;

import dev.modelc.api.Driver;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.check.ModelSignature;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.train.RowAggregate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What {@code train} reports at the end besides the loss: the model's scalar outputs on the training data. */
final class ScalarOutputs {
    private ScalarOutputs() {
    }

    /**
     * The model's scalar outputs (such as an accuracy) on the training data, as {@code ", accuracy 0.9733"}; or "".
     * Evaluated {@code batchSize} rows at a time, each output combined over the batches as {@link Driver#outputAggregate} finds
     * it can be (outputs that are not sums or means over rows are their row-weighted means over batches, marked
     * {@code (batch mean)} when there was more than one batch).
     */
    static String describe(CheckedModel checked, CompiledModel trained, Map<String, Tensor> params, TensorDataset data,
                           int batchSize, Backend backend, int device, DType floating) {
        Map<String, List<String>> needs = Driver.inputsByOutput(checked);
        List<String> scalars = new ArrayList<>();
        Map<String, Boolean> floatingOutput = new HashMap<>();
        for (ModelSignature.Entry e : checked.signature().outputs()) {
            boolean scalar = e.type().shape().rank() == 0 && e.type().dtype().isNumeric();
            if (scalar) floatingOutput.put(e.name(), e.type().dtype().isFloating());
        }
        for (String name : needs.keySet()) { // in graph order
            if (floatingOutput.containsKey(name) && data.columns().keySet().containsAll(needs.get(name))) scalars.add(name);
        }
        if (scalars.isEmpty()) return "";
        // The trained model's own forward entry point when the data holds every input the outputs
        // need (the usual case); else a model of the scalars alone, which needs only their inputs.
        boolean everyInput = needs.values().stream().allMatch(data.columns().keySet()::containsAll);
        CompiledModel c = everyInput ? trained : Driver.outputsModel(checked, scalars, backend, floating, device);
        List<RowAggregate> kinds = new ArrayList<>();
        List<RowAggregate.Accumulator> sums = new ArrayList<>();
        for (String o : scalars) {
            kinds.add(Driver.outputAggregate(checked, o));
            sums.add(kinds.getLast().accumulator());
        }
        Map<String, Tensor> p = new HashMap<>();
        for (var spec : c.params()) p.put(spec.name(), params.get(spec.name()));
        for (int from = 0; from < data.size(); from += batchSize) {
            int to = (int) Math.min(data.size(), (long) from + batchSize);
            Map<String, Tensor> results = c.forward(p, to - from == data.size() ? data.columns() : data.slice(from, to));
            for (int i = 0; i < scalars.size(); i++) sums.get(i).add(results.get(scalars.get(i)).item(), to - from);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < scalars.size(); i++) {
            String o = scalars.get(i);
            double v = sums.get(i).value();
            sb.append(", ").append(o).append(' ')
                    .append(floatingOutput.get(o) || v != Math.rint(v) ? TrainProgress.fixed4(v) : Long.toString((long) v))
                    .append(kinds.get(i).exact() || batchSize >= data.size() ? "" : " (batch mean)");
        }
        return sb.toString();
    }
}
