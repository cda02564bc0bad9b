package dev.modelc.runtime.train;

import dev.modelc.runtime.AtomicFiles;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.DataLoader;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.Mode;
import dev.modelc.runtime.model.ResidentTraining;
import dev.modelc.runtime.model.StepKey;
import dev.modelc.runtime.model.TrainConfig;
import dev.modelc.runtime.optim.Adam;
import dev.modelc.runtime.optim.GradClip;
import dev.modelc.runtime.optim.Optimizer;
import dev.modelc.runtime.optim.ParamBuffers;
import dev.modelc.runtime.optim.Sgd;
import dev.modelc.runtime.plan.LentGradients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.BooleanSupplier;

/**
 * The training loop: epochs of batches from a {@link DataLoader}, each batch stepped by an
 * optimizer (on the loss's gradients) or by the model's own update rules, with a checkpoint of
 * the params after every epoch (written before the epoch's loss is evaluated), a clean stop on
 * request (Ctrl-C) that checkpoints the exact position inside the epoch, and a stop at the first
 * NaN or infinity in a loss or a param unless asked to go on. The draws of each step
 * ({@code dropout}, {@code rand_like}, ...) are keyed by the options' seed and the step's number,
 * {@code epoch * batchesPerEpoch + batch} (a function of the {@link Position} a checkpoint holds),
 * so a run resumed from a checkpoint draws exactly what the uninterrupted run drew.
 */
public final class Trainer {

    /**
     * How to train: {@code epochs} more epochs from {@code start} (a resumed run first finishes
     * the epoch {@code start} is inside, counted as the first of the {@code epochs}; the shuffle
     * order depends only on the seed and the epoch's index); {@code optimizer} null means the
     * model's update rules; {@code checkpoint} null means no checkpoints; {@code allowNonFinite}
     * goes on past NaN and infinities (in the data, a loss or a param); {@code lossAggregate}
     * says how the epoch's loss over all rows follows from its values on batches; {@code schedule}
     * (null for none) sets the optimizer's learning rate at the start of each epoch from its rate
     * when the run starts and the epoch's index (so a resumed run continues the schedule);
     * {@code clipGradNorm} (empty for none) scales the gradients of each step as
     * {@link GradClip#byTotalNorm} does, before the optimizer sees them; {@code stepsDone} (empty:
     * as many as {@code start} holds, {@code epoch * batches + batch}) numbers the run's first step,
     * the number its draws are keyed by, so a resumed run continues the sequence of the run it resumes;
     * {@code evaluator} (null for none) is what the run's last epoch's end evaluates on the training
     * data: the loss over all rows and, in the same pass, the scalar outputs the result reports
     * ({@link Result#outputs}), the loss combined over batches as the evaluator's own aggregate says
     * (the same bits as {@link #loss} gives); other epochs, and every epoch without one, evaluate
     * the loss alone ({@link #loss}, with {@code lossAggregate}).
     */
    public record Options(int epochs, int batchSize, boolean shuffle, long seed, Optimizer optimizer, Path checkpoint,
                          Position start, boolean allowNonFinite, RowAggregate lossAggregate, TrainConfig.Schedule schedule,
                          OptionalDouble clipGradNorm, java.util.OptionalLong stepsDone, Evaluator evaluator) {
        public Options {
            Objects.requireNonNull(stepsDone, "stepsDone == null");
            if (stepsDone.isPresent() && stepsDone.getAsLong() < 0) {
                throw new IllegalArgumentException("steps done must not be negative, found " + stepsDone.getAsLong());
            }
            Objects.requireNonNull(clipGradNorm, "clipGradNorm == null");
            if (clipGradNorm.isPresent() && !(clipGradNorm.getAsDouble() > 0)) {
                throw new IllegalArgumentException("clip_grad_norm must be positive, found " + clipGradNorm.getAsDouble());
            }
            if (epochs < 0) throw new IllegalArgumentException("epochs must not be negative, found " + epochs);
            if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, found " + batchSize);
            Objects.requireNonNull(start, "start == null");
            Objects.requireNonNull(lossAggregate, "lossAggregate == null");
            if ((long) start.epoch() + epochs > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(epochs + " epochs after epoch " + start.epoch() + " are more than an int counts");
            }
        }

        /** A run whose epochs' ends evaluate the loss alone. */
        public Options(int epochs, int batchSize, boolean shuffle, long seed, Optimizer optimizer, Path checkpoint,
                       Position start, boolean allowNonFinite, RowAggregate lossAggregate, TrainConfig.Schedule schedule,
                       OptionalDouble clipGradNorm, java.util.OptionalLong stepsDone) {
            this(epochs, batchSize, shuffle, seed, optimizer, checkpoint, start, allowNonFinite, lossAggregate, schedule, clipGradNorm,
                    stepsDone, null);
        }

        /** A fresh run. */
        public Options(int epochs, int batchSize, boolean shuffle, long seed, Optimizer optimizer, Path checkpoint) {
            this(epochs, batchSize, shuffle, seed, optimizer, checkpoint, Position.START, false, RowAggregate.MEAN);
        }

        /** A run whose steps are counted from its start position. */
        public Options(int epochs, int batchSize, boolean shuffle, long seed, Optimizer optimizer, Path checkpoint,
                       Position start, boolean allowNonFinite, RowAggregate lossAggregate, TrainConfig.Schedule schedule,
                       OptionalDouble clipGradNorm) {
            this(epochs, batchSize, shuffle, seed, optimizer, checkpoint, start, allowNonFinite, lossAggregate, schedule, clipGradNorm,
                    java.util.OptionalLong.empty());
        }

        /** A run with a constant learning rate and no clipping. */
        public Options(int epochs, int batchSize, boolean shuffle, long seed, Optimizer optimizer, Path checkpoint,
                       Position start, boolean allowNonFinite, RowAggregate lossAggregate) {
            this(epochs, batchSize, shuffle, seed, optimizer, checkpoint, start, allowNonFinite, lossAggregate, null,
                    OptionalDouble.empty());
        }

        /** A run resumed after {@code startEpoch} whole epochs. */
        public Options(int epochs, int batchSize, boolean shuffle, long seed, Optimizer optimizer, Path checkpoint,
                       int startEpoch) {
            this(epochs, batchSize, shuffle, seed, optimizer, checkpoint, new Position(startEpoch, 0), false, RowAggregate.MEAN);
        }

        /** These options, starting at {@code position} (such as a checkpoint's). */
        public Options from(Position position) {
            return new Options(epochs, batchSize, shuffle, seed, optimizer, checkpoint, position, allowNonFinite, lossAggregate, schedule,
                    clipGradNorm, stepsDone, evaluator);
        }

        /** These options, for {@code count} epochs. */
        public Options withEpochs(int count) {
            return new Options(count, batchSize, shuffle, seed, optimizer, checkpoint, start, allowNonFinite, lossAggregate, schedule,
                    clipGradNorm, stepsDone, evaluator);
        }

        /** These options, going on past non-finite values or not. */
        public Options allowingNonFinite(boolean allow) {
            return new Options(epochs, batchSize, shuffle, seed, optimizer, checkpoint, start, allow, lossAggregate, schedule,
                    clipGradNorm, stepsDone, evaluator);
        }

        /** These options, with the learning rate of each epoch set by {@code s} (null: constant). */
        public Options scheduled(TrainConfig.Schedule s) {
            return new Options(epochs, batchSize, shuffle, seed, optimizer, checkpoint, start, allowNonFinite, lossAggregate, s,
                    clipGradNorm, stepsDone, evaluator);
        }

        /** These options, with each step's gradients clipped to a total 2-norm of {@code maxNorm} (empty: not clipped). */
        public Options clippingGradNorm(OptionalDouble maxNorm) {
            return new Options(epochs, batchSize, shuffle, seed, optimizer, checkpoint, start, allowNonFinite, lossAggregate,
                    schedule, maxNorm, stepsDone, evaluator);
        }

        /** These options, with the epoch loss combined from batches as {@code how}. */
        public Options lossCombinedBy(RowAggregate how) {
            return new Options(epochs, batchSize, shuffle, seed, optimizer, checkpoint, start, allowNonFinite, how, schedule,
                    clipGradNorm, stepsDone, evaluator);
        }

        /**
         * These options, with the run's first step numbered {@code steps} (a checkpoint's steps
         * taken; empty: counted from the start position).
         */
        public Options afterSteps(java.util.OptionalLong steps) {
            return new Options(epochs, batchSize, shuffle, seed, optimizer, checkpoint, start, allowNonFinite, lossAggregate, schedule,
                    clipGradNorm, steps, evaluator);
        }

        /**
         * These options, with the last epoch's end evaluating {@code e} on the training data (the
         * loss and, in the same pass, scalar outputs; null: the loss alone).
         */
        public Options evaluatingWith(Evaluator e) {
            return new Options(epochs, batchSize, shuffle, seed, optimizer, checkpoint, start, allowNonFinite, lossAggregate, schedule,
                    clipGradNorm, stepsDone, e);
        }
    }

    /** How a run ended. */
    public sealed interface Ending {
        /** Every epoch asked for was done. */
        record Completed() implements Ending {
        }

        /** Stopped on request after a batch. */
        record Stopped() implements Ending {
        }

        /**
         * A loss or a param became NaN or infinite: on batch {@code batch} (1-based) of epoch
         * {@code epoch} (1-based, counted in this run), or, with {@code batch} 0, in the loss
         * over all rows after that epoch. {@code param} names the param the step made
         * non-finite (null when it was the loss), {@code detail} says where and what;
         * {@code beforeAnyStep}: the params were the run's first ones, so no step (and no
         * learning rate) made the value non-finite: the model gives it on that data.
         */
        record Diverged(int epoch, int batch, double loss, String param, String detail, boolean beforeAnyStep)
                implements Ending {
            /** {@code "the loss of batch 2 of epoch 3 is nan"}, or what else went non-finite, where. */
            public String describe() {
                if (param != null) {
                    return "the step on batch " + batch + " of epoch " + epoch + " made param '" + param + "' " + detail
                            + " (the batch's loss was " + NonFinite.spell(loss) + ")";
                }
                if (batch == 0) return "the loss over all rows after epoch " + epoch + " is " + NonFinite.spell(loss);
                return "the loss of batch " + batch + " of epoch " + epoch + " is " + NonFinite.spell(loss);
            }
        }
    }

    /**
     * How a run ended: the params (for a diverged run, the last finite ones, before the step that
     * went wrong), the loss after each completed epoch, why it ended, where it ended, the last
     * checkpoint written by this run if any, the time taken, and the scalar outputs on the training
     * data that the options' {@link Evaluator} gave with the last epoch's loss (empty without one,
     * or when the run ended before its last epoch did).
     */
    public record Result(Map<String, Tensor> params, List<Double> epochLosses, Ending ending, Position position,
                         Optional<Position> saved, Duration time, List<Evaluator.Value> outputs) {
        public Result {
            params = Collections.unmodifiableMap(new LinkedHashMap<>(params)); // keeps declaration order
            epochLosses = List.copyOf(epochLosses);
            outputs = List.copyOf(outputs);
        }

        /** A result without scalar outputs. */
        public Result(Map<String, Tensor> params, List<Double> epochLosses, Ending ending, Position position,
                      Optional<Position> saved, Duration time) {
            this(params, epochLosses, ending, position, saved, time, List.of());
        }

        /** The loss after the last completed epoch, or NaN when none completed. */
        public double finalLoss() {
            return epochLosses.isEmpty() ? Double.NaN : epochLosses.getLast();
        }

        /** Whether the run was stopped on request. */
        public boolean stopped() {
            return ending instanceof Ending.Stopped;
        }
    }

    private Trainer() {
    }

    /**
     * Trains {@code model} from {@code params} on {@code data}. {@code stop} is polled after
     * every batch; when it says so, the run ends after that batch, saving a checkpoint of the
     * params as they are and of the position in the epoch, so that resuming from it gives the
     * same params, bit for bit, as a run that was never stopped.
     *
     * <p>{@code params} and its tensors are never changed. With a built-in optimizer the run keeps
     * its params in arrays of its own and writes each step's into those of the params two steps
     * before ({@link ParamBuffers}); the params it hands out (to {@link TrainingListener#epochParams},
     * in the result) are never written after. So {@code model} must keep no param tensor from one
     * call to the next (the compiled models read params only during a call).
     *
     * @throws IllegalArgumentException for options that do not fit the model or the data, and
     *     for data holding NaN or infinities (unless {@code allowNonFinite})
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
        if (o.optimizer() == null && (o.schedule() != null || o.clipGradNorm().isPresent())) {
            throw new IllegalArgumentException("model " + model.name() + " trains by its update rules, which a schedule or "
                    + "clip_grad_norm cannot change: both act on an optimizer's steps");
        }
        // The schedule's base: the rate the optimizer has when the run starts (a resumed run's fresh optimizer has it too).
        double baseLr = o.optimizer() == null ? Double.NaN : o.optimizer().lr();
        if (!o.allowNonFinite()) checkFinite(data);
        long start = System.nanoTime();
        DataLoader loader = new DataLoader(data, o.batchSize(), o.shuffle(), false, o.seed());
        int batchCount = loader.batchCount();
        if (o.start().batch() >= Math.max(1, batchCount)) {
            throw new IllegalArgumentException("the run starts after " + o.start().describe() + ", but an epoch of " + data.size()
                    + " rows in batches of " + o.batchSize() + " has " + batchCount + " batches");
        }
        Checkpoint.BatchOrder order = new Checkpoint.BatchOrder(o.seed(), o.shuffle(), o.batchSize(), data.size());
        // In the model's declaration order (PyTorch's parameters() order), whatever the order given.
        Map<String, Tensor> current = new LinkedHashMap<>();
        for (var spec : model.params()) {
            Tensor t = params.get(spec.name());
            if (t == null) throw new IllegalArgumentException("no value for param '" + spec.name() + "'");
            current.put(spec.name(), t);
        }
        List<Double> losses = new ArrayList<>();
        List<Evaluator.Value> outputs = List.of();
        // The training step's program (training is true, the states' rules run); the epoch's loss is evaluated outside it.
        CompiledModel stepping = model.inMode(Mode.TRAINING);
        CompiledModel evaluating = model.inMode(Mode.EVALUATION);
        listener.started(o.epochs(), batchCount);
        Ending ending = new Ending.Completed();
        Position at = o.start();
        Position saved = null;
        long steps = 0;
        long firstStep = o.stepsDone().orElse((long) o.start().epoch() * batchCount + o.start().batch());
        // A device that runs the optimizer's steps keeps params and state there; clipping needs the host's gradients.
        ResidentTraining resident = o.optimizer() == null || o.clipGradNorm().isPresent() ? null
                : stepping.residentTraining(o.optimizer(), current).orElse(null);
        // The arrays the optimizer writes each step's params into: the ones of the params two steps ago, which no one
        // else holds (the caller's params and the model's states are never written; see ParamBuffers).
        ParamBuffers buffers = new ParamBuffers();
        boolean lendable = o.optimizer() instanceof Sgd || o.optimizer() instanceof Adam;
        run:
        for (int epoch = 0; epoch < o.epochs(); epoch++) {
            int epochIndex = o.start().epoch() + epoch;
            if (o.schedule() != null) o.optimizer().setLr(o.schedule().lr(baseLr, epochIndex));
            List<Map<String, Tensor>> batches = loader.epoch(epochIndex);
            for (int b = epoch == 0 ? o.start().batch() : 0; b < batches.size(); b++) {
                Map<String, Tensor> batch = batches.get(b);
                // The steps are counted across runs (a checkpoint holds the count), so a resumed run draws what an
                // uninterrupted one would, and one resumed with other batches never draws a step's numbers twice.
                StepKey key = new StepKey(o.seed(), firstStep + steps);
                double loss;
                Map<String, Tensor> next;
                if (resident != null) {
                    loss = resident.step(batch, key);
                    if (!o.allowNonFinite() && !Double.isFinite(loss)) {
                        ending = new Ending.Diverged(epoch + 1, b + 1, loss, null, null, steps == 0);
                        break run;
                    }
                    String bad = o.allowNonFinite() ? null : resident.nonFinite();
                    if (bad != null) {
                        ending = diverged(epoch + 1, b + 1, loss, bad, resident.pending(bad));
                        break run;
                    }
                    resident.commit();
                    // The params stay on the device; current is brought up to date when it is read.
                    next = current;
                } else if (o.optimizer() == null) {
                    CompiledModel.Step step = stepping.updateStep(current, batch, key);
                    loss = step.loss() == null ? Double.NaN : step.loss().item();
                    if (!o.allowNonFinite() && step.loss() != null && !Double.isFinite(loss)) {
                        ending = new Ending.Diverged(epoch + 1, b + 1, loss, null, null, steps == 0);
                        break run;
                    }
                    next = step.params();
                } else {
                    Map<String, Tensor> stepParams = current;
                    // The runtime's optimizers read the gradients and keep nothing of them: the plan lends its slots.
                    CompiledModel.Gradients g = lendable
                            ? LentGradients.during(() -> stepping.lossAndGradients(stepParams, batch, key))
                            : stepping.lossAndGradients(current, batch, key);
                    loss = g.loss().item();
                    // Checked before the step, so that the optimizer's state is never fed a NaN.
                    if (!o.allowNonFinite() && !Double.isFinite(loss)) {
                        ending = new Ending.Diverged(epoch + 1, b + 1, loss, null, null, steps == 0);
                        break run;
                    }
                    Map<String, Tensor> grads = o.clipGradNorm().isPresent()
                            ? GradClip.byTotalNorm(g.gradients(), o.clipGradNorm().getAsDouble()) : g.gradients();
                    // The optimizer sees the params' gradients only; the states take their rules' values.
                    next = new LinkedHashMap<>(o.optimizer().step(current, grads, buffers));
                    next.putAll(g.states());
                }
                if (!o.allowNonFinite() && resident == null) {
                    String bad = firstNonFinite(next, buffers);
                    if (bad != null) {
                        ending = diverged(epoch + 1, b + 1, loss, bad, next.get(bad));
                        break run;
                    }
                }
                buffers.accept(next);
                current = new LinkedHashMap<>(next);
                steps++;
                at = b + 1 == batches.size() ? new Position(epochIndex + 1, 0) : new Position(epochIndex, b + 1);
                listener.batch(epoch + 1, b + 1, loss);
                if (stop.getAsBoolean()) {
                    ending = new Ending.Stopped();
                    break run;
                }
            }
            at = new Position(epochIndex + 1, 0);
            if (resident != null) current = new LinkedHashMap<>(resident.params());
            // The checkpoint comes first: evaluating can fail (memory) or take long, and must not lose the epoch.
            if (save(o, current, at, order, firstStep + steps, listener)) saved = at;
            double epochLoss;
            if (!model.hasLoss()) {
                epochLoss = Double.NaN;
            } else if (o.evaluator() != null && epoch + 1 == o.epochs()) {
                // The run's last epoch: the loss and the scalar outputs for the result in one pass. Earlier
                // epochs evaluate the loss alone (the same bits): their scalars would be computed for nothing.
                Evaluator.Evaluated e = o.evaluator().evaluate(current, data, o.batchSize());
                epochLoss = e.loss();
                outputs = e.outputs();
            } else {
                epochLoss = loss(evaluating, current, data, o.batchSize(), o.lossAggregate());
            }
            losses.add(epochLoss);
            listener.epochParams(epoch + 1, Collections.unmodifiableMap(current));
            // The listener may keep them (a best-params file, say): their arrays are never written again.
            buffers.handedOut();
            listener.epoch(epoch + 1, o.epochs(), epochLoss);
            if (model.hasLoss() && !o.allowNonFinite() && !Double.isFinite(epochLoss)) {
                ending = new Ending.Diverged(epoch + 1, 0, epochLoss, null, null, false);
                break;
            }
        }
        // The last params kept (before a step that diverged), and the optimizer's state with them. (A run that
        // throws leaves the device's scratch to the model, which gives it back when the next run starts.)
        if (resident != null) {
            current = new LinkedHashMap<>(resident.params());
            resident.close();
        }
        // A stop keeps the params as they are, and where in the epoch they are.
        if (ending instanceof Ending.Stopped && !at.equals(saved) && save(o, current, at, order, firstStep + steps, listener)) saved = at;
        return new Result(current, losses, ending, at, Optional.ofNullable(saved), Duration.ofNanos(System.nanoTime() - start), outputs);
    }

    /**
     * The name of the first of the step's params (in map order) holding a NaN or infinity, or null:
     * {@link NonFinite#firstName}, without reading again the params the optimizer found finite as it
     * wrote them.
     */
    private static String firstNonFinite(Map<String, Tensor> next, ParamBuffers buffers) {
        for (var e : next.entrySet()) if (!buffers.knownFinite(e.getValue()) && NonFinite.first(e.getValue()) >= 0) return e.getKey();
        return null;
    }

    /** The step on batch {@code batch} of epoch {@code epoch} made param {@code name} (now {@code t}) non-finite. */
    private static Ending.Diverged diverged(int epoch, int batch, double loss, String name, Tensor t) {
        int i = NonFinite.first(t);
        String detail = NonFinite.spell(t.getDouble(i)) + (t.rank() == 0 ? "" : " at " + NonFinite.index(t.shape(), i));
        return new Ending.Diverged(epoch, batch, loss, name, detail, false);
    }

    /**
     * The loss over all rows of {@code data}, evaluated {@code batchSize} rows at a time in order
     * (so memory is bounded by the batch, not the data) and combined as {@code how} says.
     */
    public static double loss(CompiledModel model, Map<String, Tensor> params, TensorDataset data, int batchSize,
                              RowAggregate how) {
        int n = data.size();
        if (n <= batchSize) return model.loss(params, data.columns()).item();
        RowAggregate.Accumulator acc = how.accumulator();
        for (int from = 0; from < n; from += batchSize) {
            int to = (int) Math.min(n, (long) from + batchSize);
            acc.add(model.loss(params, data.slice(from, to)).item(), to - from);
        }
        return acc.value();
    }

    /** Refuses data holding NaN or infinities, naming the tensor, the row and the index. */
    static void checkFinite(TensorDataset data) {
        for (var e : data.columns().entrySet()) {
            Tensor t = e.getValue();
            int i = NonFinite.first(t);
            if (i < 0) continue;
            int perRow = t.size(0) == 0 ? 1 : t.numel() / t.size(0);
            throw new IllegalArgumentException("data '" + e.getKey() + "' has " + NonFinite.spell(t.getDouble(i)) + " in row "
                    + i / perRow + " (at " + NonFinite.index(t.shape(), i) + "); training needs finite data");
        }
    }

    /** Writes a {@link Checkpoint}, atomically: a crash leaves the old checkpoint or the new one. Whether one was written. */
    private static boolean save(Options o, Map<String, Tensor> params, Position at, Checkpoint.BatchOrder order, long steps,
                                TrainingListener listener) {
        if (o.checkpoint() == null) return false;
        try {
            Checkpoint.save(o.checkpoint(), params, at, order, o.optimizer(), steps);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + o.checkpoint() + ": "
                    + (e instanceof AtomicFiles.WriteFailure w ? w.detail() : e.getMessage()), e);
        }
        listener.saved(o.checkpoint());
        return true;
    }
}
