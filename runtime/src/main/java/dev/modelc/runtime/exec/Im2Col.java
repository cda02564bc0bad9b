package dev.modelc.runtime.exec;

/**
 * The f32 convolutions as matrix products ({@link Library#matmul}, the runtime's one GEMM) on the
 * input's windows unrolled, K = C / groups * KH * KW taps by P = OH * OW output positions per
 * image:
 * <ul>
 *   <li>forward at a stride of 1 with a register block of output channels per group (eight, four
 *       where vectors are 256 bits or narrower): {@link DirectForward}, each output row's chains
 *       over the taps in registers, read from the padded image, no rows unrolled and nothing
 *       transposed (at the CNN sample's second layer 1.30-1.34 ms of one core against 1.65-1.73
 *       by rows on AVX-512, 1.89-1.90 against 2.77-2.95 on AVX2);</li>
 *   <li>other forwards, when the taps fill a {@link VectorGemm} panel (K at least its NR lanes): a chunk of
 *       images at a time unrolled into rows ({@link Im2Row}, {@code rows[G, n * P, K]}), then
 *       {@code y^T[G, n * P, Og] = rows @ w^T}, whose [P, Og] blocks are transposed into
 *       {@code [N, O, P]}. The product reads the rows in place (its broadcast operand, unit stride)
 *       and packs only w; a chunk's rows ({@link #CHUNK} elements at most) stay in the core's cache
 *       from the copy to the product, and chunks run on all cores;</li>
 *   <li>forward with fewer taps (a first layer's 3x3 on one channel: K = 9 would fill 9 of 32 lanes
 *       of w's panel), the whole batch's columns ({@code cols [G, K, N * P]}) and
 *       {@code y[G, Og, N * P] = w[G, Og, K] @ cols}, scattered to {@code [N, O, P]};</li>
 *   <li>input gradient at a stride of 1 with at least eight input channels per group and finite
 *       weights (on either width: {@link DirectInputGrad#MIN_CHANNELS}): {@link DirectInputGrad},
 *       each input pixel's sum over its taps computed in registers, no columns in memory and no
 *       col2im;</li>
 *   <li>other input gradients, a chunk of images at a time as well: {@code dcols = w^T @ dy[G, Og, n * P]},
 *       whose columns are added back into the input's positions (col2im, each run of OW values on
 *       vector lanes by {@link Runs}) while they are still in cache;</li>
 *   <li>weight gradient where the input channels per group fill whole vectors: {@link ChannelsWeightGrad},
 *       lanes along the channels of each image copied once, channels last (at the CNN sample's
 *       second layer 1.04-1.25 ms of one core against 1.81-1.84 by rows on AVX-512, 2.07-2.12
 *       against 2.29-2.51 on AVX2);</li>
 *   <li>other weight gradients: {@link RowsWeightGrad}, an image's rows at a time (its own kernel on lanes
 *       along the taps, each weight's sum running over the batch in order; it was
 *       {@code dw = dy @ cols^T} over the whole batch's columns, which the unroll into 7 MB of
 *       columns and the regrouping of dy made slower).</li>
 * </ul>
 * Measured at the CNN sample's second layer (16 -> 32 channels, 3x3, 14x14, batch 64), the
 * forward by rows took 3.0 ms of one core's time against 4.6 by columns, whose product packed the
 * 1.8 million unrolled values once more, and the input gradient by chunks 2.9 against 5.4 for the
 * whole batch (docs/benchmarks.md). This is the path on vector lanes
 * ({@link VectorGemm} is register-blocked); without lanes {@link ImageIm2Col} runs an image at a
 * time, with the same bits: every element is the same chain of fused multiply-adds whichever
 * layout, chunk or path computes it (the products never split k: {@link Library#chainedMatmul}).
 * Each result element is a sum in f32 in another order than the reference loops' f64 sums
 * ({@link Convolution#reference}), so f32 results agree with the interpreter within f32 rounding
 * of the sums (1e-4 of the largest value, as matmuls do), not bit for bit.
 */
final class Im2Col {
    /**
     * Scratch buffers of each thread, grown as needed, so a training step allocates nothing after
     * the first: 0 and 1 the unrolled input and the product, 2 {@link Im2Row}'s padded image.
     */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(Im2Col::buffers);

    /**
     * A chunk's unrolled rows stay below this many elements (512 KB, a quarter of this machine's
     * second-level cache): 2^15 to 2^18 measured the same, the whole batch at once about a fifth
     * slower (the forward at the CNN sample's second layer).
     */
    static final int CHUNK = 1 << 17;

    private Im2Col() {
    }

    /** Whether the forward unrolls into rows: when the taps fill at least one panel of w's lanes. */
    static boolean forwardByRows(Convolution.Sizes z) {
        return z.cg() * z.kh() * z.kw() >= VectorGemm.NR_F;
    }

    static void run(Convolution conv, float[] a, float[] b, float[] out, Convolution.Sizes z) {
        switch (conv.kind()) {
            case FORWARD -> {
                if (DirectForward.applies(z)) DirectForward.run(a, b, out, z);
                else run(conv, a, b, out, z, forwardByRows(z), CHUNK);
            }
            case INPUT_GRAD -> {
                if (DirectInputGrad.applies(z, b)) DirectInputGrad.run(a, b, out, z);
                else run(conv, a, b, out, z, forwardByRows(z), CHUNK);
            }
            case WEIGHT_GRAD -> {
                if (ChannelsWeightGrad.applies(z)) ChannelsWeightGrad.run(a, b, out, z);
                else RowsWeightGrad.run(a, b, out, z);
            }
        }
    }

    /**
     * {@link #run} by im2col, with the forward's layout and chunk size given (tests run both layouts
     * and small chunks), never {@link DirectForward} or {@link DirectInputGrad}.
     */
    static void run(Convolution conv, float[] a, float[] b, float[] out, Convolution.Sizes z, boolean rows, int chunk) {
        switch (conv.kind()) {
            case FORWARD -> {
                if (rows) forwardRows(a, b, out, z, chunk);
                else forwardColumns(a, b, out, z);
            }
            case INPUT_GRAD -> inputGrad(a, b, out, z, chunk);
            case WEIGHT_GRAD -> RowsWeightGrad.run(a, b, out, z);
        }
    }

    /** The forward by the whole batch's columns. */
    private static void forwardColumns(float[] x, float[] w, float[] out, Convolution.Sizes z) {
        int g = z.groups(), k = z.cg() * z.kh() * z.kw(), p = z.oh() * z.ow(), np = z.n() * p;
        float[][] held = take();
        float[] cols = grow(held, 0, (long) g * k * np), y = grow(held, 1, (long) z.o() * np);
        unfold(x, cols, z);
        Library.chainedMatmul(w, cols, y, g, z.og(), k, np, false, false);
        // y[o, n * P + q] -> out[n, o, q]
        Parallel.forRange(z.n(), (long) z.o() * p, (s, e) -> {
            for (int n = s; n < e; n++) {
                for (int o = 0; o < z.o(); o++) System.arraycopy(y, o * np + n * p, out, (n * z.o() + o) * p, p);
            }
        });
        SCRATCH.set(held);
    }

    /** The forward by rows, chunks of images whose rows stay below {@code chunk} elements on all cores. */
    private static void forwardRows(float[] x, float[] w, float[] out, Convolution.Sizes z, int chunk) {
        int g = z.groups(), k = z.cg() * z.kh() * z.kw(), p = z.oh() * z.ow(), og = z.og();
        byImages(z, (long) g * k * p, chunk, (n0, n1, held) -> {
            int len = (n1 - n0) * p;
            float[] rows = grow(held, 0, (long) g * len * k + Im2Row.SLACK), yT = grow(held, 1, (long) z.o() * len);
            Im2Row.unfold(x, rows, grow(held, 2, Im2Row.paddedSize(z)), z, n0, n1);
            Library.chainedMatmul(rows, w, yT, g, len, k, og, false, true);
            // yT[g, (n - n0) * P + q, o] -> out[n, g * Og + o, q], an image's [P, Og] block at a time (in cache).
            for (int n = n0; n < n1; n++) {
                for (int gr = 0; gr < g; gr++) {
                    for (int o = 0; o < og; o++) {
                        int from = (gr * len + (n - n0) * p) * og + o, to = (n * z.o() + gr * og + o) * p;
                        for (int q = 0; q < p; q++) out[to + q] = yT[from + q * og];
                    }
                }
            }
        });
    }

    /**
     * The input gradient, a chunk of images at a time (their columns stay in the core's cache from
     * the product to col2im): {@code dcols = w^T @ dy}, then each column added into the input.
     */
    private static void inputGrad(float[] dy, float[] w, float[] dx, Convolution.Sizes z, int chunk) {
        int g = z.groups(), k = z.cg() * z.kh() * z.kw(), p = z.oh() * z.ow(), og = z.og();
        byImages(z, (long) g * k * p, chunk, (n0, n1, held) -> {
            int len = (n1 - n0) * p;
            float[] grouped = grow(held, 0, (long) z.o() * len), dcols = grow(held, 1, (long) g * k * len);
            // dy[n, o, q] -> grouped[o, (n - n0) * P + q] (= [G, Og, len])
            for (int o = 0; o < z.o(); o++) {
                for (int n = n0; n < n1; n++) System.arraycopy(dy, (n * z.o() + o) * p, grouped, o * len + (n - n0) * p, p);
            }
            Library.chainedMatmul(w, grouped, dcols, g, k, og, len, true, false);
            fold(dcols, dx, z, n0, n1);
        });
    }

    /** A body run over images {@code [n0, n1)} with a thread's scratch buffers. */
    @FunctionalInterface
    private interface Images {
        void run(int n0, int n1, float[][] held);
    }

    /** Runs {@code body} over chunks of images of at most {@code chunk} elements ({@code perImage} an image), chunks on all cores. */
    private static void byImages(Convolution.Sizes z, long perImage, int chunk, Images body) {
        int images = (int) Math.max(1, Math.min(z.n(), chunk / Math.max(1, perImage)));
        int chunks = (z.n() + images - 1) / images;
        Parallel.forRange(chunks, images * perImage * z.og(), (s, e) -> {
            float[][] held = take();
            for (int ch = s; ch < e; ch++) body.run(ch * images, Math.min(z.n(), (ch + 1) * images), held);
            SCRATCH.set(held);
        });
    }

    /**
     * This thread's scratch, taken while in use: a thread waiting for a split's other half may run
     * another task meanwhile (a fork-join worker helping), and one of this class allocates its own.
     */
    private static float[][] take() {
        float[][] held = SCRATCH.get();
        SCRATCH.set(null);
        return held != null ? held : buffers();
    }

    private static float[] grow(float[][] held, int which, long size) {
        if (size > Integer.MAX_VALUE - 8) throw new ExecutionError("a convolution's unrolled input needs " + size + " elements, more than an array holds");
        if (held[which].length < size) held[which] = new float[(int) size];
        return held[which];
    }

    private static float[][] buffers() {
        return new float[][] {new float[0], new float[0], new float[0]};
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

    /**
     * The adjoint of {@link #unfold} for images {@code [n0, n1)} ({@code cols [C * KH * KW, (n1 - n0) * P]}):
     * each column entry added into the input position it was read from, into zeros, a position's
     * taps in order.
     */
    private static void fold(float[] cols, float[] dx, Convolution.Sizes z, int n0, int n1) {
        int p = z.oh() * z.ow(), len = (n1 - n0) * p, taps = z.kh() * z.kw(), plane = z.h() * z.w();
        for (int n = n0; n < n1; n++) {
            for (int c = 0; c < z.c(); c++) {
                int xo = (n * z.c() + c) * plane;
                java.util.Arrays.fill(dx, xo, xo + plane, 0f);
                for (int t = 0; t < taps; t++) {
                    int kh = t / z.kw(), kw = t % z.kw(), base = (c * taps + t) * len + (n - n0) * p;
                    // The columns that land inside the row, found once (as unfold does): the same adds
                    // in the same order without a test per element.
                    int off = kw * z.dw() - z.pw(), j0 = Math.min(z.ow(), Math.max(0, -off)), j1 = Math.max(j0, Math.min(z.ow(), z.w() - off));
                    for (int i = 0; i < z.oh(); i++) {
                        int ih = i * z.sh() + kh * z.dh() - z.ph();
                        if (ih < 0 || ih >= z.h()) continue;
                        int xr = xo + ih * z.w(), at = base + i * z.ow();
                        if (z.sw() == 1) {
                            Runs.add(cols, at + j0, dx, xr + j0 + off, j1 - j0);
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
    }
}
