package dev.modelc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.runtime.Npz;
import dev.modelc.runtime.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --save-best} keeps the params of the epoch with the lowest validation loss (not the
 * last epoch's), and a schedule's learning rate shows on each epoch's line.
 */
class SaveBestTest {
    @TempDir
    Path dir;

    private static final String MODEL = """
            model Fit {
              input x: f64[N]
              input y: f64[N]
              param w: f64[] = zeros()
              loss = mean((x * w - y) ** 2)
              train { optimizer = sgd(lr = 0.05); epochs = 4 }
            }
            """;

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void theBestEpochIsKeptNotTheLast() throws Exception {
        Path model = write("fit.model", MODEL);
        // Training pulls w from 0 toward 2; the held-out rows want -1, so every epoch is worse on them than the one before.
        Path train = write("train.csv", "x,y\n1,2\n2,4\n3,6\n");
        Path val = write("val.csv", "x,y\n1,-1\n2,-2\n");
        Path best = dir.resolve("best.npz"), first = dir.resolve("first.npz");
        Cli.Result r = Cli.modelc("train", model.toString(), "--data", "x=" + train + ":x", "--data", "y=" + train + ":y",
                "--val", "x=" + val + ":x", "--val", "y=" + val + ":y", "--save-best", best.toString());
        r.assertNoStackTrace();
        assertEquals(0, r.code(), r.err());
        List<String> epochs = r.out().lines().filter(l -> l.startsWith("Epoch [")).toList();
        assertEquals(4, epochs.size(), r.out());
        double[] valLoss = epochs.stream().mapToDouble(l -> Double.parseDouble(l.replaceAll(".*val loss ([0-9.]+).*", "$1"))).toArray();
        for (int i = 1; i < valLoss.length; i++) assertTrue(valLoss[i] > valLoss[i - 1], r.out());
        assertTrue(r.out().contains("best val loss " + TrainProgress.fixed4(valLoss[0]) + " after epoch 1, params saved to " + best), r.out());
        // No schedule: no lr on the lines.
        assertFalse(epochs.getFirst().contains(" lr "), epochs.getFirst());

        Cli.Result one = Cli.modelc("train", model.toString(), "--data", "x=" + train + ":x", "--data", "y=" + train + ":y",
                "--epochs", "1", "--save", first.toString());
        assertEquals(0, one.code(), one.err());
        Map<String, Tensor> kept = Npz.read(best), afterOne = Npz.read(first);
        assertEquals(List.of("w"), List.copyOf(kept.keySet()), "a plain params file");
        assertArrayEquals(afterOne.get("w").toDoubleArray(), kept.get("w").toDoubleArray(), 0);
    }

    @Test
    void aScheduleShowsEachEpochsLearningRateCountedFromAResumedRunsStart() throws Exception {
        Path model = write("fit.model", MODEL);
        Path train = write("train.csv", "x,y\n1,2\n2,4\n3,6\n");
        Path ckpt = dir.resolve("ckpt.npz");
        String[] common = {"train", model.toString(), "--data", "x=" + train + ":x", "--data", "y=" + train + ":y",
                "--schedule", "step_lr(step_size = 2, gamma = 0.1)"};
        Cli.Result r = Cli.modelc(concat(common, "--epochs", "3", "--save", ckpt.toString()));
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("lr 0.05", "lr 0.05", "lr 0.005"), lrs(r.out())); // StepLR: times gamma after every second epoch
        Cli.Result resumed = Cli.modelc(concat(common, "--epochs", "2", "--resume", ckpt.toString()));
        assertEquals(0, resumed.code(), resumed.err());
        // Epochs 4 and 5 of the schedule (0-based 3 and 4): 0.05 * 0.1 from index 2, * 0.1 again from index 4.
        assertEquals(List.of("lr 0.005", "lr 0.0005"), lrs(resumed.out()));
    }

    @Test
    void learningRatesReadAtAGlance() {
        assertEquals("0.1", TrainProgress.rate(0.1));
        assertEquals("0.0009755", TrainProgress.rate(9.755282581475768E-4));
        assertEquals("2.5e-5", TrainProgress.rate(2.5e-5));
        assertEquals("0", TrainProgress.rate(0));
    }

    private static List<String> lrs(String out) {
        return out.lines().filter(l -> l.startsWith("Epoch [")).map(l -> l.replaceAll(".*, (lr [0-9.e-]+).*", "$1")).toList();
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
