package dev.modelc.runtime.exec;

/**
 * The f32 convolutions as matrix products ({@link Library#matmul}, the runtime's one GEMM): the
 * input's windows unrolled into columns ({@code cols [G, K, N * P]}, K = C / groups * KH * KW
 * taps, P = OH * OW output positions), then per group
 * <ul>
 *   <li>forward: {@code y[G, Og, N * P] = w[G, Og, K] @ cols}, scattered to {@code [N, O, P]};</li>
 *   <li>input gradient: {@code dcols = w^T @ dy[G, Og, N * P]}, whose columns are added back into
 *       the input's positions (col2im);</li>
 *   <li>weight gradient: {@code dw[G, Og, K] = dy[G, Og, N * P] @ cols^T}, straight into w's layout.</li>
 * </ul>
 * The path on vector lanes ({@link VectorGemm} is register-blocked, and fastest on the whole
 * batch's columns); without lanes {@link ImageIm2Col} runs an image at a time, with the same bits.
 * Each result element is a sum in f32 in another order than the reference loops' f64 sums
 * ({@link Convolution#reference}), so f32 results agree with the interpreter within f32 rounding
 * of the sums (1e-4 of the largest value, as matmuls do), not bit for bit.
 */
final class Im2Col {
    /** Scratch buffers of each thread, grown as needed, so a training step allocates nothing after the first. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

    private Im2Col() {
    }

    static void run(Convolution conv, float[] a, float[] b, float[] out, Convolution.Sizes z) {
        int g = z.groups(), k = z.cg() * z.kh() * z.kw(), p = z.oh() * z.ow(), np = z.n() * p, og = z.og();
        switch (conv.kind()) {
            case FORWARD -> {
                float[] cols = scratch(0, (long) g * k * np), y = scratch(1, (long) z.o() * np);
                unfold(a, cols, z);
                Library.matmul(b, cols, y, g, og, k, np, false, false);
                // y[o, n * P + q] -> out[n, o, q]
                Parallel.forRange(z.n(), (long) z.o() * p, (s, e) -> {
                    for (int n = s; n < e; n++) {
                        for (int o = 0; o < z.o(); o++) System.arraycopy(y, o * np + n * p, out, (n * z.o() + o) * p, p);
                    }
                });
            }
            case INPUT_GRAD -> {
                float[] dy = scratch(0, (long) z.o() * np), dcols = scratch(1, (long) g * k * np);
                regroup(a, dy, z);
                Library.matmul(b, dy, dcols, g, k, og, np, true, false);
                fold(dcols, out, z);
            }
            case WEIGHT_GRAD -> {
                float[] cols = scratch(0, (long) g * k * np), dy = scratch(1, (long) z.o() * np);
                unfold(a, cols, z);
                regroup(b, dy, z);
                Library.matmul(dy, cols, out, g, og, np, k, false, true);
            }
        }
    }

    private static float[] scratch(int which, long size) {
        if (size > Integer.MAX_VALUE - 8) throw new ExecutionError("a convolution's unrolled input needs " + size + " elements, more than an array holds");
        float[][] s = SCRATCH.get();
        if (s[which].length < size) s[which] = new float[(int) size];
        return s[which];
    }

    /** {@code cols[c * KH * KW + kh * KW + kw, n * P + i * OW + j] = x[n, c, i * SH + kh * DH - PH, j * SW + kw * DW - PW]}, 0 outside. */
    private static void unfold(float[] x, float[] cols, Convolution.Sizes z) {
        int p = z.oh() * z.ow(), np = z.n() * p, taps = z.kh() * z.kw();
        Parallel.forRange(z.c() * taps, (long) np, (s, e) -> {
            for (int row = s; row < e; row++) {
                int c = row / taps, kh = (row % taps) / z.kw(), kw = row % z.kw();
                int base = row * np;
                for (int n = 0; n < z.n(); n++) {
                    int xo = (n * z.c() + c) * z.h() * z.w();
                    for (int i = 0; i < z.oh(); i++) {
                        int ih = i * z.sh() + kh * z.dh() - z.ph();
                        int at = base + n * p + i * z.ow();
                        if (ih < 0 || ih >= z.h()) {
                            java.util.Arrays.fill(cols, at, at + z.ow(), 0f);
                            continue;
                        }
                        int xr = xo + ih * z.w();
                        if (z.sw() == 1) {
                            // A run of the input row, zeros where it reaches into the padding (profiled: the
                            // per-element test was a third of a LeNet layer's time).
                            int off = kw * z.dw() - z.pw(), j0 = Math.min(z.ow(), Math.max(0, -off)),
                                    j1 = Math.max(j0, Math.min(z.ow(), z.w() - off));
                            // The padding at either end is a value or two: a loop, not a call of Arrays.fill
                            // (which the profile of the CNN sample's step showed at 4 %).
                            for (int j = 0; j < j0; j++) cols[at + j] = 0f;
                            if (j1 > j0) System.arraycopy(x, xr + j0 + off, cols, at + j0, j1 - j0);
                            for (int j = j1; j < z.ow(); j++) cols[at + j] = 0f;
                            continue;
                        }
                        for (int j = 0; j < z.ow(); j++) {
                            int iw = j * z.sw() + kw * z.dw() - z.pw();
                            cols[at + j] = iw >= 0 && iw < z.w() ? x[xr + iw] : 0f;
                        }
                    }
                }
            }
        });
    }

    /** The adjoint of {@link #unfold}: each column entry added into the input position it was read from. */
    private static void fold(float[] cols, float[] dx, Convolution.Sizes z) {
        int p = z.oh() * z.ow(), np = z.n() * p, taps = z.kh() * z.kw();
        // By channel, so no two tasks write the same element; within a channel the taps add in order.
        Parallel.forRange(z.c(), (long) taps * np, (s, e) -> {
            for (int c = s; c < e; c++) {
                for (int n = 0; n < z.n(); n++) java.util.Arrays.fill(dx, (n * z.c() + c) * z.h() * z.w(), (n * z.c() + c + 1) * z.h() * z.w(), 0f);
                for (int t = 0; t < taps; t++) {
                    int kh = t / z.kw(), kw = t % z.kw(), base = (c * taps + t) * np;
                    for (int n = 0; n < z.n(); n++) {
                        int xo = (n * z.c() + c) * z.h() * z.w();
                        for (int i = 0; i < z.oh(); i++) {
                            int ih = i * z.sh() + kh * z.dh() - z.ph();
                            if (ih < 0 || ih >= z.h()) continue;
                            int xr = xo + ih * z.w(), at = base + n * p + i * z.ow();
                            if (z.sw() == 1) {
                                // The columns that land inside the row, found once (as unfold does), the
                                // same adds in the same order without a test per element.
                                int off = kw * z.dw() - z.pw(), j0 = Math.min(z.ow(), Math.max(0, -off)),
                                        j1 = Math.max(j0, Math.min(z.ow(), z.w() - off));
                                for (int j = j0; j < j1; j++) dx[xr + j + off] += cols[at + j];
                                continue;
                            }
                            for (int j = 0; j < z.ow(); j++) {
                                int iw = j * z.sw() + kw * z.dw() - z.pw();
                                if (iw >= 0 && iw < z.w()) dx[xr + iw] += cols[at + j];
                            }
                        }
                    }
                }
            }
        });
    }

    /** {@code dy[N, O, P]} as {@code [O, N * P]} (= {@code [G, Og, N * P]}). */
    private static void regroup(float[] dy, float[] out, Convolution.Sizes z) {
        int p = z.oh() * z.ow(), np = z.n() * p;
        Parallel.forRange(z.o(), (long) np, (s, e) -> {
            for (int o = s; o < e; o++) {
                for (int n = 0; n < z.n(); n++) System.arraycopy(dy, (n * z.o() + o) * p, out, o * np + n * p, p);
            }
        });
    }
}
