package dev.modelc.runtime.train;

import dev.modelc.runtime.AtomicFiles;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.DataLoader;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.optim.Optimizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The training loop: epochs of batches from a {@link DataLoader}, each batch stepped by an
 * optimizer (on the loss's gradients) or by the model's own update rules, with a checkpoint of
 * the params after every epoch and a clean stop on request (Ctrl-C) that keeps the last one.
 */
public final class Trainer {

    /**
     * How to train: {@code epochs} more epochs after {@code startEpoch} already done (a resumed
     * run continues the shuffle order); {@code optimizer} null means the model's update rules;
     * {@code checkpoint} null means no checkpoints.
     */
    public record Options(int epochs, int batchSize, boolean shuffle, long seed, Optimizer optimizer, Path checkpoint,
                          int startEpoch) {
        public Options {
            if (epochs < 0) throw new IllegalArgumentException("epochs must not be negative, found " + epochs);
            if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, found " + batchSize);
            if (startEpoch < 0) throw new IllegalArgumentException("start epoch must not be negative, found " + startEpoch);
        }

        /** A fresh run. */
        public Options(int epochs, int batchSize, boolean shuffle, long seed, Optimizer optimizer, Path checkpoint) {
            this(epochs, batchSize, shuffle, seed, optimizer, checkpoint, 0);
        }
    }

    /** How a run ended: the params, the loss after each completed epoch, and whether it was stopped early. */
    public record Result(Map<String, Tensor> params, List<Double> epochLosses, boolean stopped, Duration time) {
        public Result {
            params = Collections.unmodifiableMap(new LinkedHashMap<>(params)); // keeps declaration order
            epochLosses = List.copyOf(epochLosses);
        }

        /** The loss after the last completed epoch, or NaN when none completed. */
        public double finalLoss() {
            return epochLosses.isEmpty() ? Double.NaN : epochLosses.getLast();
        }
    }

    private Trainer() {
    }

    /**
     * Trains {@code model} from {@code params} on {@code data}. {@code stop} is polled after
     * every batch; when it says so, the run ends after that batch, saving a checkpoint of the
     * params as they are.
     */
    public static Result fit(CompiledModel model, Map<String, Tensor> params, TensorDataset data, Options o,
                             TrainingListener listener, BooleanSupplier stop) {
        Objects.requireNonNull(listener, "listener == null");
        if (o.optimizer() == null && !model.hasUpdateRules()) {
            throw new IllegalArgumentException("model " + model.name() + " has no update rules, so it needs an optimizer");
        }
        if (o.optimizer() != null && !model.hasLoss()) {
            throw new IllegalArgumentException("model " + model.name() + " has no loss to optimize");
        }
        long start = System.nanoTime();
        DataLoader loader = new DataLoader(data, o.batchSize(), o.shuffle(), false, o.seed());
        // In the model's declaration order (PyTorch's parameters() order), whatever the order given.
        Map<String, Tensor> current = new LinkedHashMap<>();
        for (var spec : model.params()) {
            Tensor t = params.get(spec.name());
            if (t == null) throw new IllegalArgumentException("no value for param '" + spec.name() + "'");
            current.put(spec.name(), t);
        }
        List<Double> losses = new java.util.ArrayList<>();
        listener.started(o.epochs(), loader.batchCount());
        boolean stopped = false;
        for (int epoch = 0; epoch < o.epochs() && !stopped; epoch++) {
            List<Map<String, Tensor>> batches = loader.epoch(o.startEpoch() + epoch);
            for (int b = 0; b < batches.size(); b++) {
                Map<String, Tensor> batch = batches.get(b);
                double loss;
                if (o.optimizer() == null) {
                    CompiledModel.Step step = model.updateStep(current, batch);
                    loss = step.loss() == null ? Double.NaN : step.loss().item();
                    current = new LinkedHashMap<>(step.params());
                } else {
                    CompiledModel.Gradients g = model.lossAndGradients(current, batch);
                    loss = g.loss().item();
                    current = new LinkedHashMap<>(o.optimizer().step(current, g.gradients()));
                }
                listener.batch(epoch + 1, b + 1, loss);
                if (stop.getAsBoolean()) {
                    stopped = true;
                    break;
                }
            }
            if (stopped) break;
            double epochLoss = model.hasLoss() ? model.loss(current, data.columns()).item() : Double.NaN;
            losses.add(epochLoss);
            listener.epoch(epoch + 1, o.epochs(), epochLoss);
            save(o, current, o.startEpoch() + epoch + 1, listener);
        }
        // A stop mid-epoch saves the params as they are; the epoch count stays at the last whole one.
        if (stopped) save(o, current, o.startEpoch() + losses.size(), listener);
        return new Result(current, losses, stopped, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Writes a {@link Checkpoint}, atomically: a crash leaves the old checkpoint or the new one. */
    private static void save(Options o, Map<String, Tensor> params, int epoch, TrainingListener listener) {
        if (o.checkpoint() == null) return;
        try {
            Checkpoint.save(o.checkpoint(), params, epoch, o.optimizer());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + o.checkpoint() + ": "
                    + (e instanceof AtomicFiles.WriteFailure w ? w.detail() : e.getMessage()), e);
        }
        listener.saved(o.checkpoint());
    }
}
