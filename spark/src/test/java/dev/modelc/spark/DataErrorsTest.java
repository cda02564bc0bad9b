package dev.modelc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.train.Trainer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Inputs from DataFrame columns: numeric columns, an array column per input, and every way the
 * data can fail to fit the model, each refused with its exact message; a refusal of the schema
 * or the model comes before any Spark job, one of the values after the one job that checks them
 * and before any step.
 */
class DataErrorsTest {
    static LocalSpark spark;
    static final List<double[]> ROWS = EquivalenceTest.CROP_ROWS;
    static final DataType D = DataTypes.DoubleType;

    @BeforeAll
    static void start() {
        spark = new LocalSpark();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /**
     * The message of the refusal, after checking that no Spark job ran before it or, when the
     * values were read ({@code valuesRead}), that no step did.
     */
    static String refusal(boolean valuesRead, Supplier<Trainer.Result> run) {
        int before = spark.jobsStarted();
        long steps = PartitionWork.GRADIENT_TASKS.get();
        SparkTrainingException e = assertThrows(SparkTrainingException.class, run::get);
        if (valuesRead) assertTrue(spark.jobsStarted() > before, "the values were read by a job");
        else assertEquals(0, spark.jobsStarted() - before, "jobs started before the refusal");
        assertEquals(steps, PartitionWork.GRADIENT_TASKS.get(), "gradient tasks before the refusal");
        return e.getMessage();
    }

    static Dataset<Row> crop(DataType... types) {
        return spark.frame(LocalSpark.header(EquivalenceTest.CROP), types, ROWS, 2);
    }

    @Test
    void aMissingColumnIsNamedWithTheColumnsThereAre() throws IOException {
        SparkModel m = EquivalenceTest.cropYield();
        assertEquals("input 'x' of CropYieldLinear reads column 'humid', which the data does not have; its columns are "
                        + "[temp, rainfall, humidity, apples, oranges]",
                refusal(false, () -> SparkTrainer.fit(m, crop(D, D, D, D, D), EquivalenceTest.CROP_COLUMNS.columns("x", List.of("temp", "rainfall", "humid")))));
        assertEquals("input 'x' of CropYieldLinear reads column 'x', which the data does not have; its columns are "
                        + "[temp, rainfall, humidity, apples, oranges]",
                refusal(false, () -> SparkTrainer.fit(m, crop(D, D, D, D, D), SparkSettings.DEFAULTS)));
    }

    @Test
    void aColumnOfAnotherTypeIsRefusedWithBothTypes() throws IOException {
        SparkModel m = EquivalenceTest.cropYield();
        DataType s = DataTypes.StringType;
        List<double[]> rows = ROWS;
        List<Row> text = new ArrayList<>();
        for (double[] r : rows) text.add(RowFactory.create(Double.toString(r[0]), r[1], r[2], r[3], r[4]));
        StructType schema = crop(s, D, D, D, D).schema();
        Dataset<Row> frame = spark.session.createDataFrame(text, schema);
        assertEquals("column 'temp' is string, but input 'x' is f64[N, 3]: it needs a numeric column",
                refusal(false, () -> SparkTrainer.fit(m, frame, EquivalenceTest.CROP_COLUMNS)));

        SparkModel iris = SparkModel.of(LocalSpark.sample("classification-iris/iris.model"), "Iris");
        List<double[]> irisRows = LocalSpark.csv(LocalSpark.sample("classification-iris/iris.csv"));
        DataType f = DataTypes.FloatType;
        Dataset<Row> floatLabels = spark.frame(LocalSpark.header(LocalSpark.sample("classification-iris/iris.csv")),
                new DataType[] {f, f, f, f, f}, irisRows, 2);
        assertEquals("column 'species' is float, but input 'y' is i32[N]: it needs an integer column (tinyint, smallint or int)",
                refusal(false, () -> SparkTrainer.fit(iris, floatLabels, SparkSettings.DEFAULTS
                        .columns("x", List.of("sepal_length", "sepal_width", "petal_length", "petal_width")).columns("y", List.of("species")))));
    }

    @Test
    void theColumnsMustGiveTheRowShape() throws IOException {
        SparkModel m = EquivalenceTest.cropYield();
        assertEquals("input 'x' of CropYieldLinear is f64[N, 3], 3 values a row, but 2 columns are given [temp, rainfall]; "
                        + "give one numeric column per value, or one array column",
                refusal(false, () -> SparkTrainer.fit(m, crop(D, D, D, D, D), EquivalenceTest.CROP_COLUMNS.columns("x", List.of("temp", "rainfall")))));
        assertEquals("columns are given for input 'z', but the loss of CropYieldLinear uses no such input; it uses [x, y]",
                refusal(false, () -> SparkTrainer.fit(m, crop(D, D, D, D, D), EquivalenceTest.CROP_COLUMNS.columns("z", List.of("temp")))));
    }

    @Test
    void nullsAreRefusedBeforeAnyStep() throws IOException {
        SparkModel m = EquivalenceTest.cropYield();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS.size(); i++) {
            double[] r = ROWS.get(i);
            rows.add(RowFactory.create(r[0], r[1], r[2], i == 7 ? null : r[3], r[4]));
        }
        Dataset<Row> frame = spark.session.createDataFrame(rows, crop(D, D, D, D, D).schema());
        assertEquals("column 'apples' (input 'y') holds null in 1 of 15 rows; training needs a value in every row",
                refusal(true, () -> SparkTrainer.fit(m, frame, EquivalenceTest.CROP_COLUMNS)));
    }

    @Test
    void nonFiniteDataIsRefusedUnlessAllowed() throws IOException {
        SparkModel m = EquivalenceTest.cropYield();
        List<double[]> rows = new ArrayList<>();
        for (double[] r : ROWS) rows.add(r.clone());
        rows.get(3)[1] = Double.NaN;
        Dataset<Row> frame = spark.frame(LocalSpark.header(EquivalenceTest.CROP), new DataType[] {D, D, D, D, D}, rows, 2);
        assertEquals("column 'rainfall' (input 'x') holds NaN or infinities in 1 of 15 rows; training needs finite data",
                refusal(true, () -> SparkTrainer.fit(m, frame, EquivalenceTest.CROP_COLUMNS)));
        // Allowed, the NaN reaches the first batch holding row 3, and the run ends there as the local trainer's does.
        Trainer.Result r = SparkTrainer.fit(m, frame, EquivalenceTest.CROP_COLUMNS.epochs(1).batch(15).allowNonFinite(true));
        assertEquals(1, r.epochLosses().size());
        assertEquals(Double.NaN, r.finalLoss());
    }

    @Test
    void aModelWithoutALossOrWithUpdateRulesIsRefusedBeforeAnyJob() throws IOException {
        SparkModel noLoss = new SparkModel("no_loss.model",
                "model Scores {\n  input x: f32[N, 3]\n  param w: f32[3] = randn()\n  output s = x @ w\n}\n", "Scores", null);
        assertEquals("no_loss.model: Scores has no loss, so there is nothing to train (add `loss = ...`)",
                refusal(false, () -> SparkTrainer.fit(noLoss, crop(D, D, D, D, D), SparkSettings.DEFAULTS)));
        SparkModel manual = SparkModel.of(LocalSpark.sample("crop-yield/crop_yield.model"), "CropYieldManual");
        assertEquals(manual.fileName() + ": CropYieldManual trains by its update rules, which step on a whole batch at once; "
                        + "training on Spark sums gradients across partitions and steps an optimizer on the driver, so give it an "
                        + "optimizer instead",
                refusal(false, () -> SparkTrainer.fit(manual, crop(D, D, D, D, D), EquivalenceTest.CROP_COLUMNS)));
    }

    @Test
    void anArrayColumnPerInputTrainsAsNumericColumnsDo() throws IOException {
        SparkModel m = EquivalenceTest.cropYield();
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("features", DataTypes.createArrayType(D, false), false),
                DataTypes.createStructField("targets", DataTypes.createArrayType(DataTypes.IntegerType, false), false)));
        List<Row> rows = new ArrayList<>();
        for (double[] r : ROWS) rows.add(RowFactory.create(new double[] {r[0], r[1], r[2]}, new int[] {(int) r[3], (int) r[4]}));
        Dataset<Row> arrays = spark.session.createDataFrame(spark.jsc.parallelize(rows, 2), schema);
        SparkSettings columns = SparkSettings.DEFAULTS.columns("x", List.of("features")).columns("y", List.of("targets")).epochs(5);
        Trainer.Result fromArrays = SparkTrainer.fit(m, arrays, columns);
        Trainer.Result fromColumns = SparkTrainer.fit(m, crop(D, D, D, D, D), EquivalenceTest.CROP_COLUMNS.epochs(5));
        assertEquals(fromColumns.params(), fromArrays.params());

        List<Row> ragged = new ArrayList<>(rows);
        ragged.set(4, RowFactory.create(new double[] {1.0, 2.0}, new int[] {1, 2}));
        Dataset<Row> bad = spark.session.createDataFrame(spark.jsc.parallelize(ragged, 2), schema);
        assertEquals("column 'features' (input 'x') has arrays of another size than 3 (the values of a row of f64[N, 3]) in 1 of 15 rows",
                refusal(true, () -> SparkTrainer.fit(m, bad, columns)));
    }

    @Test
    void anImageIsAFixedSizeArrayColumn() {
        SparkModel m = new SparkModel("images.model", """
                model Brightness {
                  input image: f64[N, 2, 3]
                  input target: f64[N]
                  param w: f64[2, 3] = zeros()
                  output score = sum(sum(image * w, axis = -1), axis = -1)
                  loss = mean((score - target) ** 2)
                  train { epochs = 3; optimizer = sgd(lr = 0.1) }
                }
                """, "Brightness", DType.F64);
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false),
                DataTypes.createStructField("target", D, false)));
        List<Row> rows = List.of(RowFactory.create(new float[] {1, 0, 0, 0, 0, 0}, 1.0),
                RowFactory.create(new float[] {0, 0, 0, 0, 0, 1}, 2.0));
        Trainer.Result r = SparkTrainer.fit(m, spark.session.createDataFrame(spark.jsc.parallelize(rows, 2), schema),
                SparkSettings.DEFAULTS.columns("image", List.of("pixels")));
        // Each row's gradient touches one pixel's weight: w[0][0] and w[1][2] move toward the targets, the rest stay 0.
        double[] w = r.params().get("w").toDoubleArray();
        assertEquals(0.0, w[1]);
        assertEquals(0.0, w[4]);
        double w00 = 0, w12 = 0;
        for (int i = 0; i < 3; i++) {
            // Full batch of two rows, mean: d/dw00 = (w00 - 1), d/dw12 = 2 (w12 - 2) ... each halved by the mean of 2 rows.
            double g00 = (w00 - 1.0), g12 = (w12 - 2.0);
            w00 -= 0.1 * g00;
            w12 -= 0.1 * g12;
        }
        assertEquals(w00, w[0], 1e-15);
        assertEquals(w12, w[5], 1e-15);
    }
}
