package dev.modelc.bench;

import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The MLP step of {@link HandWritten#mlpStep} written by hand around a {@code FloatVector} GEMM:
 * flat row-major arrays, every product a register-blocked kernel (4 rows x 2 vectors of
 * accumulators, a's elements broadcast, b's rows streamed), rows of the result split across
 * cores, transposed operands copied once, buffers allocated once. The ceiling the matmul-bound
 * workloads are measured against: a good kernel, not a naive loop. Needs the JVM started with
 * {@code --add-modules jdk.incubator.vector} (scripts/bench does).
 */
final class VectorMlp {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private final int batch;
    private final float[] w1, b1, w2, b2, w3, b3;
    private final float[] h1, h2, z, dz, dh2, dh1, gw1, gw2, gw3, xt, h1t, h2t, w2t, w3t;

    /** Copies of the params (784-256-256-10, each w stored [in, out]) for batches of {@code batch} rows. */
    VectorMlp(int batch, float[] w1, float[] b1, float[] w2, float[] b2, float[] w3, float[] b3) {
        this.batch = batch;
        this.w1 = w1.clone();
        this.b1 = b1.clone();
        this.w2 = w2.clone();
        this.b2 = b2.clone();
        this.w3 = w3.clone();
        this.b3 = b3.clone();
        h1 = new float[batch * 256];
        h2 = new float[batch * 256];
        z = new float[batch * 10];
        dz = new float[batch * 10];
        dh2 = new float[batch * 256];
        dh1 = new float[batch * 256];
        gw1 = new float[784 * 256];
        gw2 = new float[256 * 256];
        gw3 = new float[256 * 10];
        xt = new float[784 * batch];
        h1t = new float[256 * batch];
        h2t = new float[256 * batch];
        w2t = new float[256 * 256];
        w3t = new float[10 * 256];
    }

    /** One SGD step on x [batch, 784] and labels y; returns the mean cross-entropy before it. */
    float step(float[] x, int[] y, float lr) {
        gemm(x, w1, h1, batch, 784, 256);
        biasRelu(h1, b1, 256);
        gemm(h1, w2, h2, batch, 256, 256);
        biasRelu(h2, b2, 256);
        gemm(h2, w3, z, batch, 256, 10);
        double loss = 0;
        for (int i = 0; i < batch; i++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < 10; j++) max = Math.max(max, z[i * 10 + j] += b3[j]);
            double sum = 0;
            for (int j = 0; j < 10; j++) sum += Math.exp(z[i * 10 + j] - max);
            for (int j = 0; j < 10; j++) dz[i * 10 + j] = (float) (Math.exp(z[i * 10 + j] - max) / sum) / batch;
            dz[i * 10 + y[i]] -= 1f / batch;
            loss -= z[i * 10 + y[i]] - max - Math.log(sum);
        }
        transpose(h2, h2t, batch, 256);
        gemm(h2t, dz, gw3, 256, batch, 10);
        transpose(w3, w3t, 256, 10);
        gemm(dz, w3t, dh2, batch, 10, 256);
        reluBack(dh2, h2);
        transpose(h1, h1t, batch, 256);
        gemm(h1t, dh2, gw2, 256, batch, 256);
        transpose(w2, w2t, 256, 256);
        gemm(dh2, w2t, dh1, batch, 256, 256);
        reluBack(dh1, h1);
        transpose(x, xt, batch, 784);
        gemm(xt, dh1, gw1, 784, batch, 256);
        update(w3, gw3, lr);
        update(w2, gw2, lr);
        update(w1, gw1, lr);
        updateBias(b3, dz, 10, lr);
        updateBias(b2, dh2, 256, lr);
        updateBias(b1, dh1, 256, lr);
        return (float) (loss / batch);
    }

    /**
     * c = a @ b for row-major a [n, k], b [k, m]; blocks of 4 rows across cores. Full 2-vector
     * column blocks run unmasked; the last columns (fewer than two vectors) run as scalar
     * loops: masked loads and stores in the kernel make it too large for C2 to inline the
     * Vector API's intrinsics, and it then runs their Java fallback (a JFR profile showed the
     * fallback taking most of the step).
     */
    static void gemm(float[] a, float[] b, float[] c, int n, int k, int m) {
        int full = m - m % (2 * L);
        IntStream.range(0, (n + 3) / 4).parallel().forEach(block -> {
            int i0 = 4 * block, i1 = Math.min(n, i0 + 4);
            for (int j = 0; j < full; j += 2 * L) {
                if (i1 - i0 == 4) {
                    four(a, b, c, i0, j, k, m);
                } else {
                    for (int i = i0; i < i1; i++) one(a, b, c, i, j, k, m);
                }
            }
            for (int i = i0; i < i1; i++) {
                for (int j = full; j < m; j++) {
                    float acc = 0;
                    for (int p = 0; p < k; p++) acc = Math.fma(a[i * k + p], b[p * m + j], acc);
                    c[i * m + j] = acc;
                }
            }
        });
    }

    private static void four(float[] a, float[] b, float[] c, int i0, int j, int k, int m) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int r0 = i0 * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
        for (int p = 0; p < k; p++) {
            FloatVector v0 = FloatVector.fromArray(S, b, p * m + j), v1 = FloatVector.fromArray(S, b, p * m + j + L);
            FloatVector s = FloatVector.broadcast(S, a[r0 + p]);
            c00 = s.fma(v0, c00);
            c01 = s.fma(v1, c01);
            s = FloatVector.broadcast(S, a[r1 + p]);
            c10 = s.fma(v0, c10);
            c11 = s.fma(v1, c11);
            s = FloatVector.broadcast(S, a[r2 + p]);
            c20 = s.fma(v0, c20);
            c21 = s.fma(v1, c21);
            s = FloatVector.broadcast(S, a[r3 + p]);
            c30 = s.fma(v0, c30);
            c31 = s.fma(v1, c31);
        }
        c00.intoArray(c, i0 * m + j);
        c01.intoArray(c, i0 * m + j + L);
        c10.intoArray(c, (i0 + 1) * m + j);
        c11.intoArray(c, (i0 + 1) * m + j + L);
        c20.intoArray(c, (i0 + 2) * m + j);
        c21.intoArray(c, (i0 + 2) * m + j + L);
        c30.intoArray(c, (i0 + 3) * m + j);
        c31.intoArray(c, (i0 + 3) * m + j + L);
    }

    private static void one(float[] a, float[] b, float[] c, int i, int j, int k, int m) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0;
        for (int p = 0; p < k; p++) {
            FloatVector s = FloatVector.broadcast(S, a[i * k + p]);
            c0 = s.fma(FloatVector.fromArray(S, b, p * m + j), c0);
            c1 = s.fma(FloatVector.fromArray(S, b, p * m + j + L), c1);
        }
        c0.intoArray(c, i * m + j);
        c1.intoArray(c, i * m + j + L);
    }

    private static void transpose(float[] a, float[] t, int rows, int cols) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
        }
    }

    private void biasRelu(float[] h, float[] b, int cols) {
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < cols; j++) h[i * cols + j] = Math.max(h[i * cols + j] + b[j], 0f);
        }
    }

    private static void reluBack(float[] d, float[] h) {
        for (int i = 0; i < d.length; i++) if (h[i] <= 0) d[i] = 0;
    }

    private static void update(float[] w, float[] g, float lr) {
        for (int i = 0; i < w.length; i++) w[i] -= lr * g[i];
    }

    private void updateBias(float[] b, float[] d, int cols, float lr) {
        for (int j = 0; j < cols; j++) {
            float s = 0;
            for (int i = 0; i < batch; i++) s += d[i * cols + j];
            b[j] -= lr * s;
        }
    }
}
