package dev.modelc.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.optim.Sgd;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java API end to end on the tutorial's crop-yield models. */
class ModelApiTest {
    private static final String SOURCE = """
            model CropYieldManual {
              input x: f32[N, 3]
              input y: f32[N, 2]
              param w: f32[2, 3] = [[0.5121, 0.0860, -0.1805], [1.3327, -1.7127, 0.5562]]
              param b: f32[2]    = [-0.5312, -1.3984]
              const lr = 1e-5
              output preds = x @ w.T + b
              loss = mean((preds - y) ** 2)
              update w = w - lr * grad(loss, w)
              update b = b - lr * grad(loss, b)
            }
            model CropYieldLinear {
              input x: f32[N, 3]
              input y: f32[N, 2]
              linear = Linear(3, 2)
              output preds = linear(x)
              loss = mse_loss(preds, y)
              train { batch = 5; epochs = 20; shuffle = true; optimizer = sgd(lr = 1e-5) }
            }
            """;

    private static final Tensor X = Tensor.of(DType.F32, new int[] {5, 3},
            new double[] {73, 67, 43, 91, 88, 64, 87, 134, 58, 102, 43, 37, 69, 96, 70});
    private static final Tensor Y = Tensor.of(DType.F32, new int[] {5, 2},
            new double[] {56, 70, 81, 101, 119, 133, 22, 37, 103, 119});

    @Test
    void runsTheTutorialsManualModel() {
        Model m = Modelc.compile("crop.model", SOURCE).model("CropYieldManual");
        assertEquals(List.of("w", "b"), List.copyOf(m.params().keySet()));
        assertEquals(0.5121f, (float) m.param("w").get(0, 0));
        Tensor preds = m.forward(Map.of("x", X)).get("preds");
        assertArrayEquals(new int[] {5, 2}, preds.shape());
        // preds[0][0] = 73*0.5121 + 67*0.0860 + 43*(-0.1805) - 0.5312, by hand
        assertEquals(73 * 0.5121 + 67 * 0.0860 - 43 * 0.1805 - 0.5312, preds.get(0, 0), 1e-3);
        Map<String, Tensor> batch = Map.of("x", X, "y", Y);
        double before = m.loss(batch);
        double stepLoss = m.step(batch);
        assertEquals(before, stepLoss, 0, "step returns the loss before the step");
        assertTrue(m.loss(batch) < before);
    }

    @Test
    void predictingNeedsNoLabels() {
        Model m = Modelc.compile("c.model", """
                model Classify {
                  input x: f32[N, 3]
                  input y: i32[N]
                  l = Linear(3, 2)
                  output logits = l(x)
                  output predicted = argmax(logits, axis = -1)
                  output accuracy = mean(f32(predicted == y))
                  loss = cross_entropy(logits, y)
                }
                """).model("Classify").initialize(1);
        Tensor y = Tensor.of(new int[] {0, 1, 1, 0, 1}, 5);
        Map<String, Tensor> all = m.forward(Map.of("x", X, "y", y));
        Map<String, Tensor> some = m.forward(Map.of("x", X));
        assertEquals(List.of("logits", "predicted"), List.copyOf(some.keySet()), "the outputs x alone allows");
        assertArrayEquals(all.get("logits").toDoubleArray(), some.get("logits").toDoubleArray());
        assertArrayEquals(all.get("predicted").toDoubleArray(), some.get("predicted").toDoubleArray());
        assertTrue(all.containsKey("accuracy"));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> m.forward(Map.of("y", y)));
        assertEquals("no output of Classify can be computed without input 'x'", none.getMessage());
    }

    /**
     * The loss over a data set a few rows at a time is the loss over all of it (a mean over rows
     * combines exactly, up to rounding), with the model's params or with params passed in, as a
     * validation pass after each epoch uses them.
     */
    @Test
    void theLossOverADataSetCombinesItsBatchesAsAnEpochsLossDoes() {
        Model m = Modelc.compile("crop.model", SOURCE).model("CropYieldLinear").initialize(7);
        TensorDataset data = new TensorDataset(Map.of("x", X, "y", Y));
        double whole = m.loss(Map.of("x", X, "y", Y));
        assertEquals(whole, m.loss(data, 5), 0);
        assertEquals(whole, m.loss(data, 2), 1e-5 * Math.abs(whole));
        Map<String, Tensor> zero = Map.of("linear.weight", Tensor.zeros(DType.F32, 2, 3), "linear.bias", Tensor.zeros(DType.F32, 2));
        double ySquared = 0;
        for (double v : Y.toDoubleArray()) ySquared += v * v;
        // mse with zero params: the mean of y squared, over all ten values, whatever the batches.
        assertEquals(ySquared / 10, m.loss(data, 3, zero), 1e-4 * ySquared / 10);
        assertThrows(IllegalArgumentException.class, () -> m.loss(data, 0));
    }

    @Test
    void aSignaturePrintsAsCheckPrintsIt() {
        Model m = Modelc.compile("crop.model", SOURCE).model("CropYieldManual");
        String text = m.signature().toString();
        assertTrue(text.startsWith("CropYieldManual\n  input   x"), text);
        assertEquals(dev.modelc.compiler.check.SignatureTable.render(m.signature()).stripTrailing(), text);
    }

    @Test
    void trainsWithItsTrainBlockOrAnOptimizer() {
        Model m = Modelc.compile("crop.model", SOURCE).model("CropYieldLinear").initialize(7);
        Map<String, Tensor> batch = Map.of("x", X, "y", Y);
        double before = m.loss(batch);
        var r = m.fit(new TensorDataset(batch));
        assertEquals(20, r.epochLosses().size());
        assertTrue(m.loss(batch) < before, "fit must lower the loss: " + r.epochLosses());
        double mid = m.loss(batch);
        m.step(batch, new Sgd(1e-5));
        assertTrue(m.loss(batch) < mid);
    }

    @Test
    void savesAndLoadsParamsByPath(@TempDir Path dir) throws Exception {
        Program p = Modelc.compile("crop.model", SOURCE);
        Model a = p.model("CropYieldLinear").initialize(1);
        a.save(dir.resolve("p.npz"));
        Model b = p.model("CropYieldLinear").initialize(2).load(dir.resolve("p.npz"));
        assertEquals(a.params(), b.params());
        assertThrows(IllegalArgumentException.class, () -> b.setParam("linear.bias", Tensor.of(new float[] {1, 2, 3}, 3)));
    }

    @Test
    void reportsCompileErrorsAsDiagnostics() {
        var e = assertThrows(CompilationException.class, () -> Modelc.compile("bad.model", "model M {\n  output y = z\n}\n"));
        assertTrue(e.getMessage().startsWith("bad.model:2:14: error: undefined name 'z'"), e.getMessage());
        assertEquals(1, e.diagnostics().size());
    }
}
