package dev.modelc.compiler.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.Fixtures;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.backend.Evaluation;
import dev.modelc.compiler.interp.ModelEvaluation;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of the PyTorch reference is a `.model` file (src/test/resources/reference); the
 * compiled model, run in f64 by every backend, must give PyTorch's output and gradients (or
 * Hessian) to 1e-9 relative: both sides are f64, and the only differences are summation order.
 */
class ReferenceCasesTest {
    private static final double RELATIVE = 1e-9;

    @TestFactory
    Stream<DynamicTest> everyReferenceCaseMatchesPyTorch() {
        JsonNode cases = PyTorchReference.load().get("cases");
        // A device backend (cuda) that cannot run here is one skipped test that says why, not a failure per case.
        Stream<DynamicTest> skipped = Stream.of(Backend.values()).filter(b -> b.unavailable().isPresent())
                .map(b -> DynamicTest.dynamicTest("every case on " + b.spelling(),
                        () -> Assumptions.abort(b.spelling() + ": " + b.unavailable().orElseThrow())));
        return Stream.concat(skipped, Stream.of(Backend.values()).filter(b -> b.unavailable().isEmpty())
                .flatMap(backend -> StreamSupport.stream(cases.spliterator(), false)
                .map(c -> DynamicTest.dynamicTest(c.get("name").asText() + " on " + backend.spelling(), () -> {
            Path file = Fixtures.list("reference", ".model").stream()
                    .filter(p -> p.getFileName().toString().equals(c.get("name").asText() + ".model")).findFirst()
                    .orElseThrow(() -> new AssertionError("no reference/" + c.get("name").asText() + ".model"));
            Compilation compiled = Compiler.compile(Fixtures.source(file));
            assertFalse(compiled.hasErrors(), compiled::render);
            CheckedModel model = compiled.program().orElseThrow().models().getFirst();
            Map<String, Tensor> values = new LinkedHashMap<>();
            c.get("inputs").properties().forEach(e -> values.put(e.getKey(), PyTorchReference.tensor(e.getValue(), DType.F64)));
            ModelEvaluation.Result r = Evaluation.evaluate(backend.compile(model, DType.F64), values, 0);
            if (c.has("output")) {
                assertClose(c.get("output").asDouble(), r.loss().orElseThrow().item(), "loss");
            }
            if (c.has("grads")) {
                c.get("grads").properties().forEach(e -> {
                    Tensor want = PyTorchReference.tensor(e.getValue(), DType.F64);
                    Tensor got = r.gradients().get(e.getKey());
                    assertTrue(got != null, "no gradient for " + e.getKey());
                    assertArrayEquals(want.shape(), got.shape(), "shape of the gradient of " + e.getKey());
                    assertAllClose(want.toDoubleArray(), got.toDoubleArray(), "d loss / d " + e.getKey());
                });
            }
            if (c.has("hessian")) {
                Tensor want = PyTorchReference.tensor(c.get("hessian"), DType.F64);
                Tensor got = r.outputs().get("hessian");
                assertArrayEquals(want.shape(), got.shape(), "shape of the Hessian");
                assertAllClose(want.toDoubleArray(), got.toDoubleArray(), "Hessian");
            }
        }))));
    }

    private static void assertClose(double want, double got, String what) {
        assertEquals(want, got, RELATIVE * Math.max(1e-12, Math.abs(want)), what);
    }

    /** Relative to the largest magnitude in the expected array (entries that cancel to ~0 are judged on that scale). */
    private static void assertAllClose(double[] want, double[] got, String what) {
        double scale = 1e-12;
        for (double w : want) scale = Math.max(scale, Math.abs(w));
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], RELATIVE * scale, what + " at flat index " + i);
        }
    }
}
