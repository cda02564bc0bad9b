package dev.modelc.runtime.train;

import dev.modelc.runtime.Tensor;
import java.util.Map;

/**
 * What a training run reports as it goes; the command line turns it into a progress bar or
 * plain lines. Every method has an empty default.
 */
public interface TrainingListener {
    /** Before the first epoch. */
    default void started(int epochs, int batchesPerEpoch) {
    }

    /** After each batch: its loss before the step (NaN when the model has no loss). */
    default void batch(int epoch, int batch, double loss) {
    }

    /**
     * After each epoch (1-based), once its checkpoint is written: the loss over the whole training
     * set with the params at the end of the epoch, evaluated a batch at a time (see {@link RowAggregate}).
     */
    default void epoch(int epoch, int epochs, double loss) {
    }

    /**
     * After each epoch, with the params it ended with, before {@link #epoch}: for work on them
     * such as a validation pass (what {@code modelc train --val} prints). The params must not be
     * modified.
     */
    default void epochParams(int epoch, Map<String, Tensor> params) {
    }

    /** After a checkpoint was written. */
    default void saved(java.nio.file.Path checkpoint) {
    }

    TrainingListener NONE = new TrainingListener() {
    };
}
