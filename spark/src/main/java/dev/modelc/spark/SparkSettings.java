package dev.modelc.spark;

import dev.modelc.runtime.model.TrainConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * How to train on Spark: each setting left null takes the model's train block's value (else its
 * default), as {@code modelc train}'s flags do. {@code columns}: an input's DataFrame columns
 * (an input not named reads the column of its own name); {@code checkpoint}: where to write an
 * {@code .npz} checkpoint after every epoch and on a stop (the local trainer's format);
 * {@code resume}: a checkpoint to go on from; {@code treeDepth}: the depth of Spark's
 * {@code treeAggregate} (2, Spark's default, sums partitions' parts in a layer of executors first
 * when there are many); {@code allowNonFinite}: go on past NaN and infinities.
 */
public record SparkSettings(Map<String, List<String>> columns, Integer epochs, Integer batch, Boolean shuffle, Long seed,
                            TrainConfig.Optimizer optimizer, Double lr, TrainConfig.Schedule schedule, OptionalDouble clipGradNorm,
                            Path checkpoint, Path resume, int treeDepth, boolean allowNonFinite) {

    /** Everything from the train block; inputs read the columns of their names. */
    public static final SparkSettings DEFAULTS = new SparkSettings(Map.of(), null, null, null, null, null, null, null, null, null,
            null, 2, false);

    public SparkSettings {
        columns = Map.copyOf(columns);
        if (epochs != null && epochs < 0) throw new IllegalArgumentException("epochs must not be negative, found " + epochs);
        if (batch != null && batch < 1) throw new IllegalArgumentException("batch must be at least 1, found " + batch);
        if (lr != null && !(lr > 0 && Double.isFinite(lr))) throw new IllegalArgumentException("lr must be positive, found " + lr);
        if (clipGradNorm != null && clipGradNorm.isPresent() && !(clipGradNorm.getAsDouble() > 0)) {
            throw new IllegalArgumentException("clip_grad_norm must be positive, found " + clipGradNorm.getAsDouble());
        }
        if (treeDepth < 1) throw new IllegalArgumentException("tree depth must be at least 1, found " + treeDepth);
    }

    /** Input {@code input} reads {@code names}: one numeric column per value of a row, in order, or one array column. */
    public SparkSettings columns(String input, List<String> names) {
        Objects.requireNonNull(input, "input == null");
        Map<String, List<String>> m = new LinkedHashMap<>(columns);
        m.put(input, List.copyOf(names));
        return new SparkSettings(m, epochs, batch, shuffle, seed, optimizer, lr, schedule, clipGradNorm, checkpoint, resume, treeDepth,
                allowNonFinite);
    }

    public SparkSettings epochs(int e) {
        return new SparkSettings(columns, e, batch, shuffle, seed, optimizer, lr, schedule, clipGradNorm, checkpoint, resume, treeDepth,
                allowNonFinite);
    }

    public SparkSettings batch(int b) {
        return new SparkSettings(columns, epochs, b, shuffle, seed, optimizer, lr, schedule, clipGradNorm, checkpoint, resume, treeDepth,
                allowNonFinite);
    }

    public SparkSettings shuffle(boolean s) {
        return new SparkSettings(columns, epochs, batch, s, seed, optimizer, lr, schedule, clipGradNorm, checkpoint, resume, treeDepth,
                allowNonFinite);
    }

    public SparkSettings seed(long s) {
        return new SparkSettings(columns, epochs, batch, shuffle, s, optimizer, lr, schedule, clipGradNorm, checkpoint, resume, treeDepth,
                allowNonFinite);
    }

    /** The optimizer with all its settings (instead of the train block's). */
    public SparkSettings optimizer(TrainConfig.Optimizer o) {
        return new SparkSettings(columns, epochs, batch, shuffle, seed, o, lr, schedule, clipGradNorm, checkpoint, resume, treeDepth,
                allowNonFinite);
    }

    /** The optimizer's learning rate (the train block's optimizer, or the one set). */
    public SparkSettings lr(double rate) {
        return new SparkSettings(columns, epochs, batch, shuffle, seed, optimizer, rate, schedule, clipGradNorm, checkpoint, resume,
                treeDepth, allowNonFinite);
    }

    /** The learning rate schedule, per epoch. */
    public SparkSettings schedule(TrainConfig.Schedule s) {
        return new SparkSettings(columns, epochs, batch, shuffle, seed, optimizer, lr, s, clipGradNorm, checkpoint, resume, treeDepth,
                allowNonFinite);
    }

    /** Clip each step's gradients to this total 2-norm (empty: never, whatever the train block says). */
    public SparkSettings clipGradNorm(OptionalDouble c) {
        return new SparkSettings(columns, epochs, batch, shuffle, seed, optimizer, lr, schedule, c, checkpoint, resume, treeDepth,
                allowNonFinite);
    }

    public SparkSettings checkpoint(Path file) {
        return new SparkSettings(columns, epochs, batch, shuffle, seed, optimizer, lr, schedule, clipGradNorm, file, resume, treeDepth,
                allowNonFinite);
    }

    public SparkSettings resume(Path file) {
        return new SparkSettings(columns, epochs, batch, shuffle, seed, optimizer, lr, schedule, clipGradNorm, checkpoint, file, treeDepth,
                allowNonFinite);
    }

    public SparkSettings treeDepth(int depth) {
        return new SparkSettings(columns, epochs, batch, shuffle, seed, optimizer, lr, schedule, clipGradNorm, checkpoint, resume, depth,
                allowNonFinite);
    }

    public SparkSettings allowNonFinite(boolean allow) {
        return new SparkSettings(columns, epochs, batch, shuffle, seed, optimizer, lr, schedule, clipGradNorm, checkpoint, resume,
                treeDepth, allow);
    }
}
