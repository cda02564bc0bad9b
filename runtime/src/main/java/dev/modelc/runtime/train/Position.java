package dev.modelc.runtime.train;

/**
 * Where a training run is: {@code epoch} whole epochs done and {@code batch} batches of the next
 * one. A checkpoint records it so that a resumed run skips exactly the batches already stepped on.
 */
public record Position(int epoch, int batch) {
    /** The start of a fresh run. */
    public static final Position START = new Position(0, 0);

    public Position {
        if (epoch < 0) throw new IllegalArgumentException("epochs done must not be negative, found " + epoch);
        if (batch < 0) throw new IllegalArgumentException("batches done must not be negative, found " + batch);
    }

    /** Whether this is an epoch's end (no batch of the next epoch done). */
    public boolean atEpochEnd() {
        return batch == 0;
    }

    /** {@code "epoch 3"} at an epoch's end, else {@code "epoch 3 and 2 batches of epoch 4"}. */
    public String describe() {
        if (batch == 0) return "epoch " + epoch;
        return "epoch " + epoch + " and " + batch + (batch == 1 ? " batch" : " batches") + " of epoch " + (epoch + 1);
    }
}
