package dev.modelc.runtime.model;

import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.plan.Plan;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one by-name adapter: a {@link CompiledModel} whose calls each run one entry point on the
 * tensors given by name (inputs by name, params by path), mapped back to names by what the
 * entry point says its results are. Every backend extends it: the compiler's staged models
 * (interpreter, bytecode, CUDA) and the classes modelc generates as Java source.
 */
public abstract class EntryPointModel implements CompiledModel {
    /** What the runtime asks of a model, each a program of its own. */
    public enum Entry { FORWARD, LOSS, GRADIENTS, UPDATE, INIT }

    /** One result of an entry point: an output's name, the loss, or a param's path, and which it is. */
    public record Result(String name, Plan.Role role) {
    }

    /** The entry point's results, in the order {@link #run} gives them. */
    protected abstract List<Result> results(Entry e);

    /**
     * The values of the entry point's results, in the order of {@link #results}, for inputs and
     * params bound by name and path (extra names are ignored). Random initializers draw from {@code seed}
     * ({@link Entry#INIT}); the step's draws of every other entry point take it as their Philox key
     * ({@link StepKey#key()}).
     */
    protected abstract List<Tensor> run(Entry e, Map<String, Tensor> values, long seed);

    @Override
    public Map<String, Tensor> initialParams(long seed) {
        return named(Entry.INIT, run(Entry.INIT, Map.of(), seed));
    }

    @Override
    public Map<String, Tensor> forward(Map<String, Tensor> params, Map<String, Tensor> inputs) {
        return forward(params, inputs, StepKey.NONE);
    }

    @Override
    public Map<String, Tensor> forward(Map<String, Tensor> params, Map<String, Tensor> inputs, StepKey key) {
        if (outputs().isEmpty()) return new LinkedHashMap<>();
        return named(Entry.FORWARD, run(Entry.FORWARD, merge(params, inputs), key.key()));
    }

    @Override
    public Tensor loss(Map<String, Tensor> params, Map<String, Tensor> batch) {
        return loss(params, batch, StepKey.NONE);
    }

    @Override
    public Tensor loss(Map<String, Tensor> params, Map<String, Tensor> batch, StepKey key) {
        if (!hasLoss()) throw new IllegalStateException("model " + name() + " has no loss");
        return run(Entry.LOSS, merge(params, batch), key.key()).getFirst();
    }

    @Override
    public Gradients lossAndGradients(Map<String, Tensor> params, Map<String, Tensor> batch) {
        return lossAndGradients(params, batch, StepKey.NONE);
    }

    @Override
    public Gradients lossAndGradients(Map<String, Tensor> params, Map<String, Tensor> batch, StepKey key) {
        if (!hasLoss()) throw new IllegalStateException("model " + name() + " has no loss");
        List<Tensor> r = run(Entry.GRADIENTS, merge(params, batch), key.key());
        List<Result> names = results(Entry.GRADIENTS);
        Tensor loss = null;
        Map<String, Tensor> grads = new LinkedHashMap<>();
        Map<String, Tensor> states = new LinkedHashMap<>();
        for (int i = 0; i < r.size(); i++) {
            switch (names.get(i).role()) {
                case LOSS -> loss = r.get(i);
                case STATE -> states.put(names.get(i).name(), r.get(i));
                default -> grads.put(names.get(i).name(), r.get(i));
            }
        }
        return new Gradients(loss, grads, states);
    }

    @Override
    public Step updateStep(Map<String, Tensor> params, Map<String, Tensor> batch) {
        return updateStep(params, batch, StepKey.NONE);
    }

    @Override
    public Step updateStep(Map<String, Tensor> params, Map<String, Tensor> batch, StepKey key) {
        if (!hasUpdateRules()) throw new IllegalStateException("model " + name() + " has no update rules");
        List<Tensor> r = run(Entry.UPDATE, merge(params, batch), key.key());
        List<Result> names = results(Entry.UPDATE);
        Tensor loss = null;
        // Params without a rule are frozen: they keep their values. States take their rules' values.
        Map<String, Tensor> next = new LinkedHashMap<>(params);
        for (int i = 0; i < r.size(); i++) {
            if (names.get(i).role() == Plan.Role.LOSS) loss = r.get(i);
            else next.put(names.get(i).name(), r.get(i));
        }
        return new Step(loss, next);
    }

    private Map<String, Tensor> named(Entry e, List<Tensor> values) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<Result> names = results(e);
        for (int i = 0; i < values.size(); i++) out.put(names.get(i).name(), values.get(i));
        return out;
    }

    private static Map<String, Tensor> merge(Map<String, Tensor> params, Map<String, Tensor> inputs) {
        Map<String, Tensor> all = new HashMap<>(inputs);
        all.putAll(params);
        return all;
    }
}
