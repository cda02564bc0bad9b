package dev.modelc.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Library#matmul} gives, for every shape and layout, on vector lanes and on the scalar
 * loops alike, the bits of the plain loop: in f32 each element chains its k terms in order
 * through fused multiply-adds ({@code acc = fma(a, b, acc)}), in f64 a multiply and an add per
 * term, which is the interpreter's {@link Reference#matmul}. Register blocks, packing, padding
 * past m and the transposes must not change a bit.
 */
class MatMulBitsTest {
    /** a's element (i, p) and b's element (p, j) in their stored layouts. */
    static float at(float[] x, int rows, int cols, int r, int c, boolean trans) {
        return trans ? x[c * rows + r] : x[r * cols + c];
    }

    static double at(double[] x, int rows, int cols, int r, int c, boolean trans) {
        return trans ? x[c * rows + r] : x[r * cols + c];
    }

    static float[] plain(float[] a, float[] b, int batch, int n, int k, int m, boolean ta, boolean tb) {
        float[] out = new float[batch * n * m];
        for (int bt = 0; bt < batch; bt++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    float acc = 0f;
                    for (int p = 0; p < k; p++) {
                        acc = Math.fma(aAt(a, bt, n, k, i, p, ta), bAt(b, bt, k, m, p, j, tb), acc);
                    }
                    out[(bt * n + i) * m + j] = acc;
                }
            }
        }
        return out;
    }

    static float aAt(float[] a, int bt, int n, int k, int i, int p, boolean ta) {
        return ta ? a[bt * n * k + p * n + i] : a[bt * n * k + i * k + p];
    }

    static float bAt(float[] b, int bt, int k, int m, int p, int j, boolean tb) {
        return tb ? b[bt * k * m + j * k + p] : b[bt * k * m + p * m + j];
    }

    /** The operand as stored untransposed, for {@link Reference#matmul}, which reads plain layouts only. */
    static double[] plainLayout(double[] x, int batch, int rows, int cols, boolean trans) {
        double[] out = new double[x.length];
        for (int bt = 0; bt < batch; bt++) {
            int o = bt * rows * cols;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) out[o + r * cols + c] = trans ? x[o + c * rows + r] : x[o + r * cols + c];
            }
        }
        return out;
    }

    static double[] reference(double[] a, double[] b, int batch, int n, int k, int m, boolean ta, boolean tb) {
        return Reference.matmul(plainLayout(a, batch, n, k, ta), new int[] {batch, n, k},
                plainLayout(b, batch, k, m, tb), new int[] {batch, k, m});
    }

    @Test
    void everyShapeAndLayoutGivesThePlainLoopsBitsOnLanesAndWithout() {
        assertTrue(Library.LANES, "the runtime's tests run with --add-modules jdk.incubator.vector");
        Random r = new Random(7);
        int[][] shapes = {{1, 1, 1}, {3, 5, 40}, {4, 7, 33}, {5, 64, 65}, {7, 130, 70}, {9, 3, 129}, {64, 200, 96},
            {33, 70, 200}, {1, 300, 17}, {17, 300, 1}, {256, 784, 10}};
        for (int[] s : shapes) {
            for (int layout = 0; layout < 4; layout++) {
                for (boolean lanes : new boolean[] {true, false}) {
                    int n = s[0], k = s[1], m = s[2];
                    boolean ta = (layout & 1) != 0, tb = (layout & 2) != 0;
                    float[] a = new float[n * k], b = new float[k * m], out = new float[n * m];
                    for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
                    for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
                    Library.matmul(a, b, out, 1, n, k, m, ta, tb, lanes);
                    float[] want = plain(a, b, 1, n, k, m, ta, tb);
                    for (int i = 0; i < want.length; i++) {
                        int at = i;
                        assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(out[i]),
                                () -> "n=" + n + " k=" + k + " m=" + m + " tA=" + ta + " tB=" + tb + " lanes=" + lanes + " at " + at);
                    }
                    double[] da = new double[n * k], db = new double[k * m], dout = new double[n * m];
                    for (int i = 0; i < da.length; i++) da[i] = r.nextGaussian();
                    for (int i = 0; i < db.length; i++) db[i] = r.nextGaussian();
                    Library.matmul(da, db, dout, 1, n, k, m, ta, tb, lanes);
                    double[] dwant = reference(da, db, 1, n, k, m, ta, tb);
                    for (int i = 0; i < dwant.length; i++) {
                        int at = i;
                        assertEquals(Double.doubleToLongBits(dwant[i]), Double.doubleToLongBits(dout[i]),
                                () -> "f64 n=" + n + " k=" + k + " m=" + m + " tA=" + ta + " tB=" + tb + " lanes=" + lanes + " at " + at);
                    }
                }
            }
        }
    }
}
