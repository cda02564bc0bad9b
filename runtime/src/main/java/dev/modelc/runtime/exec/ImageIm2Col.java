package dev.modelc.runtime.exec;

import java.util.Arrays;

/**
 * The f32 convolutions as matrix products on scalar loops (C2 vectorizes their inner loops), one
 * image at a time: the path of JVMs without the vector module ({@link Im2Col} is the path on
 * lanes). The image's windows are unrolled into rows ({@code K = C / groups * KH * KW} taps by
 * {@code P = OH * OW} output positions), then per group
 * <ul>
 *   <li>forward: {@code y[n][Og, P] = w[Og, K] @ cols[K, P]}, rows written straight into {@code [N, O, P]};</li>
 *   <li>input gradient: {@code dcols[K, P] = w^T @ dy[n][Og, P]}, each row added back into the input's
 *       positions (col2im) as it is computed;</li>
 *   <li>weight gradient: {@code dw^T[K, Og] = sum over n of cols[K, P] @ dy[n][Og, P]^T}, then
 *       transposed into w's layout.</li>
 * </ul>
 * Forward and input gradient run images on all cores; the weight gradient runs taps on all
 * cores, each task unrolling its taps' rows of every image, so that each weight's sum still runs
 * over the batch in order. An image's rows stay in the core's caches, where the whole batch's
 * columns were 7 MB at the CNN sample's second layer, copied once more to be packed (at the CNN
 * sample's sizes, batch 64, its two layers' five convolutions took 31 ms of CPU here against 50
 * through {@link Im2Col} on scalar loops; measured on a loaded machine).
 *
 * <p>The sums are those of {@link Library#matmul}'s packed rows, and so {@link Im2Col}'s bits:
 * every element sums its terms in order from zero, one fused multiply-add per term (taps in the
 * order input channel, kernel row, kernel column; for the weight gradient batch, output row,
 * output column, as the reference loops), and col2im adds the taps of an input position in tap
 * order. f32 results agree with the interpreter's f64 loops ({@link Convolution#reference}) within
 * f32 rounding of the sums (1e-4 of the largest value, as matmuls do), not bit for bit; they do
 * not depend on the number of cores.
 */
final class ImageIm2Col {
    /** Rows of four results computed together: each unrolled row is read once for all four. */
    private static final int BLOCK = 4;

    /** Scratch of each thread, grown as needed, so a training step allocates nothing after its first. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private ImageIm2Col() {
    }

    static void run(Convolution conv, float[] a, float[] b, float[] out, Convolution.Sizes z) {
        switch (conv.kind()) {
            case FORWARD -> forward(a, b, out, z);
            case INPUT_GRAD -> inputGrad(a, b, out, z);
            case WEIGHT_GRAD -> weightGrad(a, b, out, z);
        }
    }

    private static int taps(Convolution.Sizes z) {
        return z.cg() * z.kh() * z.kw();
    }

    private static void forward(float[] x, float[] w, float[] y, Convolution.Sizes z) {
        int k = taps(z), p = z.oh() * z.ow(), og = z.og();
        Parallel.forRange(z.n(), (long) z.o() * k * p, (s, e) -> {
            Scratch t = SCRATCH.get();
            float[][] cols = t.rows(0, k, p), r = t.rows(1, BLOCK, p);
            for (int n = s; n < e; n++) {
                for (int g = 0; g < z.groups(); g++) {
                    unfold(x, n, g, cols, z);
                    for (int o = g * og; o < (g + 1) * og; o += BLOCK) {
                        int rows = Math.min(BLOCK, (g + 1) * og - o);
                        products(w, o * k, k, 1, k, cols, 0, p, r, rows);
                        for (int i = 0; i < rows; i++) System.arraycopy(r[i], 0, y, (n * z.o() + o + i) * p, p);
                    }
                }
            }
        });
    }

    private static void inputGrad(float[] dy, float[] w, float[] dx, Convolution.Sizes z) {
        int k = taps(z), p = z.oh() * z.ow(), og = z.og(), image = z.c() * z.h() * z.w();
        Parallel.forRange(z.n(), (long) z.o() * k * p, (s, e) -> {
            Scratch t = SCRATCH.get();
            float[][] g = t.rows(0, z.o(), p), r = t.rows(1, BLOCK, p);
            for (int n = s; n < e; n++) {
                for (int o = 0; o < z.o(); o++) System.arraycopy(dy, (n * z.o() + o) * p, g[o], 0, p);
                Arrays.fill(dx, n * image, (n + 1) * image, 0f);
                for (int gr = 0; gr < z.groups(); gr++) {
                    // dcols[tap, q] = sum over the group's output channels o of w[o, tap] * dy[n, o, q]
                    for (int tap = 0; tap < k; tap += BLOCK) {
                        int rows = Math.min(BLOCK, k - tap);
                        products(w, gr * og * k + tap, 1, k, og, g, gr * og, p, r, rows);
                        for (int i = 0; i < rows; i++) fold(r[i], dx, n, gr, tap + i, z);
                    }
                }
            }
        });
    }

    /**
     * By taps on all cores: each task unrolls its own taps' rows of each image (no two tasks
     * unroll the same row) and reads the image's gradient transposed, {@code dyT[q][o]}, so that
     * {@code dwT[tap][o]} is four rows of taps at a time times rows of output channels, summed
     * over the images in order; then {@code dw[o, tap] = dwT[tap][o]}.
     */
    private static void weightGrad(float[] x, float[] dy, float[] dw, Convolution.Sizes z) {
        int k = taps(z), p = z.oh() * z.ow(), og = z.og();
        Parallel.forRange(k, (long) z.n() * z.o() * p, (s, e) -> {
            Scratch t = SCRATCH.get();
            float[][] cols = t.rows(0, k, p), dyT = t.rows(2, p, og), acc = t.rows(1, z.groups() * (e - s), og);
            for (int i = 0; i < z.groups() * (e - s); i++) Arrays.fill(acc[i], 0, og, 0f);
            for (int n = 0; n < z.n(); n++) {
                for (int g = 0; g < z.groups(); g++) {
                    unfold(x, n, g, s, e, cols, z);
                    for (int o = 0; o < og; o++) {
                        int from = (n * z.o() + g * og + o) * p;
                        for (int q = 0; q < p; q++) dyT[q][o] = dy[from + q];
                    }
                    int base = g * (e - s);
                    int tap = s;
                    for (; tap + BLOCK <= e; tap += BLOCK) {
                        fourColumns(cols[tap], cols[tap + 1], cols[tap + 2], cols[tap + 3], p, dyT, og,
                                acc[base + tap - s], acc[base + tap - s + 1], acc[base + tap - s + 2], acc[base + tap - s + 3]);
                    }
                    for (; tap < e; tap++) oneColumn(cols[tap], p, dyT, og, acc[base + tap - s]);
                }
            }
            for (int g = 0; g < z.groups(); g++) {
                for (int tap = s; tap < e; tap++) {
                    float[] row = acc[g * (e - s) + tap - s];
                    for (int o = 0; o < og; o++) dw[(g * og + o) * k + tap] = row[o];
                }
            }
        });
    }

    /**
     * {@code r_i[0..m) += sum over q < terms of c_i[q] * packed[q][0..m)}, the terms in order: the
     * weight gradient's four taps at once, each row of {@code packed} read once for all four.
     */
    private static void fourColumns(float[] c0, float[] c1, float[] c2, float[] c3, int terms, float[][] packed, int m,
                                    float[] r0, float[] r1, float[] r2, float[] r3) {
        for (int q = 0; q < terms; q++) {
            float a0 = c0[q], a1 = c1[q], a2 = c2[q], a3 = c3[q];
            float[] row = packed[q];
            for (int j = 0; j < m; j++) {
                float v = row[j];
                r0[j] = Math.fma(a0, v, r0[j]);
                r1[j] = Math.fma(a1, v, r1[j]);
                r2[j] = Math.fma(a2, v, r2[j]);
                r3[j] = Math.fma(a3, v, r3[j]);
            }
        }
    }

    private static void oneColumn(float[] c, int terms, float[][] packed, int m, float[] r) {
        for (int q = 0; q < terms; q++) {
            float a = c[q];
            float[] row = packed[q];
            for (int j = 0; j < m; j++) r[j] = Math.fma(a, row[j], r[j]);
        }
    }

    /**
     * {@code r[i][0..m) = sum over t < terms of a[offset + i * rowStep + t * stride] * packed[base + t][0..m)}
     * for the first {@code rows} (up to four) rows of {@code r}: each a sum in order from zero,
     * one fused multiply-add per term.
     */
    private static void products(float[] a, int offset, int rowStep, int stride, int terms, float[][] packed, int base, int m,
                                 float[][] r, int rows) {
        for (int i = 0; i < rows; i++) Arrays.fill(r[i], 0, m, 0f);
        accumulate(a, offset, rowStep, stride, terms, packed, base, m, r, rows);
    }

    /** {@link #products} added onto what {@code r}'s rows hold, the terms in order. */
    private static void accumulate(float[] a, int offset, int rowStep, int stride, int terms, float[][] packed, int base, int m,
                                   float[][] r, int rows) {
        if (rows == BLOCK) {
            fourRows(a, offset, rowStep, stride, terms, packed, base, m, r[0], r[1], r[2], r[3]);
        } else {
            for (int i = 0; i < rows; i++) oneRow(a, offset + i * rowStep, stride, terms, packed, base, m, r[i]);
        }
    }

    /**
     * Four result rows at once, each row of {@code packed} read once for all four. A method of its
     * own, called once per block, so C2 compiles it normally and vectorizes the inner loop (see
     * {@code Library.packedRows}); the inner loop indexes every array alike, which C2 vectorizes
     * without proving them distinct.
     */
    private static void fourRows(float[] a, int offset, int rowStep, int stride, int terms, float[][] packed, int base, int m,
                                 float[] r0, float[] r1, float[] r2, float[] r3) {
        for (int t = 0; t < terms; t++) {
            int at = offset + t * stride;
            float a0 = a[at], a1 = a[at + rowStep], a2 = a[at + 2 * rowStep], a3 = a[at + 3 * rowStep];
            float[] row = packed[base + t];
            for (int j = 0; j < m; j++) {
                float v = row[j];
                r0[j] = Math.fma(a0, v, r0[j]);
                r1[j] = Math.fma(a1, v, r1[j]);
                r2[j] = Math.fma(a2, v, r2[j]);
                r3[j] = Math.fma(a3, v, r3[j]);
            }
        }
    }

    private static void oneRow(float[] a, int offset, int stride, int terms, float[][] packed, int base, int m, float[] r) {
        for (int t = 0; t < terms; t++) {
            float av = a[offset + t * stride];
            float[] row = packed[base + t];
            for (int j = 0; j < m; j++) r[j] = Math.fma(av, row[j], r[j]);
        }
    }

    /**
     * Image {@code n}'s windows for group {@code g}: {@code cols[c * KH * KW + kh * KW + kw][i * OW + j] =
     * x[n, g * C/groups + c, i * SH + kh * DH - PH, j * SW + kw * DW - PW]}, 0 outside.
     */
    private static void unfold(float[] x, int n, int g, float[][] cols, Convolution.Sizes z) {
        unfold(x, n, g, 0, z.cg() * z.kh() * z.kw(), cols, z);
    }

    /** {@link #unfold}'s rows {@code [first, end)} only. */
    private static void unfold(float[] x, int n, int g, int first, int end, float[][] cols, Convolution.Sizes z) {
        int taps = z.kh() * z.kw();
        for (int row = first; row < end; row++) {
            int c = g * z.cg() + row / taps, kh = (row % taps) / z.kw(), kw = row % z.kw();
            float[] to = cols[row];
            int xo = (n * z.c() + c) * z.h() * z.w();
            for (int i = 0; i < z.oh(); i++) {
                int ih = i * z.sh() + kh * z.dh() - z.ph();
                int at = i * z.ow();
                if (ih < 0 || ih >= z.h()) {
                    Arrays.fill(to, at, at + z.ow(), 0f);
                    continue;
                }
                int xr = xo + ih * z.w();
                if (z.sw() == 1) {
                    // A run of the input row, zeros where it reaches into the padding (profiled: the
                    // per-element test was a third of a LeNet layer's time).
                    int off = kw * z.dw() - z.pw(), j0 = Math.min(z.ow(), Math.max(0, -off)),
                            j1 = Math.max(j0, Math.min(z.ow(), z.w() - off));
                    // The padding at either end is a value or two: a loop, not a call of Arrays.fill.
                    for (int j = 0; j < j0; j++) to[at + j] = 0f;
                    if (j1 > j0) System.arraycopy(x, xr + j0 + off, to, at + j0, j1 - j0);
                    for (int j = j1; j < z.ow(); j++) to[at + j] = 0f;
                    continue;
                }
                for (int j = 0; j < z.ow(); j++) {
                    int iw = j * z.sw() + kw * z.dw() - z.pw();
                    to[at + j] = iw >= 0 && iw < z.w() ? x[xr + iw] : 0f;
                }
            }
        }
    }

    /** The adjoint of {@link #unfold} for one row: {@code dcols} (tap {@code tap} of group {@code g}) added into image {@code n} of dx. */
    private static void fold(float[] dcols, float[] dx, int n, int g, int tap, Convolution.Sizes z) {
        int taps = z.kh() * z.kw();
        int c = g * z.cg() + tap / taps, kh = (tap % taps) / z.kw(), kw = tap % z.kw();
        int xo = (n * z.c() + c) * z.h() * z.w();
        for (int i = 0; i < z.oh(); i++) {
            int ih = i * z.sh() + kh * z.dh() - z.ph();
            if (ih < 0 || ih >= z.h()) continue;
            int xr = xo + ih * z.w(), at = i * z.ow();
            if (z.sw() == 1) {
                // The columns that land inside the row, found once: the same adds, no test per element.
                int off = kw * z.dw() - z.pw(), j0 = Math.min(z.ow(), Math.max(0, -off)), j1 = Math.max(j0, Math.min(z.ow(), z.w() - off));
                for (int j = j0; j < j1; j++) dx[xr + j + off] += dcols[at + j];
                continue;
            }
            for (int j = 0; j < z.ow(); j++) {
                int iw = j * z.sw() + kw * z.dw() - z.pw();
                if (iw >= 0 && iw < z.w()) dx[xr + iw] += dcols[at + j];
            }
        }
    }

    /**
     * A thread's buffers: sets of rows, each grown (never shrunk) to the most rows and the longest
     * row asked: 0 an image's unrolled rows or its gradient's rows, 1 result rows, 2 an image's
     * gradient transposed (apart from 0, so that [O][P] and [P][O] do not grow one set to [P][P]).
     */
    private static final class Scratch {
        private final float[][][] sets = {new float[0][0], new float[0][0], new float[0][0]};

        /**
         * At least {@code count} rows of at least {@code length}. Grown to the larger of the kept
         * and the needed size on each axis, unless that would hold more than twice what is needed
         * now: one layer's many channels and another's long rows would otherwise pin the product of
         * the two (32,768 taps by 40,000 positions: 5 GB), so such a call gets rows of its own size.
         */
        float[][] rows(int which, int count, int length) {
            float[][] s = sets[which];
            if (s.length < count || (count > 0 && s[0].length < length)) {
                long need = (long) count * length;
                if (need > Integer.MAX_VALUE - 8) {
                    throw new ExecutionError("a convolution's unrolled image needs " + need + " elements, more than an array holds");
                }
                int rows = Math.max(count, s.length), columns = Math.max(length, s.length == 0 ? 0 : s[0].length);
                if ((long) rows * columns > 2 * need) {
                    return new float[count][length];
                }
                s = sets[which] = new float[rows][columns];
            }
            return s;
        }
    }
}
