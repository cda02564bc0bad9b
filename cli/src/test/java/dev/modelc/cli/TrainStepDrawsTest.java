package dev.modelc.cli;

import static dev.modelc.cli.TrainCommandTest.modelc;
import static dev.modelc.cli.TrainCommandTest.x;
import static dev.modelc.cli.TrainCommandTest.y;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.train.Checkpoint;
import dev.modelc.runtime.train.Position;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modelc train} of a model that draws in the step (dropout and noise on the inputs): a run
 * stopped inside an epoch, or after whole epochs, and resumed from its checkpoint ends with the
 * uninterrupted run's params bit for bit, since each step's draws are keyed by the seed and the
 * step's number, which the checkpoint holds ({@code training/step}) and the resumed run continues.
 */
class TrainStepDrawsTest {
    private static final String MODEL = """
            model Noisy {
              input x: f32[N, 3]
              input y: f32[N, 2]
              linear = Linear(3, 2)
              output preds = linear(dropout(x, 0.3) + 0.1 * randn_like(x))
              loss = mse_loss(preds, y)
            }
            """;

    @TempDir
    Path dir;

    private String[] run(Path model, String seed, Path save, String... more) {
        List<String> args = new ArrayList<>(List.of("train", model.toString(), "--data", x(), "--data", y(), "--optimizer", "adam",
                "--lr", "0.1", "--batch", "4", "--seed", seed, "--save", save.toString()));
        if (List.of(more).contains("--batch")) args.subList(args.indexOf("--batch"), args.indexOf("--batch") + 2).clear();
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static Map<String, Tensor> params(Path file) throws Exception {
        return Checkpoint.read(file).params();
    }

    /** Dropout after a batch norm: draws and states both carried across the resume. */
    private static final String DROPOUT = """
            model Drop {
              input x: f32[N, 3]
              input y: f32[N, 2]
              bn = BatchNorm1d(3)
              linear = Linear(3, 2)
              output preds = linear(dropout(bn(x), 0.3))
              loss = mse_loss(preds, y)
            }
            """;

    private static void assertSameBits(Map<String, Tensor> want, Map<String, Tensor> got) {
        assertEquals(want.keySet(), got.keySet());
        for (String k : want.keySet()) assertEquals(want.get(k), got.get(k), k); // Tensor.equals compares bits
    }

    @Test
    void twoEpochsAndTwoMoreAreFourEpochsBitForBit() throws Exception {
        Path model = dir.resolve("drop.model");
        Files.writeString(model, DROPOUT);
        Path four = dir.resolve("four.npz"), two = dir.resolve("two.npz");
        TrainCommandTest.Run whole = modelc(run(model, "3", four, "--epochs", "4"));
        assertEquals(Main.OK, whole.code(), whole.err());
        TrainCommandTest.Run first = modelc(run(model, "3", two, "--epochs", "2"));
        assertEquals(Main.OK, first.code(), first.err());
        // 15 rows in batches of 4: 4 steps an epoch.
        assertEquals(OptionalLong.of(8), Checkpoint.read(two).steps());
        TrainCommandTest.Run more = modelc(run(model, "3", two, "--epochs", "2", "--resume", two.toString()));
        assertEquals(Main.OK, more.code(), more.out() + more.err());
        assertEquals(OptionalLong.of(16), Checkpoint.read(two).steps());
        assertEquals(OptionalLong.of(16), Checkpoint.read(four).steps());
        assertSameBits(params(four), params(two));
    }

    /**
     * A run resumed at an epoch's end with other batches goes on counting from the checkpoint's
     * steps (8, after two epochs of 4 batches), not from its position under the new batches (two
     * epochs of 3 batches would say 6): no step's draws are used twice. A checkpoint without the
     * counter (written before it was kept) still resumes, counting from its position.
     */
    @Test
    void theCounterGoesOnWhenTheResumedRunTakesOtherBatches() throws Exception {
        Path model = dir.resolve("drop.model");
        Files.writeString(model, DROPOUT);
        Path two = dir.resolve("two.npz");
        assertEquals(Main.OK, modelc(run(model, "3", two, "--epochs", "2")).code());
        Map<String, Tensor> withoutCounter = new java.util.LinkedHashMap<>(dev.modelc.runtime.Npz.read(two));
        assertEquals(Tensor.of(new int[] {0, 8}, 2), withoutCounter.remove("training/step"));
        Path old = dir.resolve("old.npz"), counted = dir.resolve("counted.npz");
        dev.modelc.runtime.Npz.write(old, withoutCounter);
        Files.copy(two, counted);

        TrainCommandTest.Run a = modelc(run(model, "3", counted, "--epochs", "1", "--batch", "5", "--resume", counted.toString()));
        assertEquals(Main.OK, a.code(), a.out() + a.err());
        assertEquals(OptionalLong.of(11), Checkpoint.read(counted).steps());
        TrainCommandTest.Run b = modelc(run(model, "3", old, "--epochs", "1", "--batch", "5", "--resume", old.toString()));
        assertEquals(Main.OK, b.code(), b.out() + b.err());
        assertEquals(OptionalLong.of(9), Checkpoint.read(old).steps());
        // Other step numbers, other dropout masks: the weights differ.
        Tensor wa = params(counted).get("linear.weight"), wb = params(old).get("linear.weight");
        assertEquals(false, wa.equals(wb), wa + " and " + wb);
    }

    /**
     * {@code modelc eval} keys the step's draws by {@code --seed} and step 0, the first step of
     * {@code modelc train --seed S}: the same seed gives the same outputs, another seed others, and
     * they are the compiled model's for {@code StepKey(seed, 0)} (the params given, so only the
     * draws depend on the seed).
     */
    @Test
    void evalDrawsAsStepZeroOfItsSeed() throws Exception {
        Path model = dir.resolve("noisy.model");
        Files.writeString(model, MODEL);
        Path values = dir.resolve("values.json");
        Files.writeString(values, """
                {"x": [[1, 2, 3], [4, 5, 6]], "y": [[0, 1], [1, 0]],
                 "linear.weight": [[0.5, -0.25, 0.125], [1, 0.5, -0.5]], "linear.bias": [0.25, -0.75]}
                """);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var program = dev.modelc.api.Modelc.compile("noisy.model", MODEL).model("Noisy");
        var training = program.compiled().inMode(dev.modelc.runtime.model.Mode.TRAINING);
        Map<String, Tensor> params = Map.of("linear.weight", Tensor.of(new float[] {0.5f, -0.25f, 0.125f, 1, 0.5f, -0.5f}, 2, 3),
                "linear.bias", Tensor.of(new float[] {0.25f, -0.75f}, 2));
        Map<String, Tensor> inputs = Map.of("x", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        List<Double> previous = null;
        for (long seed : new long[] {5, 6}) {
            TrainCommandTest.Run r = modelc("eval", model.toString(), "--inputs", values.toString(), "--train-mode", "--seed",
                    Long.toString(seed));
            assertEquals(Main.OK, r.code(), r.err());
            List<Double> preds = new ArrayList<>();
            json.readTree(r.out()).get("outputs").get("preds").forEach(row -> row.forEach(v -> preds.add(v.asDouble())));
            double[] want = training.forward(params, inputs, new dev.modelc.runtime.model.StepKey(seed, 0)).get("preds").toDoubleArray();
            for (int i = 0; i < want.length; i++) assertEquals((float) want[i], preds.get(i).floatValue(), "seed " + seed + " [" + i + "]");
            assertEquals(false, preds.equals(previous), "seed " + seed);
            previous = preds;
        }
    }

    @Test
    void aResumedRunDrawsWhatTheUninterruptedRunDrew() throws Exception {
        Path model = dir.resolve("noisy.model");
        Files.writeString(model, MODEL);
        Path straight = dir.resolve("straight.npz"), stopped = dir.resolve("stopped.npz");
        TrainCommandTest.Run whole = modelc(run(model, "7", straight, "--epochs", "3"));
        assertEquals(Main.OK, whole.code(), whole.err());

        // 15 rows in batches of 4: 4 batches an epoch; a stop after 6 lands inside the second epoch.
        TrainCommandTest.Run first = modelc(run(model, "7", stopped, "--epochs", "3", "--stop-after-batches", "6"));
        assertEquals(Interrupts.EXIT_CODE, first.code(), first.out() + first.err());
        assertEquals(new Position(1, 2), Checkpoint.read(stopped).position());
        TrainCommandTest.Run resumed = modelc(run(model, "7", stopped, "--epochs", "2", "--resume", stopped.toString()));
        assertEquals(Main.OK, resumed.code(), resumed.out() + resumed.err());
        Map<String, Tensor> want = params(straight), got = params(stopped);
        assertEquals(want.keySet(), got.keySet());
        for (String k : want.keySet()) assertEquals(want.get(k), got.get(k), k); // Tensor.equals compares bits
    }
}
