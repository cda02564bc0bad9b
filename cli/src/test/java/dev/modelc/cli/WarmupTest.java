package dev.modelc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.api.Modelc;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.optim.Optimizer;
import dev.modelc.runtime.model.TrainConfig;
import dev.modelc.runtime.train.Checkpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up work {@code train} does on other threads changes nothing a run computes: the
 * warm-up's made-up steps ({@link Warmup}) leave the losses and params bit for bit as a run
 * without them gives, and the data read ahead ({@link DataPrefetch}) are the values, and the
 * failures, that reading them in turn gives.
 */
class WarmupTest {
    @TempDir
    Path dir;

    /** A small image classifier: a convolution, a pool and two products, trained by Adam, so every kind of kernel runs. */
    private static final String MODEL = """
            layer Net {
              conv = Conv2d(1, 3, 3)
              fc1 = Linear(3 * 2 * 2, 5)
              fc2 = Linear(5, 3)
              forward(x) {
                h = max_pool2d(relu(conv(x)), 2)
                return fc2(relu(fc1(flatten(h))))
              }
            }

            model Tiny {
              input x: f32[N, 6, 6]
              input y: i32[N]
              net = Net()
              output logits = net(reshape(x, [-1, 1, 6, 6]))
              loss = cross_entropy(logits, y)
              train { batch = 8; epochs = 3; shuffle = true; optimizer = adam(lr = 0.01) }
            }
            """;

    /** 37 images of 6 x 6 random pixels and their labels (0 to 2), as gzipped IDX files. */
    private Path[] data() throws IOException {
        Random r = new Random(5);
        int n = 37;
        byte[] images = new byte[16 + n * 36];
        byte[] labels = new byte[8 + n];
        header(images, 3, n, 6, 6);
        header(labels, 1, n);
        for (int i = 16; i < images.length; i++) images[i] = (byte) r.nextInt(256);
        for (int i = 8; i < labels.length; i++) labels[i] = (byte) r.nextInt(3);
        return new Path[] {gzip("train-images-idx3-ubyte.gz", images), gzip("train-labels-idx1-ubyte.gz", labels)};
    }

    private static void header(byte[] b, int rank, int... sizes) {
        b[2] = 8;
        b[3] = (byte) rank;
        for (int d = 0; d < rank; d++) {
            for (int j = 0; j < 4; j++) b[4 + 4 * d + j] = (byte) (sizes[d] >>> (24 - 8 * j));
        }
    }

    private Path gzip(String name, byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        }
        return Files.write(dir.resolve(name), out.toByteArray());
    }

    private Cli.Result train(Path model, Path[] data, Path save, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("train", model.toString(), "--data", "x=" + data[0], "--data",
                "y=" + data[1], "--save", save.toString(), "--print-every", "1"));
        args.addAll(List.of(more));
        return Cli.modelc(args.toArray(String[]::new));
    }

    /** The output without its elapsed times. */
    private static String untimed(String out) {
        return out.replaceAll("\\d+(\\.\\d+)? m?s\\b", "T");
    }

    @Test
    void theWarmUpsStepsLeaveTheLossesAndParamsBitForBit() throws Exception {
        Path model = Files.writeString(dir.resolve("tiny.model"), MODEL);
        Path[] data = data();
        Cli.Result warmed = train(model, data, dir.resolve("warmed.npz"), "--warmup-steps", "7");
        Cli.Result cold;
        String before = System.getProperty(Warmup.PROPERTY);
        System.setProperty(Warmup.PROPERTY, "false");
        try {
            cold = train(model, data, dir.resolve("cold.npz"));
        } finally {
            if (before == null) System.clearProperty(Warmup.PROPERTY);
            else System.setProperty(Warmup.PROPERTY, before);
        }
        assertEquals(0, cold.code(), cold.err());
        assertEquals(0, warmed.code(), warmed.err());
        assertEquals(cold.err(), warmed.err());
        // The same epoch losses, final loss and accuracy, to the printed digits (the elapsed times aside).
        assertEquals(untimed(cold.out()).replace("cold.npz", "X.npz"), untimed(warmed.out()).replace("warmed.npz", "X.npz"));
        assertTrue(cold.out().contains("Epoch [3/3], Loss: "), cold.out());
        // And the params and Adam's moments, bit for bit (Tensor.equals compares bits).
        Checkpoint c = Checkpoint.read(dir.resolve("cold.npz")), w = Checkpoint.read(dir.resolve("warmed.npz"));
        assertEquals(c.params().keySet(), w.params().keySet());
        for (String k : c.params().keySet()) assertEquals(c.params().get(k), w.params().get(k), k);
        assertEquals(Files.readAllBytes(dir.resolve("cold.npz")).length, Files.readAllBytes(dir.resolve("warmed.npz")).length);
        assertArrayEquals(Files.readAllBytes(dir.resolve("cold.npz")), Files.readAllBytes(dir.resolve("warmed.npz")));
    }

    @Test
    void theWarmUpRunsItsStepsAndIsSkippedWhereItCannotHelp() throws Exception {
        CompiledModel m = Modelc.compile("tiny.model", MODEL).model("Tiny").compiled();
        Optimizer adam = Optimizer.of(TrainConfig.Optimizer.Adam.DEFAULT);
        Warmup w = Warmup.training(m, true, List.of("x", "y"), null, 8, adam, 3);
        w.close();
        assertEquals(3, w.steps());
        // The interpreter (no kernels to warm): nothing runs.
        Warmup interp = Warmup.training(m, false, List.of("x", "y"), null, 8, adam, 3);
        interp.close();
        assertEquals(0, interp.steps());
        // An input with a size other than the rows that is not fixed: no made-up batch to give it.
        CompiledModel seq = Modelc.compile("seq.model", """
                model Seq {
                  input x: f32[N, T]
                  param w: f32[] = zeros()
                  loss = mean(x) * w
                }
                """).model("Seq").compiled();
        Warmup open = Warmup.training(seq, true, List.of("x"), null, 8, adam, 3);
        open.close();
        assertEquals(0, open.steps());
    }

    @Test
    void filesReadAheadAreTheValuesAndTheFailuresOfReadingThemInTurn() throws Exception {
        Path[] data = data();
        List<DataArgs.Source> sources = List.of(DataArgs.parse("x=" + data[0]), DataArgs.parse("y=" + data[1]),
                DataArgs.parse("z=" + dir.resolve("missing-idx1-ubyte.gz")));
        DataPrefetch ahead = DataPrefetch.start(sources);
        DataPrefetch.IdxFile first = ahead.idx(sources.get(0));
        assertEquals(dev.modelc.runtime.Idx.read(data[0]).values(), first.values());
        // Handed out once and forgotten (not kept for the whole run): asked again, the file is read again.
        DataPrefetch.IdxFile again = ahead.idx(sources.get(0));
        assertNotSame(first, again);
        assertEquals(first.values(), again.values());
        assertEquals(dev.modelc.runtime.Idx.read(data[1]).values(), ahead.idx(sources.get(1)).values());
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ahead.idx(sources.get(2)));
        assertEquals(dir.resolve("missing-idx1-ubyte.gz").toString(), e.getFile());
        // Through train: the data's mistakes are reported as without reading ahead, after the model's.
        Path model = Files.writeString(dir.resolve("tiny.model"), MODEL);
        Cli.Result missing = Cli.modelc("train", model.toString(), "--data", "x=" + data[0], "--data", "y=" + dir.resolve("no-idx1-ubyte"));
        assertEquals(1, missing.code());
        assertEquals("modelc: --data y: no such file: " + dir.resolve("no-idx1-ubyte") + "\n", missing.err());
        Path broken = Files.writeString(dir.resolve("broken.model"), "model Broken {\n  input x: f32[N]\n  loss = sum(q)\n}\n");
        Cli.Result both = Cli.modelc("train", broken.toString(), "--data", "x=" + dir.resolve("no-idx1-ubyte"));
        assertEquals(1, both.code());
        assertTrue(both.err().contains("q") && !both.err().contains("no such file"), both.err());
        both.assertNoStackTrace();
    }
}
