package dev.modelc.runtime.train;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Npz;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A training checkpoint: the params by path (what {@code predict} and {@code Model.load} read),
 * plus what resuming needs, under keys no param path can have (paths never contain '/'):
 * {@code training/epoch}, the epochs done; {@code training/batch}, the batches of the next epoch
 * done (0 at an epoch's end); the order those batches came in ({@code training/seed} as two i32
 * words, high first, {@code training/shuffle}, {@code training/batch_size}, {@code training/rows});
 * {@code training/step}, the steps the run has taken (the number the next step's draws are keyed
 * by), as two i32 words, high first; and {@code training/optimizer/...}, the optimizer's state.
 * Written as one {@code .npz}, atomically.
 *
 * @param steps the steps taken, empty for a checkpoint written without the counter (before it was
 *              kept, or by modelc-spark): a resumed run then counts them from the position
 */
public record Checkpoint(Map<String, Tensor> params, Position position, Optional<BatchOrder> order,
                         Map<String, Tensor> optimizerState, java.util.OptionalLong steps) {
    /** The prefix of every key that is not a param. */
    public static final String TRAINING = "training/";
    private static final String EPOCH = TRAINING + "epoch";
    private static final String BATCH = TRAINING + "batch";
    private static final String SEED = TRAINING + "seed";
    private static final String SHUFFLE = TRAINING + "shuffle";
    private static final String BATCH_SIZE = TRAINING + "batch_size";
    private static final String ROWS = TRAINING + "rows";
    private static final String STEP = TRAINING + "step";
    private static final String OPTIMIZER = TRAINING + "optimizer/";

    /**
     * The order of a run's batches: rows {@code rows} in batches of {@code batchSize}, shuffled
     * each epoch from {@code seed} or not. A position inside an epoch means something only
     * under the same order.
     */
    public record BatchOrder(long seed, boolean shuffle, int batchSize, int rows) {
        /** Whether the two give the same batches every epoch (the seed matters only when shuffling). */
        public boolean sameBatches(BatchOrder other) {
            return rows == other.rows && batchSize == other.batchSize && shuffle == other.shuffle && (!shuffle || seed == other.seed);
        }

        /** {@code "batches of 5 rows of 15, shuffled with seed 0"}. */
        public String describe() {
            return "batches of " + batchSize + " rows of " + rows + (shuffle ? ", shuffled with seed " + seed : ", not shuffled");
        }
    }

    /** A checkpoint that cannot be resumed from: what is wrong with it, without the file's name. */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message);
        }
    }

    /** A checkpoint without the step counter. */
    public Checkpoint(Map<String, Tensor> params, Position position, Optional<BatchOrder> order, Map<String, Tensor> optimizerState) {
        this(params, position, order, optimizerState, java.util.OptionalLong.empty());
    }

    public Checkpoint {
        java.util.Objects.requireNonNull(steps, "steps == null");
        // Insertion order is declaration order (PyTorch's parameters() order): keep it.
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        optimizerState = Collections.unmodifiableMap(new LinkedHashMap<>(optimizerState));
    }

    /** The epochs done. */
    public int epoch() {
        return position.epoch();
    }

    /** Whether the file had any training/ key (else it is a plain params file). */
    public boolean isPlainParams() {
        return order.isEmpty() && position.equals(Position.START) && optimizerState.isEmpty();
    }

    /** Writes params, position, batch order and the optimizer's state (none for update rules) atomically, without the step counter. */
    public static void save(Path file, Map<String, Tensor> params, Position position, BatchOrder order, Optimizer optimizer)
            throws IOException {
        save(file, params, position, order, optimizer, java.util.OptionalLong.empty());
    }

    /**
     * Writes params, position, batch order, the steps taken ({@code steps}: what a resumed run keys
     * its next step's draws by) and the optimizer's state (none for update rules) atomically.
     */
    public static void save(Path file, Map<String, Tensor> params, Position position, BatchOrder order, Optimizer optimizer,
                            long steps) throws IOException {
        if (steps < 0) throw new IllegalArgumentException("steps taken must not be negative, found " + steps);
        save(file, params, position, order, optimizer, java.util.OptionalLong.of(steps));
    }

    private static void save(Path file, Map<String, Tensor> params, Position position, BatchOrder order, Optimizer optimizer,
                             java.util.OptionalLong steps) throws IOException {
        Map<String, Tensor> all = new LinkedHashMap<>(params);
        all.put(EPOCH, Tensor.scalar(DType.I32, position.epoch()));
        all.put(BATCH, Tensor.scalar(DType.I32, position.batch()));
        all.put(SEED, Tensor.of(new int[] {(int) (order.seed() >>> 32), (int) order.seed()}, 2));
        all.put(SHUFFLE, Tensor.scalar(DType.BOOL, order.shuffle() ? 1 : 0));
        all.put(BATCH_SIZE, Tensor.scalar(DType.I32, order.batchSize()));
        all.put(ROWS, Tensor.scalar(DType.I32, order.rows()));
        if (steps.isPresent()) all.put(STEP, words(steps.getAsLong()));
        if (optimizer != null) optimizer.stateDict().forEach((k, v) -> all.put(OPTIMIZER + k, v));
        Npz.write(file, all);
    }

    /**
     * Reads a checkpoint; a plain params file (no training keys) reads as epoch 0 with no
     * optimizer state. The training keys are checked here (each known, of its kind, in range);
     * the params and the optimizer state are checked against a model by whoever resumes.
     */
    public static Checkpoint read(Path file) throws IOException, Invalid {
        Map<String, Tensor> params = new LinkedHashMap<>(), state = new LinkedHashMap<>(), training = new LinkedHashMap<>();
        for (var e : Npz.read(file).entrySet()) {
            String k = e.getKey();
            if (k.startsWith(OPTIMIZER)) state.put(k.substring(OPTIMIZER.length()), e.getValue());
            else if (k.startsWith(TRAINING)) training.put(k, e.getValue());
            else params.put(k, e.getValue());
        }
        for (String k : training.keySet()) {
            if (!Arrays.asList(EPOCH, BATCH, SEED, SHUFFLE, BATCH_SIZE, ROWS, STEP).contains(k)) {
                throw new Invalid("unknown key '" + k + "'; a checkpoint's training keys are " + EPOCH + ", " + BATCH + ", " + SEED
                        + ", " + SHUFFLE + ", " + BATCH_SIZE + ", " + ROWS + ", " + STEP + " and " + OPTIMIZER + "...");
            }
        }
        if (training.isEmpty() && state.isEmpty()) return new Checkpoint(params, Position.START, Optional.empty(), state);
        if (!training.containsKey(EPOCH)) throw new Invalid("it has training keys but no " + EPOCH);
        int epoch = count(training, EPOCH, 0);
        int batch = training.containsKey(BATCH) ? count(training, BATCH, 0) : 0;
        Optional<BatchOrder> order = Optional.empty();
        boolean anyOrder = training.containsKey(SEED) || training.containsKey(SHUFFLE) || training.containsKey(BATCH_SIZE)
                || training.containsKey(ROWS);
        if (anyOrder) {
            for (String k : new String[] {SEED, SHUFFLE, BATCH_SIZE, ROWS}) {
                if (!training.containsKey(k)) throw new Invalid("it has some of the batch order's keys but not " + k);
            }
            Tensor seed = training.get(SEED);
            if (seed.dtype() != DType.I32 || seed.rank() != 1 || seed.size(0) != 2) {
                throw new Invalid(SEED + " is " + typeOf(seed) + "; expected i32[2] (the seed's high and low words)");
            }
            long s = ((long) seed.getDouble(0) << 32) | ((long) seed.getDouble(1) & 0xffffffffL);
            Tensor shuffle = training.get(SHUFFLE);
            if (shuffle.dtype() != DType.BOOL || shuffle.rank() != 0) throw new Invalid(SHUFFLE + " is " + typeOf(shuffle) + "; expected bool[]");
            order = Optional.of(new BatchOrder(s, shuffle.item() != 0, count(training, BATCH_SIZE, 1), count(training, ROWS, 1)));
        }
        if (batch > 0 && order.isEmpty()) {
            throw new Invalid(BATCH + " is " + batch + " (inside an epoch) but the batch order is missing, so the rest of the epoch is unknown");
        }
        if (order.isPresent() && batch > 0) {
            BatchOrder o = order.get();
            int batches = (int) ((o.rows() + (long) o.batchSize() - 1) / o.batchSize());
            if (batch >= batches) {
                throw new Invalid(BATCH + " is " + batch + " but an epoch of " + o.rows() + " rows in batches of " + o.batchSize()
                        + " has " + batches + (batches == 1 ? " batch" : " batches") + "; the batches done of an epoch are fewer");
            }
        }
        java.util.OptionalLong steps = java.util.OptionalLong.empty();
        if (training.containsKey(STEP)) {
            Tensor t = training.get(STEP);
            if (t.dtype() != DType.I32 || t.rank() != 1 || t.size(0) != 2) {
                throw new Invalid(STEP + " is " + typeOf(t) + "; expected i32[2] (the steps taken, high and low words)");
            }
            long s = fromWords(t);
            if (s < 0) throw new Invalid(STEP + " is " + s + "; the steps taken are not negative");
            steps = java.util.OptionalLong.of(s);
        }
        return new Checkpoint(params, new Position(epoch, batch), order, state, steps);
    }

    /** A long as i32[2], high word first (npz readers everywhere have i32). */
    private static Tensor words(long v) {
        return Tensor.of(new int[] {(int) (v >>> 32), (int) v}, 2);
    }

    private static long fromWords(Tensor t) {
        return ((long) t.getDouble(0) << 32) | ((long) t.getDouble(1) & 0xffffffffL);
    }

    /** A count stored under {@code key}: a scalar holding a whole number of at least {@code min}. */
    private static int count(Map<String, Tensor> training, String key, int min) throws Invalid {
        Tensor t = training.get(key);
        if (t.rank() != 0 || t.dtype() == DType.BOOL) throw new Invalid(key + " is " + typeOf(t) + "; expected a whole number, i32[]");
        double v = t.item();
        if (!(v == Math.rint(v) && v >= min && v <= Integer.MAX_VALUE)) {
            throw new Invalid(key + " is " + number(v) + "; expected a whole number from " + min + " to " + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    private static String typeOf(Tensor t) {
        return t.dtype().spelling() + Arrays.toString(t.shape());
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
