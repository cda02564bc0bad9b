package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.api.Modelc;
import dev.modelc.compiler.reference.TorchStatistics;
import dev.modelc.compiler.reference.TorchStatisticsCheck;
import dev.modelc.runtime.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * var, std, layer_norm and norm against PyTorch's, from libtorch ({@code reference/torch-statistics.json},
 * written by {@code scripts/torch-reference}): values, gradients of a weighted sum and
 * Hessian-vector products in f64, on the interpreter and the two JVM backends, within
 * {@link TorchStatisticsCheck#TOLERANCE}.
 */
class TorchStatisticsTest {
    private static final TorchStatistics REFERENCE = TorchStatistics.load();

    @TestFactory
    Stream<DynamicTest> everyStatisticMatchesPyTorchOnEveryBackend() {
        return Stream.of(Backend.INTERP, Backend.BYTECODE, Backend.JAVA).flatMap(backend -> REFERENCE.cases().stream()
                .map(c -> DynamicTest.dynamicTest(c.name() + ": " + c.call() + " on " + backend.spelling(), () -> assertEquals(List.of(),
                        TorchStatisticsCheck.compare(c, (text, inputs) -> Modelc.compile("torch.model", text).model("M", backend)
                                .forward(inputs))))));
    }

    /**
     * The check is not vacuous: layer_norm's gradient moved by 20 ulps of its largest element (past
     * the tolerance of 16), and the 2-norm's second derivative at zero given as PyTorch's NaN
     * instead of modelc's documented 0, each fail, naming the element.
     */
    @Test
    void aWrongGradientOrADroppedDifferenceFails() {
        TorchStatistics.Case layerNorm = REFERENCE.cases().stream().filter(c -> c.call().equals("layer_norm(x)")).findFirst().orElseThrow();
        double largest = 0;
        for (double g : layerNorm.grad()) largest = Math.max(largest, Math.abs(g));
        double nudge = 20 * Math.ulp(1.0) * largest;
        List<String> failures = TorchStatisticsCheck.compare(layerNorm, (text, inputs) -> nudged(text, inputs, "dy", 4, v -> v + nudge));
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.getFirst().startsWith("layer_norm(x) grad[4] at x = "), failures.getFirst());
        TorchStatistics.Case zero = REFERENCE.cases().stream().filter(c -> c.name().equals("norm_at_zero") && c.call().equals("norm(x)"))
                .findFirst().orElseThrow();
        assertEquals(List.of("norm(x) hvp[2]: NaN, not modelc's documented 0.0"),
                TorchStatisticsCheck.compare(zero, (text, inputs) -> nudged(text, inputs, "hvp", 2, v -> Double.NaN)));
    }

    /** The interpreter's outputs with element {@code at} of {@code output} replaced by {@code f} of it. */
    private static Map<String, Tensor> nudged(String text, Map<String, Tensor> inputs, String output, int at, DoubleUnaryOperator f) {
        Map<String, Tensor> out = new HashMap<>(Modelc.compile("torch.model", text).model("M", Backend.INTERP).forward(inputs));
        Tensor t = out.get(output);
        double[] v = t.toDoubleArray();
        v[at] = f.applyAsDouble(v[at]);
        out.put(output, Tensor.of(v, t.shape()));
        return out;
    }

    /** Every statistic with each of its options, norm at zero with each p, PyTorch's own ops, and every documented difference used. */
    @Test
    void theFixtureCoversEveryStatisticAndOption() {
        List<String> names = REFERENCE.cases().stream().map(TorchStatistics.Case::name).distinct().toList();
        assertEquals(List.of("var", "std", "layer_norm", "norm", "norm_at_zero"), names);
        List<String> calls = REFERENCE.cases().stream().map(TorchStatistics.Case::call).toList();
        for (String option : List.of("correction = 0", "correction = 2", "keepdims = true", "axis = [", "eps = 0)", "eps = 0.001", "p = 1",
                "p = 3", "p = 1.5")) {
            assertTrue(calls.stream().anyMatch(c -> c.contains(option)), option + " in " + calls);
        }
        for (TorchStatistics.Case c : REFERENCE.cases()) {
            assertTrue(c.torch().startsWith("torch." + (c.name().startsWith("norm") ? "linalg_vector_norm" : c.name()) + "(x"), c.torch());
        }
        assertTrue(REFERENCE.source().startsWith("libtorch 2.7.1"), REFERENCE.source());
        assertEquals(List.of(), TorchStatisticsCheck.unusedDifferences(REFERENCE), "documented differences at no case of the reference");
    }
}
