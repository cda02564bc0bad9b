package dev.modelc.compiler.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The interpreter's and the plan executors' size binding, on the runtime's SizeBinder, in their own words. */
class DimBindingsTest {
    private static final Dim N = Dim.symbol("N");

    private static Map<String, Shape> declared(Object... nameShape) {
        Map<String, Shape> out = new LinkedHashMap<>();
        for (int i = 0; i < nameShape.length; i += 2) out.put((String) nameShape[i], (Shape) nameShape[i + 1]);
        return out;
    }

    private static String error(Map<String, Shape> declared, Map<String, Tensor> values) {
        return assertThrows(EvaluationError.class, () -> DimBindings.of(declared, values)).getMessage();
    }

    @Test
    void bindsSizesAndEvaluatesPolynomials() {
        DimBindings d = DimBindings.of(declared("x", Shape.of(N, Dim.of(3)), "p", Shape.of(N.plus(Dim.of(1)))),
                Map.of("x", Tensor.zeros(DType.F32, 4, 3), "p", Tensor.zeros(DType.F32, 5)));
        assertEquals(Map.of("N", 4L), d.sizes());
        assertEquals(9, d.eval(N.times(Dim.of(2)).plus(Dim.of(1))));
    }

    @Test
    void namesBothTensorsAndBothSizesWhenASymbolDisagrees() {
        assertEquals("dimension N is 4 in 'x' but 2 in 'y' (axis 1 of shape [3, 2])",
                error(declared("x", Shape.of(N, Dim.of(3)), "y", Shape.of(Dim.of(3), N)),
                        Map.of("x", Tensor.zeros(DType.F32, 4, 3), "y", Tensor.zeros(DType.F32, 3, 2))));
    }

    @Test
    void namesTheRankAndThePolynomialThatDoNotFit() {
        assertEquals("'x' must have shape [N, 3] (rank 2), found shape [4]",
                error(declared("x", Shape.of(N, Dim.of(3))), Map.of("x", Tensor.zeros(DType.F32, 4))));
        // p is declared before x, which binds N: checked all the same
        assertEquals("'p' must have shape [N + 1], but axis 0 is 7 where N + 1 = 5",
                error(declared("p", Shape.of(N.plus(Dim.of(1))), "x", Shape.of(N)),
                        Map.of("x", Tensor.zeros(DType.F32, 4), "p", Tensor.zeros(DType.F32, 7))));
    }

    @Test
    void leavesFixedSizesToTheWholeShapeCheck() {
        DimBindings d = DimBindings.of(declared("x", Shape.of(N, Dim.of(3))), Map.of("x", Tensor.zeros(DType.F32, 4, 2)));
        assertEquals(Map.of("N", 4L), d.sizes());
    }

    @Test
    void namesTheTensorsThatWouldBindAMissingSize() {
        DimBindings d = DimBindings.of(declared("x", Shape.of(N, Dim.of(3)), "w", Shape.of(Dim.of(2))),
                Map.of("w", Tensor.zeros(DType.F32, 2)));
        assertEquals("dimension N is not bound by the values given: give a value for 'x' [N, 3]",
                assertThrows(EvaluationError.class, () -> d.eval(N)).getMessage());
    }
}
