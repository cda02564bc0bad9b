package dev.modelc.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Every register block of {@link FloatBlocks} and {@link DoubleBlocks}, called directly, whatever
 * block size this machine's {@link VectorGemm} uses (the 12-row kernels run on AVX2 machines
 * here, the 4-row ones on AVX-512 machines, where {@link VectorGemmPathProperties} reaches them
 * only for the rows a block leaves): each result element is its chain over k in order, in f32
 * {@code fma(s, v, acc)}, in f64 {@code acc + s * v}, from +0.0 or from the partial sum already
 * stored ({@code acc}), with signed zeros among the values so a chain started from -0.0 rather
 * than +0.0 would show; the NR lanes of each block row are written and nothing else.
 */
class RegisterBlocksProperties {
    /** A kernel's layout: its rows along k ({@code s[at + r * srs + q]}) or across rows ({@code s[at + q * scs + r]}). */
    private enum Layout { ALONG_K, ACROSS_ROWS }

    @Property(tries = 200)
    void f32BlocksChainEachElementInOrder(@ForAll @IntRange(min = 0, max = 4) int kernel,
                                          @ForAll @IntRange(min = 0, max = 40) int k,
                                          @ForAll @IntRange(min = 0, max = 5) int pad,
                                          @ForAll boolean acc, @ForAll long seed) {
        Random r = new Random(seed);
        int rows = kernel < 2 ? 12 : kernel < 4 ? 4 : 1;
        Layout layout = kernel % 2 == 0 || kernel == 4 ? Layout.ALONG_K : Layout.ACROSS_ROWS;
        int nr = FloatBlocks.NR, q0 = k == 0 ? 0 : r.nextInt(k + 1), q1 = q0 + r.nextInt(k - q0 + 1);
        // s holds `rows` rows of k values at a stride of at least k (along k) or at least `rows` (across).
        int stride = layout == Layout.ALONG_K ? k + pad : rows + pad, at = pad;
        float[] s = new float[at + (layout == Layout.ALONG_K ? rows * stride : k * stride + rows) + pad];
        float[] v = new float[pad + k * nr + pad];
        int ors = nr + pad, to = pad;
        float[] out = new float[to + rows * ors + pad];
        for (int i = 0; i < s.length; i++) s[i] = value(r);
        for (int i = 0; i < v.length; i++) v[i] = value(r);
        for (int i = 0; i < out.length; i++) out[i] = value(r);
        float[] before = out.clone();
        switch (kernel) {
            case 0 -> FloatBlocks.alongK(s, at, stride, q0, q1, v, pad, out, to, ors, acc);
            case 1 -> FloatBlocks.acrossRows(s, at, stride, q0, q1, v, pad, out, to, ors, acc);
            case 2 -> FloatBlocks.fourAlongK(s, at, stride, q0, q1, v, pad, out, to, ors, acc);
            case 3 -> FloatBlocks.fourAcrossRows(s, at, stride, q0, q1, v, pad, out, to, ors, acc);
            default -> FloatBlocks.line(s, at, 1, q0, q1, v, pad, out, to, acc);
        }
        String where = "kernel " + kernel + " k=[" + q0 + ", " + q1 + ") acc=" + acc;
        for (int i = 0; i < out.length; i++) {
            int row = (i - to) / ors, lane = (i - to) % ors;
            boolean inBlock = i >= to && row < rows && lane < nr;
            float want = before[i];
            if (inBlock) {
                want = acc ? before[i] : 0f;
                for (int q = q0; q < q1; q++) {
                    int si = layout == Layout.ALONG_K ? at + row * stride + q : at + q * stride + row;
                    want = Math.fma(s[si], v[pad + q * nr + lane], want);
                }
            }
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(out[i]), where + " at " + i);
        }
    }

    @Property(tries = 200)
    void f64BlocksAddEachRoundedProductInOrder(@ForAll @IntRange(min = 0, max = 4) int kernel,
                                               @ForAll @IntRange(min = 0, max = 40) int k,
                                               @ForAll @IntRange(min = 0, max = 5) int pad,
                                               @ForAll boolean acc, @ForAll long seed) {
        Random r = new Random(seed);
        int rows = kernel < 2 ? 12 : kernel < 4 ? 4 : 1;
        Layout layout = kernel % 2 == 0 || kernel == 4 ? Layout.ALONG_K : Layout.ACROSS_ROWS;
        int nr = DoubleBlocks.NR, q0 = k == 0 ? 0 : r.nextInt(k + 1), q1 = q0 + r.nextInt(k - q0 + 1);
        int stride = layout == Layout.ALONG_K ? k + pad : rows + pad, at = pad;
        double[] s = new double[at + (layout == Layout.ALONG_K ? rows * stride : k * stride + rows) + pad];
        double[] v = new double[pad + k * nr + pad];
        int ors = nr + pad, to = pad;
        double[] out = new double[to + rows * ors + pad];
        for (int i = 0; i < s.length; i++) s[i] = value(r);
        for (int i = 0; i < v.length; i++) v[i] = value(r);
        for (int i = 0; i < out.length; i++) out[i] = value(r);
        double[] before = out.clone();
        switch (kernel) {
            case 0 -> DoubleBlocks.alongK(s, at, stride, q0, q1, v, pad, out, to, ors, acc);
            case 1 -> DoubleBlocks.acrossRows(s, at, stride, q0, q1, v, pad, out, to, ors, acc);
            case 2 -> DoubleBlocks.fourAlongK(s, at, stride, q0, q1, v, pad, out, to, ors, acc);
            case 3 -> DoubleBlocks.fourAcrossRows(s, at, stride, q0, q1, v, pad, out, to, ors, acc);
            default -> DoubleBlocks.line(s, at, 1, q0, q1, v, pad, out, to, acc);
        }
        String where = "kernel " + kernel + " k=[" + q0 + ", " + q1 + ") acc=" + acc;
        for (int i = 0; i < out.length; i++) {
            int row = (i - to) / ors, lane = (i - to) % ors;
            boolean inBlock = i >= to && row < rows && lane < nr;
            double want = before[i];
            if (inBlock) {
                want = acc ? before[i] : 0d;
                for (int q = q0; q < q1; q++) {
                    int si = layout == Layout.ALONG_K ? at + row * stride + q : at + q * stride + row;
                    want = want + s[si] * v[pad + q * nr + lane];
                }
            }
            assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(out[i]), where + " at " + i);
        }
    }

    /** Mostly Gaussian values, with signed zeros often enough to meet them in a chain's first term. */
    private static float value(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> 0f;
            case 1 -> -0f;
            default -> (float) r.nextGaussian();
        };
    }
}
