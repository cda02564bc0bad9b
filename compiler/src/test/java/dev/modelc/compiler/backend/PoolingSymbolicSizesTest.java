package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelc.api.Model;
import dev.modelc.api.Modelc;
import dev.modelc.api.Program;
import dev.modelc.runtime.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pools over a symbolic length: stride 1 with padding, windows that tile a length of {@code 2 * L}
 * (a reduction over split axes), and stride 2 where {@code (2 * L + 2 - 4) / 2 + 1 = L} stays a
 * polynomial; and cumsum over it. One compiled model, bound to two lengths, on every JVM backend,
 * against values worked out by hand.
 */
class PoolingSymbolicSizesTest {
    private static final String SOURCE = """
            model S {
              input x: f64[N, L]
              y = cat(x, x, axis = 1)
              output a = max_pool1d(x, 3, stride = 1, padding = 1)
              output b = avg_pool1d(y, 2)
              output c = max_pool1d(y, 4, stride = 2, padding = 1)
              output d = cumsum(x, axis = 1)
            }
            """;

    @Test
    void oneModelPoolsEveryLength() {
        Program p = Modelc.compile("s.model", SOURCE);
        for (Backend b : new Backend[] {Backend.INTERP, Backend.BYTECODE, Backend.JAVA}) {
            Model m = p.model("S", b);
            Map<String, Tensor> three = m.forward(Map.of("x", Tensor.of(new double[] {1, 5, 2, 0, -1, 3}, 2, 3)));
            expect(three.get("a"), b, 2, 3, 5, 5, 5, 0, 3, 3);
            expect(three.get("b"), b, 2, 3, 3, 1.5, 3.5, -0.5, 1.5, 1);
            expect(three.get("c"), b, 2, 3, 5, 5, 5, 3, 3, 3);
            expect(three.get("d"), b, 2, 3, 1, 6, 8, 0, -1, 2);
            Map<String, Tensor> four = m.forward(Map.of("x", Tensor.of(new double[] {2, 1, 4, 3}, 1, 4)));
            expect(four.get("a"), b, 1, 4, 2, 4, 4, 4);
            expect(four.get("b"), b, 1, 4, 1.5, 3.5, 1.5, 3.5);
            expect(four.get("c"), b, 1, 4, 4, 4, 4, 4);
            expect(four.get("d"), b, 1, 4, 2, 3, 7, 10);
        }
    }

    private static void expect(Tensor got, Backend b, int rows, int cols, double... values) {
        assertArrayEquals(new int[] {rows, cols}, got.shape(), "shape on " + b);
        double[] v = got.toDoubleArray();
        for (int i = 0; i < values.length; i++) assertEquals(values[i], v[i], 0.0, "element " + i + " on " + b);
    }
}
