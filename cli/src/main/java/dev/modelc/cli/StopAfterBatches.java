package dev.modelc.cli;

import dev.modelc.runtime.train.TrainingListener;
import java.nio.file.Path;

/**
 * {@code train --stop-after-batches K} (hidden, for tests): passes every event on and, after
 * {@code limit} batches of this run, asks for a stop through {@link Interrupts}, as Ctrl-C does,
 * so that a stop at a chosen batch goes through the same path as a real one.
 */
record StopAfterBatches(TrainingListener inner, int limit, Interrupts interrupts, int[] count) implements TrainingListener {
    StopAfterBatches(TrainingListener inner, int limit, Interrupts interrupts) {
        this(inner, limit, interrupts, new int[1]);
    }

    @Override
    public void started(int epochs, int batchesPerEpoch) {
        inner.started(epochs, batchesPerEpoch);
    }

    @Override
    public void batch(int epoch, int batch, double loss) {
        inner.batch(epoch, batch, loss);
        if (++count[0] == limit) interrupts.request();
    }

    @Override
    public void epoch(int epoch, int epochs, double loss) {
        inner.epoch(epoch, epochs, loss);
    }

    @Override
    public void saved(Path checkpoint) {
        inner.saved(checkpoint);
    }
}
