package dev.modelc.compiler.backend;

import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.TensorSpec;
import dev.modelc.runtime.model.TrainConfig;
import java.util.List;
import java.util.Map;

/** A model that does what another does, for tests that change one call. */
class ForwardingModel implements CompiledModel {
    private final CompiledModel to;

    ForwardingModel(CompiledModel to) {
        this.to = to;
    }

    @Override public String name() { return to.name(); }
    @Override public List<TensorSpec> inputs() { return to.inputs(); }
    @Override public List<TensorSpec> params() { return to.params(); }
    @Override public List<TensorSpec> buffers() { return to.buffers(); }
    @Override public List<String> outputs() { return to.outputs(); }
    @Override public boolean hasLoss() { return to.hasLoss(); }
    @Override public boolean hasUpdateRules() { return to.hasUpdateRules(); }
    @Override public TrainConfig trainConfig() { return to.trainConfig(); }
    @Override public Map<String, Tensor> initialParams(long seed) { return to.initialParams(seed); }
    @Override public CompiledModel inMode(dev.modelc.runtime.model.Mode m) { return to.inMode(m); }
    @Override public Map<String, Tensor> forward(Map<String, Tensor> params, Map<String, Tensor> inputs) { return to.forward(params, inputs); }
    @Override public Tensor loss(Map<String, Tensor> params, Map<String, Tensor> batch) { return to.loss(params, batch); }
    @Override public Gradients lossAndGradients(Map<String, Tensor> params, Map<String, Tensor> batch) { return to.lossAndGradients(params, batch); }
    @Override public Step updateStep(Map<String, Tensor> params, Map<String, Tensor> batch) { return to.updateStep(params, batch); }
}
