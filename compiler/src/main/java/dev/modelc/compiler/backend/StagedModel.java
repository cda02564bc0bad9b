package dev.modelc.compiler.backend;

import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.check.ModelSignature;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.passes.Retype;
import dev.modelc.runtime.DType;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.TensorSpec;
import dev.modelc.runtime.model.TrainConfig;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checked model as a {@link CompiledModel}, whatever runs it: the signature, and each of the
 * runtime's calls mapped to one {@link EntryPoint} whose optimized graph a backend runs. The
 * graphs are built on first use, so a model used only forward never builds its gradients.
 */
public abstract class StagedModel implements CompiledModel {
    private final CheckedModel model;
    private final DType floating;
    private final Map<EntryPoint, Graph> graphs = new EnumMap<>(EntryPoint.class);

    /** {@code floating}, when not null, redeclares every floating node (see {@link Retype}). */
    protected StagedModel(CheckedModel model, DType floating) {
        this.model = model;
        this.floating = floating;
    }

    public CheckedModel checked() {
        return model;
    }

    /** The optimized graph of an entry point (built once). */
    public final synchronized Graph graph(EntryPoint e) {
        return graphs.computeIfAbsent(e, k -> k.graph(Retype.floating(model.graph(), floating)));
    }

    /**
     * The values of the entry point's results, in the order of its graph's outputs, for inputs
     * and params bound by name and path. Random initializers draw from {@code seed}.
     */
    protected abstract List<Tensor> run(EntryPoint e, Map<String, Tensor> values, long seed);

    @Override
    public String name() {
        return model.name();
    }

    private static TensorSpec spec(String name, TensorType t) {
        return new TensorSpec(name, t.dtype(), t.shape().dims().stream().map(Dim::toSize).toList());
    }

    @Override
    public List<TensorSpec> inputs() {
        return model.signature().inputs().stream().map(e -> spec(e.name(), e.type())).toList();
    }

    @Override
    public List<TensorSpec> params() {
        return model.signature().params().stream().map(p -> spec(p.path(), p.type())).toList();
    }

    @Override
    public List<String> outputs() {
        return model.signature().outputs().stream().map(ModelSignature.Entry::name).toList();
    }

    @Override
    public boolean hasLoss() {
        return model.signature().loss().isPresent();
    }

    @Override
    public boolean hasUpdateRules() {
        return !model.signature().updated().isEmpty();
    }

    @Override
    public TrainConfig trainConfig() {
        return model.signature().train().orElse(TrainConfig.DEFAULT);
    }

    @Override
    public Map<String, Tensor> initialParams(long seed) {
        return named(EntryPoint.INIT, run(EntryPoint.INIT, Map.of(), seed));
    }

    @Override
    public Map<String, Tensor> forward(Map<String, Tensor> params, Map<String, Tensor> inputs) {
        return named(EntryPoint.FORWARD, run(EntryPoint.FORWARD, merge(params, inputs), 0));
    }

    @Override
    public Tensor loss(Map<String, Tensor> params, Map<String, Tensor> batch) {
        if (!hasLoss()) throw new IllegalStateException("model " + name() + " has no loss");
        return run(EntryPoint.LOSS, merge(params, batch), 0).getFirst();
    }

    @Override
    public Gradients lossAndGradients(Map<String, Tensor> params, Map<String, Tensor> batch) {
        if (!hasLoss()) throw new IllegalStateException("model " + name() + " has no loss");
        List<Tensor> r = run(EntryPoint.GRADIENTS, merge(params, batch), 0);
        Tensor loss = null;
        Map<String, Tensor> grads = new LinkedHashMap<>();
        List<Graph.Output> outs = graph(EntryPoint.GRADIENTS).outputs();
        for (int i = 0; i < r.size(); i++) {
            if (outs.get(i).role() == Graph.Role.LOSS) loss = r.get(i);
            else grads.put(outs.get(i).name(), r.get(i));
        }
        return new Gradients(loss, grads);
    }

    @Override
    public Step updateStep(Map<String, Tensor> params, Map<String, Tensor> batch) {
        if (!hasUpdateRules()) throw new IllegalStateException("model " + name() + " has no update rules");
        List<Tensor> r = run(EntryPoint.UPDATE, merge(params, batch), 0);
        Tensor loss = null;
        // Params without a rule are frozen: they keep their values.
        Map<String, Tensor> next = new LinkedHashMap<>(params);
        List<Graph.Output> outs = graph(EntryPoint.UPDATE).outputs();
        for (int i = 0; i < r.size(); i++) {
            if (outs.get(i).role() == Graph.Role.LOSS) loss = r.get(i);
            else next.put(outs.get(i).name(), r.get(i));
        }
        return new Step(loss, next);
    }

    private Map<String, Tensor> named(EntryPoint e, List<Tensor> values) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<Graph.Output> outs = graph(e).outputs();
        for (int i = 0; i < values.size(); i++) out.put(outs.get(i).name(), values.get(i));
        return out;
    }

    private static Map<String, Tensor> merge(Map<String, Tensor> params, Map<String, Tensor> inputs) {
        Map<String, Tensor> all = new HashMap<>(inputs);
        all.putAll(params);
        return all;
    }
}
