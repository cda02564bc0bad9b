package dev.modelc.cli;

import static dev.modelc.cli.Cli.modelc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelc.runtime.Npz;
import dev.modelc.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code training} and states through the commands: {@code eval} in each mode, {@code train}
 * updating a BatchNorm1d's running statistics and saving them, and checkpoints with and
 * without states refused by a model that has the other kind, naming the paths.
 */
class ModesCommandTest {
    private static final double[][] X = {{1, 2, 3}, {4, 0, 1}, {2, 2, 7}, {0.5, -1, 2}};
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final String BN = """
            model BN {
              input x: f32[N, 3]
              input y: f32[N, 3]
              bn = BatchNorm1d(3)
              output h = bn(x)
              loss = mean((h - y) ** 2)
              train { optimizer = sgd(lr = 0.1) }
            }
            """;
    /** The same paths for the params, no states. */
    private static final String AFFINE = """
            layer Affine(n) {
              param weight: f32[n] = ones()
              param bias: f32[n] = zeros()
              forward(x) = x * weight + bias
            }
            model BN {
              input x: f32[N, 3]
              input y: f32[N, 3]
              bn = Affine(3)
              output h = bn(x)
              loss = mean((h - y) ** 2)
              train { optimizer = sgd(lr = 0.1) }
            }
            """;

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private Path csv() throws IOException {
        StringBuilder s = new StringBuilder("x1,x2,x3,y1,y2,y3\n");
        for (double[] r : X) s.append(r[0]).append(',').append(r[1]).append(',').append(r[2]).append(",0,1,0\n");
        return write("data.csv", s.toString());
    }

    private static double mean(int column) {
        double s = 0;
        for (double[] r : X) s += r[column];
        return s / X.length;
    }

    /** The unbiased variance of a column, as torch.var. */
    private static double unbiasedVar(int column) {
        double m = mean(column), s = 0;
        for (double[] r : X) s += (r[column] - m) * (r[column] - m);
        return s / (X.length - 1);
    }

    @Test
    void evalRunsTheEvaluationProgramUnlessTrainModeSaysOtherwise() throws IOException {
        Path model = write("bn.model", BN);
        Path values = write("values.json", "{\"x\": " + MAPPER.writeValueAsString(X) + ", \"y\": " + MAPPER.writeValueAsString(X) + "}");
        Cli.Result eval = modelc("eval", model.toString(), "--inputs", values.toString(), "--dtype", "f64");
        assertEquals(Main.OK, eval.code(), eval.err());
        JsonNode e = MAPPER.readTree(eval.out());
        assertFalse(e.has("states"), eval.out());
        // Running statistics zeros and ones: h = x / sqrt(1 + eps).
        assertEquals(X[1][0] / Math.sqrt(1 + 1e-5), e.get("outputs").get("h").get(1).get(0).asDouble(), 1e-15);

        Cli.Result train = modelc("eval", model.toString(), "--inputs", values.toString(), "--dtype", "f64", "--train-mode");
        assertEquals(Main.OK, train.code(), train.err());
        JsonNode t = MAPPER.readTree(train.out());
        for (int c = 0; c < 3; c++) {
            assertEquals(0.1 * mean(c), t.get("states").get("bn.running_mean").get(c).asDouble(), 1e-15);
            assertEquals(0.9 + 0.1 * unbiasedVar(c), t.get("states").get("bn.running_var").get(c).asDouble(), 1e-15);
        }
        // Batch statistics: each column of h has mean 0 (bias 0) in training.
        double s = 0;
        for (int i = 0; i < X.length; i++) s += t.get("outputs").get("h").get(i).get(2).asDouble();
        assertEquals(0, s, 1e-12);
    }

    @Test
    void trainingMovesTheRunningStatisticsAndSavesThem() throws IOException {
        Path model = write("bn.model", BN);
        Path data = csv();
        Path saved = dir.resolve("bn.npz");
        Cli.Result r = modelc("train", model.toString(), "--data", "x=" + data + ":x1,x2,x3", "--data", "y=" + data + ":y1,y2,y3",
                "--dtype", "f64", "--epochs", "3", "--save", saved.toString());
        assertEquals(Main.OK, r.code(), r.err());
        Map<String, Tensor> npz = Npz.read(saved);
        // Three full-batch steps on the same rows: running = (1 - 0.9^3) * batch + 0.9^3 * initial.
        double kept = Math.pow(0.9, 3);
        for (int c = 0; c < 3; c++) {
            assertEquals((1 - kept) * mean(c), npz.get("bn.running_mean").getDouble(c), 1e-14);
            assertEquals((1 - kept) * unbiasedVar(c) + kept, npz.get("bn.running_var").getDouble(c), 1e-14);
        }
        assertTrue(npz.containsKey("bn.weight") && npz.containsKey("bn.bias"), npz.keySet().toString());
    }

    @Test
    void aCheckpointWithoutTheStatesOrWithOthersIsRefusedNamingThePaths() throws IOException {
        Path data = csv();
        Path withStates = dir.resolve("bn.npz"), without = dir.resolve("affine.npz");
        String[] d = {"--data", "x=" + data + ":x1,x2,x3", "--data", "y=" + data + ":y1,y2,y3"};
        Path bn = write("bn.model", BN), affine = write("affine.model", AFFINE);
        assertEquals(Main.OK, modelc("train", bn.toString(), d[0], d[1], d[2], d[3], "--save", withStates.toString()).code());
        assertEquals(Main.OK, modelc("train", affine.toString(), d[0], d[1], d[2], d[3], "--save", without.toString()).code());

        Cli.Result missing = modelc("train", bn.toString(), d[0], d[1], d[2], d[3], "--resume", without.toString());
        assertEquals(Main.USER_ERROR, missing.code());
        assertEquals("modelc: --resume: " + without + " lacks states 'bn.running_mean' (f32[3]), 'bn.running_var' (f32[3]) of BN\n",
                missing.err());
        Cli.Result extra = modelc("train", affine.toString(), d[0], d[1], d[2], d[3], "--resume", withStates.toString());
        assertEquals(Main.USER_ERROR, extra.code());
        assertTrue(extra.err().startsWith("modelc: --resume: " + withStates + " has 'bn.running_mean', 'bn.running_var', but BN has no such"),
                extra.err());
    }

    @Test
    void compileEmitsTheTypedClassOfAModelWithModesAndStates() throws IOException {
        Path model = write("bn.model", BN);
        Path out = dir.resolve("generated");
        Cli.Result r = modelc("compile", model.toString(), "--emit", "java", "--out", out.toString(), "--package", "nets");
        assertEquals(Main.OK, r.code(), r.err());
        String java = Files.readString(out.resolve("nets/BN.java"));
        assertTrue(java.contains("public BN train() {") && java.contains("public BN eval() {"), java);
        assertTrue(java.contains("public Map<String, Tensor> buffers() {") && java.contains("public record States("), java);
    }

    @Test
    void aStateItsRuleMakesNanStopsTheRunNamingTheState() throws IOException {
        Path model = write("counter.model", """
                model Counter {
                  input x: f32[N, 3]
                  input y: f32[N, 3]
                  param w: f32[3] = ones()
                  state s: f32[3] = zeros()
                  update s = s + sqrt(mean(x, axis = 0))
                  loss = mean((x * w - y) ** 2)
                  train { optimizer = sgd(lr = 0.1) }
                }
                """);
        Path data = write("neg.csv", "x1,x2,x3,y1,y2,y3\n-1,2,3,0,1,0\n");
        Cli.Result r = modelc("train", model.toString(), "--data", "x=" + data + ":x1,x2,x3", "--data", "y=" + data + ":y1,y2,y3");
        assertEquals(Main.USER_ERROR, r.code());
        assertEquals("modelc: training diverged: the step on batch 1 of epoch 1 made state 's' nan at [0] (the batch's loss was"
                + " 3.6666667461395264); its update rule gave it (or --allow-non-finite to go on regardless)\n", r.err());
    }

    @Test
    void aTrainingBatchWithOneValuePerChannelIsRefusedAsPyTorchRefusesIt() throws IOException {
        Path model = write("bn.model", BN);
        Path data = write("one.csv", "x1,x2,x3,y1,y2,y3\n1,2,3,0,1,0\n");
        Cli.Result r = modelc("train", model.toString(), "--data", "x=" + data + ":x1,x2,x3", "--data", "y=" + data + ":y1,y2,y3");
        assertEquals(Main.USER_ERROR, r.code());
        assertEquals("modelc: bn.model:5: bn(x): Expected more than 1 value per channel when training, got input size [1, 3]\n", r.err());
        // The last batch of 3 rows in batches of 2 has one row: refused too (PyTorch's DataLoader has drop_last for it).
        Path three = write("three.csv", "x1,x2,x3,y1,y2,y3\n1,2,3,0,1,0\n2,2,1,0,1,0\n3,3,3,1,1,1\n");
        Cli.Result last = modelc("train", model.toString(), "--data", "x=" + three + ":x1,x2,x3", "--data", "y=" + three + ":y1,y2,y3",
                "--batch", "2");
        assertEquals(Main.USER_ERROR, last.code());
        assertTrue(last.err().endsWith("modelc: bn.model:5: bn(x): Expected more than 1 value per channel when training, got input size"
                + " [1, 3]\n"), last.err());
        // Evaluation uses the running statistics: one row is fine.
        Path values = write("one.json", "{\"x\": [[1, 2, 3]], \"y\": [[0, 1, 0]]}");
        assertEquals(Main.OK, modelc("eval", model.toString(), "--inputs", values.toString()).code());
    }
}
