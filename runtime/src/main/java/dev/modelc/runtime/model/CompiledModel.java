package dev.modelc.runtime.model;

import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.optim.Optimizer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A compiled model as the runtime sees it: what it takes and what it computes, with params
 * passed in and returned explicitly (the model holds no state). The reference interpreter
 * implements it today; generated code implements the same interface.
 */
public interface CompiledModel {
    String name();

    List<TensorSpec> inputs();

    /**
     * Everything the model holds, by path, in declaration order: its params and its states
     * (PyTorch's {@code state_dict()}); the values every call takes as {@code params}.
     */
    List<TensorSpec> params();

    /**
     * The states among {@link #params()} ({@code state} declarations, PyTorch's buffers such as
     * {@code bn.running_mean}): saved and loaded with the params, never differentiated nor
     * given to an optimizer, changed only by their {@code update} rules in the training step.
     */
    default List<TensorSpec> buffers() {
        return List.of();
    }

    /** Which program this model's calls run (see {@link Mode}). */
    default Mode mode() {
        return Mode.EVALUATION;
    }

    /**
     * This model running the program of {@code m}, as PyTorch's {@code model.train()} and
     * {@code model.eval()}; a model whose two programs are the same is its own view in both.
     */
    default CompiledModel inMode(Mode m) {
        return this;
    }

    List<String> outputs();

    boolean hasLoss();

    /** Whether the model trains itself with {@code update} rules (else an optimizer trains it). */
    boolean hasUpdateRules();

    /** The model's {@code train} block, with the language's defaults filled in. */
    TrainConfig trainConfig();

    /** Fresh initial values of every param, drawn with {@code seed} (keyed by path). */
    Map<String, Tensor> initialParams(long seed);

    /** The outputs, by name, for one batch of inputs. */
    Map<String, Tensor> forward(Map<String, Tensor> params, Map<String, Tensor> inputs);

    /** The loss of one batch (of the whole training set, when reporting an epoch). */
    Tensor loss(Map<String, Tensor> params, Map<String, Tensor> batch);

    /** The loss of one batch and its gradient for every param (and, in the training step, the states after it). */
    Gradients lossAndGradients(Map<String, Tensor> params, Map<String, Tensor> batch);

    /** One step of the model's own update rules: the loss before the step and every param after it. */
    Step updateStep(Map<String, Tensor> params, Map<String, Tensor> batch);

    /**
     * {@link #forward} with the step's draws keyed by {@code key} (the unkeyed call draws with
     * {@link StepKey#NONE}); a model without draws gives the same values for every key.
     */
    default Map<String, Tensor> forward(Map<String, Tensor> params, Map<String, Tensor> inputs, StepKey key) {
        return forward(params, inputs);
    }

    /** {@link #loss} with the step's draws keyed by {@code key}. */
    default Tensor loss(Map<String, Tensor> params, Map<String, Tensor> batch, StepKey key) {
        return loss(params, batch);
    }

    /** {@link #lossAndGradients} with the step's draws keyed by {@code key}: what the training loop calls. */
    default Gradients lossAndGradients(Map<String, Tensor> params, Map<String, Tensor> batch, StepKey key) {
        return lossAndGradients(params, batch);
    }

    /** {@link #updateStep} with the step's draws keyed by {@code key}: what the training loop calls. */
    default Step updateStep(Map<String, Tensor> params, Map<String, Tensor> batch, StepKey key) {
        return updateStep(params, batch);
    }

    /**
     * Training steps with {@code optimizer} run where the params live, starting from
     * {@code params} (in the order of {@link #params()}), when this model's device can run that
     * optimizer's steps itself; empty when the host runs them (the JVM backends, an optimizer
     * without a {@link dev.modelc.runtime.optim.StepRule}, a model with states).
     */
    default Optional<ResidentTraining> residentTraining(Optimizer optimizer, Map<String, Tensor> params) {
        return Optional.empty();
    }

    /**
     * A batch's loss and gradients by param path; in the training step, also each state's value
     * after its update rule (empty otherwise).
     */
    record Gradients(Tensor loss, Map<String, Tensor> gradients, Map<String, Tensor> states) {
        public Gradients(Tensor loss, Map<String, Tensor> gradients) {
            this(loss, gradients, Map.of());
        }
    }

    /** A batch's loss (before the step) and the params after it. */
    record Step(Tensor loss, Map<String, Tensor> params) {
    }
}
