package dev.modelc.runtime.model;

import dev.modelc.runtime.Tensor;
import java.util.Map;

/**
 * Training steps whose optimizer runs where the params live (a device): the params and the
 * optimizer's state stay there between steps, and a step moves only the batch in and its loss
 * (and a word per param saying whether the step made it non-finite) out. What
 * {@link CompiledModel#residentTraining} gives the training loop; it gives the same params, bit for
 * bit, as the loss and gradients downloaded and the optimizer's {@code step} run on the host.
 *
 * <p>A step is pending until {@link #commit}: its params and state are written beside the current
 * ones, so a step whose loss or params are not finite is dropped and leaves both as they were. (On
 * the host a non-finite loss stops the run before the optimizer's step, and non-finite params after
 * it, its state already updated; a diverged run writes no checkpoint, so only the optimizer object
 * left behind can tell the two apart.) The optimizer object's own state is stale while steps run
 * here; {@link #params} writes it back, and the training loop calls it before anything reads the
 * params or the optimizer (a checkpoint, an epoch's loss, the end of the run).
 */
public interface ResidentTraining extends AutoCloseable {
    /**
     * Runs the loss and gradients of {@code batch} with the step's draws keyed by {@code key},
     * then the optimizer's step on them, pending; the loss (before the step).
     */
    double step(Map<String, Tensor> batch, StepKey key);

    /** The first param, in the model's order, that the pending step made NaN or infinite somewhere; null when none. */
    String nonFinite();

    /** A param's value after the pending step, on the host (to say where it is not finite). */
    Tensor pending(String path);

    /** Keeps the pending step: its params and state become the current ones. */
    void commit();

    /**
     * The current params on the host, in the model's order (the model recognises them and does not
     * copy them back), with the optimizer's state written back into the optimizer.
     */
    Map<String, Tensor> params();

    /** Gives back what the steps hold beside the params (pending params, the optimizer's state); the params stay. */
    @Override
    void close();
}
