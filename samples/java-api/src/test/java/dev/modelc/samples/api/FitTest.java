package dev.modelc.samples.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.api.CompilationException;
import dev.modelc.api.Model;
import dev.modelc.api.Modelc;
import dev.modelc.runtime.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FitTest {
    static final Path MODEL = Path.of("src/main/model/line.model");

    @Test
    void learnsTheLineAndPredictsWithoutLabels() throws Exception {
        Model model = Fit.train(MODEL, 256);
        double[] w = model.param("linear.weight").toDoubleArray();
        for (int j = 0; j < 3; j++) assertEquals(Fit.WEIGHTS[j], w[j], 0.05, "weight " + j);
        assertEquals(Fit.BIAS, model.param("linear.bias").toDoubleArray()[0], 0.05);
        assertTrue(model.loss(Fit.line(64, 11)) < 1e-3, "loss on new points of the line");

        // Each row's prediction is the line's value there: x = e0 gives 2 + 1, x = e1 gives -3 + 1.
        double[] preds = Fit.predict(model, Tensor.of(new float[] {1, 0, 0, 0, 1, 0}, 2, 3)).toDoubleArray();
        assertArrayEquals(new double[] {3, -2}, preds, 0.1);
    }

    @Test
    void savedParamsLoadIntoAFreshModel(@TempDir Path dir) throws Exception {
        Model trained = Fit.train(MODEL, 64);
        trained.save(dir.resolve("line.npz"));
        Model fresh = Modelc.compile(MODEL).model("Line").load(dir.resolve("line.npz"));
        Tensor x = Tensor.of(new float[] {0.25f, -0.5f, 1}, 1, 3);
        assertArrayEquals(Fit.predict(trained, x).toDoubleArray(), Fit.predict(fresh, x).toDoubleArray(), 0);
        Map<String, Tensor> grads = fresh.gradients(Fit.line(8, 3));
        assertEquals(Set.of("linear.weight", "linear.bias"), grads.keySet());
    }

    /** The pom gives the tests' JVM jdk.incubator.vector, and modelc says it runs on vector lanes. */
    @Test
    void runsOnVectorLanes() {
        assertEquals("vector lanes: on (the JVM has jdk.incubator.vector)", Modelc.lanes().toString());
    }

    @Test
    void aMistakeInTheFileIsACompilationExceptionWithItsDiagnostic(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.model"), "model Bad {\n  input x: f32[N, 3]\n  output y = x + z\n}\n");
        CompilationException e = assertThrows(CompilationException.class, () -> Modelc.compile(bad));
        assertTrue(e.getMessage().contains("3:18: error: undefined name 'z'"), e.getMessage());
    }
}
