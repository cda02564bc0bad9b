package dev.modelc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.TrainConfig;
import dev.modelc.runtime.optim.Optimizer;
import dev.modelc.runtime.train.RowAggregate;
import dev.modelc.runtime.train.Trainer;
import dev.modelc.runtime.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training on Spark against the local trainer on the same data and settings: in f64 the params
 * agree within 1e-9 (relative to the largest) after 100 epochs on 1, 2 and 4 partitions, where
 * only the order of summation across partitions differs (the per-step sums are exact to about
 * 1e-16; a hundred epochs of SGD or Adam grow that by far less than 1e-9). On one partition the
 * bits are the local trainer's: a partition holding the whole batch weighs its part by exactly 1.
 */
class EquivalenceTest {
    static LocalSpark spark;
    static final Path CROP = LocalSpark.sample("crop-yield/crop_yield.csv");
    static final List<double[]> CROP_ROWS = LocalSpark.csv(CROP);

    @BeforeAll
    static void start() {
        spark = new LocalSpark();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static SparkModel cropYield() throws IOException {
        return SparkModel.of(LocalSpark.sample("crop-yield/crop_yield.model"), "CropYieldLinear").in(DType.F64);
    }

    static Dataset<Row> cropFrame(int partitions) {
        DataType d = DataTypes.DoubleType;
        return spark.frame(LocalSpark.header(CROP), new DataType[] {d, d, d, d, d}, CROP_ROWS, partitions);
    }

    static final SparkSettings CROP_COLUMNS = SparkSettings.DEFAULTS.columns("x", List.of("temp", "rainfall", "humidity"))
            .columns("y", List.of("apples", "oranges"));

    static TensorDataset cropLocal(DType dtype) {
        return LocalSpark.dataset(Map.of("x", LocalSpark.tensor(CROP_ROWS, 0, 3, dtype, true), "y", LocalSpark.tensor(CROP_ROWS, 3, 5, dtype, true)));
    }

    /** The local trainer's run: the model's train block, with {@code batch} rows, {@code optimizer}, schedule and clipping. */
    static Trainer.Result local(CompiledModel m, TensorDataset data, int epochs, int batch, TrainConfig.Optimizer optimizer,
                                TrainConfig.Schedule schedule, OptionalDouble clip) {
        TrainConfig c = m.trainConfig();
        Optimizer opt = Optimizer.of(optimizer != null ? optimizer : c.optimizerOrDefault());
        Trainer.Options o = new Trainer.Options(epochs, batch, c.shuffle(), c.seed(), opt, null).scheduled(schedule).clippingGradNorm(clip)
                .lossCombinedBy(RowAggregate.MEAN);
        return Trainer.fit(m, m.initialParams(c.seed()), data, o, TrainingListener.NONE, () -> false);
    }

    /** The largest difference between the two runs' params, relative to the largest param value. */
    static double relativeDifference(Map<String, Tensor> a, Map<String, Tensor> b) {
        double diff = 0, scale = 0;
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            double[] x = a.get(k).toDoubleArray(), y = b.get(k).toDoubleArray();
            for (int i = 0; i < x.length; i++) {
                diff = Math.max(diff, Math.abs(x[i] - y[i]));
                scale = Math.max(scale, Math.abs(x[i]));
            }
        }
        return diff / scale;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void fullBatchCropYieldEqualsTheLocalTrainer(int partitions) throws IOException {
        SparkModel model = cropYield();
        CompiledModel m = ExecutorModels.compiled(model);
        Trainer.Result here = local(m, cropLocal(DType.F64), 100, CROP_ROWS.size(), null, null, OptionalDouble.empty());
        Trainer.Result there = SparkTrainer.fit(model, cropFrame(partitions), CROP_COLUMNS.batch(CROP_ROWS.size()).epochs(100));
        assertEquals(100, there.epochLosses().size());
        if (partitions == 1) {
            assertEquals(here.params(), there.params(), "one partition takes the local trainer's steps bit for bit");
        }
        double d = relativeDifference(here.params(), there.params());
        assertTrue(d <= 1e-9, "params differ by " + d + " of the largest");
        assertEquals(here.finalLoss(), there.finalLoss(), 1e-9 * here.finalLoss());
        assertTrue(there.finalLoss() < there.epochLosses().getFirst(), "the loss went down: " + there.epochLosses());
        assertEquals(DType.F64, there.params().get("linear.weight").dtype());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void shuffledMinibatchesEqualTheLocalTrainer(int partitions) throws IOException {
        SparkModel model = cropYield();
        CompiledModel m = ExecutorModels.compiled(model);
        assertTrue(m.trainConfig().shuffle(), "the train block shuffles");
        // Batches of 5 shuffled rows: each batch's rows lie in 1, 2 or more partitions, and some partitions have none.
        Trainer.Result here = local(m, cropLocal(DType.F64), 100, 5, null, null, OptionalDouble.empty());
        Trainer.Result there = SparkTrainer.fit(model, cropFrame(partitions), CROP_COLUMNS.epochs(100));
        double d = relativeDifference(here.params(), there.params());
        assertTrue(d <= 1e-9, "params differ by " + d + " of the largest");
        assertEquals(here.finalLoss(), there.finalLoss(), 1e-9 * here.finalLoss());
    }

    @Test
    void adamwWithAScheduleAndClippingEqualsTheLocalTrainer() throws IOException {
        SparkModel model = cropYield();
        CompiledModel m = ExecutorModels.compiled(model);
        TrainConfig.Optimizer adamw = new TrainConfig.Optimizer.AdamW(0.05, 0.9, 0.999, 1e-8, 0.01);
        TrainConfig.Schedule cosine = new TrainConfig.Schedule.Cosine(20, 0.001);
        OptionalDouble clip = OptionalDouble.of(10);
        Trainer.Result here = local(m, cropLocal(DType.F64), 20, 4, adamw, cosine, clip);
        Trainer.Result there = SparkTrainer.fit(model, cropFrame(3),
                CROP_COLUMNS.epochs(20).batch(4).optimizer(adamw).schedule(cosine).clipGradNorm(clip));
        double d = relativeDifference(here.params(), there.params());
        assertTrue(d <= 1e-9, "params differ by " + d + " of the largest");
    }

    @Test
    void irisTrainsToTheSameAccuracyAsLocally() throws IOException {
        Path csv = LocalSpark.sample("classification-iris/iris.csv");
        List<double[]> rows = LocalSpark.csv(csv);
        SparkModel model = SparkModel.of(LocalSpark.sample("classification-iris/iris.model"), "Iris");
        CompiledModel m = ExecutorModels.compiled(model);
        TensorDataset data = LocalSpark.dataset(Map.of("x", LocalSpark.tensor(rows, 0, 4, DType.F32, true),
                "y", LocalSpark.tensor(rows, 4, 5, DType.I32, false)));
        // 50 of the sample's 100 epochs (batches of 16, Adam): enough to learn, half the Spark jobs.
        Trainer.Result here = local(m, data, 50, 16, null, null, OptionalDouble.empty());
        DataType f = DataTypes.FloatType;
        Dataset<Row> frame = spark.frame(LocalSpark.header(csv), new DataType[] {f, f, f, f, DataTypes.IntegerType}, rows, 4);
        Trainer.Result there = SparkTrainer.fit(model, frame,
                SparkSettings.DEFAULTS.columns("x", List.of("sepal_length", "sepal_width", "petal_length", "petal_width"))
                        .columns("y", List.of("species")).epochs(50));
        double localAccuracy = m.forward(here.params(), data.columns()).get("accuracy").item();
        double sparkAccuracy = m.forward(there.params(), data.columns()).get("accuracy").item();
        assertTrue(localAccuracy > 0.9, "the local run learned: " + localAccuracy);
        assertEquals(localAccuracy, sparkAccuracy, "accuracy on the 150 rows");
        assertEquals(here.finalLoss(), there.finalLoss(), 1e-3 * here.finalLoss(), "f32 losses, summed in another order");
    }
}
