package dev.modelc.runtime.exec;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The f32 forward convolution on vector lanes without unrolling the input, for a stride of 1:
 * each output value one chain of fused multiply-adds over its K = C / groups * KH * KW terms in
 * the order input channel, kernel row, kernel column, from zero, padding as zero terms (the
 * chain {@link Im2Col}'s products and {@link ImageIm2Col} compute, so the same bits):
 * <pre>
 *   y[n, o, i, j] = fma(w[o, c_last, kh_last, kw_last], x[n, c_last, ...], ... fma(w[o, 0, 0, 0], x[n, 0, i - PH, j - PW], +0))
 * </pre>
 * {@link Im2Col}'s forward by rows copies the windows into rows ({@link Im2Row}), multiplies them
 * by w and transposes the [P, Og] result into {@code [N, O, P]}; here the lanes run along an
 * output row (OW values are ceil(OW / L) vectors, the lanes past OW computed and dropped), each
 * term one load from the image's channels copied with their zero padding (and zeros past it, so
 * every load lies inside) and one broadcast weight. A block of output channels of two output rows
 * is computed at once ({@link #BLOCK}): eight channels where vectors are 512 bits, as
 * {@link DirectInputGrad}'s register block (each vector of x serves eight fused multiply-adds, each
 * broadcast weight two, sixteen independent chains); on narrower vectors blocks of five channels
 * (ten chains) and of four (eight chains), as many fives as leave the fewest channels one at a
 * time ({@link #fives}). The weights are packed in the order the chains read them. Images run on
 * all cores.
 */
final class DirectForward {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /**
     * The fewest output channels per group this kernel takes ({@link #applies}): a group must fill
     * at least one of {@link #BLOCK}'s blocks, not run every channel one at a time. 8 where vectors
     * are 512 bits, there also the register block (sixteen chains, two loads and a broadcast: 19 of
     * AVX-512's 32 vector registers); else 4, AVX2's smallest block (blocks of eight spilled there:
     * at the CNN sample's second layer on a Zen 3 core 2.59-2.63 ms against 1.87-1.90 by fours).
     */
    static final int OB = L >= 16 ? 8 : 4;
    /**
     * The blocks {@link #run} takes ({@link #blockAt}): 8 where vectors are 512 bits; else 5, blocks
     * of five channels first (ten chains, two loads and up to four broadcasts: at most 16 of AVX2's
     * registers, and C2 keeps them there), as many as leave the fewest channels one at a time past
     * the blocks of four that follow, and of those counts the most ({@link #fives}). Eight chains leave AVX2's two FMA pipes no slack over their four-cycle latency
     * and the loop's other instructions; ten measured 3-8 % faster at the CNN sample's second layer
     * (32 channels: four blocks of five and three of four) on a Zen 3 core. Six channels (twelve
     * chains, 15 vectors) spilled a chain to the stack there and took 3.1 ms against 1.9.
     */
    static final int BLOCK = L >= 16 ? 8 : 5;

    /** Scratch of each thread: 0 an image's group of channels padded, 1 two rows of a block's channels, 2 the terms' offsets. */
    private static final ThreadLocal<Object[]> SCRATCH = new ThreadLocal<>();
    /** The calling thread's packed weights, kept for its next call (taken while in use). */
    private static final ThreadLocal<float[]> PACKED = new ThreadLocal<>();

    private DirectForward() {
    }

    /**
     * Whether this kernel computes the forward of {@code z}: a stride of 1 and a block of output
     * channels (on AVX2 LeNet's first layer, six channels: a block of four and two one at a time
     * took 0.61-0.63 ms against 1.71 by columns; a block of five and one alone, 0.42-0.52).
     */
    static boolean applies(Convolution.Sizes z) {
        return z.sh() == 1 && z.sw() == 1 && z.og() >= OB;
    }

    /** {@code y = conv(x, w)} for a stride of 1 (any output channel count: those past the blocks one at a time). */
    static void run(float[] x, float[] w, float[] y, Convolution.Sizes z) {
        run(x, w, y, z, BLOCK);
    }

    /**
     * {@link #run} in the blocks {@link #blockAt} makes of {@code ob}: 8, 5 or 4 whatever the
     * vectors' width (the tests run all three: the bits are the same, each output one chain whichever
     * block computes it).
     */
    static void run(float[] x, float[] w, float[] y, Convolution.Sizes z, int ob) {
        if (ob != 8 && ob != 5 && ob != 4) throw new IllegalArgumentException("blocks of " + ob + " output channels: 8, 5 or 4");
        if (z.sh() != 1 || z.sw() != 1) throw new IllegalArgumentException("the direct forward needs a stride of 1");
        int vs = (z.ow() + L - 1) / L, s = vs * L;
        // x(c, ih, iw) of the group's channel c at c * xplane + (PH + ih) * xs + PW + iw. Output row
        // i (up to OH, one past the last: rows go in pairs) reads padded rows i + kh DH, lanes j in
        // [0, s) padded columns j + kw DW: zeros wherever x is not.
        int xs = Math.max(s + (z.kw() - 1) * z.dw(), z.w() + 2 * z.pw());
        int xplane = Math.max(z.h() + 2 * z.ph(), z.oh() + 1 + (z.kh() - 1) * z.dh()) * xs;
        int k = z.cg() * z.kh() * z.kw();
        float[] kept = PACKED.get();
        PACKED.set(null);
        int[] plan = blocks(z.og(), ob);
        float[] packed = pack(w, z, kept, plan);
        Parallel.forRange(z.n(), (long) z.o() * z.oh() * s * k, (n0, n1) -> {
            Object[] held = SCRATCH.get();
            SCRATCH.set(null);
            if (held == null) held = new Object[] {new float[0], new float[0], new int[0]};
            float[] padded = grow(held, 0, (long) z.cg() * xplane), out = grow(held, 1, (long) 8 * 2 * s);
            int[] offsets = (int[]) held[2];
            if (offsets.length < k) held[2] = offsets = new int[k];
            for (int c = 0, t = 0; c < z.cg(); c++) {
                for (int kh = 0; kh < z.kh(); kh++) {
                    for (int kw = 0; kw < z.kw(); kw++) offsets[t++] = c * xplane + kh * z.dh() * xs + kw * z.dw();
                }
            }
            Arrays.fill(padded, 0, z.cg() * xplane, 0f);
            for (int n = n0; n < n1; n++) {
                for (int g = 0; g < z.groups(); g++) {
                    for (int c = 0; c < z.cg(); c++) {
                        int from = (n * z.c() + g * z.cg() + c) * z.h() * z.w();
                        for (int ih = 0; ih < z.h(); ih++) {
                            System.arraycopy(x, from + ih * z.w(), padded, c * xplane + (z.ph() + ih) * xs + z.pw(), z.w());
                        }
                    }
                    for (int b = 0, o = 0; b < plan.length; o += plan[b++]) {
                        block(plan[b] == 1 ? w : packed, padded, offsets, y, out, z, n, g, o, plan[b], xs, vs, k);
                    }
                }
            }
            SCRATCH.set(held);
        });
        PACKED.set(packed);
    }

    /**
     * The output channels of the block that starts at channel {@code o} of a group's {@code og}:
     * with {@code ob} 8 or 4, {@code ob} while that many are left, else 1 (one at a time); with 5,
     * five for the first {@link #fives} blocks, then as with 4.
     */
    static int blockAt(int og, int o, int ob) {
        if (ob == 5 && o < 5 * fives(og)) return 5;
        int full = ob == 5 ? 4 : ob;
        return og - o >= full ? full : 1;
    }

    /** The channel counts of the blocks {@link #blockAt} makes of a group's {@code og} output channels, in order. */
    static int[] blocks(int og, int ob) {
        int[] counts = new int[og];
        int b = 0;
        for (int o = 0; o < og; o += counts[b++]) counts[b] = blockAt(og, o, ob);
        return Arrays.copyOf(counts, b);
    }

    /**
     * How many blocks of five a group of {@code og} output channels starts with: those that leave
     * the fewest channels past the blocks of four (each one at a time runs a chain per row, which
     * waits on every fused multiply-add's latency), and of those the most (32: four fives and three
     * fours; 16: four fours; 6: a five and one alone, not a four and two alone).
     */
    static int fives(int og) {
        int best = 0;
        for (int a = 1; 5 * a <= og; a++) if ((og - 5 * a) % 4 <= (og - 5 * best) % 4) best = a;
        return best;
    }

    /**
     * Output channels {@code [o, o + count)} of group g of image n ({@code count} eight, five, four or
     * one), two rows at a time; w is the packed weights for a block, the weights as given for one.
     */
    private static void block(float[] w, float[] padded, int[] offsets, float[] y, float[] out, Convolution.Sizes z,
                              int n, int g, int o, int count, int xs, int vs, int k) {
        int s = vs * L, p = z.oh() * z.ow();
        int first = (n * z.o() + g * z.og() + o) * p, wo = (g * z.og() + o) * k;
        for (int i = 0; i < z.oh(); i += 2) {
            for (int v = 0; v < vs; v++) {
                int at = i * xs + v * L;
                switch (count) {
                    case 8 -> eight(w, wo, padded, offsets, at, xs, k, out, v * L, s);
                    case 5 -> five(w, wo, padded, offsets, at, xs, k, out, v * L, s);
                    case 4 -> four(w, wo, padded, offsets, at, xs, k, out, v * L, s);
                    default -> one(w, wo, padded, offsets, at, xs, k, out, v * L, s);
                }
            }
            for (int c = 0; c < count; c++) {
                System.arraycopy(out, 2 * c * s, y, first + c * p + i * z.ow(), z.ow());
                if (i + 1 < z.oh()) System.arraycopy(out, (2 * c + 1) * s, y, first + c * p + (i + 1) * z.ow(), z.ow());
            }
        }
    }

    /**
     * Lanes {@code [to, to + L)} of two output rows (the first's window at {@code at} in the padded
     * image) of eight output channels, into {@code out[(2 c + r) s + to]} (channel c, row r).
     */
    private static void eight(float[] w, int wo, float[] x, int[] offsets, int at, int xs, int k, float[] out, int to, int s) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector p0 = zero, p1 = zero, p2 = zero, p3 = zero, p4 = zero, p5 = zero, p6 = zero, p7 = zero;
        FloatVector q0 = zero, q1 = zero, q2 = zero, q3 = zero, q4 = zero, q5 = zero, q6 = zero, q7 = zero;
        for (int t = 0; t < k; t++, wo += 8) {
            int from = at + offsets[t];
            FloatVector d = FloatVector.fromArray(F, x, from), e = FloatVector.fromArray(F, x, from + xs);
            FloatVector c = FloatVector.broadcast(F, w[wo]);
            p0 = c.fma(d, p0);
            q0 = c.fma(e, q0);
            c = FloatVector.broadcast(F, w[wo + 1]);
            p1 = c.fma(d, p1);
            q1 = c.fma(e, q1);
            c = FloatVector.broadcast(F, w[wo + 2]);
            p2 = c.fma(d, p2);
            q2 = c.fma(e, q2);
            c = FloatVector.broadcast(F, w[wo + 3]);
            p3 = c.fma(d, p3);
            q3 = c.fma(e, q3);
            c = FloatVector.broadcast(F, w[wo + 4]);
            p4 = c.fma(d, p4);
            q4 = c.fma(e, q4);
            c = FloatVector.broadcast(F, w[wo + 5]);
            p5 = c.fma(d, p5);
            q5 = c.fma(e, q5);
            c = FloatVector.broadcast(F, w[wo + 6]);
            p6 = c.fma(d, p6);
            q6 = c.fma(e, q6);
            c = FloatVector.broadcast(F, w[wo + 7]);
            p7 = c.fma(d, p7);
            q7 = c.fma(e, q7);
        }
        p0.intoArray(out, to);
        q0.intoArray(out, to + s);
        p1.intoArray(out, to + 2 * s);
        q1.intoArray(out, to + 3 * s);
        p2.intoArray(out, to + 4 * s);
        q2.intoArray(out, to + 5 * s);
        p3.intoArray(out, to + 6 * s);
        q3.intoArray(out, to + 7 * s);
        p4.intoArray(out, to + 8 * s);
        q4.intoArray(out, to + 9 * s);
        p5.intoArray(out, to + 10 * s);
        q5.intoArray(out, to + 11 * s);
        p6.intoArray(out, to + 12 * s);
        q6.intoArray(out, to + 13 * s);
        p7.intoArray(out, to + 14 * s);
        q7.intoArray(out, to + 15 * s);
    }

    /** {@link #eight} for five output channels: ten chains, whose vectors fit AVX2's sixteen registers ({@link #BLOCK}). */
    private static void five(float[] w, int wo, float[] x, int[] offsets, int at, int xs, int k, float[] out, int to, int s) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector p0 = zero, p1 = zero, p2 = zero, p3 = zero, p4 = zero;
        FloatVector q0 = zero, q1 = zero, q2 = zero, q3 = zero, q4 = zero;
        for (int t = 0; t < k; t++, wo += 5) {
            int from = at + offsets[t];
            FloatVector d = FloatVector.fromArray(F, x, from), e = FloatVector.fromArray(F, x, from + xs);
            FloatVector c = FloatVector.broadcast(F, w[wo]);
            p0 = c.fma(d, p0);
            q0 = c.fma(e, q0);
            c = FloatVector.broadcast(F, w[wo + 1]);
            p1 = c.fma(d, p1);
            q1 = c.fma(e, q1);
            c = FloatVector.broadcast(F, w[wo + 2]);
            p2 = c.fma(d, p2);
            q2 = c.fma(e, q2);
            c = FloatVector.broadcast(F, w[wo + 3]);
            p3 = c.fma(d, p3);
            q3 = c.fma(e, q3);
            c = FloatVector.broadcast(F, w[wo + 4]);
            p4 = c.fma(d, p4);
            q4 = c.fma(e, q4);
        }
        p0.intoArray(out, to);
        q0.intoArray(out, to + s);
        p1.intoArray(out, to + 2 * s);
        q1.intoArray(out, to + 3 * s);
        p2.intoArray(out, to + 4 * s);
        q2.intoArray(out, to + 5 * s);
        p3.intoArray(out, to + 6 * s);
        q3.intoArray(out, to + 7 * s);
        p4.intoArray(out, to + 8 * s);
        q4.intoArray(out, to + 9 * s);
    }

    /** {@link #eight} for four output channels: eight chains, whose eleven vectors fit AVX2's sixteen registers. */
    private static void four(float[] w, int wo, float[] x, int[] offsets, int at, int xs, int k, float[] out, int to, int s) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector p0 = zero, p1 = zero, p2 = zero, p3 = zero;
        FloatVector q0 = zero, q1 = zero, q2 = zero, q3 = zero;
        for (int t = 0; t < k; t++, wo += 4) {
            int from = at + offsets[t];
            FloatVector d = FloatVector.fromArray(F, x, from), e = FloatVector.fromArray(F, x, from + xs);
            FloatVector c = FloatVector.broadcast(F, w[wo]);
            p0 = c.fma(d, p0);
            q0 = c.fma(e, q0);
            c = FloatVector.broadcast(F, w[wo + 1]);
            p1 = c.fma(d, p1);
            q1 = c.fma(e, q1);
            c = FloatVector.broadcast(F, w[wo + 2]);
            p2 = c.fma(d, p2);
            q2 = c.fma(e, q2);
            c = FloatVector.broadcast(F, w[wo + 3]);
            p3 = c.fma(d, p3);
            q3 = c.fma(e, q3);
        }
        p0.intoArray(out, to);
        q0.intoArray(out, to + s);
        p1.intoArray(out, to + 2 * s);
        q1.intoArray(out, to + 3 * s);
        p2.intoArray(out, to + 4 * s);
        q2.intoArray(out, to + 5 * s);
        p3.intoArray(out, to + 6 * s);
        q3.intoArray(out, to + 7 * s);
    }

    /** {@link #eight} for one output channel (those left over after the blocks), w read in place from {@code wo}. */
    private static void one(float[] w, int wo, float[] x, int[] offsets, int at, int xs, int k, float[] out, int to, int s) {
        FloatVector p = FloatVector.zero(F), q = p;
        for (int t = 0; t < k; t++) {
            int from = at + offsets[t];
            FloatVector c = FloatVector.broadcast(F, w[wo + t]);
            p = c.fma(FloatVector.fromArray(F, x, from), p);
            q = c.fma(FloatVector.fromArray(F, x, from + xs), q);
        }
        p.intoArray(out, to);
        q.intoArray(out, to + s);
    }

    /**
     * The weights of a group's blocks of {@code plan} ({@link #blocks}), in the order the kernels read
     * them: a block of {@code count} channels from o at w's own offset of its first channel,
     * {@code packed[(g * Og + o) * K + t * count + i] = w[g * Og + o + i, t]} (the channels one at a
     * time read w as given).
     */
    private static float[] pack(float[] w, Convolution.Sizes z, float[] kept, int[] plan) {
        int k = z.cg() * z.kh() * z.kw(), og = z.og(), size = z.o() * k;
        float[] packed = kept != null && kept.length >= size ? kept : new float[size];
        for (int g = 0; g < z.groups(); g++) {
            for (int b = 0, o = 0; b < plan.length; o += plan[b++]) {
                int count = plan[b];
                if (count == 1) continue;
                int from = (g * og + o) * k;
                for (int t = 0; t < k; t++) {
                    for (int i = 0; i < count; i++) packed[from + t * count + i] = w[from + i * k + t];
                }
            }
        }
        return packed;
    }

    private static float[] grow(Object[] held, int which, long size) {
        if (size > Integer.MAX_VALUE - 8) throw new ExecutionError("a convolution's padded image needs " + size + " elements, more than an array holds");
        float[] a = (float[]) held[which];
        if (a.length < size) held[which] = a = new float[(int) size];
        return a;
    }
}
