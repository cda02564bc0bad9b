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
import dev.modelc.runtime.model.EntryPointModel;
import dev.modelc.runtime.plan.Plan;
import dev.modelc.runtime.model.TensorSpec;
import dev.modelc.runtime.model.TrainConfig;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A checked model as a {@link CompiledModel}, whatever runs it: the signature, and each of the
 * runtime's calls ({@link EntryPointModel}, the one by-name adapter) mapped to one
 * {@link EntryPoint} whose optimized graph a backend runs. The graphs are built on first use, so
 * a model used only forward never builds its gradients.
 */
public abstract class StagedModel extends EntryPointModel {
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
        return model.signature().held().stream().map(p -> spec(p.path(), p.type())).toList();
    }

    @Override
    public List<TensorSpec> buffers() {
        return model.signature().states().stream().map(p -> spec(p.path(), p.type())).toList();
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
    protected final List<Result> results(Entry e) {
        return graph(entryPoint(e)).outputs().stream().map(o -> new Result(o.name(), Plan.Role.valueOf(o.role().name()))).toList();
    }

    @Override
    protected final List<Tensor> run(Entry e, Map<String, Tensor> values, long seed) {
        return run(entryPoint(e), values, seed);
    }

    private static EntryPoint entryPoint(Entry e) {
        return switch (e) {
            case FORWARD -> EntryPoint.FORWARD;
            case LOSS -> EntryPoint.LOSS;
            case GRADIENTS -> EntryPoint.GRADIENTS;
            case UPDATE -> EntryPoint.UPDATE;
            case INIT -> EntryPoint.INIT;
        };
    }
}
