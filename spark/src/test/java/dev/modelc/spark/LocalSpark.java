package dev.modelc.spark;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The tests' Spark: one local session per test class, two worker threads, each task tried up to
 * three times ({@code local[2,3]}, so an injected failure is retried), no UI; and the samples'
 * CSV files as DataFrames in a chosen number of partitions, rows in file order.
 */
final class LocalSpark {
    final SparkSession session;
    final JavaSparkContext jsc;
    /** Jobs started since the session began. */
    final AtomicInteger jobs = new AtomicInteger();

    LocalSpark() {
        session = SparkSession.builder().master("local[2,3]").appName("modelc-spark tests")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        session.sparkContext().setLogLevel("ERROR");
        jsc = JavaSparkContext.fromSparkContext(session.sparkContext());
        session.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart jobStart) {
                jobs.incrementAndGet();
            }
        });
    }

    /** Jobs started so far, once the listener has heard of all of them. */
    int jobsStarted() {
        try {
            session.sparkContext().listenerBus().waitUntilEmpty();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("Spark's listener bus did not empty", e);
        }
        return jobs.get();
    }

    void stop() {
        session.stop();
    }

    static Path sample(String path) {
        Path p = Path.of("..", "samples", path);
        if (!Files.exists(p)) throw new IllegalStateException("no sample " + p.toAbsolutePath());
        return p;
    }

    /** A CSV file with a header, every column a number: its rows as doubles. */
    static List<double[]> csv(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            List<double[]> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) continue;
                String[] f = line.split(",");
                double[] v = new double[f.length];
                for (int i = 0; i < f.length; i++) v[i] = Double.parseDouble(f[i].strip());
                rows.add(v);
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> header(Path file) {
        try {
            return List.of(Files.readAllLines(file).getFirst().split(","));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rows as a DataFrame of {@code partitions} partitions, in order; column i of type {@code types[i]}. */
    Dataset<Row> frame(List<String> names, DataType[] types, List<double[]> rows, int partitions) {
        List<StructField> fields = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) fields.add(DataTypes.createStructField(names.get(i), types[i], true));
        List<Row> out = new ArrayList<>();
        for (double[] r : rows) {
            Object[] v = new Object[r.length];
            for (int i = 0; i < r.length; i++) {
                DataType t = types[i];
                v[i] = t == DataTypes.IntegerType ? (Object) (int) r[i] : t == DataTypes.FloatType ? (Object) (float) r[i] : (Object) r[i];
            }
            out.add(RowFactory.create(v));
        }
        return session.createDataFrame(jsc.parallelize(out, partitions), DataTypes.createStructType(fields));
    }

    /** The columns {@code from} to {@code to - 1} of the rows as one tensor of {@code dtype}, [rows, to - from] or [rows] when {@code vector} is false. */
    static Tensor tensor(List<double[]> rows, int from, int to, DType dtype, boolean matrix) {
        double[] v = new double[rows.size() * (to - from)];
        for (int r = 0; r < rows.size(); r++) for (int c = from; c < to; c++) v[r * (to - from) + c - from] = rows.get(r)[c];
        return matrix ? Tensor.of(dtype, new int[] {rows.size(), to - from}, v) : Tensor.of(dtype, new int[] {rows.size()}, v);
    }

    static TensorDataset dataset(Map<String, Tensor> columns) {
        return new TensorDataset(new LinkedHashMap<>(columns));
    }
}
