package dev.modelc.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Library#matmul} gives, for every shape and layout, the bits of the plain loop: each
 * element sums its k products in order, one f32 rounding per multiply and per add (what the
 * interpreter's f32 matmul and the fused loops do). Blocking rows, packing and tiling the
 * transpose must not change a bit.
 */
class MatMulBitsTest {
    private static float[] plain(float[] a, float[] b, int n, int k, int m, boolean ta, boolean tb) {
        float[] out = new float[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                float acc = 0f;
                for (int p = 0; p < k; p++) acc += (ta ? a[p * n + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * m + j]);
                out[i * m + j] = acc;
            }
        }
        return out;
    }

    @Test
    void everyShapeAndLayoutGivesThePlainLoopsBits() {
        Random r = new Random(7);
        int[][] shapes = {{1, 1, 1}, {3, 5, 40}, {4, 7, 33}, {5, 64, 65}, {7, 130, 70}, {9, 3, 129}, {64, 200, 96}, {33, 70, 200}};
        for (int[] s : shapes) {
            for (int layout = 0; layout < 4; layout++) {
                int n = s[0], k = s[1], m = s[2];
                boolean ta = (layout & 1) != 0, tb = (layout & 2) != 0;
                float[] a = new float[n * k], b = new float[k * m], out = new float[n * m];
                for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
                for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
                Library.matmul(a, b, out, 1, n, k, m, ta, tb);
                float[] want = plain(a, b, n, k, m, ta, tb);
                for (int i = 0; i < want.length; i++) {
                    int at = i;
                    assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(out[i]),
                            () -> "n=" + n + " k=" + k + " m=" + m + " tA=" + ta + " tB=" + tb + " at " + at);
                }
            }
        }
    }
}
