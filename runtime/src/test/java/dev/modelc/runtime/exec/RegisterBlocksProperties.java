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
    /**
     * One call's geometry: kernel 0 {@code alongK}, 1 {@code acrossRows}, 2 {@code fourAlongK}, 3
     * {@code fourAcrossRows}, 4 {@code line} (its one row along k); k in {@code [q0, q1)}; the broadcast rows at
     * {@code at} with {@code stride} (between rows along k, between k steps across rows); the
     * panel at {@code pad}, NR lanes a k step; result row r at {@code pad + r * ors}; {@code pad}
     * elements around everything.
     */
    private record Call(int kernel, int rows, boolean alongK, int k, int q0, int q1, int stride, int pad, int nr) {
        static Call of(int kernel, int k, int pad, int nr, Random r) {
            int rows = kernel < 2 ? 12 : kernel < 4 ? 4 : 1;
            boolean alongK = kernel % 2 == 0;
            int q0 = r.nextInt(k + 1), q1 = q0 + r.nextInt(k - q0 + 1);
            return new Call(kernel, rows, alongK, k, q0, q1, alongK ? k + pad : rows + pad, pad, nr);
        }

        int sLength() {
            return 2 * pad + (alongK ? rows * stride : k * stride + rows);
        }

        int vLength() {
            return 2 * pad + k * nr;
        }

        int ors() {
            return nr + pad;
        }

        int outLength() {
            return 2 * pad + rows * ors();
        }

        /** Element (row, q) of the broadcast operand. */
        int s(int row, int q) {
            return alongK ? pad + row * stride + q : pad + q * stride + row;
        }

        /** The block's row and lane at {@code i} of the result, or null outside the block. */
        int[] inBlock(int i) {
            int row = (i - pad) / ors(), lane = (i - pad) % ors();
            return i >= pad && row < rows && lane < nr ? new int[] {row, lane} : null;
        }

        @Override
        public String toString() {
            return "kernel " + kernel + " k=[" + q0 + ", " + q1 + ")";
        }
    }

    @Property(tries = 200)
    void f32BlocksChainEachElementInOrder(@ForAll @IntRange(min = 0, max = 4) int kernel,
                                          @ForAll @IntRange(min = 0, max = 40) int k,
                                          @ForAll @IntRange(min = 0, max = 5) int pad,
                                          @ForAll boolean acc, @ForAll long seed) {
        Random r = new Random(seed);
        Call c = Call.of(kernel, k, pad, FloatBlocks.NR, r);
        float[] s = values(r, c.sLength()), v = values(r, c.vLength()), out = values(r, c.outLength()), before = out.clone();
        switch (kernel) {
            case 0 -> FloatBlocks.alongK(s, pad, c.stride(), c.q0(), c.q1(), v, pad, out, pad, c.ors(), acc);
            case 1 -> FloatBlocks.acrossRows(s, pad, c.stride(), c.q0(), c.q1(), v, pad, out, pad, c.ors(), acc);
            case 2 -> FloatBlocks.fourAlongK(s, pad, c.stride(), c.q0(), c.q1(), v, pad, out, pad, c.ors(), acc);
            case 3 -> FloatBlocks.fourAcrossRows(s, pad, c.stride(), c.q0(), c.q1(), v, pad, out, pad, c.ors(), acc);
            default -> FloatBlocks.line(s, pad, 1, c.q0(), c.q1(), v, pad, out, pad, acc);
        }
        for (int i = 0; i < out.length; i++) {
            int[] at = c.inBlock(i);
            float want = before[i];
            if (at != null) {
                want = acc ? before[i] : 0f;
                for (int q = c.q0(); q < c.q1(); q++) want = Math.fma(s[c.s(at[0], q)], v[pad + q * c.nr() + at[1]], want);
            }
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(out[i]), c + " acc=" + acc + " at " + i);
        }
    }

    @Property(tries = 200)
    void f64BlocksAddEachRoundedProductInOrder(@ForAll @IntRange(min = 0, max = 4) int kernel,
                                               @ForAll @IntRange(min = 0, max = 40) int k,
                                               @ForAll @IntRange(min = 0, max = 5) int pad,
                                               @ForAll boolean acc, @ForAll long seed) {
        Random r = new Random(seed);
        Call c = Call.of(kernel, k, pad, DoubleBlocks.NR, r);
        double[] s = widen(values(r, c.sLength())), v = widen(values(r, c.vLength())), out = widen(values(r, c.outLength()));
        double[] before = out.clone();
        switch (kernel) {
            case 0 -> DoubleBlocks.alongK(s, pad, c.stride(), c.q0(), c.q1(), v, pad, out, pad, c.ors(), acc);
            case 1 -> DoubleBlocks.acrossRows(s, pad, c.stride(), c.q0(), c.q1(), v, pad, out, pad, c.ors(), acc);
            case 2 -> DoubleBlocks.fourAlongK(s, pad, c.stride(), c.q0(), c.q1(), v, pad, out, pad, c.ors(), acc);
            case 3 -> DoubleBlocks.fourAcrossRows(s, pad, c.stride(), c.q0(), c.q1(), v, pad, out, pad, c.ors(), acc);
            default -> DoubleBlocks.line(s, pad, 1, c.q0(), c.q1(), v, pad, out, pad, acc);
        }
        for (int i = 0; i < out.length; i++) {
            int[] at = c.inBlock(i);
            double want = before[i];
            if (at != null) {
                want = acc ? before[i] : 0d;
                for (int q = c.q0(); q < c.q1(); q++) want = want + s[c.s(at[0], q)] * v[pad + q * c.nr() + at[1]];
            }
            assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(out[i]), c + " acc=" + acc + " at " + i);
        }
    }

    /** Mostly Gaussian values, with signed zeros often enough to meet them in a chain's first term. */
    private static float[] values(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (r.nextInt(8)) {
                case 0 -> 0f;
                case 1 -> -0f;
                default -> (float) r.nextGaussian();
            };
        }
        return x;
    }

    private static double[] widen(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }
}
