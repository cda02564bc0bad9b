package dev.modelc.cli;

import dev.modelc.runtime.train.Checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Npy;
import dev.modelc.runtime.Npz;
import dev.modelc.runtime.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelc train} end to end, through {@link Main#run}, on the crop-yield sample and its CSV. */
class TrainCommandTest {
    /** The tutorial's nn.Linear initial params (PyTorch reference, training.init): not CropYieldManual's literals. */
    private static final double[][] INIT_W = {{0.4824, 0.0354, 0.5314}, {-0.3054, -0.4184, 0.357}};
    private static final double[] INIT_B = {0.3742, -0.2385};
    /** PyTorch's loss after the 100th full-batch step at lr 1e-5 in f32 (reference full_batch_gd_lr1e-5_100_epochs_f32). */
    private static final double PYTORCH_LOSS_AFTER_100 = 190.19515991210938;
    private static final Pattern EPOCH = Pattern.compile("Epoch \\[(\\d+)/(\\d+)], Loss: (-?[0-9.]+|nan|inf)");

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
        void assertOneLineError(String... fragments) {
            assertEquals(Main.USER_ERROR, code, "exit code; stdout:\n" + out + "\nstderr:\n" + err);
            assertTrue(err.startsWith("modelc: "), err);
            assertEquals(1, err.strip().lines().count(), "one line:\n" + err);
            assertFalse(err.contains("Exception") || err.contains("\tat "), "a stack trace:\n" + err);
            for (String f : fragments) assertTrue(err.contains(f), "'" + f + "' missing from:\n" + err);
        }
    }

    static Run modelc(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString().replace("\r\n", "\n"), err.toString().replace("\r\n", "\n"));
    }

    /** A file under samples/, found from the module directory (or the repository root). */
    static Path sample(String relative) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("samples").resolve(relative);
            if (Files.isRegularFile(p)) return p;
        }
        throw new AssertionError("samples/" + relative + " not found above " + Path.of("").toAbsolutePath());
    }

    static String model() {
        return sample("crop-yield/crop_yield.model").toString();
    }

    static String x() {
        return "x=" + sample("crop-yield/crop_yield.csv") + ":temp,rainfall,humidity";
    }

    static String y() {
        return "y=" + sample("crop-yield/crop_yield.csv") + ":apples,oranges";
    }

    /** The printed epoch losses, checking the epochs count 1, 2, ... of {@code epochs}. */
    static List<Double> losses(String out, int epochs) {
        List<Double> losses = new ArrayList<>();
        Matcher m = EPOCH.matcher(out);
        while (m.find()) {
            assertEquals(losses.size() + 1, Integer.parseInt(m.group(1)), out);
            assertEquals(epochs, Integer.parseInt(m.group(2)), out);
            losses.add(Double.parseDouble(m.group(3)));
        }
        return losses;
    }

    private Path initialParams(String w, String b) throws IOException {
        Path file = dir.resolve("init.npz");
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put(w, Tensor.of(DType.F32, new int[] {2, 3}, flat(INIT_W)));
        p.put(b, Tensor.of(DType.F32, new int[] {2}, INIT_B));
        Npz.write(file, p);
        return file;
    }

    private static double[] flat(double[][] rows) {
        return java.util.Arrays.stream(rows).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    /** The tutorial's loop by hand, in double: full-batch gradient descent on the MSE; the loss after each step. */
    private static List<Double> tutorialLoop(double[][] x, double[][] y, int epochs, double lr) {
        double[][] w = {INIT_W[0].clone(), INIT_W[1].clone()};
        double[] b = INIT_B.clone();
        int n = x.length;
        List<Double> out = new ArrayList<>();
        for (int epoch = 0; epoch < epochs; epoch++) {
            double[][] gw = new double[2][3];
            double[] gb = new double[2];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < 2; j++) {
                    double d = b[j] - y[i][j];
                    for (int k = 0; k < 3; k++) d += x[i][k] * w[j][k];
                    double g = 2 * d / (n * 2);
                    for (int k = 0; k < 3; k++) gw[j][k] += g * x[i][k];
                    gb[j] += g;
                }
            }
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < 3; k++) w[j][k] -= lr * gw[j][k];
                b[j] -= lr * gb[j];
            }
            double loss = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < 2; j++) {
                    double d = b[j] - y[i][j];
                    for (int k = 0; k < 3; k++) d += x[i][k] * w[j][k];
                    loss += d * d;
                }
            }
            out.add(loss / (n * 2));
        }
        return out;
    }

    private static double[][] csvColumns(int from, int to) throws IOException {
        List<String> lines = Files.readAllLines(sample("crop-yield/crop_yield.csv"));
        double[][] out = new double[lines.size() - 1][];
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            out[i - 1] = new double[to - from];
            for (int c = from; c < to; c++) out[i - 1][c - from] = Double.parseDouble(cells[c]);
        }
        return out;
    }

    @Test
    void cropYieldManualTrainsByItsUpdateRulesAsTheTutorialsLoop() throws IOException {
        Path init = initialParams("w", "b");
        Run r = modelc("train", model(), "--model", "CropYieldManual", "--data", x(), "--data", y(),
                "--epochs", "100", "--resume", init.toString(), "--print-every", "1");
        assertEquals(Main.OK, r.code(), r.err());
        assertEquals("", r.err());
        List<Double> printed = losses(r.out(), 100);
        assertEquals(100, printed.size(), r.out());

        List<Double> expected = tutorialLoop(csvColumns(0, 3), csvColumns(3, 5), 100, 1e-5);
        for (int i = 0; i < 100; i++) {
            double e = expected.get(i);
            assertEquals(e, printed.get(i), 1e-5 * e + 5e-5, "epoch " + (i + 1));
            if (i > 0) assertTrue(printed.get(i) < printed.get(i - 1), "the loss falls every epoch: " + printed);
        }
        assertEquals(PYTORCH_LOSS_AFTER_100, printed.getLast(), 1e-5 * PYTORCH_LOSS_AFTER_100);
        assertTrue(r.out().contains("trained CropYieldManual for 100 epochs in "), r.out());
        assertTrue(r.out().contains("; final loss " + TrainProgress.fixed4(printed.getLast())), r.out());
        assertTrue(r.out().contains("params not saved"), r.out());
    }

    @Test
    void withoutPrintEveryAHundredEpochsPrintEveryTenth() {
        Run r = modelc("train", model(), "--model", "CropYieldLinear", "--data", x(), "--data", y(), "--epochs", "100");
        assertEquals(Main.OK, r.code(), r.err());
        Matcher m = EPOCH.matcher(r.out());
        List<Integer> epochs = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        while (m.find()) {
            epochs.add(Integer.parseInt(m.group(1)));
            losses.add(Double.parseDouble(m.group(3)));
        }
        assertEquals(List.of(10, 20, 30, 40, 50, 60, 70, 80, 90, 100), epochs, r.out());
        for (int i = 1; i < losses.size(); i++) assertTrue(losses.get(i) < losses.get(i - 1), "decreasing: " + losses);
        assertTrue(r.out().startsWith("training CropYieldLinear on 15 rows: 100 epochs of 3 batches (5 rows each, shuffled), "
                + "sgd(lr = 1e-5), seed 0\n"), r.out());
    }

    @Test
    void saveWritesACheckpointAndResumeContinuesFromIt() throws Exception {
        Path all = dir.resolve("all.npz");
        Path half = dir.resolve("half.npz");
        Path rest = dir.resolve("rest.npz");
        String[] common = {"train", model(), "--model", "CropYieldLinear", "--data", x(), "--data", y(), "--no-shuffle"};
        Run four = modelc(concat(common, "--epochs", "4", "--save", all.toString()));
        assertEquals(Main.OK, four.code(), four.err());
        assertTrue(four.out().endsWith("params saved to " + all + "\n"), four.out());
        Run two = modelc(concat(common, "--epochs", "2", "--save", half.toString()));
        assertEquals(Main.OK, two.code(), two.err());
        Map<String, Tensor> checkpoint = Checkpoint.read(half).params();
        assertEquals(List.of("linear.weight", "linear.bias"), List.copyOf(checkpoint.keySet()));
        assertArrayEquals(new int[] {2, 3}, checkpoint.get("linear.weight").shape());

        Run resumed = modelc(concat(common, "--epochs", "2", "--resume", half.toString(), "--save", rest.toString()));
        assertEquals(Main.OK, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains(", params from " + half + " (after epoch 2), seed 0"), resumed.out());
        // SGD without momentum keeps no state, and unshuffled batches come in the same order: 2 + 2 epochs = 4.
        Map<String, Tensor> a = Npz.read(all), b = Npz.read(rest);
        for (String k : a.keySet()) assertEquals(a.get(k), b.get(k), k);
        assertEquals(losses(four.out(), 4).getLast(), losses(resumed.out(), 2).getLast());
    }

    @Test
    void seedsAndTheTrainBlockDecideTheRun() {
        Run a = modelc("train", model(), "--model", "CropYieldLinear", "--data", x(), "--data", y(), "--epochs", "3", "--seed", "7");
        Run b = modelc("train", model(), "--model", "CropYieldLinear", "--data", x(), "--data", y(), "--epochs", "3", "--seed", "7");
        Run c = modelc("train", model(), "--model", "CropYieldLinear", "--data", x(), "--data", y(), "--epochs", "3", "--seed", "8");
        assertEquals(losses(a.out(), 3), losses(b.out(), 3));
        assertFalse(losses(a.out(), 3).equals(losses(c.out(), 3)));
        Run adam = modelc("train", model(), "--model", "CropYieldLinear", "--data", x(), "--data", y(), "--epochs", "2",
                "--optimizer", "adam", "--lr", "0.1", "--batch", "15");
        assertEquals(Main.OK, adam.code(), adam.err());
        assertTrue(adam.out().contains("2 epochs of 1 batch (15 rows, shuffled), adam(lr = 0.1)"), adam.out());
    }

    @Test
    void badDataIsAOneLineError() throws IOException {
        String csv = sample("crop-yield/crop_yield.csv").toString();
        modelc("train", model(), "--model", "CropYieldLinear", "--data", x(), "--data", "y=" + dir.resolve("nope.csv") + ":apples")
                .assertOneLineError("--data y: no such file: ", "nope.csv");
        modelc("train", model(), "--model", "CropYieldLinear", "--data", "x=" + csv + ":temp,rainfal,humidity", "--data", y())
                .assertOneLineError("has no column 'rainfal'", "did you mean 'rainfall'?", "temp, rainfall, humidity, apples, oranges");
        modelc("train", model(), "--model", "CropYieldLinear", "--data", "z=" + csv + ":temp,rainfall,humidity", "--data", y())
                .assertOneLineError("CropYieldLinear has no input 'z'", "its inputs are x, y");
        modelc("train", model(), "--model", "CropYieldLinear", "--data", "X=" + csv + ":temp,rainfall,humidity", "--data", y())
                .assertOneLineError("no input 'X' (did you mean 'x'?)");
        modelc("train", model(), "--model", "CropYieldLinear", "--data", x())
                .assertOneLineError("missing --data for input 'y' (f32[N, 2]), needed by the loss of CropYieldLinear");
        modelc("train", model(), "--model", "CropYieldLinear", "--data", "x=" + csv + ":temp,rainfall", "--data", y())
                .assertOneLineError("input 'x' is f32[N, 3]", "f32[15, 2]");
        modelc("train", model(), "--model", "CropYieldLinear", "--data", "x=" + csv, "--data", y())
                .assertOneLineError("name the columns to read");
        modelc("train", model(), "--model", "CropYieldLinear", "--data", "x:" + csv, "--data", y())
                .assertOneLineError("--data takes NAME=SOURCE");

        Path ten = dir.resolve("y10.npy");
        Npy.write(ten, Tensor.zeros(DType.F32, 10, 2));
        modelc("train", model(), "--model", "CropYieldLinear", "--data", x(), "--data", "y=" + ten)
                .assertOneLineError("N is 15 from 'x' (axis 0), but axis 0 of 'y' has 10", "share the leading dimension");
        Path flat = dir.resolve("y-flat.npy");
        Npy.write(flat, Tensor.zeros(DType.F32, 15));
        modelc("train", model(), "--model", "CropYieldLinear", "--data", x(), "--data", "y=" + flat)
                .assertOneLineError("modelc: --data y: input 'y' is f32[N, 2], but " + flat + " gives f32[15] (rank 1, not 2)");
        Path wide = dir.resolve("y-wide.npy");
        Npy.write(wide, Tensor.zeros(DType.F32, 15, 3));
        modelc("train", model(), "--model", "CropYieldLinear", "--data", x(), "--data", "y=" + wide)
                .assertOneLineError("modelc: --data y: input 'y' is f32[N, 2], but " + wide + " gives f32[15, 3] (axis 1 is 3, not 2)");

        Path bad = Files.writeString(dir.resolve("bad.csv"), "temp,rainfall,humidity\n1,2,3\n4,five,6\n");
        modelc("train", model(), "--model", "CropYieldLinear", "--data", "x=" + bad + ":temp,rainfall,humidity", "--data", y())
                .assertOneLineError("row 3, column 2", "\"five\", not a number");
    }

    @Test
    void paramsFilesMustFitTheModel() throws IOException {
        Path wrongNames = initialParams("w", "b");
        modelc("train", model(), "--model", "CropYieldLinear", "--data", x(), "--data", y(), "--resume", wrongNames.toString())
                .assertOneLineError("has 'w', 'b', but CropYieldLinear has no such params", "linear.weight, linear.bias");
        Path missing = dir.resolve("missing.npz");
        Npz.write(missing, Map.of("linear.weight", Tensor.zeros(DType.F32, 2, 3)));
        modelc("train", model(), "--model", "CropYieldLinear", "--data", x(), "--data", y(), "--resume", missing.toString())
                .assertOneLineError("lacks param 'linear.bias' (f32[2])");
        Path shape = dir.resolve("shape.npz");
        Npz.write(shape, Map.of("linear.weight", Tensor.zeros(DType.F32, 3, 2), "linear.bias", Tensor.zeros(DType.F32, 2)));
        modelc("train", model(), "--model", "CropYieldLinear", "--data", x(), "--data", y(), "--resume", shape.toString())
                .assertOneLineError("param 'linear.weight' of CropYieldLinear is f32[2, 3]", "holds f32[3, 2]");
        modelc("train", model(), "--model", "CropYieldLinear", "--data", x(), "--data", y(), "--resume", dir.resolve("none.npz").toString())
                .assertOneLineError("--resume: no such file");
    }

    @Test
    void aModelWithUpdateRulesTakesNoOptimizer() {
        modelc("train", model(), "--model", "CropYieldManual", "--data", x(), "--data", y(), "--optimizer", "adam")
                .assertOneLineError("a model with update rules is trained by them", "drop --optimizer");
        modelc("train", model(), "--model", "CropYieldManual", "--data", x(), "--data", y(), "--lr", "0.1")
                .assertOneLineError("a model with update rules is trained by them", "drop --lr");
    }

    @Test
    void integerLabelsLoadAsI32AndMustBeWholeNumbers() throws IOException {
        Path model = Files.writeString(dir.resolve("labels.model"), """
                model Labels {
                  input x: f32[N, 2]
                  input y: i32[N]
                  param w: f32[2, 3] = zeros()
                  output acc = accuracy(x @ w, y)
                  loss = cross_entropy(x @ w, y)
                  train { epochs = 30; optimizer = sgd(lr = 0.5) }
                }
                """);
        Path data = Files.writeString(dir.resolve("labels.csv"), "a,b,label\n1,0,0\n0,1,1\n-1,-1,2\n1,0.1,0\n");
        Run r = modelc("train", model.toString(), "--data", "x=" + data + ":a,b", "--data", "y=" + data + ":label");
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(r.out().contains(", acc 1.0000\n"), r.out());
        // In batches, an accuracy (a mean) and a count (a sum) combine exactly; a root mean square does not, and says so.
        Path more = Files.writeString(dir.resolve("more.model"), """
                model More {
                  input x: f32[N, 2]
                  input y: i32[N]
                  param w: f32[2, 3] = zeros()
                  output acc = accuracy(x @ w, y)
                  output hits = sum(i32(argmax(x @ w, axis = -1) == y))
                  output rms = sqrt(mean((x @ w) ** 2))
                  loss = cross_entropy(x @ w, y)
                  train { epochs = 30; optimizer = sgd(lr = 0.5) }
                }
                """);
        Run batched = modelc("train", more.toString(), "--data", "x=" + data + ":a,b", "--data", "y=" + data + ":label", "--batch", "3");
        assertEquals(Main.OK, batched.code(), batched.err());
        assertTrue(batched.out().contains(", acc 1.0000, hits 4, rms "), batched.out());
        assertTrue(batched.out().contains(" (batch mean)\n"), batched.out());
        Run whole = modelc("train", more.toString(), "--data", "x=" + data + ":a,b", "--data", "y=" + data + ":label");
        assertFalse(whole.out().contains("(batch mean)"), whole.out());
        Path half = Files.writeString(dir.resolve("half.csv"), "a,b,label\n1,0,0\n0,1,1.5\n");
        modelc("train", model.toString(), "--data", "x=" + half + ":a,b", "--data", "y=" + half + ":label")
                .assertOneLineError("input 'y' is i32", "1.5 at data row 2", "whole numbers");
        modelc("train", model.toString(), "--data", "x=" + data + ":a,b", "--data", "y=" + data + ":label,a")
                .assertOneLineError("input 'y' is i32[N], one value per row, but 2 columns are listed");
    }

    /**
     * After training, the scalar outputs whose inputs the data holds are reported and the others left out, whether
     * every output can run on the training data (the trained model's forward) or not (a model of those scalars).
     */
    @Test
    void scalarOutputsAreThoseTheTrainingDataCanCompute() throws IOException {
        Path data = Files.writeString(dir.resolve("scalars.csv"), "a,b,label\n1,0,0\n0,1,1\n-1,-1,2\n1,0.1,0\n");
        Path all = Files.writeString(dir.resolve("all.model"), """
                model All {
                  input x: f32[N, 2]
                  input y: i32[N]
                  param w: f32[2, 3] = zeros()
                  output preds = argmax(x @ w, axis = -1)
                  output hits = sum(i32(argmax(x @ w, axis = -1) == y))
                  output rows = size(x, 0)
                  loss = cross_entropy(x @ w, y)
                  train { epochs = 30; optimizer = sgd(lr = 0.5) }
                }
                """);
        Run r = modelc("train", all.toString(), "--data", "x=" + data + ":a,b", "--data", "y=" + data + ":label", "--batch", "3");
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(r.out().contains("; final loss 0.0"), r.out());
        assertTrue(r.out().contains(", hits 4, rows 4\n"), r.out());
        Path extra = Files.writeString(dir.resolve("extra.model"), """
                model Extra {
                  input x: f32[N, 2]
                  input y: i32[N]
                  input t: f32[N]
                  param w: f32[2, 3] = zeros()
                  output hits = sum(i32(argmax(x @ w, axis = -1) == y))
                  output total = sum(t)
                  loss = cross_entropy(x @ w, y)
                  train { epochs = 30; optimizer = sgd(lr = 0.5) }
                }
                """);
        Run e = modelc("train", extra.toString(), "--data", "x=" + data + ":a,b", "--data", "y=" + data + ":label");
        assertEquals(Main.OK, e.code(), e.err());
        assertTrue(e.out().contains(", hits 4\n"), e.out());
        assertFalse(e.out().contains("total"), e.out());
    }

    /** Ctrl-C in a real process: the run stops after a batch, keeps its checkpoint, says so and exits 130. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void ctrlCStopsAfterTheBatchAndKeepsTheCheckpoint() throws Exception {
        assumeTrue(!System.getProperty("os.name").toLowerCase().startsWith("windows") && Files.isExecutable(Path.of("/bin/kill")),
                "needs a Unix kill");
        Path checkpoint = dir.resolve("stop.npz");
        Interrupted run = interrupted(line -> line.startsWith("Epoch [3/"), 0, "train", model(), "--model", "CropYieldLinear",
                "--data", x(), "--data", y(), "--epochs", "100000000", "--print-every", "1", "--save", checkpoint.toString());
        String out = run.out();
        assertEquals(Interrupts.EXIT_CODE, run.code(), out);
        Matcher m = Pattern.compile("stopped after epoch (\\d+).* of 100000000; params saved to (.*)\n").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Integer.parseInt(m.group(1)) >= 3, out);
        assertEquals(checkpoint.toString(), m.group(2));
        Map<String, Tensor> saved = Checkpoint.read(checkpoint).params();
        assertEquals(List.of("linear.weight", "linear.bias"), List.copyOf(saved.keySet()));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the checkpoint, no temporary files");
        }
    }

    /** What a separate {@code modelc} process printed on stdout, and its exit code. */
    record Interrupted(int code, String out) {
    }

    /**
     * Runs {@code modelc args} in a JVM of its own and sends it SIGINT (Ctrl-C) {@code delayMillis}
     * after the first line of its output that {@code when} accepts; stderr is discarded.
     */
    static Interrupted interrupted(Predicate<String> when, long delayMillis, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean sent = false;
            while ((line = reader.readLine()) != null) {
                out.append(line).append('\n');
                if (!sent && when.test(line)) {
                    if (delayMillis > 0) Thread.sleep(delayMillis);
                    new ProcessBuilder("/bin/kill", "-INT", Long.toString(p.pid())).inheritIO().start().waitFor();
                    sent = true;
                }
            }
        } finally {
            if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        return new Interrupted(p.exitValue(), out.toString());
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
