package dev.modelc.spark;

import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.optim.Optimizer;
import dev.modelc.runtime.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * The numbers of docs/scale-out.md ({@code scripts/spark-measure}): one full-batch step of a
 * linear regression on {@code rows} rows of {@code features} f32 features, on 1, 2, 4 and 8
 * partitions of the master given, against the same step run locally (the compiled model's
 * loss and gradients and the optimizer, no Spark); Spark's fixed cost per step (a step on 16
 * rows); and a broadcast's cost by size. Medians of {@code steps} steps after three warm-up steps.
 * Arguments: MASTER [ROWS [FEATURES [STEPS]]].
 */
public final class Measure {
    private Measure() {
    }

    public static void main(String[] args) {
        String master = args.length > 0 ? args[0] : "local[2]";
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        int features = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        // An open cost of a whole split keeps each Parquet file one partition when read back.
        SparkSession session = SparkSession.builder().master(master).appName("modelc-spark measure")
                .config("spark.ui.enabled", "false").config("spark.sql.files.openCostInBytes", String.valueOf(128L << 20)).getOrCreate();
        session.sparkContext().setLogLevel("ERROR");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(session.sparkContext());
        SparkModel model = new SparkModel("regression.model", """
                model Regression {
                  input x: f32[N, %d]
                  input y: f32[N]
                  param w: f32[%d] = zeros()
                  param b: f32[1] = zeros()
                  loss = mean((x @ w + b - y) ** 2)
                  train { optimizer = sgd(lr = 0.01) }
                }
                """.formatted(features, features), "Regression", null);
        float[][] x = new float[rows][features];
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < features; f++) x[r][f] = (float) Math.sin(r * 0.37 + f * 1.3);
            y[r] = (float) Math.cos(r * 0.11);
        }
        System.out.printf(Locale.ROOT, "# %s, %d rows of %d f32 features, %d cores available, median of %d steps%n", master, rows, features,
                Runtime.getRuntime().availableProcessors(), steps);
        double local = localStep(model, x, y, steps);
        System.out.printf(Locale.ROOT, "local step: %.2f ms (%.0f rows/s)%n", local, rows / local * 1e3);
        for (int p : new int[] {1, 2, 4, 8}) {
            double ms = sparkStep(session, jsc, model, x, y, rows, p, steps);
            System.out.printf(Locale.ROOT, "spark step, %d partitions: %.2f ms (%.0f rows/s)%n", p, ms, rows / ms * 1e3);
        }
        for (int p : new int[] {1, 2}) {
            System.out.printf(Locale.ROOT, "spark step on 16 rows, %d partitions (Spark's fixed cost): %.2f ms%n", p,
                    sparkStep(session, jsc, model, x, y, 16, p, steps));
        }
        JavaRDD<Integer> two = jsc.parallelize(List.of(1, 2), 2).cache();
        two.count();
        for (int mb : new int[] {0, 1, 16, 64}) {
            double[] ms = new double[steps];
            for (int i = -3; i < steps; i++) {
                double[] payload = new double[Math.max(1, mb * 131072)];
                long t = System.nanoTime();
                Broadcast<double[]> b = jsc.broadcast(payload);
                two.map(v -> b.value().length).reduce(Integer::sum);
                b.destroy();
                if (i >= 0) ms[i] = (System.nanoTime() - t) / 1e6;
            }
            System.out.printf(Locale.ROOT, "broadcast of %d MB read by 2 partitions, with its job: %.2f ms%n", mb, median(ms));
        }
        session.stop();
    }

    private static double localStep(SparkModel model, float[][] x, float[] y, int steps) {
        CompiledModel m = ExecutorModels.compiled(model);
        int rows = y.length, features = x[0].length;
        float[] flat = new float[rows * features];
        for (int r = 0; r < rows; r++) System.arraycopy(x[r], 0, flat, r * features, features);
        TensorDataset data = new TensorDataset(Map.of("x", Tensor.of(flat, rows, features), "y", Tensor.of(y.clone(), rows)));
        Map<String, Tensor> params = new LinkedHashMap<>(m.initialParams(0));
        Optimizer opt = Optimizer.of(m.trainConfig());
        double[] ms = new double[steps];
        for (int i = -3; i < steps; i++) {
            long t = System.nanoTime();
            CompiledModel.Gradients g = m.lossAndGradients(params, data.columns());
            params = new LinkedHashMap<>(opt.step(params, g.gradients()));
            if (i >= 0) ms[i] = (System.nanoTime() - t) / 1e6;
        }
        return median(ms);
    }

    private static double sparkStep(SparkSession session, JavaSparkContext jsc, SparkModel model, float[][] x, float[] y, int rows,
                                     int partitions, int steps) {
        List<Row> list = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) list.add(RowFactory.create(x[r], y[r]));
        // Through Parquet files, as real data comes: a frame made from a local list would ship its
        // rows with every task of every step (a task carries its partition's source).
        Path table;
        try {
            table = Files.createTempDirectory("modelc-measure").resolve("t.parquet");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        session.createDataFrame(jsc.parallelize(list, partitions), DataTypes.createStructType(List.of(
                DataTypes.createStructField("x", DataTypes.createArrayType(DataTypes.FloatType, false), false),
                DataTypes.createStructField("y", DataTypes.FloatType, false)))).write().parquet(table.toString());
        Dataset<Row> df = session.read().parquet(table.toString());
        if (df.rdd().getNumPartitions() != partitions) {
            throw new IllegalStateException(partitions + " files read as " + df.rdd().getNumPartitions() + " partitions");
        }
        try (SparkTrainer.Run run = SparkTrainer.prepare(model, df, SparkSettings.DEFAULTS.batch(rows), TrainingListener.NONE, () -> false)) {
            Map<String, Tensor> params = new LinkedHashMap<>(run.params());
            double[] ms = new double[steps];
            for (int i = -3; i < steps; i++) {
                long t = System.nanoTime();
                CompiledModel.Gradients g = SparkTrainer.gradients(run, params, i + 3, 0, 0);
                params = new LinkedHashMap<>(run.optimizer().step(params, g.gradients()));
                if (i >= 0) ms[i] = (System.nanoTime() - t) / 1e6;
            }
            return median(ms);
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
