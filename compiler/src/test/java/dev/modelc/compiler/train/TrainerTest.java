package dev.modelc.compiler.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.interp.Interpreter;
import dev.modelc.compiler.interp.InterpretedModel;
import dev.modelc.compiler.interp.ModelEvaluation;
import dev.modelc.compiler.reference.PyTorchReference;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.optim.Adam;
import dev.modelc.runtime.optim.Sgd;
import dev.modelc.runtime.train.Checkpoint;
import dev.modelc.runtime.train.Trainer;
import dev.modelc.runtime.train.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop on the crop-yield model with nn.Linear and SGD, as in the tutorial. */
class TrainerTest {
    private static final String SOURCE = """
            model CropYieldLinear {
              input x: f32[N, 3]
              input y: f32[N, 2]
              linear = Linear(3, 2)
              output preds = linear(x)
              loss = mse_loss(preds, y)
              train { batch = 5; epochs = 100; shuffle = true; optimizer = sgd(lr = 1e-5) }
            }
            """;

    private static InterpretedModel model() {
        Compilation c = Compiler.compile(new SourceFile("crop.model", SOURCE));
        assertFalse(c.hasErrors(), c::render);
        return new InterpretedModel(c.program().orElseThrow().models().getFirst());
    }

    private static TensorDataset data() {
        JsonNode d = PyTorchReference.load().get("training").get("data");
        Map<String, Tensor> columns = new LinkedHashMap<>();
        columns.put("x", PyTorchReference.tensor(d.get("x"), DType.F32));
        columns.put("y", PyTorchReference.tensor(d.get("y"), DType.F32));
        return new TensorDataset(columns);
    }

    private static Map<String, Tensor> initial() {
        JsonNode init = PyTorchReference.load().get("training").get("init");
        return Map.of("linear.weight", PyTorchReference.tensor(init.get("w"), DType.F32),
                "linear.bias", PyTorchReference.tensor(init.get("b"), DType.F32));
    }

    @Test
    void sgdInBatchesOfFiveEqualsTheSameLoopWrittenAgainstTheInterpreter() {
        InterpretedModel m = model();
        TensorDataset data = data();
        Trainer.Result r = Trainer.fit(m, initial(), data, new Trainer.Options(10, 5, false, 0, new Sgd(1e-5), null),
                TrainingListener.NONE, () -> false);

        // The same loop by hand: rows 0-4, 5-9, 10-14 in order; p <- p - lr * grad, in f32.
        Map<String, Tensor> params = new LinkedHashMap<>(initial());
        for (int epoch = 0; epoch < 10; epoch++) {
            for (int from = 0; from < 15; from += 5) {
                Map<String, Tensor> batch = data.slice(from, from + 5);
                Map<String, Tensor> values = new LinkedHashMap<>(batch);
                values.putAll(params);
                var grads = ModelEvaluation.evaluate(m.checked(), values, Interpreter.Precision.DECLARED, 0).gradients();
                Map<String, Tensor> next = new LinkedHashMap<>();
                for (var p : params.entrySet()) {
                    double[] v = p.getValue().toDoubleArray(), g = grads.get(p.getKey()).toDoubleArray();
                    for (int i = 0; i < v.length; i++) v[i] = (float) ((float) v[i] - (float) (1e-5f * (float) g[i]));
                    next.put(p.getKey(), Tensor.of(DType.F32, p.getValue().shape(), v));
                }
                params = next;
            }
        }
        for (String path : params.keySet()) {
            assertArrayEquals(params.get(path).toDoubleArray(), r.params().get(path).toDoubleArray(), path);
        }
        assertEquals(List.of("linear.weight", "linear.bias"), List.copyOf(r.params().keySet()), "declaration order");
        assertEquals(10, r.epochLosses().size());
        assertTrue(r.finalLoss() < r.epochLosses().getFirst(), "the loss should fall: " + r.epochLosses());
    }

    @Test
    void aShuffledRunIsReproducibleWithItsSeed() {
        InterpretedModel m = model();
        var a = Trainer.fit(m, initial(), data(), new Trainer.Options(5, 5, true, 42, new Sgd(1e-5), null), TrainingListener.NONE, () -> false);
        var b = Trainer.fit(m, initial(), data(), new Trainer.Options(5, 5, true, 42, new Sgd(1e-5), null), TrainingListener.NONE, () -> false);
        var c = Trainer.fit(m, initial(), data(), new Trainer.Options(5, 5, true, 43, new Sgd(1e-5), null), TrainingListener.NONE, () -> false);
        assertArrayEquals(a.params().get("linear.weight").toDoubleArray(), b.params().get("linear.weight").toDoubleArray());
        assertNotEquals(a.params().get("linear.weight"), c.params().get("linear.weight"));
    }

    @Test
    void aStopRequestEndsAfterTheBatchAndKeepsACheckpoint(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve("params.npz");
        AtomicInteger batches = new AtomicInteger();
        var r = Trainer.fit(model(), initial(), data(), new Trainer.Options(100, 5, false, 0, new Sgd(1e-5), checkpoint),
                new TrainingListener() {
                    @Override
                    public void batch(int epoch, int batch, double loss) {
                        batches.incrementAndGet();
                    }
                }, () -> batches.get() >= 7);
        assertTrue(r.stopped());
        assertEquals(7, batches.get());
        assertEquals(2, r.epochLosses().size(), "two whole epochs of 3 batches, then one batch of the third");
        Checkpoint saved = Checkpoint.read(checkpoint);
        assertEquals(r.params().keySet(), saved.params().keySet());
        for (String k : saved.params().keySet()) assertEquals(r.params().get(k), saved.params().get(k), k);
        assertEquals(2, saved.epoch(), "the epoch count stays at the last whole epoch");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary files are left behind");
        }
    }

    @Test
    void aResumedRunContinuesExactlyWithAdamAndShuffling(@TempDir Path dir) throws Exception {
        InterpretedModel m = model();
        var straight = Trainer.fit(m, initial(), data(), new Trainer.Options(4, 5, true, 9, new Adam(0.01), null),
                TrainingListener.NONE, () -> false);

        Path checkpoint = dir.resolve("ckpt.npz");
        Trainer.fit(m, initial(), data(), new Trainer.Options(2, 5, true, 9, new Adam(0.01), checkpoint),
                TrainingListener.NONE, () -> false);
        Checkpoint saved = Checkpoint.read(checkpoint);
        assertEquals(2, saved.epoch());
        assertEquals(Set.of("linear.weight", "linear.bias"), saved.params().keySet());
        Adam resumedAdam = new Adam(0.01);
        resumedAdam.loadStateDict(saved.optimizerState());
        var resumed = Trainer.fit(m, saved.params(), data(),
                new Trainer.Options(2, 5, true, 9, resumedAdam, null, saved.epoch()), TrainingListener.NONE, () -> false);

        for (String path : straight.params().keySet()) {
            assertArrayEquals(straight.params().get(path).toDoubleArray(), resumed.params().get(path).toDoubleArray(), path);
        }
    }
}
