package dev.modelc.runtime.exec;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The f32 weight gradient on vector lanes, an image at a time from its windows unrolled into rows
 * ({@link Im2Row}: {@code rows[q, t]}, a row of K = C / groups * KH * KW taps per output position
 * q): {@code dw[o, t] = sum over images n and positions q of dy[n, o, q] * rows_n[q, t]}. The
 * lanes run along a row's taps (a vector loaded at {@code q * K}, the lanes past the row's end
 * reading the next row's taps, whose sums are computed and dropped), so the output's gradient is
 * read where it lies, one broadcast per term, and nothing is transposed: eight output channels'
 * sums stay in registers while the positions of an image stream past.
 *
 * <p>Each weight's sum is the chain {@link ImageIm2Col} computes (one fused multiply-add per term
 * from zero, in the order batch, output row, output column; the sums of a block wait in memory
 * between images, stored and loaded back exactly), so the two give the same bits, and so do
 * {@link Im2Col}'s other products. It replaced, on lanes, {@code ImageIm2Col} for few taps (the
 * CNN sample's first layer, 3x3 on one channel: its transposed copy of dy and its 16-wide C2
 * loops) and {@code dw = dy @ cols^T} over the whole batch's columns for many (the second layer:
 * the unroll into 7 MB of columns and the regrouping of dy); measured in docs/benchmarks.md.
 */
final class RowsWeightGrad {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Output channels of a task: one block of {@link #PAIR_BLOCK} or two. */
    private static final int OB = 8;
    /**
     * Output channels whose sums by two vectors of taps a pass keeps in registers: 8 where vectors
     * are 512 bits (16 sums, two rows' vectors and a broadcast, 19 of AVX-512's 32 registers); else
     * 5: fours inside the blocks of eight (eight sums, eleven of AVX2's 16; at the CNN sample's first
     * layer on a Zen 3 core, 1 -> 16 channels, K = 9 taps in two vectors of eight, 0.60-0.61 ms
     * against 0.76-0.77 by eight), and among the channels past them a five first where five or more
     * are left, else a four (ten sums, as {@link DirectForward#BLOCK}).
     */
    static final int PAIR_BLOCK = L >= 16 ? 8 : 5;
    /** The lanes of one task: four vectors. */
    private static final int SPAN = 4 * L;

    /** Scratch of each thread: 0 an image's rows, 1 {@link Im2Row}'s padded image. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

    private RowsWeightGrad() {
    }

    static void run(float[] x, float[] dy, float[] dw, Convolution.Sizes z) {
        run(x, dy, dw, z, PAIR_BLOCK);
    }

    /**
     * {@link #run} with two vectors' sums of {@code pairBlock} output channels at a time, 8 or 4
     * whatever the vectors' width, or 5: blocks of four, and five first among the channels past
     * the blocks of eight where there are five or more (the tests run all three: each weight's sum
     * is the same chain).
     */
    static void run(float[] x, float[] dy, float[] dw, Convolution.Sizes z, int pairBlock) {
        if (pairBlock != 8 && pairBlock != 5 && pairBlock != 4) {
            throw new IllegalArgumentException("blocks of " + pairBlock + " output channels: 8, 5 or 4");
        }
        int k = z.cg() * z.kh() * z.kw(), p = z.oh() * z.ow(), og = z.og(), v = (k + L - 1) / L, kp = v * L;
        // Tasks: a group's block of eight output channels (or what is left) and a span of at most
        // SPAN lanes, so that a layer of few output channels and many taps still runs on all cores.
        int blocks = (og + OB - 1) / OB, spans = (kp + SPAN - 1) / SPAN;
        // acc[(g * Og + o) * kp + t]: the sums, lanes past K dropped at the end.
        float[] acc = new float[z.o() * kp];
        Parallel.forRange(z.groups() * blocks * spans, (long) z.n() * p * OB * SPAN, (s, e) -> {
            float[][] held = SCRATCH.get();
            SCRATCH.set(null);
            if (held == null) held = new float[][] {new float[0], new float[0]};
            float[] rows = grow(held, 0, (long) z.groups() * p * k + Im2Row.SLACK), padded = grow(held, 1, Im2Row.paddedSize(z));
            for (int n = 0; n < z.n(); n++) {
                Im2Row.unfold(x, rows, padded, z, n, n + 1);
                for (int task = s; task < e; task++) {
                    int g = task / (blocks * spans), o0 = (task / spans % blocks) * OB, count = Math.min(OB, og - o0);
                    int lane = (task % spans) * SPAN, end = Math.min(kp, lane + SPAN);
                    int base = g * p * k, d = (n * z.o() + g * og + o0) * p, a = (g * og + o0) * kp;
                    if (count == OB) {
                        for (; lane + 2 * L <= end; lane += 2 * L) {
                            if (pairBlock == 8) eightByTwo(rows, base + lane, k, p, dy, d, acc, a + lane, kp);
                            else {
                                fourByTwo(rows, base + lane, k, p, dy, d, acc, a + lane, kp);
                                fourByTwo(rows, base + lane, k, p, dy, d + 4 * p, acc, a + 4 * kp + lane, kp);
                            }
                        }
                        if (lane < end) eight(rows, base + lane, k, p, dy, d, acc, a + lane, kp);
                    } else {
                        // The channels past the blocks of eight: five by fiveByTwo or four by fourByTwo first
                        // where that is the register block, then one at a time (one chain each,
                        // latency-bound: LeNet's first layer, 1 -> 6 channels, 5x5 on 28x28, batch 64, took
                        // 1.16-1.18 ms on AVX2 as a four and two alone against 1.94-1.95 all six alone).
                        int o = 0;
                        if (pairBlock != 8 && count >= 4) {
                            int l = lane, first = pairBlock == 5 && count >= 5 ? 5 : 4;
                            for (; l + 2 * L <= end; l += 2 * L) {
                                if (first == 5) fiveByTwo(rows, base + l, k, p, dy, d, acc, a + l, kp);
                                else fourByTwo(rows, base + l, k, p, dy, d, acc, a + l, kp);
                            }
                            for (; l < end; l += L) {
                                for (int c = 0; c < first; c++) one(rows, base + l, k, p, dy, d + c * p, acc, a + c * kp + l);
                            }
                            o = first;
                        }
                        for (; lane < end; lane += L) {
                            for (int c = o; c < count; c++) one(rows, base + lane, k, p, dy, d + c * p, acc, a + c * kp + lane);
                        }
                    }
                }
            }
            SCRATCH.set(held);
        });
        for (int o = 0; o < z.o(); o++) System.arraycopy(acc, o * kp, dw, o * k, k);
    }

    /**
     * {@code acc[a + i * kp + lane] += sum over q < p of dy[d + i * p + q] * rows[base + q * k + lane]}
     * for i < 8 and a vector of lanes, the terms in order.
     */
    private static void eight(float[] rows, int base, int k, int p, float[] dy, int d, float[] acc, int a, int kp) {
        FloatVector a0 = FloatVector.fromArray(F, acc, a), a1 = FloatVector.fromArray(F, acc, a + kp),
                a2 = FloatVector.fromArray(F, acc, a + 2 * kp), a3 = FloatVector.fromArray(F, acc, a + 3 * kp),
                a4 = FloatVector.fromArray(F, acc, a + 4 * kp), a5 = FloatVector.fromArray(F, acc, a + 5 * kp),
                a6 = FloatVector.fromArray(F, acc, a + 6 * kp), a7 = FloatVector.fromArray(F, acc, a + 7 * kp);
        for (int q = 0, r = base; q < p; q++, r += k) {
            FloatVector t = FloatVector.fromArray(F, rows, r);
            a0 = FloatVector.broadcast(F, dy[d + q]).fma(t, a0);
            a1 = FloatVector.broadcast(F, dy[d + p + q]).fma(t, a1);
            a2 = FloatVector.broadcast(F, dy[d + 2 * p + q]).fma(t, a2);
            a3 = FloatVector.broadcast(F, dy[d + 3 * p + q]).fma(t, a3);
            a4 = FloatVector.broadcast(F, dy[d + 4 * p + q]).fma(t, a4);
            a5 = FloatVector.broadcast(F, dy[d + 5 * p + q]).fma(t, a5);
            a6 = FloatVector.broadcast(F, dy[d + 6 * p + q]).fma(t, a6);
            a7 = FloatVector.broadcast(F, dy[d + 7 * p + q]).fma(t, a7);
        }
        a0.intoArray(acc, a);
        a1.intoArray(acc, a + kp);
        a2.intoArray(acc, a + 2 * kp);
        a3.intoArray(acc, a + 3 * kp);
        a4.intoArray(acc, a + 4 * kp);
        a5.intoArray(acc, a + 5 * kp);
        a6.intoArray(acc, a + 6 * kp);
        a7.intoArray(acc, a + 7 * kp);
    }

    /** {@link #eight} for two vectors of lanes at once: each broadcast serves two fused multiply-adds. */
    private static void eightByTwo(float[] rows, int base, int k, int p, float[] dy, int d, float[] acc, int a, int kp) {
        FloatVector a0 = FloatVector.fromArray(F, acc, a), a1 = FloatVector.fromArray(F, acc, a + kp),
                a2 = FloatVector.fromArray(F, acc, a + 2 * kp), a3 = FloatVector.fromArray(F, acc, a + 3 * kp),
                a4 = FloatVector.fromArray(F, acc, a + 4 * kp), a5 = FloatVector.fromArray(F, acc, a + 5 * kp),
                a6 = FloatVector.fromArray(F, acc, a + 6 * kp), a7 = FloatVector.fromArray(F, acc, a + 7 * kp);
        FloatVector b0 = FloatVector.fromArray(F, acc, a + L), b1 = FloatVector.fromArray(F, acc, a + kp + L),
                b2 = FloatVector.fromArray(F, acc, a + 2 * kp + L), b3 = FloatVector.fromArray(F, acc, a + 3 * kp + L),
                b4 = FloatVector.fromArray(F, acc, a + 4 * kp + L), b5 = FloatVector.fromArray(F, acc, a + 5 * kp + L),
                b6 = FloatVector.fromArray(F, acc, a + 6 * kp + L), b7 = FloatVector.fromArray(F, acc, a + 7 * kp + L);
        for (int q = 0, r = base; q < p; q++, r += k) {
            FloatVector t = FloatVector.fromArray(F, rows, r), u = FloatVector.fromArray(F, rows, r + L);
            FloatVector c = FloatVector.broadcast(F, dy[d + q]);
            a0 = c.fma(t, a0);
            b0 = c.fma(u, b0);
            c = FloatVector.broadcast(F, dy[d + p + q]);
            a1 = c.fma(t, a1);
            b1 = c.fma(u, b1);
            c = FloatVector.broadcast(F, dy[d + 2 * p + q]);
            a2 = c.fma(t, a2);
            b2 = c.fma(u, b2);
            c = FloatVector.broadcast(F, dy[d + 3 * p + q]);
            a3 = c.fma(t, a3);
            b3 = c.fma(u, b3);
            c = FloatVector.broadcast(F, dy[d + 4 * p + q]);
            a4 = c.fma(t, a4);
            b4 = c.fma(u, b4);
            c = FloatVector.broadcast(F, dy[d + 5 * p + q]);
            a5 = c.fma(t, a5);
            b5 = c.fma(u, b5);
            c = FloatVector.broadcast(F, dy[d + 6 * p + q]);
            a6 = c.fma(t, a6);
            b6 = c.fma(u, b6);
            c = FloatVector.broadcast(F, dy[d + 7 * p + q]);
            a7 = c.fma(t, a7);
            b7 = c.fma(u, b7);
        }
        a0.intoArray(acc, a);
        a1.intoArray(acc, a + kp);
        a2.intoArray(acc, a + 2 * kp);
        a3.intoArray(acc, a + 3 * kp);
        a4.intoArray(acc, a + 4 * kp);
        a5.intoArray(acc, a + 5 * kp);
        a6.intoArray(acc, a + 6 * kp);
        a7.intoArray(acc, a + 7 * kp);
        b0.intoArray(acc, a + L);
        b1.intoArray(acc, a + kp + L);
        b2.intoArray(acc, a + 2 * kp + L);
        b3.intoArray(acc, a + 3 * kp + L);
        b4.intoArray(acc, a + 4 * kp + L);
        b5.intoArray(acc, a + 5 * kp + L);
        b6.intoArray(acc, a + 6 * kp + L);
        b7.intoArray(acc, a + 7 * kp + L);
    }

    /** {@link #eightByTwo} for five output channels: ten sums, which with two loads and the broadcasts fit AVX2's sixteen registers. */
    private static void fiveByTwo(float[] rows, int base, int k, int p, float[] dy, int d, float[] acc, int a, int kp) {
        FloatVector a0 = FloatVector.fromArray(F, acc, a), a1 = FloatVector.fromArray(F, acc, a + kp),
                a2 = FloatVector.fromArray(F, acc, a + 2 * kp), a3 = FloatVector.fromArray(F, acc, a + 3 * kp),
                a4 = FloatVector.fromArray(F, acc, a + 4 * kp);
        FloatVector b0 = FloatVector.fromArray(F, acc, a + L), b1 = FloatVector.fromArray(F, acc, a + kp + L),
                b2 = FloatVector.fromArray(F, acc, a + 2 * kp + L), b3 = FloatVector.fromArray(F, acc, a + 3 * kp + L),
                b4 = FloatVector.fromArray(F, acc, a + 4 * kp + L);
        for (int q = 0, r = base; q < p; q++, r += k) {
            FloatVector t = FloatVector.fromArray(F, rows, r), u = FloatVector.fromArray(F, rows, r + L);
            FloatVector c = FloatVector.broadcast(F, dy[d + q]);
            a0 = c.fma(t, a0);
            b0 = c.fma(u, b0);
            c = FloatVector.broadcast(F, dy[d + p + q]);
            a1 = c.fma(t, a1);
            b1 = c.fma(u, b1);
            c = FloatVector.broadcast(F, dy[d + 2 * p + q]);
            a2 = c.fma(t, a2);
            b2 = c.fma(u, b2);
            c = FloatVector.broadcast(F, dy[d + 3 * p + q]);
            a3 = c.fma(t, a3);
            b3 = c.fma(u, b3);
            c = FloatVector.broadcast(F, dy[d + 4 * p + q]);
            a4 = c.fma(t, a4);
            b4 = c.fma(u, b4);
        }
        a0.intoArray(acc, a);
        a1.intoArray(acc, a + kp);
        a2.intoArray(acc, a + 2 * kp);
        a3.intoArray(acc, a + 3 * kp);
        a4.intoArray(acc, a + 4 * kp);
        b0.intoArray(acc, a + L);
        b1.intoArray(acc, a + kp + L);
        b2.intoArray(acc, a + 2 * kp + L);
        b3.intoArray(acc, a + 3 * kp + L);
        b4.intoArray(acc, a + 4 * kp + L);
    }

    /** {@link #eightByTwo} for four output channels: eight sums, whose eleven vectors fit AVX2's sixteen registers. */
    private static void fourByTwo(float[] rows, int base, int k, int p, float[] dy, int d, float[] acc, int a, int kp) {
        FloatVector a0 = FloatVector.fromArray(F, acc, a), a1 = FloatVector.fromArray(F, acc, a + kp),
                a2 = FloatVector.fromArray(F, acc, a + 2 * kp), a3 = FloatVector.fromArray(F, acc, a + 3 * kp);
        FloatVector b0 = FloatVector.fromArray(F, acc, a + L), b1 = FloatVector.fromArray(F, acc, a + kp + L),
                b2 = FloatVector.fromArray(F, acc, a + 2 * kp + L), b3 = FloatVector.fromArray(F, acc, a + 3 * kp + L);
        for (int q = 0, r = base; q < p; q++, r += k) {
            FloatVector t = FloatVector.fromArray(F, rows, r), u = FloatVector.fromArray(F, rows, r + L);
            FloatVector c = FloatVector.broadcast(F, dy[d + q]);
            a0 = c.fma(t, a0);
            b0 = c.fma(u, b0);
            c = FloatVector.broadcast(F, dy[d + p + q]);
            a1 = c.fma(t, a1);
            b1 = c.fma(u, b1);
            c = FloatVector.broadcast(F, dy[d + 2 * p + q]);
            a2 = c.fma(t, a2);
            b2 = c.fma(u, b2);
            c = FloatVector.broadcast(F, dy[d + 3 * p + q]);
            a3 = c.fma(t, a3);
            b3 = c.fma(u, b3);
        }
        a0.intoArray(acc, a);
        a1.intoArray(acc, a + kp);
        a2.intoArray(acc, a + 2 * kp);
        a3.intoArray(acc, a + 3 * kp);
        b0.intoArray(acc, a + L);
        b1.intoArray(acc, a + kp + L);
        b2.intoArray(acc, a + 2 * kp + L);
        b3.intoArray(acc, a + 3 * kp + L);
    }

    /** {@link #eight} for one output channel. */
    private static void one(float[] rows, int base, int k, int p, float[] dy, int d, float[] acc, int a) {
        FloatVector s = FloatVector.fromArray(F, acc, a);
        for (int q = 0, r = base; q < p; q++, r += k) s = FloatVector.broadcast(F, dy[d + q]).fma(FloatVector.fromArray(F, rows, r), s);
        s.intoArray(acc, a);
    }

    private static float[] grow(float[][] held, int which, long size) {
        if (size > Integer.MAX_VALUE - 8) throw new ExecutionError("a convolution's unrolled image needs " + size + " elements, more than an array holds");
        if (held[which].length < size) held[which] = new float[(int) size];
        return held[which];
    }
}
