package dev.modelc.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.api.Model;
import dev.modelc.api.Modelc;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/** The arbitraries give what they promise: shapes that fit the signature, values in their ranges. */
class ArbitraryProperties {
    static final Model CLASSIFIER = Modelc.compile("classify.model", """
            model Classify {
              input x: f64[N, 4]
              input y: i32[N]
              input mask: bool[N, C]
              param w: f32[3, 4] = randn()
              output logits = x @ f64(w).T
              loss = cross_entropy(logits, y)
            }
            """).model("Classify");

    @Provide
    Arbitrary<Bindings> classify() {
        return BindingsArbitrary.of(CLASSIFIER).sizes(2, 5).size("C", 1, 1).values(-1, 1).values("y", 0, 2).awayFrom(0, 0.1);
    }

    @Property(tries = 300)
    void bindingsFitTheSignatureWithValuesInTheirRanges(@ForAll("classify") Bindings b) {
        Tensor x = b.inputs().get("x"), y = b.inputs().get("y"), mask = b.inputs().get("mask"), w = b.params().get("w");
        int n = x.size(0);
        assertTrue(n >= 2 && n <= 5, "N = " + n);
        assertArrayEquals(new int[] {n, 4}, x.shape());
        assertArrayEquals(new int[] {n}, y.shape());
        assertArrayEquals(new int[] {n, 1}, mask.shape());
        assertArrayEquals(new int[] {3, 4}, w.shape());
        assertEquals(List.of(DType.F64, DType.I32, DType.BOOL, DType.F32), List.of(x.dtype(), y.dtype(), mask.dtype(), w.dtype()));
        for (Tensor t : List.of(x, w)) {
            for (double v : t.toDoubleArray()) assertTrue(Math.abs(v) >= 0.1 && Math.abs(v) <= 1, "value " + v + " in " + b);
        }
        for (double v : y.toDoubleArray()) assertTrue(v >= 0 && v <= 2, "label " + v);
        Statistics.label("N").collect(n);
        Statistics.label("N").coverage(c -> {
            for (int i = 2; i <= 5; i++) c.check(i).percentage(p -> p > 10);
        });
        // and the model runs on them
        assertTrue(Double.isFinite(CLASSIFIER.compiled().loss(b.params(), b.inputs()).item()));
    }

    @Property(tries = 300)
    void theGradientsOfTheClassifierAreRight(@ForAll("classify") Bindings b) {
        GradCheck.assertGradients(CLASSIFIER, b);
        GradCheck.assertSecondDerivatives(CLASSIFIER, b);
    }

    @Provide
    Arbitrary<Tensor> tensors() {
        return TensorArbitrary.of(DType.F32, 2, 3).between(0.5, 3).ofScale(1);
    }

    @Property(tries = 200)
    void tensorsHaveTheirDtypeShapeRangeAndScale(@ForAll("tensors") Tensor t) {
        assertEquals(DType.F32, t.dtype());
        assertArrayEquals(new int[] {2, 3}, t.shape());
        for (double v : t.toDoubleArray()) {
            assertTrue(v >= 0.5 && v <= 3, "value " + v);
            assertEquals(Math.round(v * 10) / 10.0, v, 1e-6, "one decimal: " + v);
        }
    }

    @Test
    void mistakesInTheSettingsAreExplained() {
        assertEquals("model Classify has no symbolic dimension 'M'; it has [C, N]",
                assertThrows(IllegalArgumentException.class, () -> BindingsArbitrary.of(CLASSIFIER).size("M", 1, 2)).getMessage());
        assertEquals("model Classify has no input or param 'z'; it has [x, y, mask, w]",
                assertThrows(IllegalArgumentException.class, () -> BindingsArbitrary.of(CLASSIFIER).values("z", 0, 1)).getMessage());
        assertEquals("bad size range [3, 2]",
                assertThrows(IllegalArgumentException.class, () -> BindingsArbitrary.of(CLASSIFIER).sizes(3, 2)).getMessage());
        assertEquals("empty range [1.0, 0.0]",
                assertThrows(IllegalArgumentException.class, () -> TensorArbitrary.of(DType.F64, 2).between(1, 0)).getMessage());
    }

    @Test
    void bindingsPrintEveryValueInFull() {
        Bindings b = Bindings.of(
                java.util.Map.of("x", Tensor.of(new float[] {0.1f, -1.25f, 3, 4}, 2, 2), "y", Tensor.of(new int[] {2}, 1)),
                java.util.Map.of("s", Tensor.scalar(DType.F64, 0.1)));
        String text = b.toString();
        assertTrue(text.contains("x: f32[2, 2] = [[0.1, -1.25], [3.0, 4.0]]"), text);
        assertTrue(text.contains("y: i32[1] = [2]"), text);
        assertTrue(text.endsWith("s: f64[] = 0.1"), text);
    }
}
