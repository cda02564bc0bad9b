package dev.modelc.bench;

import java.util.stream.IntStream;

/**
 * The same computations written by hand over {@code float[]}: the practical ceiling a code
 * generator can aim at (PERFORMANCE.md's "hand-written Java"). Straightforward loops, the way a
 * careful person writes them without intrinsics.
 */
final class HandWritten {
    private HandWritten() {
    }

    /** One epoch of full-batch gradient descent on y = x w^T + b with the mean squared error; returns the loss before the step. */
    static float regressionStep(float[] x, float[] y, float[] w, float[] b, int n, float lr) {
        float gw0 = 0, gw1 = 0, gw2 = 0, gw3 = 0, gw4 = 0, gw5 = 0, gb0 = 0, gb1 = 0;
        double loss = 0;
        for (int i = 0; i < n; i++) {
            float x0 = x[3 * i], x1 = x[3 * i + 1], x2 = x[3 * i + 2];
            float d0 = x0 * w[0] + x1 * w[1] + x2 * w[2] + b[0] - y[2 * i];
            float d1 = x0 * w[3] + x1 * w[4] + x2 * w[5] + b[1] - y[2 * i + 1];
            loss += d0 * d0 + d1 * d1;
            gw0 += d0 * x0;
            gw1 += d0 * x1;
            gw2 += d0 * x2;
            gw3 += d1 * x0;
            gw4 += d1 * x1;
            gw5 += d1 * x2;
            gb0 += d0;
            gb1 += d1;
        }
        float scale = 2f / (2 * n);
        w[0] -= lr * scale * gw0;
        w[1] -= lr * scale * gw1;
        w[2] -= lr * scale * gw2;
        w[3] -= lr * scale * gw3;
        w[4] -= lr * scale * gw4;
        w[5] -= lr * scale * gw5;
        b[0] -= lr * scale * gb0;
        b[1] -= lr * scale * gb1;
        return (float) (loss / (2 * n));
    }

    /** The same step on all cores: each thread sums a slice of the rows, the sums are added in order. */
    static float regressionStepParallel(float[] x, float[] y, float[] w, float[] b, int n, float lr) {
        int threads = Runtime.getRuntime().availableProcessors();
        double[][] parts = new double[threads][9];
        IntStream.range(0, threads).parallel().forEach(t -> {
            int from = (int) ((long) n * t / threads), to = (int) ((long) n * (t + 1) / threads);
            float w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4], w5 = w[5], b0 = b[0], b1 = b[1];
            float g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, h0 = 0, h1 = 0;
            double loss = 0;
            for (int i = from; i < to; i++) {
                float x0 = x[3 * i], x1 = x[3 * i + 1], x2 = x[3 * i + 2];
                float d0 = x0 * w0 + x1 * w1 + x2 * w2 + b0 - y[2 * i];
                float d1 = x0 * w3 + x1 * w4 + x2 * w5 + b1 - y[2 * i + 1];
                loss += d0 * d0 + d1 * d1;
                g0 += d0 * x0;
                g1 += d0 * x1;
                g2 += d0 * x2;
                g3 += d1 * x0;
                g4 += d1 * x1;
                g5 += d1 * x2;
                h0 += d0;
                h1 += d1;
            }
            parts[t] = new double[] {g0, g1, g2, g3, g4, g5, h0, h1, loss};
        });
        double[] sum = new double[9];
        for (double[] p : parts) for (int i = 0; i < 9; i++) sum[i] += p[i];
        float scale = 2f / (2 * n);
        for (int i = 0; i < 6; i++) w[i] -= (float) (lr * scale * sum[i]);
        b[0] -= (float) (lr * scale * sum[6]);
        b[1] -= (float) (lr * scale * sum[7]);
        return (float) (sum[8] / (2 * n));
    }

    /** f = sum(exp(sin(x)) * x / (1 + x*x)) and df/dx, with scalar Math, on one thread; returns f. */
    static float smooth(float[] x, float[] dx) {
        double f = 0;
        for (int i = 0; i < x.length; i++) {
            float v = x[i];
            float e = (float) Math.exp(Math.sin(v));
            float q = 1 + v * v;
            f += e * v / q;
            // d/dv [e(v) * v / q(v)] = e cos(v) v / q + e (q - 2 v^2) / q^2
            dx[i] = e * (float) Math.cos(v) * v / q + e * (q - 2 * v * v) / (q * q);
        }
        return (float) f;
    }

    /** One SGD step of a 784-256-256-10 relu perceptron with softmax cross-entropy, rows in parallel (i-k-j loops over float[][]). */
    static float mlpStep(float[][] x, int[] y, float[][] w1, float[] b1, float[][] w2, float[] b2, float[][] w3, float[] b3, float lr) {
        int batch = x.length;
        float[][] h1 = new float[batch][], h2 = new float[batch][], dz = new float[batch][];
        double[] losses = new double[batch];
        IntStream.range(0, batch).parallel().forEach(i -> {
            h1[i] = relu(affine(x[i], w1, b1));
            h2[i] = relu(affine(h1[i], w2, b2));
            float[] z = affine(h2[i], w3, b3);
            float max = Float.NEGATIVE_INFINITY;
            for (float v : z) max = Math.max(max, v);
            double sum = 0;
            for (float v : z) sum += Math.exp(v - max);
            float[] d = new float[z.length];
            for (int j = 0; j < z.length; j++) d[j] = (float) (Math.exp(z[j] - max) / sum) / batch;
            d[y[i]] -= 1f / batch;
            losses[i] = -(z[y[i]] - max - Math.log(sum));
            dz[i] = d;
        });
        float[][] dh2 = backRelu(dz, w3, h2), dh1 = backRelu(dh2, w2, h1);
        update(w3, b3, h2, dz, lr);
        update(w2, b2, h1, dh2, lr);
        update(w1, b1, x, dh1, lr);
        double loss = 0;
        for (double l : losses) loss += l;
        return (float) (loss / batch);
    }

    private static float[] affine(float[] in, float[][] w, float[] b) {
        float[] out = b.clone();
        for (int k = 0; k < in.length; k++) {
            float a = in[k];
            float[] row = w[k];
            for (int j = 0; j < out.length; j++) out[j] += a * row[j];
        }
        return out;
    }

    private static float[] relu(float[] v) {
        for (int i = 0; i < v.length; i++) v[i] = Math.max(v[i], 0f);
        return v;
    }

    /** (d @ w^T) * (h > 0), row by row. */
    private static float[][] backRelu(float[][] d, float[][] w, float[][] h) {
        float[][] out = new float[d.length][];
        IntStream.range(0, d.length).parallel().forEach(i -> {
            float[] r = new float[w.length];
            for (int k = 0; k < w.length; k++) {
                if (h[i][k] <= 0) continue;
                float s = 0;
                float[] wk = w[k];
                for (int j = 0; j < wk.length; j++) s += d[i][j] * wk[j];
                r[k] = s;
            }
            out[i] = r;
        });
        return out;
    }

    /** w -= lr * in^T @ d; b -= lr * sum(d), with the rows of w split across cores. */
    private static void update(float[][] w, float[] b, float[][] in, float[][] d, float lr) {
        IntStream.range(0, w.length).parallel().forEach(k -> {
            float[] g = new float[b.length];
            for (int i = 0; i < in.length; i++) {
                float a = in[i][k];
                if (a == 0) continue;
                float[] di = d[i];
                for (int j = 0; j < g.length; j++) g[j] += a * di[j];
            }
            float[] wk = w[k];
            for (int j = 0; j < g.length; j++) wk[j] -= lr * g[j];
        });
        for (int j = 0; j < b.length; j++) {
            float s = 0;
            for (float[] di : d) s += di[j];
            b[j] -= lr * s;
        }
    }
}
