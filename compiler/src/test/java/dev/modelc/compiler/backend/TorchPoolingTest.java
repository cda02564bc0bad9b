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
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * max and average pooling, prod, cumsum and einsum against PyTorch's, from libtorch
 * ({@code reference/torch-pooling.json}, written by {@code scripts/torch-reference}): values,
 * gradients of a weighted sum and Hessian-vector products in f64, on the interpreter and the two
 * JVM backends, within {@link TorchStatisticsCheck#TOLERANCE} (16 ulps of the largest element:
 * a tree of products, a masked running sum and matmuls round differently from PyTorch's kernels
 * by an ulp or two, a wrong rule by far more).
 */
class TorchPoolingTest {
    private static final TorchStatistics REFERENCE = TorchStatistics.load("torch-pooling.json");

    @TestFactory
    Stream<DynamicTest> everyOpMatchesPyTorchOnEveryBackend() {
        return Stream.of(Backend.INTERP, Backend.BYTECODE, Backend.JAVA).flatMap(backend -> REFERENCE.cases().stream()
                .map(c -> DynamicTest.dynamicTest(c.name() + ": " + c.call() + " on " + backend.spelling(), () -> assertEquals(List.of(),
                        TorchStatisticsCheck.compare(c, (text, inputs) -> Modelc.compile("torch.model", text).model("M", backend)
                                .forward(inputs))))));
    }

    /**
     * The ties cases are not vacuous: moving the first window's gradient from its first maximum
     * (x[1]) to the next equal one (x[4], below it) fails at both elements, as a max pool that
     * split ties or picked the last maximum would; in overlapping windows (stride 1) and in
     * windows that tile the input (stride 2, modelc's reduction form).
     */
    @Test
    void aGradientAtAnotherOfTheTiedMaximaFails() {
        List<TorchStatistics.Case> cases = REFERENCE.cases().stream().filter(c -> c.name().equals("max_pool2d_ties")).toList();
        assertEquals(List.of("max_pool2d(x, 2)", "max_pool2d(x, 2, stride = 1)"), cases.stream().map(TorchStatistics.Case::call).toList());
        for (TorchStatistics.Case ties : cases) movedToTheNextTieFails(ties);
    }

    private static void movedToTheNextTieFails(TorchStatistics.Case ties) {
        assertEquals(ties.x()[1], ties.x()[4]);
        List<String> failures = TorchStatisticsCheck.compare(ties, (text, inputs) -> {
            Map<String, Tensor> out = new HashMap<>(Modelc.compile("torch.model", text).model("M", Backend.INTERP).forward(inputs));
            double[] dy = out.get("dy").toDoubleArray();
            double first = ties.w()[0];
            dy[1] -= first;
            dy[4] += first;
            out.put("dy", Tensor.of(dy, out.get("dy").shape()));
            return out;
        });
        assertEquals(2, failures.size(), failures.toString());
        assertTrue(failures.get(0).startsWith(ties.call() + " grad[1] at x = "), failures.get(0));
        assertTrue(failures.get(1).startsWith(ties.call() + " grad[4] at x = "), failures.get(1));
    }

    /** Every op with its options, ties and zeros, PyTorch's own functions, libtorch as the source. */
    @Test
    void theFixtureCoversEveryOpAndOption() {
        List<String> names = REFERENCE.cases().stream().map(TorchStatistics.Case::name).distinct().toList();
        assertEquals(List.of("max_pool1d", "max_pool2d", "max_pool2d_ties", "max_pool1d_ties", "avg_pool1d", "avg_pool2d", "prod",
                "prod_zeros", "cumsum", "einsum"), names);
        List<String> calls = REFERENCE.cases().stream().map(TorchStatistics.Case::call).toList();
        for (String option : List.of("stride = [1, 2]", "padding = [1, 0]", "padding = 1", "keepdims = true", "\"ii\"", "\"ii->i\"",
                "\"ij,jk\"", "\"bij,bjk->bik\"", "\"ij,ik,il->jkl\"", "\"ij,ij->\"")) {
            assertTrue(calls.stream().anyMatch(c -> c.contains(option)), option + " in " + calls);
        }
        for (TorchStatistics.Case c : REFERENCE.cases()) {
            String op = c.name().replace("_ties", "").replace("_zeros", "");
            assertTrue(c.torch().startsWith("torch." + op + "("), c.torch());
        }
        // The zeros case: a row without zeros, one with one zero and one with two; the gradient is the product of the others.
        TorchStatistics.Case zeros = REFERENCE.cases().stream().filter(c -> c.name().equals("prod_zeros")).findFirst().orElseThrow();
        assertEquals(List.of(0L, 1L, 2L), Stream.of(0, 1, 2).map(row -> java.util.Arrays.stream(zeros.x(), 4 * row, 4 * row + 4)
                .filter(v -> v == 0).count()).toList());
        assertTrue(REFERENCE.source().startsWith("libtorch 2.7.1"), REFERENCE.source());
    }
}
