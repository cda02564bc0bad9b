package dev.modelc.runtime.exec;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The f32 input gradient on vector lanes without col2im, for a stride of 1: each input pixel's
 * sum over the taps that read it, computed where it lands. {@link Im2Col}'s way computes every
 * tap's column {@code dcols[t, q] = sum over o of w[o, t] * dy[o, q]} into memory (a product of
 * only Og = 32 terms at the CNN sample's second layer, which {@link VectorGemm} runs at about half
 * its speed) and then adds the columns into the input's positions in runs of OW values
 * ({@link Runs}); here the same column values are chains held in registers, added into the
 * pixel's sum as soon as they are complete:
 * <pre>
 *   dx[n, c, ih, iw] = 0 + col(t0) + col(t1) + ...   (the taps t = (kh, kw), in order)
 *   col(t) = fma(w[o_last, c, t], dy[n, o_last, i, j], ... fma(w[o_first, c, t], dy[n, o_first, i, j], +0))
 * </pre>
 * with {@code (i, j) = (ih + PH - kh DH, iw + PW - kw DW)}: the very operations, in the very
 * order, of {@code dcols = w^T @ dy} (every element a chain of fused multiply-adds over the
 * group's output channels in order from zero) and of col2im (a position's taps added in tap
 * order into zero), so the bits are {@link Im2Col}'s and {@link ImageIm2Col}'s. A tap whose
 * (i, j) lies outside dy reads zeros there: its chain is +0 (every {@code fma(w, 0, +0)} is +0
 * for a finite w), and a sum that starts at +0 is never -0, so adding +0 leaves its bits as they
 * are. With a weight that is not finite ({@code inf * 0} is NaN) {@link Im2Col} keeps col2im
 * ({@link #applies}).
 *
 * <p>The lanes run along a row of the input (a row of W values is ceil(W / L) vectors, the lanes
 * past W computed and dropped); the rows of each output channel of dy are first copied with
 * zeros around them, so that a tap's vector is one unmasked load whatever its offset. A block of
 * input channels ({@link #CB}: eight where vectors are 512 bits, four on narrower ones) of two
 * input rows is computed at once (the register block of {@link FloatBlocks}' shape): each vector
 * of dy serves {@code CB} fused multiply-adds, each weight, broadcast, two, and the 2 CB chains
 * are independent, which hides the fused multiply-add's latency; the weights
 * are first packed in the order the chains read them (read in place, a stride of KH * KW apart,
 * the kernel measured a fifth slower). Images run on all cores.
 *
 * <p>Measured at the CNN sample's second layer (16 -> 32 channels, 3x3, 14x14, batch 64, one
 * core's CPU time, best of 300): 1.40 ms against 1.72 through col2im on AVX-512; on AVX2 (a Zen 3
 * core, best of 200) 2.46-2.50 ms in blocks of four against 2.95-3.12 through col2im and
 * 3.28-3.53 in blocks of eight (docs/benchmarks.md).
 */
final class DirectInputGrad {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /**
     * Input channels computed together, each on two rows: 8 where vectors are 512 bits (sixteen
     * chains, two loads and a broadcast, 19 of AVX-512's 32 vector registers), else 4 (eleven
     * vectors: eight's 19 do not fit AVX2's 16).
     */
    static final int CB = L >= 16 ? 8 : 4;
    /**
     * The fewest input channels per group this kernel takes, eight on either width: a channel past
     * the blocks runs one chain at a time (latency-bound, about eight blocked channels' time), so
     * LeNet's second layer (6 -> 16, 5x5, 14x14, batch 64), six channels, a block of four and two
     * alone, took 2.06-2.13 ms on AVX2 against 1.41-1.46 through col2im.
     */
    static final int MIN_CHANNELS = 8;
    /**
     * Whether channels past the blocks may run here one at a time (else such groups go through
     * col2im): where blocks are eight, as before this width's choice was measured; where they are
     * four, no: with 16 output channels, 5x5, 14x14, batch 64 on a Zen 3 core, 9, 10, 11 and 13
     * input channels took 2.19-3.58 ms against 2.02-2.83 through col2im, while 8, 12 and 16 were
     * faster here (the lead's review, loaded machine).
     */
    static final boolean LEFTOVERS = CB == 8;

    /** Scratch of each thread: 0 an image's dy rows with room around them, 1 two rows of a block's channels, 2 a tap's chains. */
    private static final ThreadLocal<float[][]> SCRATCH = new ThreadLocal<>();
    /**
     * The calling thread's packed weights, kept for its next call (taken while in use: a thread
     * waiting for a split's other half may run another call meanwhile).
     */
    private static final ThreadLocal<float[]> PACKED = new ThreadLocal<>();

    private DirectInputGrad() {
    }

    /**
     * Whether this kernel computes the input gradient of {@code z} with weights {@code w}: a stride
     * of 1, at least {@link #MIN_CHANNELS} input channels per group (a multiple of the block unless
     * {@link #LEFTOVERS}), and finite weights (a tap
     * outside dy is added as a chain of {@code fma(w, 0, .)} from zero, which is +0 and leaves the
     * sum's bits as they are only when every w is finite: {@code inf * 0} is NaN).
     */
    static boolean applies(Convolution.Sizes z, float[] w) {
        if (z.sh() != 1 || z.sw() != 1 || z.cg() < MIN_CHANNELS || (!LEFTOVERS && z.cg() % CB != 0)) return false;
        for (float v : w) if (!Float.isFinite(v)) return false;
        return true;
    }

    /** {@code dx = conv_input_grad(dy, w)} for a stride of 1 (any channel count: those past the blocks one at a time). */
    static void run(float[] dy, float[] w, float[] dx, Convolution.Sizes z) {
        run(dy, w, dx, z, CB);
    }

    /**
     * {@link #run} in blocks of {@code cb} input channels, 8 or 4 whatever the vectors' width (the
     * tests run both: the bits are the same, each pixel's sum the same chains whichever block
     * computes it).
     */
    static void run(float[] dy, float[] w, float[] dx, Convolution.Sizes z, int cb) {
        if (cb != 8 && cb != 4) throw new IllegalArgumentException("blocks of " + cb + " input channels: 8 or 4");
        if (z.sh() != 1 || z.sw() != 1) throw new IllegalArgumentException("the direct input gradient needs a stride of 1");
        int vs = (z.w() + L - 1) / L, s = vs * L;
        // dy(i, j) of output channel o (within the group) at o * rd * sd + (a + i) * sd + b + j. Input
        // row ih (up to H, one past the last: rows go in pairs) reads at tap (kh, kw) output row
        // ih + PH - kh DH, from PH - (KH - 1) DH to H + PH, and lanes iw in [0, s) read columns
        // iw + PW - kw DW, from PW - (KW - 1) DW to s - 1 + PW: a and b rows and columns of room
        // before, so that every load lies inside; the room holds zeros. A row's pitch also holds
        // dy's OW values from column b (a padding wider than the kernel reaches makes OW > s + PW).
        int a = Math.max(0, (z.kh() - 1) * z.dh() - z.ph()), rd = a + Math.max(z.oh(), z.h() + z.ph() + 1);
        int b = Math.max(0, (z.kw() - 1) * z.dw() - z.pw()), sd = b + Math.max(s + z.pw(), z.ow());
        Geometry geo = new Geometry(z, vs, a, b, sd, rd * sd);
        int taps = z.kh() * z.kw();
        float[] kept = PACKED.get();
        PACKED.set(null);
        float[] packed = pack(w, z, kept, cb);
        Parallel.forRange(z.n(), (long) z.c() * z.h() * s * taps * z.og(), (n0, n1) -> {
            float[][] held = SCRATCH.get();
            SCRATCH.set(null);
            if (held == null) held = new float[][] {new float[0], new float[0], new float[2 * 8 * L]};
            float[] rows = grow(held, 0, (long) z.og() * geo.plane()), out = grow(held, 1, (long) cb * 2 * s), cols = held[2];
            // The room around dy's rows holds zeros (a previous call's values may lie there).
            java.util.Arrays.fill(rows, 0, z.og() * geo.plane(), 0f);
            for (int n = n0; n < n1; n++) {
                for (int g = 0; g < z.groups(); g++) {
                    for (int o = 0; o < z.og(); o++) {
                        int from = (n * z.o() + g * z.og() + o) * z.oh() * z.ow();
                        for (int i = 0; i < z.oh(); i++) {
                            System.arraycopy(dy, from + i * z.ow(), rows, o * geo.plane() + (a + i) * sd + b, z.ow());
                        }
                    }
                    int c = 0;
                    for (; c + cb <= z.cg(); c += cb) block(packed, rows, dx, out, cols, geo, n, g, c, cb);
                    for (; c < z.cg(); c++) block(w, rows, dx, out, cols, geo, n, g, c, 1);
                }
            }
            SCRATCH.set(held);
        });
        PACKED.set(packed);
    }

    /**
     * A call's layout: vectors per row {@code vs}, the rows and columns of room {@code a}, {@code b}
     * before dy's in the copy, its row length {@code sd} and an output channel's {@code plane}.
     */
    private record Geometry(Convolution.Sizes z, int vs, int a, int b, int sd, int plane) {
        /** Whether input row ih reads an output at kernel row kh. */
        boolean reads(int ih, int kh) {
            int th = ih + z.ph() - kh * z.dh();
            return ih < z.h() && th >= 0 && th < z.oh();
        }

        /** Where in the copy vector v of input row ih starts reading at tap (kh, kw). */
        int at(int ih, int kh, int kw, int v) {
            return (a + ih + z.ph() - kh * z.dh()) * sd + b + v * L + z.pw() - kw * z.dw();
        }
    }

    /** Channels {@code [c, c + count)} of group g of image n ({@code count} eight, four or one), two rows at a time. */
    private static void block(float[] w, float[] rows, float[] dx, float[] out, float[] cols, Geometry geo, int n, int g, int c, int count) {
        Convolution.Sizes z = geo.z();
        int s = geo.vs() * L, plane = z.h() * z.w();
        int first = (n * z.c() + g * z.cg() + c) * plane;
        for (int ih = 0; ih < z.h(); ih += 2) {
            java.util.Arrays.fill(out, 0, count * 2 * s, 0f);
            for (int v = 0; v < geo.vs(); v++) {
                if (count == 8) eight(w, rows, out, cols, geo, g, c, ih, v);
                else if (count == 4) four(w, rows, out, geo, g, c, ih, v);
                else one(w, rows, out, geo, g, c, ih, v);
            }
            for (int k = 0; k < count; k++) {
                System.arraycopy(out, 2 * k * s, dx, first + k * plane + ih * z.w(), z.w());
                if (ih + 1 < z.h()) System.arraycopy(out, (2 * k + 1) * s, dx, first + k * plane + (ih + 1) * z.w(), z.w());
            }
        }
    }

    /**
     * The sums of input rows {@code ih} and {@code ih + 1}, lanes {@code [v L, v L + L)}, of the
     * eight channels from {@code c}, added into {@code out[(2 k + r) s + v L]} (channel k, row r):
     * per tap, sixteen chains over the output channels (each load of dy serves eight, each
     * broadcast weight two), then each added where the tap reads an output.
     */
    private static void eight(float[] w, float[] rows, float[] out, float[] cols, Geometry geo, int g, int c, int ih, int v) {
        Convolution.Sizes z = geo.z();
        int taps = z.kh() * z.kw(), og = z.og(), plane = geo.plane(), s = geo.vs() * L, to = v * L;
        FloatVector zero = FloatVector.zero(F);
        for (int kh = 0; kh < z.kh(); kh++) {
            boolean r0 = geo.reads(ih, kh), r1 = geo.reads(ih + 1, kh);
            if (!r0 && !r1) continue;
            for (int kw = 0; kw < z.kw(); kw++) {
                // w[g * Og + o, c + k, t] at wo + k (packed)
                int at = geo.at(ih, kh, kw, v), wo = (((g * (z.cg() / 8) + c / 8) * taps + kh * z.kw() + kw) * og) * 8;
                FloatVector p0 = zero, p1 = zero, p2 = zero, p3 = zero, p4 = zero, p5 = zero, p6 = zero, p7 = zero;
                FloatVector q0 = zero, q1 = zero, q2 = zero, q3 = zero, q4 = zero, q5 = zero, q6 = zero, q7 = zero;
                for (int o = 0; o < og; o++, at += plane, wo += 8) {
                    FloatVector d = FloatVector.fromArray(F, rows, at), e = FloatVector.fromArray(F, rows, at + geo.sd());
                    FloatVector k = FloatVector.broadcast(F, w[wo]);
                    p0 = k.fma(d, p0);
                    q0 = k.fma(e, q0);
                    k = FloatVector.broadcast(F, w[wo + 1]);
                    p1 = k.fma(d, p1);
                    q1 = k.fma(e, q1);
                    k = FloatVector.broadcast(F, w[wo + 2]);
                    p2 = k.fma(d, p2);
                    q2 = k.fma(e, q2);
                    k = FloatVector.broadcast(F, w[wo + 3]);
                    p3 = k.fma(d, p3);
                    q3 = k.fma(e, q3);
                    k = FloatVector.broadcast(F, w[wo + 4]);
                    p4 = k.fma(d, p4);
                    q4 = k.fma(e, q4);
                    k = FloatVector.broadcast(F, w[wo + 5]);
                    p5 = k.fma(d, p5);
                    q5 = k.fma(e, q5);
                    k = FloatVector.broadcast(F, w[wo + 6]);
                    p6 = k.fma(d, p6);
                    q6 = k.fma(e, q6);
                    k = FloatVector.broadcast(F, w[wo + 7]);
                    p7 = k.fma(d, p7);
                    q7 = k.fma(e, q7);
                }
                // The chains wait in cols while each is added, on its lanes, into its channel's row (in
                // a loop of its own: sixteen inlined adds made this method too large for C2 to keep
                // its vectors unboxed).
                p0.intoArray(cols, 0);
                q0.intoArray(cols, L);
                p1.intoArray(cols, 2 * L);
                q1.intoArray(cols, 3 * L);
                p2.intoArray(cols, 4 * L);
                q2.intoArray(cols, 5 * L);
                p3.intoArray(cols, 6 * L);
                q3.intoArray(cols, 7 * L);
                p4.intoArray(cols, 8 * L);
                q4.intoArray(cols, 9 * L);
                p5.intoArray(cols, 10 * L);
                q5.intoArray(cols, 11 * L);
                p6.intoArray(cols, 12 * L);
                q6.intoArray(cols, 13 * L);
                p7.intoArray(cols, 14 * L);
                q7.intoArray(cols, 15 * L);
                addColumns(cols, 8, out, to, s, r0, r1);
            }
        }
    }

    /** {@link #eight} for the four channels from {@code c}: eight chains, whose eleven vectors fit AVX2's sixteen registers. */
    private static void four(float[] w, float[] rows, float[] out, Geometry geo, int g, int c, int ih, int v) {
        Convolution.Sizes z = geo.z();
        int taps = z.kh() * z.kw(), og = z.og(), plane = geo.plane(), s = geo.vs() * L, to = v * L;
        FloatVector zero = FloatVector.zero(F);
        for (int kh = 0; kh < z.kh(); kh++) {
            boolean r0 = geo.reads(ih, kh), r1 = geo.reads(ih + 1, kh);
            if (!r0 && !r1) continue;
            for (int kw = 0; kw < z.kw(); kw++) {
                int at = geo.at(ih, kh, kw, v), wo = (((g * (z.cg() / 4) + c / 4) * taps + kh * z.kw() + kw) * og) * 4;
                FloatVector p0 = zero, p1 = zero, p2 = zero, p3 = zero;
                FloatVector q0 = zero, q1 = zero, q2 = zero, q3 = zero;
                for (int o = 0; o < og; o++, at += plane, wo += 4) {
                    FloatVector d = FloatVector.fromArray(F, rows, at), e = FloatVector.fromArray(F, rows, at + geo.sd());
                    FloatVector k = FloatVector.broadcast(F, w[wo]);
                    p0 = k.fma(d, p0);
                    q0 = k.fma(e, q0);
                    k = FloatVector.broadcast(F, w[wo + 1]);
                    p1 = k.fma(d, p1);
                    q1 = k.fma(e, q1);
                    k = FloatVector.broadcast(F, w[wo + 2]);
                    p2 = k.fma(d, p2);
                    q2 = k.fma(e, q2);
                    k = FloatVector.broadcast(F, w[wo + 3]);
                    p3 = k.fma(d, p3);
                    q3 = k.fma(e, q3);
                }
                // Each chain added into its channel's row straight from its register: eight adds inline
                // leave the method small enough for C2 to keep the vectors unboxed (eight's sixteen did
                // not), and at the CNN sample's second layer on AVX2 it took 2.46-2.50 ms against
                // 2.64-2.65 through cols and addColumns.
                if (r0) {
                    add(out, to, p0);
                    add(out, to + 2 * s, p1);
                    add(out, to + 4 * s, p2);
                    add(out, to + 6 * s, p3);
                }
                if (r1) {
                    add(out, to + s, q0);
                    add(out, to + 3 * s, q1);
                    add(out, to + 5 * s, q2);
                    add(out, to + 7 * s, q3);
                }
            }
        }
    }

    /**
     * {@code out[(2 k + r) s + to ..] += cols[(2 k + r) L ..]} for the {@code count} channels k
     * (eight or four) and the rows r that read an output: one f32 add each, the other lanes left
     * as they are.
     */
    private static void addColumns(float[] cols, int count, float[] out, int to, int s, boolean r0, boolean r1) {
        for (int k = 0; k < 2 * count; k++) {
            if (k % 2 == 0 ? !r0 : !r1) continue;
            int at = k * s + to;
            FloatVector.fromArray(F, out, at).add(FloatVector.fromArray(F, cols, k * L)).intoArray(out, at);
        }
    }

    /** {@code out[at ..] += col}: one f32 add each. */
    private static void add(float[] out, int at, FloatVector col) {
        FloatVector.fromArray(F, out, at).add(col).intoArray(out, at);
    }

    /** {@link #eight} for one channel (those left over after the blocks). */
    private static void one(float[] w, float[] rows, float[] out, Geometry geo, int g, int c, int ih, int v) {
        Convolution.Sizes z = geo.z();
        int taps = z.kh() * z.kw(), og = z.og(), plane = geo.plane(), ws = z.cg() * taps, s = geo.vs() * L;
        for (int r = 0; r < 2; r++) {
            for (int kh = 0; kh < z.kh(); kh++) {
                if (!geo.reads(ih + r, kh)) continue;
                for (int kw = 0; kw < z.kw(); kw++) {
                    int at = geo.at(ih + r, kh, kw, v), wo = (g * og * z.cg() + c) * taps + kh * z.kw() + kw;
                    FloatVector sum = FloatVector.zero(F);
                    for (int o = 0; o < og; o++, at += plane, wo += ws) {
                        sum = FloatVector.broadcast(F, w[wo]).fma(FloatVector.fromArray(F, rows, at), sum);
                    }
                    add(out, r * s + v * L, sum);
                }
            }
        }
    }

    /**
     * The weights of the blocks of {@code cb} channels, in the order {@link #eight} and {@link #four}
     * read them: {@code packed[(((g * blocks + c / cb) * taps + t) * Og + o) * cb + c % cb] = w[g * Og + o, c, t]}.
     */
    private static float[] pack(float[] w, Convolution.Sizes z, float[] kept, int cb) {
        int taps = z.kh() * z.kw(), og = z.og(), cg = z.cg(), blocks = cg / cb, size = z.groups() * blocks * taps * og * cb;
        float[] packed = kept != null && kept.length >= size ? kept : new float[size];
        for (int g = 0; g < z.groups(); g++) {
            for (int b = 0; b < blocks; b++) {
                for (int t = 0; t < taps; t++) {
                    for (int o = 0; o < og; o++) {
                        int to = (((g * blocks + b) * taps + t) * og + o) * cb, from = ((g * og + o) * cg + b * cb) * taps + t;
                        for (int k = 0; k < cb; k++) packed[to + k] = w[from + k * taps];
                    }
                }
            }
        }
        return packed;
    }

    private static float[] grow(float[][] held, int which, long size) {
        if (size > Integer.MAX_VALUE - 8) throw new ExecutionError("a convolution's input gradient needs " + size + " elements, more than an array holds");
        if (held[which].length < size) held[which] = new float[(int) size];
        return held[which];
    }
}
