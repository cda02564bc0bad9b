package dev.modelc.runtime.exec;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The f32 weight gradient on vector lanes along the input channels, without unrolling the input:
 * {@code dw[o, c, kh, kw] = sum over images n and positions (i, j) of dy[n, o, i, j] * x[n, c, i SH + kh DH - PH, j SW + kw DW - PW]},
 * each weight's sum one chain of fused multiply-adds from zero in the order batch, output row,
 * output column, padding as zero terms: {@link RowsWeightGrad}'s chain, so the same bits.
 * {@link RowsWeightGrad} runs its lanes along the K taps of an unrolled row ({@link Im2Row}: nine
 * copies of the image at a 3x3 kernel); here each image is copied once, channels last and
 * zero-padded ({@code xp[ih][iw][c]}), so that a tap's L channels at a position are one vector
 * load, and the lanes run along the input channels (which must fill whole vectors:
 * {@link #applies}). A block of output channels' sums for two taps stays in registers while an
 * image's positions stream past, each dy value broadcast once for two fused multiply-adds
 * ({@link #PAIR_BLOCK}): eight channels (sixteen sums) where vectors are 512 bits; on narrower ones
 * {@link DirectForward#blocks}' five and four channels (ten and eight sums), as many fives as leave
 * the fewest channels one at a time. Between images the sums wait in memory, stored and loaded back
 * exactly. Tasks (blocks of output channels, pairs of taps, vectors of channels) run on all cores,
 * each over every image in order.
 */
final class ChannelsWeightGrad {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** The lanes of a vector: the input channels per group must be a multiple. */
    static final int L = F.length();
    /** Output channels of a task of {@link #byEights}. */
    private static final int OB = 8;
    /**
     * Output channels whose sums for two taps a kernel keeps in registers, as {@link RowsWeightGrad}:
     * 8 where vectors are 512 bits (sixteen sums, two loads and a broadcast, 19 of AVX-512's 32
     * registers), else 5 ({@link #byPlan}: ten sums, two loads and up to four broadcasts; timed at the
     * CNN sample's second layer on a Zen 3 core in docs/architecture.md, "Register blocks by vector
     * width"; fours took 2.08-2.13 ms there, eights 2.55-2.61, eights one tap at a time 2.70).
     */
    static final int PAIR_BLOCK = L >= 16 ? 8 : 5;

    /** Scratch of each thread: an image's channels last, zero-padded. */
    private static final ThreadLocal<float[]> SCRATCH = new ThreadLocal<>();

    private ChannelsWeightGrad() {
    }

    /** Whether this kernel computes the weight gradient of {@code z}: input channels per group filling whole vectors. */
    static boolean applies(Convolution.Sizes z) {
        return z.cg() % L == 0;
    }

    static void run(float[] x, float[] dy, float[] dw, Convolution.Sizes z) {
        run(x, dy, dw, z, PAIR_BLOCK);
    }

    /**
     * {@link #run} with two taps' sums of {@code pairBlock} output channels at a time, 8, or 5 or 4
     * in {@link DirectForward#blocks}' plan of them, whatever the vectors' width (the tests run all
     * three: each weight's sum is the same chain).
     */
    static void run(float[] x, float[] dy, float[] dw, Convolution.Sizes z, int pairBlock) {
        if (pairBlock != 8 && pairBlock != 5 && pairBlock != 4) {
            throw new IllegalArgumentException("blocks of " + pairBlock + " output channels: 8, 5 or 4");
        }
        if (z.cg() % L != 0) throw new IllegalArgumentException("the weight gradient by channels needs whole vectors of input channels");
        int taps = z.kh() * z.kw(), cg = z.cg();
        int hp = z.h() + 2 * z.ph(), wp = z.w() + 2 * z.pw(), image = z.groups() * hp * wp * cg;
        // acc[((g * Og + o) * taps + t) * Cg + c]: the sums, moved into w's layout at the end.
        float[] acc = new float[z.o() * taps * cg];
        if (pairBlock == 8) byEights(x, dy, acc, z, hp, wp, image);
        else byPlan(x, dy, acc, z, pairBlock, hp, wp, image);
        for (int o = 0; o < z.o(); o++) {
            for (int t = 0; t < taps; t++) {
                for (int c = 0; c < cg; c++) dw[(o * cg + c) * taps + t] = acc[(o * taps + t) * cg + c];
            }
        }
    }

    /** The sums into acc in tasks of eight output channels (AVX-512's block), those past the blocks one at a time. */
    private static void byEights(float[] x, float[] dy, float[] acc, Convolution.Sizes z, int hp, int wp, int image) {
        int taps = z.kh() * z.kw(), og = z.og(), cg = z.cg(), p = z.oh() * z.ow();
        int blocks = (og + OB - 1) / OB, pairs = (taps + 1) / 2, vectors = cg / L;
        int tasks = z.groups() * blocks * pairs * vectors;
        Parallel.forRange(tasks, (long) z.n() * p * OB * 2 * L, (s, e) -> {
            float[] xp = SCRATCH.get();
            SCRATCH.set(null);
            if (xp == null || xp.length < image) xp = new float[image];
            Arrays.fill(xp, 0, image, 0f);
            for (int n = 0; n < z.n(); n++) {
                channelsLast(x, xp, z, n, hp, wp);
                for (int task = s; task < e; task++) {
                    int cv = task % vectors, pair = task / vectors % pairs, block = task / (vectors * pairs) % blocks,
                            g = task / (vectors * pairs * blocks);
                    int o0 = block * OB, count = Math.min(OB, og - o0), t0 = 2 * pair, t1 = t0 + 1;
                    int x0 = g * hp * wp * cg + tapOffset(z, t0, wp, cg) + cv * L, d = (n * z.o() + g * og + o0) * p;
                    int a0 = ((g * og + o0) * taps + t0) * cg + cv * L, stride = taps * cg;
                    if (count == OB && t1 < taps) {
                        int x1 = x0 - tapOffset(z, t0, wp, cg) + tapOffset(z, t1, wp, cg);
                        eightByTwo(xp, x0, x1, z, wp, cg, dy, d, p, acc, a0, cg, stride);
                    } else if (count == OB) {
                        eight(xp, x0, z, wp, cg, dy, d, p, acc, a0, stride);
                    } else {
                        for (int o = 0; o < count; o++) {
                            for (int t = t0; t < Math.min(taps, t1 + 1); t++) {
                                one(xp, x0 - tapOffset(z, t0, wp, cg) + tapOffset(z, t, wp, cg), z, wp, cg, dy, d + o * p, acc,
                                        a0 + o * stride + (t - t0) * cg);
                            }
                        }
                    }
                }
            }
            SCRATCH.set(xp);
        });
    }

    /**
     * The sums into acc in tasks of one block of {@link DirectForward#blocks}' five, four or one
     * output channels ({@code pairBlock} 5 or 4), a pair of taps and a vector of channels, the
     * positions of an image in one loop (their offsets in the padded image from a table, not a loop
     * per output row: rows of 14 positions left the loop's start and end in every row). The last of
     * an odd number of taps pairs a vector of channels with the next one (x and the sums one vector
     * apart), keeping ten or eight chains; with no next vector a block of five runs that tap alone
     * ({@link #five}: 8->24 channels 0.85-0.87 ms against 0.87-0.90 for ten chains over the same
     * sums), and a block of four computes its chains twice over the same sums (both store the same
     * values: eight chains' work takes the time four chains wait on latency).
     */
    private static void byPlan(float[] x, float[] dy, float[] acc, Convolution.Sizes z, int pairBlock, int hp, int wp, int image) {
        int taps = z.kh() * z.kw(), og = z.og(), cg = z.cg(), p = z.oh() * z.ow();
        int pairs = (taps + 1) / 2, vectors = cg / L, stride = taps * cg;
        // The blocks' channel counts and first channels, made once per call, not per task and image.
        int[] counts = DirectForward.blocks(og, pairBlock), starts = new int[counts.length];
        for (int b = 1; b < counts.length; b++) starts[b] = starts[b - 1] + counts[b - 1];
        int[] positions = new int[p];
        for (int i = 0, q = 0; i < z.oh(); i++) {
            for (int j = 0; j < z.ow(); j++, q++) positions[q] = (i * z.sh() * wp + j * z.sw()) * cg;
        }
        int blocks = counts.length, tasks = z.groups() * blocks * pairs * vectors;
        Parallel.forRange(tasks, (long) z.n() * p * 10 * L, (s, e) -> {
            float[] xp = SCRATCH.get();
            SCRATCH.set(null);
            if (xp == null || xp.length < image) xp = new float[image];
            Arrays.fill(xp, 0, image, 0f);
            for (int n = 0; n < z.n(); n++) {
                channelsLast(x, xp, z, n, hp, wp);
                for (int task = s; task < e; task++) {
                    int cv = task % vectors, pair = task / vectors % pairs, block = task / (vectors * pairs) % blocks,
                            g = task / (vectors * pairs * blocks);
                    int o0 = starts[block], count = counts[block], t0 = 2 * pair, t1 = t0 + 1;
                    int x0 = g * hp * wp * cg + tapOffset(z, t0, wp, cg) + cv * L, d = (n * z.o() + g * og + o0) * p;
                    int a0 = ((g * og + o0) * taps + t0) * cg + cv * L, x1 = x0, second = 0; // no next vector: the tap alone
                    if (t1 < taps) {
                        x1 = x0 - tapOffset(z, t0, wp, cg) + tapOffset(z, t1, wp, cg);
                        second = cg;
                    } else if (cv % 2 == 1) {
                        continue; // the previous vector's task took it
                    } else if (cv + 1 < vectors) {
                        x1 = x0 + L;
                        second = L;
                    }
                    switch (count) {
                        case 5 -> {
                            if (second != 0) fiveByTwo(xp, x0, x1, positions, dy, d, p, acc, a0, second, stride);
                            else five(xp, x0, positions, dy, d, p, acc, a0, stride);
                        }
                        case 4 -> fourByTwo(xp, x0, x1, positions, dy, d, p, acc, a0, second, stride);
                        default -> {
                            one(xp, x0, z, wp, cg, dy, d, acc, a0);
                            if (second != 0) one(xp, x1, z, wp, cg, dy, d, acc, a0 + second);
                        }
                    }
                }
            }
            SCRATCH.set(xp);
        });
    }

    /** Where tap t's value for position (0, 0) lies in a group's padded image, channels last. */
    private static int tapOffset(Convolution.Sizes z, int t, int wp, int cg) {
        int kh = t / z.kw(), kw = t % z.kw();
        return (kh * z.dh() * wp + kw * z.dw()) * cg;
    }

    /** Image n's channels last: {@code xp[((g * HP + PH + ih) * WP + PW + iw) * Cg + c] = x[n, g * Cg + c, ih, iw]}; the padding stays zero. */
    private static void channelsLast(float[] x, float[] xp, Convolution.Sizes z, int n, int hp, int wp) {
        int cg = z.cg();
        for (int g = 0; g < z.groups(); g++) {
            for (int c = 0; c < cg; c++) {
                int from = (n * z.c() + g * cg + c) * z.h() * z.w();
                for (int ih = 0; ih < z.h(); ih++) {
                    int to = ((g * hp + z.ph() + ih) * wp + z.pw()) * cg + c;
                    for (int iw = 0; iw < z.w(); iw++, to += cg) xp[to] = x[from + ih * z.w() + iw];
                }
            }
        }
    }

    /**
     * {@code acc[a + i * stride + r * cg + lane] += sum over positions q of dy[d + i * p + q] * xp[(r == 0 ? x0 : x1) + position(q) + lane]}
     * for the eight output channels i and the two taps r, the positions in order.
     */
    private static void eightByTwo(float[] xp, int x0, int x1, Convolution.Sizes z, int wp, int cg, float[] dy, int d, int p,
                                   float[] acc, int a, int tapStep, int stride) {
        FloatVector a0 = FloatVector.fromArray(F, acc, a), a1 = FloatVector.fromArray(F, acc, a + stride),
                a2 = FloatVector.fromArray(F, acc, a + 2 * stride), a3 = FloatVector.fromArray(F, acc, a + 3 * stride),
                a4 = FloatVector.fromArray(F, acc, a + 4 * stride), a5 = FloatVector.fromArray(F, acc, a + 5 * stride),
                a6 = FloatVector.fromArray(F, acc, a + 6 * stride), a7 = FloatVector.fromArray(F, acc, a + 7 * stride);
        int b = a + tapStep;
        FloatVector b0 = FloatVector.fromArray(F, acc, b), b1 = FloatVector.fromArray(F, acc, b + stride),
                b2 = FloatVector.fromArray(F, acc, b + 2 * stride), b3 = FloatVector.fromArray(F, acc, b + 3 * stride),
                b4 = FloatVector.fromArray(F, acc, b + 4 * stride), b5 = FloatVector.fromArray(F, acc, b + 5 * stride),
                b6 = FloatVector.fromArray(F, acc, b + 6 * stride), b7 = FloatVector.fromArray(F, acc, b + 7 * stride);
        int rowStep = z.sh() * wp * cg, step = z.sw() * cg, q = d;
        for (int i = 0; i < z.oh(); i++) {
            for (int j = 0, r = i * rowStep; j < z.ow(); j++, r += step, q++) {
                FloatVector t = FloatVector.fromArray(F, xp, x0 + r), u = FloatVector.fromArray(F, xp, x1 + r);
                FloatVector c = FloatVector.broadcast(F, dy[q]);
                a0 = c.fma(t, a0);
                b0 = c.fma(u, b0);
                c = FloatVector.broadcast(F, dy[q + p]);
                a1 = c.fma(t, a1);
                b1 = c.fma(u, b1);
                c = FloatVector.broadcast(F, dy[q + 2 * p]);
                a2 = c.fma(t, a2);
                b2 = c.fma(u, b2);
                c = FloatVector.broadcast(F, dy[q + 3 * p]);
                a3 = c.fma(t, a3);
                b3 = c.fma(u, b3);
                c = FloatVector.broadcast(F, dy[q + 4 * p]);
                a4 = c.fma(t, a4);
                b4 = c.fma(u, b4);
                c = FloatVector.broadcast(F, dy[q + 5 * p]);
                a5 = c.fma(t, a5);
                b5 = c.fma(u, b5);
                c = FloatVector.broadcast(F, dy[q + 6 * p]);
                a6 = c.fma(t, a6);
                b6 = c.fma(u, b6);
                c = FloatVector.broadcast(F, dy[q + 7 * p]);
                a7 = c.fma(t, a7);
                b7 = c.fma(u, b7);
            }
        }
        a0.intoArray(acc, a);
        a1.intoArray(acc, a + stride);
        a2.intoArray(acc, a + 2 * stride);
        a3.intoArray(acc, a + 3 * stride);
        a4.intoArray(acc, a + 4 * stride);
        a5.intoArray(acc, a + 5 * stride);
        a6.intoArray(acc, a + 6 * stride);
        a7.intoArray(acc, a + 7 * stride);
        b0.intoArray(acc, b);
        b1.intoArray(acc, b + stride);
        b2.intoArray(acc, b + 2 * stride);
        b3.intoArray(acc, b + 3 * stride);
        b4.intoArray(acc, b + 4 * stride);
        b5.intoArray(acc, b + 5 * stride);
        b6.intoArray(acc, b + 6 * stride);
        b7.intoArray(acc, b + 7 * stride);
    }

    /**
     * {@code acc[a + i * stride + r * second + lane] += sum over positions q of dy[d + i * p + q] * xp[(r == 0 ? x0 : x1) + positions[q] + lane]}
     * for the five output channels i and the two (taps' or vectors') r, the positions in order:
     * ten sums, two loads and up to four broadcasts, within AVX2's sixteen registers.
     */
    private static void fiveByTwo(float[] xp, int x0, int x1, int[] positions, float[] dy, int d, int p,
                                  float[] acc, int a, int second, int stride) {
        FloatVector a0 = FloatVector.fromArray(F, acc, a), a1 = FloatVector.fromArray(F, acc, a + stride),
                a2 = FloatVector.fromArray(F, acc, a + 2 * stride), a3 = FloatVector.fromArray(F, acc, a + 3 * stride),
                a4 = FloatVector.fromArray(F, acc, a + 4 * stride);
        int b = a + second;
        FloatVector b0 = FloatVector.fromArray(F, acc, b), b1 = FloatVector.fromArray(F, acc, b + stride),
                b2 = FloatVector.fromArray(F, acc, b + 2 * stride), b3 = FloatVector.fromArray(F, acc, b + 3 * stride),
                b4 = FloatVector.fromArray(F, acc, b + 4 * stride);
        for (int q = 0; q < p; q++) {
            int r = positions[q];
            FloatVector t = FloatVector.fromArray(F, xp, x0 + r), u = FloatVector.fromArray(F, xp, x1 + r);
            FloatVector c = FloatVector.broadcast(F, dy[d + q]);
            a0 = c.fma(t, a0);
            b0 = c.fma(u, b0);
            c = FloatVector.broadcast(F, dy[d + q + p]);
            a1 = c.fma(t, a1);
            b1 = c.fma(u, b1);
            c = FloatVector.broadcast(F, dy[d + q + 2 * p]);
            a2 = c.fma(t, a2);
            b2 = c.fma(u, b2);
            c = FloatVector.broadcast(F, dy[d + q + 3 * p]);
            a3 = c.fma(t, a3);
            b3 = c.fma(u, b3);
            c = FloatVector.broadcast(F, dy[d + q + 4 * p]);
            a4 = c.fma(t, a4);
            b4 = c.fma(u, b4);
        }
        a0.intoArray(acc, a);
        a1.intoArray(acc, a + stride);
        a2.intoArray(acc, a + 2 * stride);
        a3.intoArray(acc, a + 3 * stride);
        a4.intoArray(acc, a + 4 * stride);
        b0.intoArray(acc, b);
        b1.intoArray(acc, b + stride);
        b2.intoArray(acc, b + 2 * stride);
        b3.intoArray(acc, b + 3 * stride);
        b4.intoArray(acc, b + 4 * stride);
    }

    /** {@link #fiveByTwo} for one tap ({@link #byPlan}'s last of an odd number with no next vector to pair). */
    private static void five(float[] xp, int x0, int[] positions, float[] dy, int d, int p, float[] acc, int a, int stride) {
        FloatVector a0 = FloatVector.fromArray(F, acc, a), a1 = FloatVector.fromArray(F, acc, a + stride),
                a2 = FloatVector.fromArray(F, acc, a + 2 * stride), a3 = FloatVector.fromArray(F, acc, a + 3 * stride),
                a4 = FloatVector.fromArray(F, acc, a + 4 * stride);
        for (int q = 0; q < p; q++) {
            FloatVector t = FloatVector.fromArray(F, xp, x0 + positions[q]);
            a0 = FloatVector.broadcast(F, dy[d + q]).fma(t, a0);
            a1 = FloatVector.broadcast(F, dy[d + q + p]).fma(t, a1);
            a2 = FloatVector.broadcast(F, dy[d + q + 2 * p]).fma(t, a2);
            a3 = FloatVector.broadcast(F, dy[d + q + 3 * p]).fma(t, a3);
            a4 = FloatVector.broadcast(F, dy[d + q + 4 * p]).fma(t, a4);
        }
        a0.intoArray(acc, a);
        a1.intoArray(acc, a + stride);
        a2.intoArray(acc, a + 2 * stride);
        a3.intoArray(acc, a + 3 * stride);
        a4.intoArray(acc, a + 4 * stride);
    }

    /** {@link #fiveByTwo} for four output channels ({@link #byPlan}'s blocks of four). */
    private static void fourByTwo(float[] xp, int x0, int x1, int[] positions, float[] dy, int d, int p,
                                  float[] acc, int a, int second, int stride) {
        FloatVector a0 = FloatVector.fromArray(F, acc, a), a1 = FloatVector.fromArray(F, acc, a + stride),
                a2 = FloatVector.fromArray(F, acc, a + 2 * stride), a3 = FloatVector.fromArray(F, acc, a + 3 * stride);
        int b = a + second;
        FloatVector b0 = FloatVector.fromArray(F, acc, b), b1 = FloatVector.fromArray(F, acc, b + stride),
                b2 = FloatVector.fromArray(F, acc, b + 2 * stride), b3 = FloatVector.fromArray(F, acc, b + 3 * stride);
        for (int q = 0; q < p; q++) {
            int r = positions[q];
            FloatVector t = FloatVector.fromArray(F, xp, x0 + r), u = FloatVector.fromArray(F, xp, x1 + r);
            FloatVector c = FloatVector.broadcast(F, dy[d + q]);
            a0 = c.fma(t, a0);
            b0 = c.fma(u, b0);
            c = FloatVector.broadcast(F, dy[d + q + p]);
            a1 = c.fma(t, a1);
            b1 = c.fma(u, b1);
            c = FloatVector.broadcast(F, dy[d + q + 2 * p]);
            a2 = c.fma(t, a2);
            b2 = c.fma(u, b2);
            c = FloatVector.broadcast(F, dy[d + q + 3 * p]);
            a3 = c.fma(t, a3);
            b3 = c.fma(u, b3);
        }
        a0.intoArray(acc, a);
        a1.intoArray(acc, a + stride);
        a2.intoArray(acc, a + 2 * stride);
        a3.intoArray(acc, a + 3 * stride);
        b0.intoArray(acc, b);
        b1.intoArray(acc, b + stride);
        b2.intoArray(acc, b + 2 * stride);
        b3.intoArray(acc, b + 3 * stride);
    }

    /**
     * {@link #eightByTwo} for one tap (the last of an odd number): eight chains still (one output
     * channel at a time, waiting on each fused multiply-add, the last of nine taps took a third of the time).
     */
    private static void eight(float[] xp, int x0, Convolution.Sizes z, int wp, int cg, float[] dy, int d, int p, float[] acc, int a,
                              int stride) {
        FloatVector a0 = FloatVector.fromArray(F, acc, a), a1 = FloatVector.fromArray(F, acc, a + stride),
                a2 = FloatVector.fromArray(F, acc, a + 2 * stride), a3 = FloatVector.fromArray(F, acc, a + 3 * stride),
                a4 = FloatVector.fromArray(F, acc, a + 4 * stride), a5 = FloatVector.fromArray(F, acc, a + 5 * stride),
                a6 = FloatVector.fromArray(F, acc, a + 6 * stride), a7 = FloatVector.fromArray(F, acc, a + 7 * stride);
        int rowStep = z.sh() * wp * cg, step = z.sw() * cg, q = d;
        for (int i = 0; i < z.oh(); i++) {
            for (int j = 0, r = i * rowStep; j < z.ow(); j++, r += step, q++) {
                FloatVector t = FloatVector.fromArray(F, xp, x0 + r);
                a0 = FloatVector.broadcast(F, dy[q]).fma(t, a0);
                a1 = FloatVector.broadcast(F, dy[q + p]).fma(t, a1);
                a2 = FloatVector.broadcast(F, dy[q + 2 * p]).fma(t, a2);
                a3 = FloatVector.broadcast(F, dy[q + 3 * p]).fma(t, a3);
                a4 = FloatVector.broadcast(F, dy[q + 4 * p]).fma(t, a4);
                a5 = FloatVector.broadcast(F, dy[q + 5 * p]).fma(t, a5);
                a6 = FloatVector.broadcast(F, dy[q + 6 * p]).fma(t, a6);
                a7 = FloatVector.broadcast(F, dy[q + 7 * p]).fma(t, a7);
            }
        }
        a0.intoArray(acc, a);
        a1.intoArray(acc, a + stride);
        a2.intoArray(acc, a + 2 * stride);
        a3.intoArray(acc, a + 3 * stride);
        a4.intoArray(acc, a + 4 * stride);
        a5.intoArray(acc, a + 5 * stride);
        a6.intoArray(acc, a + 6 * stride);
        a7.intoArray(acc, a + 7 * stride);
    }

    /** {@link #eightByTwo} for one output channel and one tap. */
    private static void one(float[] xp, int x0, Convolution.Sizes z, int wp, int cg, float[] dy, int d, float[] acc, int a) {
        FloatVector s = FloatVector.fromArray(F, acc, a);
        int rowStep = z.sh() * wp * cg, step = z.sw() * cg, q = d;
        for (int i = 0; i < z.oh(); i++) {
            for (int j = 0, r = i * rowStep; j < z.ow(); j++, r += step, q++) {
                s = FloatVector.broadcast(F, dy[q]).fma(FloatVector.fromArray(F, xp, x0 + r), s);
            }
        }
        s.intoArray(acc, a);
    }
}
