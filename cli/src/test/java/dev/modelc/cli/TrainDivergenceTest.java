package dev.modelc.cli;

import static dev.modelc.cli.TrainCommandTest.model;
import static dev.modelc.cli.TrainCommandTest.modelc;
import static dev.modelc.cli.TrainCommandTest.x;
import static dev.modelc.cli.TrainCommandTest.y;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Npy;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.train.Checkpoint;
import dev.modelc.runtime.train.NonFinite;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that diverges says so and fails (exit 1) at the first NaN or infinity, keeping the last
 * checkpoint with finite params; NaN and infinities in the data are named where they are, and are
 * never called divergence.
 */
class TrainDivergenceTest {
    @TempDir
    Path dir;

    /** exp(88 w) overflows f32 once w passes 1.009; its gradient at w = 1 already does. */
    private Path grow() throws Exception {
        return Files.writeString(dir.resolve("grow.model"), """
                model Grow {
                  input x: f32[N, 1]
                  param w: f32[1] = ones()
                  loss = mean(exp(x * w))
                  train { epochs = 5; optimizer = sgd(lr = 100) }
                }
                """);
    }

    @Test
    void aGradientThatOverflowsStopsTheRunInsteadOfSavingInfinities() throws Exception {
        Path data = Files.writeString(dir.resolve("d.csv"), "a\n50\n88\n");
        Path ckpt = dir.resolve("w.npz");
        TrainCommandTest.Run r = modelc("train", grow().toString(), "--data", "x=" + data + ":a", "--save", ckpt.toString());
        r.assertOneLineError("modelc: training diverged: the step on batch 1 of epoch 1 made param 'w' -inf at [0] (the batch's loss was ",
                "); nothing was saved to " + ckpt + "; a smaller --lr may help (or --allow-non-finite to go on regardless)");
        assertFalse(r.out().contains("final loss"), r.out());
        assertFalse(Files.exists(ckpt), "no checkpoint of infinite params");
    }

    @Test
    void allowNonFiniteGoesOnAndSaysWhatItSaved() throws Exception {
        Path data = Files.writeString(dir.resolve("d.csv"), "a\n50\n88\n");
        Path ckpt = dir.resolve("w.npz");
        TrainCommandTest.Run r = modelc("train", grow().toString(), "--data", "x=" + data + ":a", "--save", ckpt.toString(),
                "--allow-non-finite");
        assertEquals(Main.OK, r.code(), r.err());
        assertEquals("modelc: warning: param 'w' holds NaN or infinities (--allow-non-finite went on past them)\n", r.err());
        assertEquals(Double.NEGATIVE_INFINITY, Checkpoint.read(ckpt).params().get("w").item());
    }

    @Test
    void aLossThatBlowsUpStopsAtItsBatchAndKeepsTheLastEpochsCheckpoint() throws Exception {
        Path ckpt = dir.resolve("c.npz");
        TrainCommandTest.Run r = modelc("train", model(), "--model", "CropYieldLinear", "--data", x(), "--data", y(),
                "--epochs", "10", "--lr", "0.001", "--print-every", "1", "--save", ckpt.toString());
        r.assertOneLineError("modelc: training diverged: the loss of batch 3 of epoch 5 is inf; " + ckpt
                + " holds the params after epoch 4; a smaller --lr may help");
        assertTrue(r.out().contains("Epoch [4/10], Loss: "), r.out());
        assertFalse(r.out().contains("Epoch [5/10]"), r.out());
        Checkpoint kept = Checkpoint.read(ckpt);
        assertEquals(4, kept.epoch());
        kept.params().forEach((k, t) -> assertEquals(-1, NonFinite.first(t), k));
    }

    @Test
    void withAllowNonFiniteTheEpochLinesPrintInfAndNanNotANumber() {
        TrainCommandTest.Run r = modelc("train", model(), "--model", "CropYieldLinear", "--data", x(), "--data", y(),
                "--epochs", "8", "--lr", "0.001", "--print-every", "1", "--allow-non-finite");
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(r.out().contains("Epoch [5/8], Loss: inf ("), r.out());
        assertTrue(r.out().contains("; final loss inf\n"), r.out());
        assertTrue(r.err().contains("modelc: warning: the final loss is inf (--allow-non-finite went on past them)"), r.err());
    }

    @Test
    void aLossThatIsNotFiniteBeforeAnyStepIsNotCalledDivergence() throws Exception {
        Path model = Files.writeString(dir.resolve("log.model"), """
                model Log {
                  input x: f32[N, 1]
                  param w: f32[1] = ones()
                  loss = mean(log(x * w))
                  train { optimizer = sgd(lr = 0.1) }
                }
                """);
        Path data = Files.writeString(dir.resolve("d.csv"), "a\n-1\n2\n");
        TrainCommandTest.Run r = modelc("train", model.toString(), "--data", "x=" + data + ":a");
        r.assertOneLineError("modelc: the loss of batch 1 of epoch 1 is nan with the initial params, before any training step: "
                + "Log gives a loss that is not finite on this batch (see `modelc eval`; or --allow-non-finite to go on regardless)");
        assertFalse(r.err().contains("diverged") || r.err().contains("--lr"), r.err());
    }

    @Test
    void nanInCsvDataNamesTheInputRowAndColumnAndIsNotDivergence() throws Exception {
        Path csv = dir.resolve("crops.csv");
        Files.writeString(csv, "temp,rainfall,humidity,apples,oranges\n73,67,43,56,70\n91,88,64,81,101\n87,nan,58,119,133\n");
        TrainCommandTest.Run r = modelc("train", model(), "--model", "CropYieldLinear",
                "--data", "x=" + csv + ":temp,rainfall,humidity", "--data", "y=" + csv + ":apples,oranges");
        r.assertOneLineError("--data x: " + csv + " has nan at data row 3, column 'rainfall' of input 'x'; training needs finite data");
        assertFalse(r.err().contains("diverged"), r.err());
    }

    @Test
    void infInNpyDataNamesTheRowAndIndex() throws Exception {
        Path npy = dir.resolve("y.npy");
        double[] values = new double[30];
        values[2 * 7 + 1] = Double.POSITIVE_INFINITY;
        Npy.write(npy, Tensor.of(DType.F32, new int[] {15, 2}, values));
        TrainCommandTest.Run r = modelc("train", model(), "--model", "CropYieldLinear", "--data", x(), "--data", "y=" + npy);
        r.assertOneLineError("--data y: " + npy + " has inf at row 7 (index [7, 1]) of input 'y'; training needs finite data");
        assertFalse(r.err().contains("diverged"), r.err());
    }
}
