package dev.modelc.cli;

import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.backend.GraphModel;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.passes.Pipeline;
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
     * Evaluated {@code batchSize} rows at a time, each output combined over the batches as {@link RowAggregates} finds
     * it can be (outputs that are not sums or means over rows are their row-weighted means over batches, marked
     * {@code (batch mean)} when there was more than one batch).
     */
    static String describe(CheckedModel checked, Map<String, Tensor> params, TensorDataset data, int batchSize,
                           Backend backend, int device, DType floating) {
        Graph g = checked.graph();
        List<Graph.Output> scalars = new ArrayList<>();
        for (Graph.Output o : g.outputs(Graph.Role.OUTPUT)) {
            boolean scalar = checked.signature().outputs().stream()
                    .anyMatch(e -> e.name().equals(o.name()) && e.type().shape().rank() == 0 && e.type().dtype().isNumeric());
            if (scalar && data.columns().keySet().containsAll(DataArgs.inputsOf(g.withOutputs(List.of(o))))) scalars.add(o);
        }
        if (scalars.isEmpty()) return "";
        Graph sub = g.withOutputs(scalars);
        CompiledModel c = backend.compile(GraphModel.of("Outputs", Pipeline.optimize(sub, false)), floating, device);
        List<RowAggregate> kinds = new ArrayList<>();
        List<RowAggregate.Accumulator> sums = new ArrayList<>();
        for (Graph.Output o : scalars) {
            kinds.add(RowAggregates.of(sub, o.node()));
            sums.add(kinds.getLast().accumulator());
        }
        Map<String, Tensor> p = new HashMap<>();
        for (var spec : c.params()) p.put(spec.name(), params.get(spec.name()));
        for (int from = 0; from < data.size(); from += batchSize) {
            int to = (int) Math.min(data.size(), (long) from + batchSize);
            Map<String, Tensor> results = c.forward(p, to - from == data.size() ? data.columns() : data.slice(from, to));
            for (int i = 0; i < scalars.size(); i++) sums.get(i).add(results.get(scalars.get(i).name()).item(), to - from);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < scalars.size(); i++) {
            Graph.Output o = scalars.get(i);
            boolean floatingOutput = g.node(o.node()).type().dtype().isFloating();
            double v = sums.get(i).value();
            sb.append(", ").append(o.name()).append(' ')
                    .append(floatingOutput || v != Math.rint(v) ? TrainProgress.fixed4(v) : Long.toString((long) v))
                    .append(kinds.get(i).exact() || batchSize >= data.size() ? "" : " (batch mean)");
        }
        return sb.toString();
    }
}
