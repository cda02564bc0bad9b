package dev.modelc.runtime.data;

import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * Batches of a {@link TensorDataset}, epoch by epoch, as PyTorch's
 * {@code DataLoader(dataset, batch_size, shuffle, drop_last)} with a reproducible shuffle.
 *
 * <p>An epoch visits every row once, in order or, with {@code shuffle}, in a permutation drawn by a
 * Fisher–Yates shuffle from {@code Generator.of(seed, "shuffle/" + epochIndex)}: the same seed and
 * epoch always give the same order, and different epochs give (almost always) different orders.
 * Consecutive runs of {@code batchSize} rows form the batches; a last, smaller batch is kept unless
 * {@code dropLast}, in which case it is dropped (so a batch size above the dataset's size gives one
 * batch, or none with {@code dropLast}).
 */
public final class DataLoader {
    private final TensorDataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final long seed;

    /** A loader over {@code dataset} giving batches of {@code batchSize} rows. */
    public DataLoader(TensorDataset dataset, int batchSize, boolean shuffle, boolean dropLast, long seed) {
        this.dataset = Objects.requireNonNull(dataset, "dataset == null");
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, not " + batchSize);
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.seed = seed;
    }

    /** The dataset the batches come from. */
    public TensorDataset dataset() {
        return dataset;
    }

    /** The number of rows in a full batch. */
    public int batchSize() {
        return batchSize;
    }

    /** The number of batches in every epoch, as {@code len(loader)}. */
    public int batchCount() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The order in which epoch {@code epochIndex} visits the rows: the identity, or a seeded permutation. */
    public int[] order(int epochIndex) {
        return order(dataset.size(), shuffle, seed, epochIndex);
    }

    /**
     * The order in which epoch {@code epochIndex} visits {@code n} rows, as a loader with these
     * settings visits them; for trainers that hold no dataset of their own (modelc-spark's
     * executors, each holding some of the rows, find every batch's rows from it).
     */
    public static int[] order(int n, boolean shuffle, long seed, int epochIndex) {
        if (epochIndex < 0) throw new IllegalArgumentException("epoch index must not be negative, not " + epochIndex);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (shuffle) {
            // Fisher–Yates (Durstenfeld): swap position i with a uniform position in [0, i], i from the end down.
            Generator g = Generator.of(seed, "shuffle/" + epochIndex);
            for (int i = n - 1; i > 0; i--) {
                int j = below(g, i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    /**
     * The batches of epoch {@code epochIndex}, in order; each maps every dataset name to the gathered rows
     * (axis 0 the batch). The list is computed lazily: a batch is gathered when it is fetched.
     */
    public List<Map<String, Tensor>> epoch(int epochIndex) {
        return new Epoch(order(epochIndex), batchCount());
    }

    /** A uniform integer in [0, bound), by rejection on 63-bit draws so that no value is favoured. */
    static int below(Generator g, int bound) {
        long m = bound - 1;
        long u = g.nextLong() >>> 1;
        long r;
        // u - r is the start of u's block of `bound` values; the block is incomplete when its end overflows.
        while (u - (r = u % bound) + m < 0) u = g.nextLong() >>> 1;
        return (int) r;
    }

    private final class Epoch extends AbstractList<Map<String, Tensor>> implements RandomAccess {
        private final int[] order;
        private final int count;

        Epoch(int[] order, int count) {
            this.order = order;
            this.count = count;
        }

        @Override
        public Map<String, Tensor> get(int b) {
            Objects.checkIndex(b, count);
            int from = b * batchSize;
            int to = Math.min(from + batchSize, order.length);
            return dataset.gather(Arrays.copyOfRange(order, from, to));
        }

        @Override
        public int size() {
            return count;
        }
    }

    @Override
    public String toString() {
        return "DataLoader(" + dataset.size() + " rows, batch size " + batchSize + (shuffle ? ", shuffled" : "")
                + (dropLast ? ", dropping the last partial batch" : "") + ")";
    }
}
