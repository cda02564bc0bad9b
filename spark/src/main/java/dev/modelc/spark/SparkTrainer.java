package dev.modelc.spark;

import dev.modelc.api.Driver;
import dev.modelc.runtime.AtomicFiles;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.TensorSpec;
import dev.modelc.runtime.model.TrainConfig;
import dev.modelc.runtime.optim.GradClip;
import dev.modelc.runtime.optim.Optimizer;
import dev.modelc.runtime.train.Checkpoint;
import dev.modelc.runtime.train.NonFinite;
import dev.modelc.runtime.train.Position;
import dev.modelc.runtime.train.RowAggregate;
import dev.modelc.runtime.train.Trainer;
import dev.modelc.runtime.train.TrainingListener;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.BooleanSupplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Synchronous data-parallel training on Spark. Each step the driver broadcasts the params; every
 * partition runs the compiled model's loss-and-gradient entry point on its rows of the global
 * batch; {@code treeAggregate} sums the parts, each weighted by its share of the batch's rows, to
 * the global batch's loss and gradients; the driver clips them and steps the optimizer. The
 * batches, optimizers, schedules, clipping, checks for NaN and checkpoints are the local
 * trainer's ({@link Trainer}): the same settings give the same params up to the order of
 * summation across partitions (on one partition, the same bits).
 */
public final class SparkTrainer {
    private SparkTrainer() {
    }

    /** Trains {@code model} on the rows of {@code data} (in the DataFrame's order) as {@code settings} say. */
    public static Trainer.Result fit(SparkModel model, Dataset<Row> data, SparkSettings settings) {
        return fit(model, data, settings, TrainingListener.NONE, () -> false);
    }

    /**
     * Trains as {@link #fit(SparkModel, Dataset, SparkSettings)}, telling {@code listener} of each
     * step and epoch; {@code stop} is polled after every step and ends the run there, with a
     * checkpoint of the position inside the epoch, as the local trainer's stop does.
     *
     * @throws SparkTrainingException before any job for a model without a loss or trained by its
     *     update rules, a loss that is not a sum or a mean over rows, inputs the schema cannot give;
     *     before the first step for nulls, arrays of the wrong size and (unless allowed) NaN or
     *     infinities in the data, and for a checkpoint to resume from that does not fit
     */
    public static Trainer.Result fit(SparkModel model, Dataset<Row> data, SparkSettings settings, TrainingListener listener,
                                     BooleanSupplier stop) {
        long started = System.nanoTime();
        try (Run r = prepare(model, data, settings, listener, stop)) {
            return loop(r, started);
        }
    }

    /** Everything before the first step: the checks, the data's blocks cached, the model broadcast. */
    static Run prepare(SparkModel model, Dataset<Row> data, SparkSettings settings, TrainingListener listener, BooleanSupplier stop) {
        ExecutorModels.Compiled compiled = ExecutorModels.both(model);
        CompiledModel m = compiled.model();
        String name = model.fileName() + ": " + m.name();
        if (!m.hasLoss()) throw new SparkTrainingException(name + " has no loss, so there is nothing to train (add `loss = ...`)");
        if (m.hasUpdateRules()) {
            throw new SparkTrainingException(name + " trains by its update rules, which step on a whole batch at once; training on "
                    + "Spark sums gradients across partitions and steps an optimizer on the driver, so give it an optimizer instead");
        }
        RowAggregate aggregate = Driver.lossAggregate(compiled.checked());
        if (!aggregate.exact()) {
            throw new SparkTrainingException(name + ": its loss is not a sum or a mean over rows, so its gradient on a batch does not "
                    + "follow from the gradients on parts of the batch, which is how Spark splits a batch across partitions");
        }
        List<String> needed = Driver.inputsForTraining(compiled.checked());
        // The compiled model's specs are as declared; the data is read in the dtypes trained in.
        List<TensorSpec> specs = m.inputs().stream().filter(s -> needed.contains(s.name()))
                .map(s -> new TensorSpec(s.name(), model.trainedAs(s.dtype()), s.dims())).toList();
        List<InputColumn> inputs = SchemaCheck.columns(m.name(), specs, settings.columns(), data.schema());

        TrainConfig config = m.trainConfig();
        Optimizer opt = optimizer(config, settings);
        long seed = settings.seed() != null ? settings.seed() : config.seed();
        long epochCount = settings.epochs() != null ? settings.epochs() : config.epochs();
        boolean shuffle = settings.shuffle() != null ? settings.shuffle() : config.shuffle();
        TrainConfig.Schedule schedule = settings.schedule() != null ? settings.schedule() : config.schedule().orElse(null);
        OptionalDouble clip = settings.clipGradNorm() != null ? settings.clipGradNorm() : config.clipGradNorm();
        if (epochCount > Integer.MAX_VALUE) throw new SparkTrainingException(name + ": " + epochCount + " epochs are more than an int counts");

        // The one pass over the data before training: nulls, array sizes, non-finite values, and the row count.
        List<Column> selected = new ArrayList<>();
        for (InputColumn ic : inputs) for (String c : ic.columns()) selected.add(functions.col(DataCheck.quoted(c)));
        Dataset<Row> used = data.select(selected.toArray(Column[]::new));
        long rows = DataCheck.check(used, inputs, settings.allowNonFinite());
        if (rows == 0) throw new SparkTrainingException("the data has no rows");
        if (rows > Integer.MAX_VALUE) throw new SparkTrainingException("the data has " + rows + " rows; modelc counts rows in an int");
        long batchRows = settings.batch() != null ? settings.batch() : config.batch().orElse(rows);
        int batchSize = (int) Math.max(1, Math.min(batchRows, rows));
        BatchPlan plan = new BatchPlan(rows, batchSize, shuffle, seed);
        Checkpoint.BatchOrder order = new Checkpoint.BatchOrder(seed, shuffle, batchSize, (int) rows);

        Map<String, Tensor> current;
        Position start = Position.START;
        if (settings.resume() != null) {
            Resumption.Point point = Resumption.read(settings.resume(), model, m, opt, order, settings.allowNonFinite());
            current = point.params();
            start = point.position();
        } else {
            current = m.initialParams(seed);
        }
        if ((long) start.epoch() + epochCount > Integer.MAX_VALUE) {
            throw new SparkTrainingException(name + ": " + epochCount + " more epochs after epoch " + start.epoch() + " are more than an int counts");
        }

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        JavaRDD<Block> blocks = used.javaRDD().zipWithIndex()
                .mapPartitions(it -> List.of(Block.of(it, inputs)).iterator(), true)
                .persist(StorageLevel.MEMORY_AND_DISK());
        Broadcast<SparkModel> shippedModel = jsc.broadcast(model);
        return new Run(m, shippedModel, blocks, plan, order, opt, schedule, clip, aggregate, settings, listener, stop, current, start,
                (int) epochCount);
    }

    /**
     * A prepared run: what stays fixed through its steps, and where it starts ({@code params} at
     * {@code start}, {@code epochs} more epochs). Closing it drops the cached blocks and the broadcast model.
     */
    record Run(CompiledModel model, Broadcast<SparkModel> shippedModel, JavaRDD<Block> blocks, BatchPlan plan,
               Checkpoint.BatchOrder order, Optimizer optimizer, TrainConfig.Schedule schedule, OptionalDouble clip,
               RowAggregate aggregate, SparkSettings settings, TrainingListener listener, BooleanSupplier stop,
               Map<String, Tensor> params, Position start, int epochs) implements AutoCloseable {
        @Override
        public void close() {
            blocks.unpersist(false);
            shippedModel.destroy();
        }
    }

    /** The local trainer's loop ({@link Trainer#fit}), its batches stepped on Spark. */
    private static Trainer.Result loop(Run r, long started) {
        Map<String, Tensor> params = r.params();
        Position start = r.start();
        int epochs = r.epochs();
        double baseLr = r.optimizer().lr();
        int batchCount = r.plan().batchCount();
        if (start.batch() >= batchCount) {
            throw new SparkTrainingException("the run starts after " + start.describe() + ", but an epoch of " + r.plan().rows()
                    + " rows in batches of " + r.plan().batchSize() + " has " + batchCount + " batches");
        }
        Map<String, Tensor> current = new LinkedHashMap<>(params);
        List<Double> losses = new ArrayList<>();
        r.listener().started(epochs, batchCount);
        Trainer.Ending ending = new Trainer.Ending.Completed();
        Position at = start;
        Position saved = null;
        // The optimizer's step number: the steps of the epochs and batches before the start.
        long step = (long) start.epoch() * batchCount + start.batch();
        long stepsThisRun = 0;
        run:
        for (int epoch = 0; epoch < epochs; epoch++) {
            int epochIndex = start.epoch() + epoch;
            if (r.schedule() != null) r.optimizer().setLr(r.schedule().lr(baseLr, epochIndex));
            for (int b = epoch == 0 ? start.batch() : 0; b < batchCount; b++) {
                CompiledModel.Gradients g = gradients(r, current, step, epochIndex, b);
                double loss = g.loss().item();
                if (!r.settings().allowNonFinite() && !Double.isFinite(loss)) {
                    ending = new Trainer.Ending.Diverged(epoch + 1, b + 1, loss, null, null, stepsThisRun == 0);
                    break run;
                }
                Map<String, Tensor> grads = r.clip().isPresent() ? GradClip.byTotalNorm(g.gradients(), r.clip().getAsDouble()) : g.gradients();
                Map<String, Tensor> next = r.optimizer().step(current, grads);
                if (!r.settings().allowNonFinite()) {
                    String bad = NonFinite.firstName(next);
                    if (bad != null) {
                        Tensor t = next.get(bad);
                        int i = NonFinite.first(t);
                        String detail = NonFinite.spell(t.getDouble(i)) + (t.rank() == 0 ? "" : " at " + NonFinite.index(t.shape(), i));
                        ending = new Trainer.Ending.Diverged(epoch + 1, b + 1, loss, bad, detail, false);
                        break run;
                    }
                }
                current = new LinkedHashMap<>(next);
                step++;
                stepsThisRun++;
                at = b + 1 == batchCount ? new Position(epochIndex + 1, 0) : new Position(epochIndex, b + 1);
                r.listener().batch(epoch + 1, b + 1, loss);
                if (r.stop().getAsBoolean()) {
                    ending = new Trainer.Ending.Stopped();
                    break run;
                }
            }
            at = new Position(epochIndex + 1, 0);
            if (save(r, current, at)) saved = at;
            double epochLoss = loss(r, current);
            losses.add(epochLoss);
            r.listener().epochParams(epoch + 1, Collections.unmodifiableMap(current));
            r.listener().epoch(epoch + 1, epochs, epochLoss);
            if (!r.settings().allowNonFinite() && !Double.isFinite(epochLoss)) {
                ending = new Trainer.Ending.Diverged(epoch + 1, 0, epochLoss, null, null, false);
                break;
            }
        }
        if (ending instanceof Trainer.Ending.Stopped && !at.equals(saved) && save(r, current, at)) saved = at;
        return new Trainer.Result(current, losses, ending, at, Optional.ofNullable(saved), Duration.ofNanos(System.nanoTime() - started));
    }

    /** One step's loss and gradients on the global batch {@code b} of epoch {@code epochIndex}, summed over the partitions. */
    static CompiledModel.Gradients gradients(Run r, Map<String, Tensor> params, long step, int epochIndex, int b) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(r.blocks().context());
        Broadcast<SparkModel> model = r.shippedModel();
        Broadcast<StepInput> in = jsc.broadcast(new StepInput(ShippedTensor.ship(params), step, epochIndex, b, r.plan(), r.aggregate()));
        Partial sum;
        try {
            sum = r.blocks().treeAggregate(Partial.EMPTY,
                    (acc, block) -> acc.plus(PartitionWork.gradients(model.value(), in.value(), block)),
                    Partial::plus, r.settings().treeDepth());
        } finally {
            in.destroy();
        }
        if (sum.rows != r.plan().batchRows(b)) {
            throw new IllegalStateException("step " + step + " summed " + sum.rows + " rows of a batch of " + r.plan().batchRows(b));
        }
        Map<String, Tensor> grads = new LinkedHashMap<>();
        for (var e : sum.gradients.entrySet()) {
            Tensor p = params.get(e.getKey());
            grads.put(e.getKey(), Tensor.of(DType.F64, p.shape(), e.getValue()).to(p.dtype()));
        }
        return new CompiledModel.Gradients(Tensor.scalar(DType.F64, sum.loss), grads);
    }

    /** The loss over all rows, each partition's rows evaluated a batch at a time, combined as the loss's row aggregate says. */
    private static double loss(Run r, Map<String, Tensor> params) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(r.blocks().context());
        Broadcast<SparkModel> model = r.shippedModel();
        Broadcast<Map<String, ShippedTensor>> p = jsc.broadcast(ShippedTensor.ship(params));
        int chunk = r.plan().batchSize();
        RowAggregate how = r.aggregate();
        PartitionWork.LossPart sum;
        try {
            sum = r.blocks().treeAggregate(PartitionWork.LossPart.EMPTY,
                    (acc, block) -> acc.plus(PartitionWork.loss(model.value(), p.value(), chunk, how, block)),
                    PartitionWork.LossPart::plus, r.settings().treeDepth());
        } finally {
            p.destroy();
        }
        return how == RowAggregate.SUM ? sum.sum() : sum.sum() / sum.rows();
    }

    private static boolean save(Run r, Map<String, Tensor> params, Position at) {
        if (r.settings().checkpoint() == null) return false;
        try {
            Checkpoint.save(r.settings().checkpoint(), params, at, r.order(), r.optimizer());
        } catch (IOException e) {
            throw new SparkTrainingException("cannot write checkpoint " + r.settings().checkpoint() + ": "
                    + (e instanceof AtomicFiles.WriteFailure w ? w.detail() : e.getMessage()), e);
        }
        r.listener().saved(r.settings().checkpoint());
        return true;
    }

    /** The train block's optimizer, or the settings' (another kind starting from PyTorch's defaults), with the settings' lr. */
    private static Optimizer optimizer(TrainConfig config, SparkSettings s) {
        TrainConfig.Optimizer o = s.optimizer() != null ? s.optimizer() : config.optimizerOrDefault();
        if (s.lr() != null) o = o.withLr(s.lr());
        return Optimizer.of(o);
    }
}
