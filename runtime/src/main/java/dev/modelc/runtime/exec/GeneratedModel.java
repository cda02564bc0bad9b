package dev.modelc.runtime.exec;

import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.EntryPointModel;
import dev.modelc.runtime.model.ResidentTraining;
import dev.modelc.runtime.model.TensorSpec;
import dev.modelc.runtime.model.TrainConfig;
import dev.modelc.runtime.optim.Optimizer;
import dev.modelc.runtime.plan.PlanRunner;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The base of every class modelc generates as Java source: the model's signature and, per entry
 * point, the {@link PlanRunner} of its plan (whose loops are the class's methods). The by-name
 * calls are {@link EntryPointModel}'s, so generated code needs nothing but the runtime.
 */
public abstract class GeneratedModel extends EntryPointModel {
    /** What the model takes and gives; {@code params} holds the states too, {@code buffers} names them. */
    public record Info(String name, List<TensorSpec> inputs, List<TensorSpec> params, List<String> outputs,
                       boolean hasLoss, boolean hasUpdateRules, TrainConfig trainConfig, List<TensorSpec> buffers) {
        /** A model without states. */
        public Info(String name, List<TensorSpec> inputs, List<TensorSpec> params, List<String> outputs,
                    boolean hasLoss, boolean hasUpdateRules, TrainConfig trainConfig) {
            this(name, inputs, params, outputs, hasLoss, hasUpdateRules, trainConfig, List.of());
        }
    }

    private final Info info;
    private final PlanRunner[] runners = new PlanRunner[Entry.values().length];
    /** Per entry point, its results' names and roles (read off its plan once). */
    private final List<?>[] results = new List<?>[Entry.values().length];

    /** Entries a model does not have (no outputs, no loss, no update rules) are null. */
    protected GeneratedModel(Info info, PlanRunner forward, PlanRunner loss, PlanRunner gradients, PlanRunner update,
                             PlanRunner init) {
        this.info = info;
        runners[Entry.FORWARD.ordinal()] = forward;
        runners[Entry.LOSS.ordinal()] = loss;
        runners[Entry.GRADIENTS.ordinal()] = gradients;
        runners[Entry.UPDATE.ordinal()] = update;
        runners[Entry.INIT.ordinal()] = init;
        for (Entry e : Entry.values()) {
            PlanRunner r = runners[e.ordinal()];
            if (r != null) results[e.ordinal()] = r.plan().results().stream().map(p -> new Result(p.name(), p.role())).toList();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    protected List<Result> results(Entry e) {
        runner(e);
        return (List<Result>) results[e.ordinal()];
    }

    @Override
    protected List<Tensor> run(Entry e, Map<String, Tensor> values, long seed) {
        return runner(e).run(values, seed);
    }

    /** The optimizer's steps where the params are, when the target of the loss-and-gradients runner runs them (a device). */
    @Override
    public Optional<ResidentTraining> residentTraining(Optimizer optimizer, Map<String, Tensor> params) {
        PlanRunner gradients = runners[Entry.GRADIENTS.ordinal()];
        if (gradients == null || !info.buffers().isEmpty()) return Optional.empty();
        return gradients.target().training(gradients, optimizer, params);
    }

    private PlanRunner runner(Entry e) {
        PlanRunner r = runners[e.ordinal()];
        if (r == null) throw new IllegalStateException("model " + name() + " has no " + e.name().toLowerCase(java.util.Locale.ROOT) + " entry point");
        return r;
    }

    @Override
    public String name() {
        return info.name();
    }

    @Override
    public List<TensorSpec> inputs() {
        return info.inputs();
    }

    @Override
    public List<TensorSpec> params() {
        return info.params();
    }

    @Override
    public List<TensorSpec> buffers() {
        return info.buffers();
    }

    @Override
    public List<String> outputs() {
        return info.outputs();
    }

    @Override
    public boolean hasLoss() {
        return info.hasLoss();
    }

    @Override
    public boolean hasUpdateRules() {
        return info.hasUpdateRules();
    }

    @Override
    public TrainConfig trainConfig() {
        return info.trainConfig();
    }
}
