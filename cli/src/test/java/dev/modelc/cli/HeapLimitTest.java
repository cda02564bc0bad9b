package dev.modelc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Npy;
import dev.modelc.runtime.Npz;
import dev.modelc.runtime.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands in a small heap (a forked JVM with {@code -Xmx96m}): training's evaluation of the loss
 * after each epoch takes memory bounded by the batch, not by the data; a heap too small for
 * the batch asked for, or for a prediction over all rows, is a one-line exit-1 message saying
 * what to change.
 */
class HeapLimitTest {
    /** 40,000 rows through a 1,024-wide hidden layer: one [40000, 1024] f32 activation is 164 MB, a batch of 500 is 2 MB. */
    private static final int ROWS = 40_000;
    private static final String MODEL = """
            model Wide {
              input x: f32[N, 16]
              input y: f32[N, 1]
              hidden = Linear(16, 1024)
              out = Linear(1024, 1)
              output pred = out(relu(hidden(x)))
              loss = mse_loss(pred, y)
              train { optimizer = sgd(lr = 0.01) }
            }
            """;

    @TempDir
    static Path dir;

    @BeforeAll
    static void data() throws IOException {
        Generator g = Generator.of(1, "memory");
        Npy.write(dir.resolve("x.npy"), Tensor.randn(DType.F32, g, ROWS, 16));
        Npy.write(dir.resolve("y.npy"), Tensor.randn(DType.F32, g, ROWS, 1));
        Files.writeString(dir.resolve("wide.model"), MODEL);
    }

    record Run(int code, String out, String err) {
    }

    private static Run fork(String... args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx96m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        // Small outputs: reading one stream after the other cannot block the process.
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroyForcibly();
        return new Run(p.exitValue(), out, err);
    }

    private static String[] train(String... more) {
        List<String> args = new ArrayList<>(List.of("train", dir.resolve("wide.model").toString(),
                "--data", "x=" + dir.resolve("x.npy"), "--data", "y=" + dir.resolve("y.npy")));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void theEpochLossOfDataLargerThanTheHeapIsEvaluatedInBatches() throws Exception {
        Path ckpt = dir.resolve("batched.npz");
        Run r = fork(train("--batch", "500", "--save", ckpt.toString()));
        assertEquals(Main.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("Epoch [1/1], Loss: "), r.out());
        assertTrue(Files.exists(ckpt));
        assertFalse(r.err().contains("OutOfMemoryError"), r.err());
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aBatchTooLargeForTheHeapIsAMessageNotATrace() throws Exception {
        Run r = fork(train("--save", dir.resolve("whole.npz").toString()));
        assertEquals(Main.USER_ERROR, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("modelc: out of memory while training (on the first batch) (the Java heap's limit is "), r.err());
        assertTrue(r.err().contains("MODELC_OPTS=-Xmx8g ./modelc"), r.err());
        assertTrue(r.err().contains("or train in smaller batches with --batch; no checkpoint was written"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void predictingOnMoreRowsThanTheHeapHoldsIsAMessageNotATrace() throws Exception {
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("hidden.weight", Tensor.zeros(DType.F32, 1024, 16));
        params.put("hidden.bias", Tensor.zeros(DType.F32, 1024));
        params.put("out.weight", Tensor.zeros(DType.F32, 1, 1024));
        params.put("out.bias", Tensor.zeros(DType.F32, 1));
        Path file = dir.resolve("zeros.npz");
        Npz.write(file, params);
        Run r = fork("predict", dir.resolve("wide.model").toString(), "--params", file.toString(), "--data", "x=" + dir.resolve("x.npy"),
                "--out", dir.resolve("pred.npy").toString());
        assertEquals(Main.USER_ERROR, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("modelc: out of memory while predicting with "), r.err());
        assertTrue(r.err().contains("(the Java heap's limit is ") && r.err().contains("MODELC_OPTS=-Xmx8g ./modelc"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
    }
}
