package dev.modelc.cli;

import static dev.modelc.cli.TrainCommandTest.concat;
import static dev.modelc.cli.TrainCommandTest.model;
import static dev.modelc.cli.TrainCommandTest.modelc;
import static dev.modelc.cli.TrainCommandTest.x;
import static dev.modelc.cli.TrainCommandTest.y;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Npz;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.train.Checkpoint;
import dev.modelc.runtime.train.Position;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --resume} after a stop at any batch (the Ctrl-C mechanism, asked for in process
 * with the hidden {@code --stop-after-batches}): the resumed run ends with the params an
 * uninterrupted run has, bit for bit, and the same last epoch loss; and every way a checkpoint
 * can fail to fit the run is a one-line error naming the file.
 */
class TrainResumeTest {
    /** 15 rows in batches of 4 (the last of 3), shuffled, Adam: every piece of state a resume must restore. */
    private static final int EPOCHS = 3;
    private static final int BATCHES = 4;
    private static final Pattern STOPPED = Pattern.compile("stopped after epoch (\\d+)(?: \\(and (\\d+) of 4 batches of epoch \\d+\\))? of (\\d+); params saved to ");

    @TempDir
    Path dir;

    /** The run's command line: Adam, batches of 4, shuffled with seed 7, unless {@code more} sets one of those itself. */
    private static String[] run(String... more) {
        List<String> given = List.of(more);
        List<String> args = new ArrayList<>(List.of("train", model(), "--model", "CropYieldLinear", "--data", x(), "--data", y(),
                "--print-every", "1"));
        String[][] defaults = {{"--optimizer", "adam"}, {"--lr", "0.3"}, {"--batch", "4"}, {"--seed", "7"}};
        for (String[] d : defaults) if (!given.contains(d[0])) args.addAll(List.of(d));
        if (!given.contains("--no-shuffle")) args.add("--shuffle");
        args.addAll(given);
        return args.toArray(String[]::new);
    }

    private static void assertSameParams(Path expected, Path actual, String what) throws Exception {
        Map<String, Tensor> e = Checkpoint.read(expected).params(), a = Checkpoint.read(actual).params();
        assertEquals(e.keySet(), a.keySet(), what);
        for (String k : e.keySet()) assertEquals(e.get(k), a.get(k), k + " " + what); // Tensor.equals compares bits
    }

    private static double lastLoss(String out) {
        Matcher m = Pattern.compile("Epoch \\[\\d+/\\d+], Loss: ([0-9.]+)").matcher(out);
        String last = null;
        while (m.find()) last = m.group(1);
        return Double.parseDouble(last);
    }

    @Test
    void resumingAfterStopsAtRandomBatchesGivesTheUninterruptedParamsBitForBit() throws Exception {
        Path straight = dir.resolve("straight.npz");
        TrainCommandTest.Run whole = modelc(run("--epochs", Integer.toString(EPOCHS), "--save", straight.toString()));
        assertEquals(Main.OK, whole.code(), whole.err());

        Random random = new Random(2026);
        for (int trial = 0; trial < 6; trial++) {
            Path ckpt = dir.resolve("stop" + trial + ".npz");
            int epochsLeft = EPOCHS;
            List<String> log = new ArrayList<>();
            String lastOut = "";
            // One or two stops, each after a random number of batches of the run under way.
            int stops = 1 + random.nextInt(2);
            for (int s = 0; s <= stops; s++) {
                List<String> args = new ArrayList<>(List.of(run("--epochs", Integer.toString(epochsLeft), "--save", ckpt.toString())));
                if (s > 0) args.addAll(List.of("--resume", ckpt.toString()));
                int k = 1 + random.nextInt(EPOCHS * BATCHES - 1);
                if (s < stops) args.addAll(List.of("--stop-after-batches", Integer.toString(k)));
                TrainCommandTest.Run r = modelc(args.toArray(String[]::new));
                log.add("run " + s + " (stop after " + (s < stops ? k : "none") + "): exit " + r.code() + "\n" + r.out() + r.err());
                lastOut = r.out();
                if (r.code() == Main.OK) break; // the stop fell past the run's last batch
                assertEquals(Interrupts.EXIT_CODE, r.code(), String.join("\n", log));
                Matcher m = STOPPED.matcher(r.out());
                assertTrue(m.find(), String.join("\n", log));
                assertEquals(epochsLeft, Integer.parseInt(m.group(3)));
                int done = Integer.parseInt(m.group(1));
                var position = Checkpoint.read(ckpt).position();
                assertEquals(m.group(2) == null ? 0 : Integer.parseInt(m.group(2)), position.batch(), String.join("\n", log));
                epochsLeft -= done; // --epochs counts the epoch the checkpoint is inside as the first
                if (m.group(2) == null && epochsLeft == 0) break;
            }
            assertSameParams(straight, ckpt, String.join("\n", log));
            if (!lastOut.isEmpty() && lastOut.contains("Epoch [")) assertEquals(lastLoss(whole.out()), lastLoss(lastOut), String.join("\n", log));
        }
    }

    /**
     * A real Ctrl-C (SIGINT to a separate JVM) at a random moment, so at whatever batch the run is
     * at: the checkpoint it leaves, resumed, ends with the uninterrupted run's params bit for bit.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aRealCtrlCAtARandomMomentResumesToTheUninterruptedParams() throws Exception {
        assumeTrue(!System.getProperty("os.name").toLowerCase().startsWith("windows") && Files.isExecutable(Path.of("/bin/kill")),
                "needs a Unix kill");
        assumeTrue(!SignalDisposition.sigintIgnored(), "SIGINT is ignored in this JVM (started in the background by a script), so in its children too");
        // 300 epochs of 4 batches, a checkpoint forced to disk after each: about a second of
        // training, long enough for a signal at a random moment to land at a random batch.
        int epochs = 300;
        String[] settings = {"--epochs", Integer.toString(epochs), "--lr", "0.01"};
        Path straight = dir.resolve("straight-signal.npz");
        TrainCommandTest.Run whole = modelc(concat(run(settings), "--save", straight.toString()));
        assertEquals(Main.OK, whole.code(), whole.out() + whole.err());

        Random random = new Random(12);
        List<String> stops = new ArrayList<>();
        for (int trial = 0; trial < 2; trial++) {
            Path ckpt = dir.resolve("signal" + trial + ".npz");
            long delay = random.nextInt(800);
            TrainCommandTest.Interrupted stopped = TrainCommandTest.interrupted(line -> line.startsWith("training "), delay,
                    concat(run(settings), "--save", ckpt.toString()));
            String log = "trial " + trial + ", SIGINT " + delay + " ms after the start:\n" + stopped.out();
            if (stopped.code() == Main.OK) { // the run ended before the signal: nothing to resume
                assertSameParams(straight, ckpt, log);
                continue;
            }
            assertEquals(Interrupts.EXIT_CODE, stopped.code(), log);
            Position position = Checkpoint.read(ckpt).position();
            String[] rest = {"--epochs", Integer.toString(epochs - position.epoch()), "--lr", "0.01"};
            TrainCommandTest.Run resumed = modelc(concat(run(rest), "--save", ckpt.toString(), "--resume", ckpt.toString()));
            assertEquals(Main.OK, resumed.code(), log + resumed.out() + resumed.err());
            assertSameParams(straight, ckpt, log + "stopped at " + position + "\n" + resumed.out());
            stops.add(position.toString());
        }
        assertTrue(!stops.isEmpty(), "no run was still going when its signal came: the test checked nothing");
    }

    @Test
    void aCheckpointInsideAnEpochResumesOnlyInTheSameBatchOrder() throws Exception {
        Path ckpt = dir.resolve("mid.npz");
        TrainCommandTest.Run stopped = modelc(run("--epochs", "2", "--save", ckpt.toString(), "--stop-after-batches", "2"));
        assertEquals(Interrupts.EXIT_CODE, stopped.code(), stopped.err());
        assertTrue(stopped.out().contains("stopped after epoch 0 (and 2 of 4 batches of epoch 1) of 2; params saved to " + ckpt), stopped.out());
        modelc(run("--epochs", "2", "--resume", ckpt.toString(), "--batch", "5")).assertOneLineError(
                "--resume " + ckpt + ": it was saved inside an epoch (after epoch 0 and 2 batches of epoch 1) of batches of 4 rows of 15,"
                        + " shuffled with seed 7, but this run takes batches of 5 rows of 15, shuffled with seed 7",
                "(use --batch 4)");
        modelc(run("--epochs", "2", "--resume", ckpt.toString(), "--seed", "8")).assertOneLineError("(use --seed 7)");
        modelc(run("--epochs", "2", "--resume", ckpt.toString(), "--no-shuffle")).assertOneLineError("(use --shuffle)");
        TrainCommandTest.Run resumed = modelc(run("--epochs", "2", "--resume", ckpt.toString()));
        assertEquals(Main.OK, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains(", params from " + ckpt + " (after epoch 0 and 2 batches of epoch 1), seed 7"), resumed.out());
    }

    // ---- checkpoints that do not fit: exit 1, the file, both types (item 5 of issue 12) ----

    /** A real checkpoint of one epoch of Adam, as a map to spoil. */
    private Map<String, Tensor> checkpoint() throws Exception {
        Path ckpt = dir.resolve("good.npz");
        TrainCommandTest.Run r = modelc(run("--epochs", "1", "--save", ckpt.toString()));
        assertEquals(Main.OK, r.code(), r.err());
        return new LinkedHashMap<>(Npz.read(ckpt));
    }

    private Path write(String name, Map<String, Tensor> arrays) throws Exception {
        Path p = dir.resolve(name);
        Npz.write(p, arrays);
        return p;
    }

    @Test
    void anF32CheckpointDoesNotResumeAnF64Run() throws Exception {
        Path f32 = write("f32.npz", checkpoint());
        modelc(run("--epochs", "1", "--resume", f32.toString(), "--dtype", "f64")).assertOneLineError(
                "--resume: param 'linear.weight' of CropYieldLinear trains as f64 (--dtype f64), but the checkpoint " + f32
                        + " holds f32[2, 3]; resume in the dtype it was trained in (--dtype f32)");
        // A plain params file is only a starting point: its values convert.
        Map<String, Tensor> plain = new LinkedHashMap<>(Checkpoint.read(f32).params());
        TrainCommandTest.Run r = modelc(run("--epochs", "1", "--resume", write("plain.npz", plain).toString(), "--dtype", "f64"));
        assertEquals(Main.OK, r.code(), r.err());
    }

    @Test
    void optimizerStateOfTheWrongShapeOrDTypeOrValue() throws Exception {
        Map<String, Tensor> c = checkpoint();
        c.put("training/optimizer/exp_avg/linear.weight", Tensor.zeros(DType.F32, 3, 2));
        Path shape = write("shape.npz", c);
        modelc(run("--epochs", "1", "--resume", shape.toString())).assertOneLineError("--resume " + shape
                + ": optimizer state \"exp_avg/linear.weight\" is f32[3, 2] but param \"linear.weight\" is f32[2, 3]");

        c = checkpoint();
        c.put("training/optimizer/exp_avg_sq/linear.bias", Tensor.zeros(DType.F64, 2));
        Path dtype = write("dtype.npz", c);
        modelc(run("--epochs", "1", "--resume", dtype.toString())).assertOneLineError(
                "optimizer state \"exp_avg_sq/linear.bias\" is f64[2] but param \"linear.bias\" is f32[2]");

        c = checkpoint();
        c.put("training/optimizer/exp_avg/linear.bias", Tensor.of(DType.F32, new int[] {2}, new double[] {0, Double.NaN}));
        modelc(run("--epochs", "1", "--resume", write("nan.npz", c).toString())).assertOneLineError(
                "optimizer state \"exp_avg/linear.bias\" holds NaN at flat index 1");

        c = checkpoint();
        c.put("training/optimizer/exp_avg_sq/linear.bias", Tensor.of(DType.F32, new int[] {2}, new double[] {0.5, -1}));
        modelc(run("--epochs", "1", "--resume", write("negative.npz", c).toString())).assertOneLineError(
                "optimizer state \"exp_avg_sq/linear.bias\" holds -1.0 at flat index 1, but a mean of squared gradients is never negative");

        c = checkpoint();
        c.put("training/optimizer/step/linear.bias", Tensor.scalar(DType.F64, 0));
        modelc(run("--epochs", "1", "--resume", write("step.npz", c).toString())).assertOneLineError(
                "optimizer state \"step/linear.bias\" is 0, but a param with moments has had at least 1 step");

        c = checkpoint();
        c.put("training/optimizer/exp_avg/other.weight", Tensor.zeros(DType.F32, 2));
        c.put("training/optimizer/exp_avg_sq/other.weight", Tensor.zeros(DType.F32, 2));
        c.put("training/optimizer/step/other.weight", Tensor.scalar(DType.F64, 1));
        modelc(run("--epochs", "1", "--resume", write("other.npz", c).toString())).assertOneLineError(
                "optimizer state \"exp_avg/other.weight\" is for a param \"other.weight\" the model does not have");

        Path adam = write("adam.npz", checkpoint());
        modelc(run("--epochs", "1", "--resume", adam.toString(), "--optimizer", "sgd", "--lr", "0.00001")).assertOneLineError(
                "holds another optimizer's state (unknown optimizer state key \"exp_avg/linear.bias\"");
    }

    @Test
    void trainingKeysOutOfRangeOrOfTheWrongKind() throws Exception {
        Map<String, Tensor> c = checkpoint();
        c.put("training/epoch", Tensor.scalar(DType.I32, -5));
        Path negative = write("negative.npz", c);
        modelc(run("--epochs", "1", "--resume", negative.toString())).assertOneLineError(
                "--resume " + negative + ": training/epoch is -5; expected a whole number from 0 to 2147483647");

        c = checkpoint();
        c.put("training/epoch", Tensor.zeros(DType.I32, 2));
        modelc(run("--epochs", "1", "--resume", write("rank.npz", c).toString())).assertOneLineError(
                "training/epoch is i32[2]; expected a whole number, i32[]");

        c = checkpoint();
        c.put("training/epoch", Tensor.scalar(DType.F64, 1.5));
        modelc(run("--epochs", "1", "--resume", write("half.npz", c).toString())).assertOneLineError("training/epoch is 1.5");

        c = checkpoint();
        c.put("training/batch", Tensor.scalar(DType.I32, 4));
        modelc(run("--epochs", "1", "--resume", write("batch.npz", c).toString())).assertOneLineError(
                "training/batch is 4 but an epoch of 15 rows in batches of 4 has 4 batches");

        c = checkpoint();
        c.put("training/batch", Tensor.scalar(DType.I32, 1));
        c.remove("training/seed");
        modelc(run("--epochs", "1", "--resume", write("noseed.npz", c).toString())).assertOneLineError(
                "it has some of the batch order's keys but not training/seed");

        c = checkpoint();
        c.put("training/learning_rate", Tensor.scalar(DType.F64, 0.1));
        modelc(run("--epochs", "1", "--resume", write("unknown.npz", c).toString())).assertOneLineError(
                "unknown key 'training/learning_rate'");

        c = checkpoint();
        c.remove("training/epoch");
        modelc(run("--epochs", "1", "--resume", write("noepoch.npz", c).toString())).assertOneLineError(
                "it has training keys but no training/epoch");
    }

    @Test
    void paramsMissingExtraOfTheWrongRankOrNotFinite() throws Exception {
        Map<String, Tensor> c = checkpoint();
        c.remove("linear.bias");
        modelc(run("--epochs", "1", "--resume", write("missing.npz", c).toString())).assertOneLineError(
                "lacks param 'linear.bias' (f32[2])");

        c = checkpoint();
        c.put("linear.extra", Tensor.zeros(DType.F32, 2));
        modelc(run("--epochs", "1", "--resume", write("extra.npz", c).toString())).assertOneLineError(
                "has 'linear.extra', but CropYieldLinear has no such param");

        c = checkpoint();
        c.put("linear.bias", Tensor.zeros(DType.F32, 2, 1));
        modelc(run("--epochs", "1", "--resume", write("rank.npz", c).toString())).assertOneLineError(
                "param 'linear.bias' of CropYieldLinear is f32[2], but", "holds f32[2, 1]");

        c = checkpoint();
        c.put("linear.weight", Tensor.of(DType.F32, new int[] {2, 3}, new double[] {0, 0, 0, 0, Double.NEGATIVE_INFINITY, 0}));
        Path inf = write("inf.npz", c);
        modelc(run("--epochs", "1", "--resume", inf.toString())).assertOneLineError(
                "--resume " + inf + ": param 'linear.weight' holds -inf at [1, 1]", "--allow-non-finite");
    }

    @Test
    void optimizerStateDoesNotResumeAModelTrainedByUpdateRules() throws Exception {
        Path adam = write("adam.npz", checkpoint());
        Map<String, Tensor> manual = new LinkedHashMap<>(Npz.read(adam));
        manual.put("w", manual.remove("linear.weight"));
        manual.put("b", manual.remove("linear.bias"));
        Path file = write("manual.npz", manual);
        modelc("train", model(), "--model", "CropYieldManual", "--data", x(), "--data", y(), "--resume", file.toString())
                .assertOneLineError("it holds an optimizer's state (training/optimizer/", "but CropYieldManual trains by its update rules");
    }
}
