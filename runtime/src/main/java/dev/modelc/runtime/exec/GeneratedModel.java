package dev.modelc.runtime.exec;

import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.TensorSpec;
import dev.modelc.runtime.model.TrainConfig;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The base of every class modelc generates as Java source: the model's signature, and one
 * static method per entry point taking tensors in a fixed order and returning its results in a
 * fixed order. This class maps the runtime's by-name calls onto them, so generated code needs
 * nothing but the runtime.
 */
public abstract class GeneratedModel implements CompiledModel {
    /** What the model takes and gives. */
    public record Info(String name, List<TensorSpec> inputs, List<TensorSpec> params, List<String> outputs,
                       boolean hasLoss, boolean hasUpdateRules, TrainConfig trainConfig) {
    }

    /** A generated entry point. */
    @FunctionalInterface
    public interface Body {
        Tensor[] run(Tensor[] args, long seed);
    }

    /**
     * An entry point: the names of its arguments (inputs and param paths), the names of its
     * results ({@code loss}, an output's name, or a param path for a gradient, update or
     * initial value), and the method.
     */
    public record Entry(List<String> arguments, List<String> results, Body body) {
    }

    private final Info info;
    private final Entry forward, loss, gradients, update, init;

    /** Entries a model does not have (no loss, no update rules) are null. */
    protected GeneratedModel(Info info, Entry forward, Entry loss, Entry gradients, Entry update, Entry init) {
        this.info = info;
        this.forward = forward;
        this.loss = loss;
        this.gradients = gradients;
        this.update = update;
        this.init = init;
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

    @Override
    public Map<String, Tensor> initialParams(long seed) {
        return named(init, call(init, Map.of(), seed));
    }

    @Override
    public Map<String, Tensor> forward(Map<String, Tensor> params, Map<String, Tensor> inputs) {
        if (forward == null) return new LinkedHashMap<>();
        return named(forward, call(forward, merge(params, inputs), 0));
    }

    @Override
    public Tensor loss(Map<String, Tensor> params, Map<String, Tensor> batch) {
        if (loss == null) throw new IllegalStateException("model " + name() + " has no loss");
        return call(loss, merge(params, batch), 0)[0];
    }

    @Override
    public Gradients lossAndGradients(Map<String, Tensor> params, Map<String, Tensor> batch) {
        if (gradients == null) throw new IllegalStateException("model " + name() + " has no loss");
        Map<String, Tensor> r = named(gradients, call(gradients, merge(params, batch), 0));
        Tensor l = r.remove("loss");
        return new Gradients(l, r);
    }

    @Override
    public Step updateStep(Map<String, Tensor> params, Map<String, Tensor> batch) {
        if (update == null) throw new IllegalStateException("model " + name() + " has no update rules");
        Map<String, Tensor> r = named(update, call(update, merge(params, batch), 0));
        Tensor l = r.remove("loss");
        // Params without a rule are frozen: they keep their values.
        Map<String, Tensor> next = new LinkedHashMap<>(params);
        next.putAll(r);
        return new Step(l, next);
    }

    private static Tensor[] call(Entry e, Map<String, Tensor> values, long seed) {
        Tensor[] args = new Tensor[e.arguments().size()];
        for (int i = 0; i < args.length; i++) args[i] = values.get(e.arguments().get(i));
        return e.body().run(args, seed);
    }

    private static Map<String, Tensor> named(Entry e, Tensor[] values) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) out.put(e.results().get(i), values[i]);
        return out;
    }

    private static Map<String, Tensor> merge(Map<String, Tensor> params, Map<String, Tensor> inputs) {
        Map<String, Tensor> all = new HashMap<>(inputs);
        all.putAll(params);
        return all;
    }
}
