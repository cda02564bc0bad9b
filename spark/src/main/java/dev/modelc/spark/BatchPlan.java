package dev.modelc.spark;

import dev.modelc.runtime.data.DataLoader;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The batches of every epoch over {@code rows} rows, as the local trainer's {@link DataLoader}
 * draws them (batches of {@code batchSize} in the order of {@link DataLoader#order}, the last
 * one smaller): executors find a batch's rows from this alone, so no batch's row list is ever
 * shipped.
 */
record BatchPlan(long rows, int batchSize, boolean shuffle, long seed) implements Serializable {
    BatchPlan {
        if (rows <= 0 || rows > Integer.MAX_VALUE) throw new IllegalArgumentException("rows must be 1 to 2^31-1, found " + rows);
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, found " + batchSize);
    }

    int batchCount() {
        return (int) ((rows + batchSize - 1) / batchSize);
    }

    /** Rows in batch {@code b} (the last may be smaller). */
    int batchRows(int b) {
        return (int) Math.min(batchSize, rows - (long) b * batchSize);
    }

    /** The last epoch's order in this JVM: each of an epoch's steps needs it, the next epoch a new one. */
    private static volatile Cached cached;

    private record Cached(BatchPlan plan, int epoch, int[] order) {
    }

    /**
     * The rows of batch {@code b} of epoch {@code epoch} that lie in {@code first} to
     * {@code first + count - 1}, as indices from {@code first}, in the batch's order.
     */
    int[] rowsIn(int epoch, int b, long first, int count) {
        int from = b * batchSize;
        int to = from + batchRows(b);
        int[] out = new int[Math.min(count, to - from)];
        int k = 0;
        if (!shuffle) {
            // The identity order: the batch is a range of rows, its overlap with the block a range too.
            long lo = Math.max(from, first), hi = Math.min(to, first + count);
            for (long r = lo; r < hi; r++) out[k++] = (int) (r - first);
            return Arrays.copyOf(out, k);
        }
        int[] order = order(epoch);
        for (int p = from; p < to; p++) {
            long r = order[p];
            if (r >= first && r < first + count) out[k++] = (int) (r - first);
        }
        return Arrays.copyOf(out, k);
    }

    private int[] order(int epoch) {
        Cached c = cached;
        if (c == null || !c.plan().equals(this) || c.epoch() != epoch) {
            c = new Cached(this, epoch, DataLoader.order((int) rows, shuffle, seed, epoch));
            cached = c;
        }
        return c.order();
    }
}
