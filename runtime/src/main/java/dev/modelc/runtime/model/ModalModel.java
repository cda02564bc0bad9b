package dev.modelc.runtime.model;

import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.optim.Optimizer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A model whose two programs differ (it reads {@code training} or has states): every call runs
 * the program of {@link #mode()}, and {@link #inMode} gives the same model in the other mode.
 * Both programs share the signature; only what they compute differs.
 */
public final class ModalModel implements CompiledModel {
    private final CompiledModel evaluation;
    private final CompiledModel training;
    private final Mode mode;

    public ModalModel(CompiledModel evaluation, CompiledModel training, Mode mode) {
        this.evaluation = Objects.requireNonNull(evaluation, "evaluation == null");
        this.training = Objects.requireNonNull(training, "training == null");
        this.mode = Objects.requireNonNull(mode, "mode == null");
    }

    /** The program of the current mode. */
    public CompiledModel current() {
        return mode == Mode.TRAINING ? training : evaluation;
    }

    @Override
    public Mode mode() {
        return mode;
    }

    @Override
    public CompiledModel inMode(Mode m) {
        return m == mode ? this : new ModalModel(evaluation, training, m);
    }

    @Override
    public String name() {
        return evaluation.name();
    }

    @Override
    public List<TensorSpec> inputs() {
        return evaluation.inputs();
    }

    @Override
    public List<TensorSpec> params() {
        return evaluation.params();
    }

    @Override
    public List<TensorSpec> buffers() {
        return evaluation.buffers();
    }

    @Override
    public List<String> outputs() {
        return evaluation.outputs();
    }

    @Override
    public boolean hasLoss() {
        return evaluation.hasLoss();
    }

    @Override
    public boolean hasUpdateRules() {
        return evaluation.hasUpdateRules();
    }

    @Override
    public TrainConfig trainConfig() {
        return evaluation.trainConfig();
    }

    @Override
    public Map<String, Tensor> initialParams(long seed) {
        return evaluation.initialParams(seed);
    }

    @Override
    public Map<String, Tensor> forward(Map<String, Tensor> params, Map<String, Tensor> inputs) {
        return current().forward(params, inputs);
    }

    @Override
    public Tensor loss(Map<String, Tensor> params, Map<String, Tensor> batch) {
        return current().loss(params, batch);
    }

    @Override
    public Gradients lossAndGradients(Map<String, Tensor> params, Map<String, Tensor> batch) {
        return current().lossAndGradients(params, batch);
    }

    @Override
    public Step updateStep(Map<String, Tensor> params, Map<String, Tensor> batch) {
        return current().updateStep(params, batch);
    }

    // The keyed forms reach the mode's program with their key: a step's draws (dropout) must not fall back to the unkeyed defaults.

    @Override
    public Map<String, Tensor> forward(Map<String, Tensor> params, Map<String, Tensor> inputs, StepKey key) {
        return current().forward(params, inputs, key);
    }

    @Override
    public Tensor loss(Map<String, Tensor> params, Map<String, Tensor> batch, StepKey key) {
        return current().loss(params, batch, key);
    }

    @Override
    public Gradients lossAndGradients(Map<String, Tensor> params, Map<String, Tensor> batch, StepKey key) {
        return current().lossAndGradients(params, batch, key);
    }

    @Override
    public Step updateStep(Map<String, Tensor> params, Map<String, Tensor> batch, StepKey key) {
        return current().updateStep(params, batch, key);
    }

    @Override
    public Optional<ResidentTraining> residentTraining(Optimizer optimizer, Map<String, Tensor> params) {
        return current().residentTraining(optimizer, params);
    }

    @Override
    public String toString() {
        return name() + " (" + mode.spelling() + " mode)";
    }
}
