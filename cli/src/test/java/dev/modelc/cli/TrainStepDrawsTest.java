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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modelc train} of a model that draws in the step (dropout and noise on the inputs): a run
 * stopped inside an epoch and resumed from its checkpoint ends with the uninterrupted run's params
 * bit for bit, since each step's draws are keyed by the seed and the step's number (the number
 * follows from the checkpoint's position).
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
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static Map<String, Tensor> params(Path file) throws Exception {
        return Checkpoint.read(file).params();
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
