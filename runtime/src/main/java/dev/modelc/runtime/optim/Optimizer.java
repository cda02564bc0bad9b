package dev.modelc.runtime.optim;

import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.TrainConfig;
import java.util.Map;
import java.util.Optional;

/**
 * A first-order optimizer in the manner of {@code torch.optim}: given the params and their gradients
 * by param path, it returns the updated params, keeping its own state (such as momentum) by path.
 *
 * <p>A param with no gradient in {@code grads} is returned unchanged and its state is left alone, as
 * PyTorch skips params whose {@code grad} is {@code None}. Params must be f32 or f64; f32 params are
 * updated in float arithmetic (every operation rounded to float, as PyTorch's CPU kernels do), f64
 * params in double arithmetic. A gradient of another dtype is first converted to the param's dtype.
 */
public interface Optimizer {
    /**
     * The optimizer a train block's setting describes; the one place a {@link TrainConfig} becomes
     * an optimizer (the CLI, the Java API and generated classes all come here).
     */
    static Optimizer of(TrainConfig.Optimizer setting) {
        return switch (setting) {
            case TrainConfig.Optimizer.Sgd s -> new Sgd(s.lr(), s.momentum(), s.weightDecay());
            case TrainConfig.Optimizer.Adam a -> new Adam(a.lr(), a.beta1(), a.beta2(), a.eps(), a.weightDecay());
            case TrainConfig.Optimizer.AdamW a -> Adam.decoupled(a.lr(), a.beta1(), a.beta2(), a.eps(), a.weightDecay());
        };
    }

    /** The optimizer a train block names (SGD with PyTorch's defaults and lr 1e-3 when it names none). */
    static Optimizer of(TrainConfig config) {
        return of(config.optimizerOrDefault());
    }

    /** The learning rate of the next step. */
    double lr();

    /**
     * Sets the learning rate of the steps to come, as a schedule does between epochs (PyTorch's
     * {@code param_groups[i]["lr"] = lr}); the state (momentum, moments) is kept.
     */
    void setLr(double lr);

    /** The params after one update with {@code grads}, by path, in the order of {@code params}. */
    Map<String, Tensor> step(Map<String, Tensor> params, Map<String, Tensor> grads);

    /**
     * {@link #step(Map, Map)}, for a training loop that owns its params' storage: the updated params
     * may be written into arrays from {@code buffers} (whose Javadoc says which arrays those can be),
     * with the same values, bit for bit, as {@link #step(Map, Map)} gives. An optimizer that does so
     * keeps no tensor of {@code params} past the call. The default ignores {@code buffers}; the
     * built-in optimizers use them.
     */
    default Map<String, Tensor> step(Map<String, Tensor> params, Map<String, Tensor> grads, ParamBuffers buffers) {
        return step(params, grads);
    }

    /**
     * The optimizer's state for a checkpoint, keyed {@code "<kind>/<param path>"} (such as
     * {@code "momentum_buffer/linear.weight"}), in the names PyTorch uses for its per-param state.
     */
    Map<String, Tensor> stateDict();

    /** Replaces the state with one from {@link #stateDict()}; unknown keys are an error. */
    void loadStateDict(Map<String, Tensor> state);

    /**
     * Checks the state against the params it is to update, as a resumed run must before its
     * first step: every state entry belongs to one of {@code params}, has its dtype and shape,
     * and holds finite values.
     *
     * @throws IllegalArgumentException naming the first state entry that does not fit, with
     *     both types
     */
    void checkState(Map<String, Tensor> params);

    /**
     * What one step does to each element, for a device that runs the steps where the params
     * live (the cuda backend); empty for an optimizer only the host runs.
     */
    default Optional<StepRule> stepRule() {
        return Optional.empty();
    }
}
