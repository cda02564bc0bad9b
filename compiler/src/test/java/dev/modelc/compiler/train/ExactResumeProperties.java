package dev.modelc.compiler.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.interp.InterpretedModel;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.optim.Adam;
import dev.modelc.runtime.optim.Optimizer;
import dev.modelc.runtime.optim.Sgd;
import dev.modelc.runtime.train.Checkpoint;
import dev.modelc.runtime.train.Position;
import dev.modelc.runtime.train.Trainer;
import dev.modelc.runtime.train.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * A run stopped after any batch, then resumed from its checkpoint (perhaps stopped and resumed
 * again), ends with the same params, bit for bit, as a run never stopped: with shuffling, a last
 * batch smaller than the others, and optimizers that keep state (Adam's moments and step counts,
 * SGD's momentum).
 */
class ExactResumeProperties {
    private static final String SOURCE = """
            model Net {
              input x: f32[N, 3]
              input y: f32[N, 2]
              hidden = Linear(3, 4)
              out = Linear(4, 2)
              loss = mse_loss(out(tanh(hidden(x))), y)
            }
            """;
    private static final int EPOCHS = 3;
    private static final int BATCH = 4; // 15 rows: batches of 4, 4, 4 and 3
    private static final InterpretedModel MODEL = model();
    private static final TensorDataset DATA = data();

    private static InterpretedModel model() {
        Compilation c = Compiler.compile(new SourceFile("net.model", SOURCE));
        assertTrue(!c.hasErrors(), c::render);
        return new InterpretedModel(c.program().orElseThrow().models().getFirst());
    }

    private static TensorDataset data() {
        Generator g = Generator.of(3, "data");
        Map<String, Tensor> columns = new LinkedHashMap<>();
        columns.put("x", Tensor.randn(DType.F32, g, 15, 3));
        columns.put("y", Tensor.randn(DType.F32, g, 15, 2));
        return new TensorDataset(columns);
    }

    private static Trainer.Options options(Optimizer opt, Path checkpoint) {
        return new Trainer.Options(EPOCHS, BATCH, true, 11, opt, checkpoint);
    }

    private static Map<String, Tensor> straight(Supplier<Optimizer> optimizer) {
        return Trainer.fit(MODEL, MODEL.initialParams(5), DATA, options(optimizer.get(), null), TrainingListener.NONE, () -> false)
                .params();
    }

    /** Runs with stops after each count of batches in {@code stops}, resuming from the checkpoint each time, to the end. */
    private static Map<String, Tensor> interrupted(Supplier<Optimizer> optimizer, List<Integer> stops) throws Exception {
        Path dir = Files.createTempDirectory("resume");
        Path checkpoint = dir.resolve("ckpt.npz");
        try {
            Map<String, Tensor> params = MODEL.initialParams(5);
            Optimizer opt = optimizer.get();
            Position at = Position.START;
            for (int stop : stops) {
                int[] seen = {0};
                Trainer.Result r = Trainer.fit(MODEL, params, DATA,
                        options(opt, checkpoint).from(at).withEpochs(EPOCHS - at.epoch()), new TrainingListener() {
                            @Override
                            public void batch(int epoch, int batch, double loss) {
                                seen[0]++;
                            }
                        }, () -> seen[0] >= stop);
                if (!r.stopped()) return r.params(); // the stop came after the last batch
                // Everything the next run knows comes from the file.
                Checkpoint c = Checkpoint.read(checkpoint);
                for (String k : r.params().keySet()) assertEquals(r.params().get(k), c.params().get(k), k);
                assertEquals(r.position(), c.position());
                params = c.params();
                at = c.position();
                opt = optimizer.get();
                opt.loadStateDict(c.optimizerState());
            }
            return Trainer.fit(MODEL, params, DATA, options(opt, checkpoint).from(at).withEpochs(EPOCHS - at.epoch()),
                    TrainingListener.NONE, () -> false).params();
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) Files.delete(p);
            }
            Files.delete(dir);
        }
    }

    private static void assertBitForBit(Map<String, Tensor> expected, Map<String, Tensor> actual, List<Integer> stops) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            double[] e = expected.get(k).toDoubleArray(), a = actual.get(k).toDoubleArray();
            long[] eb = new long[e.length], ab = new long[a.length];
            for (int i = 0; i < e.length; i++) {
                eb[i] = Double.doubleToRawLongBits(e[i]);
                ab[i] = Double.doubleToRawLongBits(a[i]);
            }
            assertArrayEquals(eb, ab, k + " after stops " + stops);
        }
    }

    private static final Map<String, Tensor> ADAM = straight(() -> new Adam(0.01));
    private static final Map<String, Tensor> MOMENTUM = straight(() -> new Sgd(0.05, 0.9, 0.01));

    @Property(tries = 40)
    void adamResumesExactlyAfterAnyStops(@ForAll @Size(min = 1, max = 3) List<@IntRange(min = 1, max = 12) Integer> stops)
            throws Exception {
        assertBitForBit(ADAM, interrupted(() -> new Adam(0.01), stops), stops);
    }

    @Property(tries = 20)
    void momentumResumesExactlyAfterAnyStop(@ForAll @IntRange(min = 1, max = 11) int stop) throws Exception {
        assertBitForBit(MOMENTUM, interrupted(() -> new Sgd(0.05, 0.9, 0.01), List.of(stop)), List.of(stop));
    }
}
