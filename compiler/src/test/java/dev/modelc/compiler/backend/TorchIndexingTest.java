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
 * Integer-tensor indexing ({@code t[ids]} of ranks 1 to 3), {@code gather} along every axis and
 * the embedding lookup against PyTorch's, from libtorch ({@code reference/torch-indexing.json},
 * written by {@code scripts/torch-reference}, {@code IndexingReference}): values, gradients of a
 * weighted sum (repeated ids accumulating, unpicked rows zero) and Hessian-vector products in
 * f64, on the interpreter and the two JVM backends, within {@link TorchStatisticsCheck#TOLERANCE}
 * (picking is exact; the cube and the accumulation are a few correctly rounded operations).
 */
class TorchIndexingTest {
    private static final TorchStatistics REFERENCE = TorchStatistics.load("torch-indexing.json");

    @TestFactory
    Stream<DynamicTest> everyIndexingMatchesPyTorchOnEveryBackend() {
        return Stream.of(Backend.INTERP, Backend.BYTECODE, Backend.JAVA).flatMap(backend -> REFERENCE.cases().stream()
                .map(c -> DynamicTest.dynamicTest(c.name() + ": " + c.call() + " on " + backend.spelling(), () -> assertEquals(List.of(),
                        TorchStatisticsCheck.compare(c, (text, inputs) -> Modelc.compile("torch.model", text).model("M", backend)
                                .forward(inputs))))));
    }

    /** Repeated ids: the gradient of a row picked twice is the sum of both picks' (dropping one fails, naming the element). */
    @Test
    void aGradientThatDropsARepeatedPickFails() {
        TorchStatistics.Case rows = REFERENCE.cases().getFirst();
        assertEquals("x[[0, 3, 3, 1, 3]] ** 3", rows.call());
        // Row 3 is picked at positions 1, 2 and 4: its gradient is 3 x3^2 (w1 + w2 + w4); without w4 it is wrong.
        double x3 = rows.x()[3];
        double all = 3 * x3 * x3 * (rows.w()[1] + rows.w()[2] + rows.w()[4]);
        assertEquals(all, rows.grad()[3], 1e-12, "PyTorch accumulates the three picks");
        List<String> failures = TorchStatisticsCheck.compare(rows, (text, inputs) -> {
            Map<String, Tensor> out = new HashMap<>(Modelc.compile("torch.model", text).model("M", Backend.INTERP).forward(inputs));
            double[] dy = out.get("dy").toDoubleArray();
            dy[3] -= 3 * x3 * x3 * rows.w()[4];
            out.put("dy", Tensor.of(dy, out.get("dy").shape()));
            return out;
        });
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.getFirst().startsWith("x[[0, 3, 3, 1, 3]] ** 3 grad[3] at x = "), failures.getFirst());
    }

    /** Ranks 1 to 3 of t[ids] with ids of rank 1 and 2, gather along each axis of ranks 2 and 3, and F.embedding. */
    @Test
    void theFixtureCoversEveryRankAndAxis() {
        assertEquals(List.of("rows", "gather", "embedding"), REFERENCE.cases().stream().map(TorchStatistics.Case::name).distinct().toList());
        assertEquals(List.of(1, 2, 3), REFERENCE.cases().stream().filter(c -> c.name().equals("rows")).map(c -> c.shape().length)
                .distinct().sorted().toList());
        for (String gather : List.of("axis = 0) ** 3", "axis = 1) ** 3", "axis = 2) ** 3")) {
            assertTrue(REFERENCE.cases().stream().anyMatch(c -> c.call().endsWith(gather) && c.shape().length == 3), gather);
        }
        assertTrue(REFERENCE.cases().stream().anyMatch(c -> c.call().startsWith("gather(x, [[") && c.call().contains("axis = 0")
                && c.shape().length == 2), "gather along axis 0 of a matrix");
        assertTrue(REFERENCE.cases().stream().anyMatch(c -> c.torch().startsWith("torch.embedding(x, ")), "F.embedding");
        for (TorchStatistics.Case c : REFERENCE.cases()) {
            boolean someRowUnpicked = false;
            for (double g : c.grad()) someRowUnpicked |= g == 0;
            assertTrue(someRowUnpicked, c.call() + ": some element is never picked, so its gradient is exactly 0");
        }
        assertTrue(REFERENCE.source().startsWith("libtorch 2.7.1"), REFERENCE.source());
    }
}
