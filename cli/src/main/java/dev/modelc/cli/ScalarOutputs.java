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

/**
 * What {@code train} reports besides the loss: the model's scalar outputs (such as an accuracy)
 * on the training data at the end, and on the {@code --val} data after every epoch.
 */
final class ScalarOutputs {
    private final CheckedModel checked;
    private final CompiledModel trained;
    private final Backend backend;
    private final int device;
    private final DType floating;
    /** The scalars' inputs by output, in graph order. */
    private final Map<String, List<String>> needs;
    /** Whether each scalar output is floating, by name. */
    private final Map<String, Boolean> floatingOutput = new HashMap<>();
    /** A model of some scalars alone (see {@link #measure}), compiled on first need, and which scalars. */
    private CompiledModel subset;
    private List<String> subsetOutputs;

    ScalarOutputs(CheckedModel checked, CompiledModel trained, Backend backend, int device, DType floating) {
        this.checked = checked;
        this.trained = trained;
        this.backend = backend;
        this.device = device;
        this.floating = floating;
        this.needs = Driver.inputsByOutput(checked);
        for (ModelSignature.Entry e : checked.signature().outputs()) {
            boolean scalar = e.type().shape().rank() == 0 && e.type().dtype().isNumeric();
            if (scalar) floatingOutput.put(e.name(), e.type().dtype().isFloating());
        }
    }

    /** One scalar output's value over some data, as printed: {@code accuracy 0.9733}, {@code correct 146}. */
    record Measured(String name, String text) {
        @Override
        public String toString() {
            return name + " " + text;
        }
    }

    /** The scalar outputs on {@code data}, as {@code ", accuracy 0.9733"}; or "". See {@link #measure}. */
    String describe(Map<String, Tensor> params, TensorDataset data, int batchSize) {
        StringBuilder sb = new StringBuilder();
        for (Measured m : measure(params, data, batchSize)) sb.append(", ").append(m);
        return sb.toString();
    }

    /**
     * The model's scalar outputs on {@code data}, in graph order: those whose inputs the data
     * holds. Evaluated {@code batchSize} rows at a time, each output combined over the batches as
     * {@link Driver#outputAggregate} finds it can be (outputs that are not sums or means over rows
     * are their row-weighted means over batches, marked {@code (batch mean)} when there was more
     * than one batch).
     */
    List<Measured> measure(Map<String, Tensor> params, TensorDataset data, int batchSize) {
        List<String> scalars = new ArrayList<>();
        for (String name : needs.keySet()) { // in graph order
            if (floatingOutput.containsKey(name) && data.columns().keySet().containsAll(needs.get(name))) scalars.add(name);
        }
        if (scalars.isEmpty()) return List.of();
        // The trained model's own forward entry point when the data holds every input the outputs
        // need (the usual case); else a model of the scalars alone, which needs only their inputs.
        boolean everyInput = needs.values().stream().allMatch(data.columns().keySet()::containsAll);
        CompiledModel c = everyInput ? trained : subset(scalars);
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
        List<Measured> out = new ArrayList<>();
        for (int i = 0; i < scalars.size(); i++) {
            String o = scalars.get(i);
            double v = sums.get(i).value();
            out.add(new Measured(o, (floatingOutput.get(o) || v != Math.rint(v) ? TrainProgress.fixed4(v) : Long.toString((long) v))
                    + (kinds.get(i).exact() || batchSize >= data.size() ? "" : " (batch mean)")));
        }
        return out;
    }

    private CompiledModel subset(List<String> scalars) {
        if (subset == null || !subsetOutputs.equals(scalars)) {
            subset = Driver.outputsModel(checked, scalars, backend, floating, device);
            subsetOutputs = List.copyOf(scalars);
        }
        return subset;
    }
}
