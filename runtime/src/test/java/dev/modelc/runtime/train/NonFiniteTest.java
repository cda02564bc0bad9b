package dev.modelc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import org.junit.jupiter.api.Test;

class NonFiniteTest {
    private static final int N = 6000;

    @Test
    void findsTheFirstNanOrInfinityWhereverItIs() {
        for (DType dtype : new DType[] {DType.F32, DType.F64}) {
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                // Either side of the scan's 1,024-element blocks, and the last element.
                for (int at : new int[] {0, 1023, 1024, 5000, N - 1}) {
                    double[] v = values();
                    v[at] = bad;
                    if (at + 7 < N) v[at + 7] = bad;
                    assertEquals(at, NonFinite.first(Tensor.of(dtype, new int[] {N}, v)), dtype + " " + bad + " at " + at);
                }
            }
        }
    }

    @Test
    void finiteExtremesAreFinite() {
        double[] v = values();
        v[3] = -0.0;
        v[2000] = 3.0e38; // near f32's largest
        v[4000] = -3.0e38;
        assertEquals(-1, NonFinite.first(Tensor.of(DType.F32, new int[] {N}, v)));
        v[5000] = Double.MAX_VALUE;
        assertEquals(-1, NonFinite.first(Tensor.of(DType.F64, new int[] {N}, v)));
        assertEquals(-1, NonFinite.first(Tensor.of(DType.F32, new int[] {0}, new double[0])));
        assertEquals(-1, NonFinite.first(Tensor.of(DType.I32, new int[] {3}, new double[] {1, 2, 3})));
    }

    private static double[] values() {
        double[] v = new double[N];
        for (int i = 0; i < N; i++) v[i] = Math.sin(i) * 1e3;
        return v;
    }
}
