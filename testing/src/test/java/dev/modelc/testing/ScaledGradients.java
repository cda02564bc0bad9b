package dev.modelc.testing;

import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.TensorSpec;
import dev.modelc.runtime.model.TrainConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A backend bug, made to order: a compiled model whose gradient for one param is scaled by
 * {@code factor} (everything else is the wrapped model's).
 */
record ScaledGradients(CompiledModel model, String param, double factor) implements CompiledModel {
    @Override
    public String name() {
        return model.name();
    }

    @Override
    public List<TensorSpec> inputs() {
        return model.inputs();
    }

    @Override
    public List<TensorSpec> params() {
        return model.params();
    }

    @Override
    public List<String> outputs() {
        return model.outputs();
    }

    @Override
    public boolean hasLoss() {
        return model.hasLoss();
    }

    @Override
    public boolean hasUpdateRules() {
        return model.hasUpdateRules();
    }

    @Override
    public TrainConfig trainConfig() {
        return model.trainConfig();
    }

    @Override
    public Map<String, Tensor> initialParams(long seed) {
        return model.initialParams(seed);
    }

    @Override
    public Map<String, Tensor> forward(Map<String, Tensor> params, Map<String, Tensor> inputs) {
        return model.forward(params, inputs);
    }

    @Override
    public Tensor loss(Map<String, Tensor> params, Map<String, Tensor> batch) {
        return model.loss(params, batch);
    }

    @Override
    public Gradients lossAndGradients(Map<String, Tensor> params, Map<String, Tensor> batch) {
        Gradients g = model.lossAndGradients(params, batch);
        Map<String, Tensor> out = new LinkedHashMap<>(g.gradients());
        out.computeIfPresent(param, (k, v) -> v.map(x -> x * factor));
        return new Gradients(g.loss(), out);
    }

    @Override
    public Step updateStep(Map<String, Tensor> params, Map<String, Tensor> batch) {
        return model.updateStep(params, batch);
    }
}
