package dev.modelc.compiler.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.Mode;
import dev.modelc.runtime.model.StepKey;
import dev.modelc.runtime.optim.Sgd;
import dev.modelc.runtime.train.Checkpoint;
import dev.modelc.runtime.train.Position;
import dev.modelc.runtime.train.Trainer;
import dev.modelc.runtime.train.TrainingListener;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Training with draws in the step: the loop keys each step's draws by (seed, step number), the
 * step number following from the position a checkpoint holds, so a run stopped inside an epoch
 * and resumed from its checkpoint ends with the uninterrupted run's params, bit for bit.
 */
class StepDrawsTrainingTest {
    private static final String SOURCE = """
            model Noisy {
              input x: f64[N, 3]
              input y: f64[N, 2]
              param w: f64[2, 3] = normal(0, 0.5)
              param b: f64[2] = zeros()
              h = dropout(x, 0.3) + 0.01 * randn_like(x)
              output preds = h @ w.T + b
              loss = mse_loss(preds, y)
            }
            """;

    private static CompiledModel model(Backend backend) {
        Compilation c = Compiler.compile(new SourceFile("noisy.model", SOURCE));
        assertFalse(c.hasErrors(), c::render);
        return backend.compile(c.program().orElseThrow().models().getFirst(), null);
    }

    private static TensorDataset data() {
        int n = 23;
        double[] x = new double[n * 3], y = new double[n * 2];
        for (int i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.7) * 3;
        for (int i = 0; i < y.length; i++) y[i] = Math.cos(i * 0.3);
        Map<String, Tensor> columns = new LinkedHashMap<>();
        columns.put("x", Tensor.of(DType.F64, new int[] {n, 3}, x));
        columns.put("y", Tensor.of(DType.F64, new int[] {n, 2}, y));
        return new TensorDataset(columns);
    }

    private static Trainer.Result fit(CompiledModel m, Map<String, Tensor> params, Trainer.Options o, int stopAfter) {
        AtomicInteger batches = new AtomicInteger();
        return Trainer.fit(m, params, data(), o, new TrainingListener() {
            @Override
            public void batch(int epoch, int batch, double loss) {
                batches.incrementAndGet();
            }
        }, () -> batches.get() >= stopAfter);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void aRunResumedInsideAnEpochDrawsWhatTheUninterruptedRunDrew(Backend backend, @TempDir Path dir) throws Exception {
        CompiledModel m = model(backend);
        Map<String, Tensor> init = m.initialParams(1);
        // 23 rows in batches of 5: 5 batches an epoch; the stop after 7 lands inside epoch 2.
        var straight = fit(m, init, new Trainer.Options(3, 5, true, 31, new Sgd(0.05), null), Integer.MAX_VALUE);
        Path checkpoint = dir.resolve("ckpt.npz");
        var first = fit(m, init, new Trainer.Options(3, 5, true, 31, new Sgd(0.05), checkpoint), 7);
        assertTrue(first.stopped());
        Checkpoint saved = Checkpoint.read(checkpoint);
        assertEquals(new Position(1, 2), saved.position());
        var resumed = fit(m, saved.params(), new Trainer.Options(2, 5, true, 31, new Sgd(0.05), null).from(saved.position()),
                Integer.MAX_VALUE);
        for (String path : straight.params().keySet()) {
            assertArrayEquals(straight.params().get(path).toDoubleArray(), resumed.params().get(path).toDoubleArray(), 0, path);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE"})
    void eachStepDrawsAfreshAndTheSeedKeysTheDraws(Backend backend) {
        CompiledModel m = model(backend);
        Map<String, Tensor> init = m.initialParams(1);
        // No shuffling: the seed changes nothing but the draws.
        var a = fit(m, init, new Trainer.Options(2, 5, false, 1, new Sgd(0.05), null), Integer.MAX_VALUE);
        var b = fit(m, init, new Trainer.Options(2, 5, false, 2, new Sgd(0.05), null), Integer.MAX_VALUE);
        assertFalse(Arrays.equals(a.params().get("w").toDoubleArray(), b.params().get("w").toDoubleArray()));

        // Step by step by hand, keyed as the loop keys them (step = epoch * 5 + batch), the same params.
        Map<String, Tensor> params = new LinkedHashMap<>(init);
        Sgd sgd = new Sgd(0.05);
        TensorDataset d = data();
        for (int step = 0; step < 10; step++) {
            int from = (step % 5) * 5, to = Math.min(23, from + 5);
            var g = m.inMode(Mode.TRAINING).lossAndGradients(params, d.slice(from, to), new StepKey(1, step));
            params = new LinkedHashMap<>(sgd.step(params, g.gradients()));
        }
        assertArrayEquals(a.params().get("w").toDoubleArray(), params.get("w").toDoubleArray(), 0);
    }
}
