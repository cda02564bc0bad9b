package dev.modelc.runtime.exec;

import dev.modelc.runtime.exec.MaxPool.Kind;
import dev.modelc.runtime.exec.MaxPool.Sizes;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link PairPool} on {@code jdk.incubator.vector} lanes: unpadded 2 x 2 windows of stride 2,
 * a vector's worth of windows of one row pair at a time, with {@link MaxPool}'s bits.
 *
 * <p>A chunk of L windows (L the lanes of a vector) reads 2L values of each row as two vectors
 * and splits them into the windows' left and right columns with a two-vector permute
 * ({@code selectFrom(v1, v2)} of the even and of the odd positions, a two-table permute such
 * as AVX-512's {@code vpermt2ps}; measured on AVX-512 only),
 * so lane j holds window j's four values a, b (upper row) and c, d (lower row). The running rule
 * then runs lane-wise as masks: {@code first = b > a | isnan(b)}, {@code second = d > c |
 * isnan(d)}, the rows' winners as blends, {@code lower = bottom > top | isnan(bottom)}, the
 * result a blend: the same comparisons in the same order as the scalar rule, so ties keep the
 * first position (+0 then -0 gives +0, -0 then +0 gives -0) and NaN wins. Blends move values
 * unchanged, so even a NaN's payload is the winner's. MAX and SELECT store L results (SELECT's
 * operand split like x); SCATTER builds each column's values ({@code 0 + g} where the column's
 * row wins, else 0) and interleaves them back into the two rows with the inverse permute. A
 * row's last chunk, shorter than L windows, stores only its windows' lanes (masked stores); its
 * loads run on past the row, and where they would pass the array's end (the last rows of a
 * tensor whose slot is exactly its size) the rest of the row runs as {@link PairPool}'s scalar
 * code. Rows of at most L/2 windows (the CNN's second pool, 14 x 14 planes, on 16 lanes) take
 * two row pairs per chunk, half the lanes each, so they fill the lanes as wide rows do: one more
 * permute moves the two halves' results together (and SCATTER's g apart).
 *
 * <p>Only {@link MaxPool} touches this class, and only when the vector module is in the boot
 * layer: loading it without the module would fail.
 */
final class VectorPairPool {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int FL = F.length();
    private static final int DL = D.length();
    /** Lane j is 2j (of v1 ++ v2 for {@code selectFrom(v1, v2)}): the left columns. */
    private static final FloatVector EVEN_F = FloatVector.fromArray(F, floats(evens(FL)), 0);
    /** Lane j is 2j + 1: the right columns. */
    private static final FloatVector ODD_F = EVEN_F.add(1f);
    /** Lane j is j: no permute. */
    private static final FloatVector IOTA_F = EVEN_F.mul(0.5f);
    /** Lanes 2j and 2j + 1 are j and L + j: the first half of left and right columns interleaved. */
    private static final FloatVector LOW_F = FloatVector.fromArray(F, floats(interleaved(FL)), 0);
    /** The second half interleaved. */
    private static final FloatVector HIGH_F = LOW_F.add(FL / 2f);
    private static final DoubleVector EVEN_D = DoubleVector.fromArray(D, doubles(evens(DL)), 0);
    private static final DoubleVector ODD_D = EVEN_D.add(1d);
    private static final DoubleVector IOTA_D = EVEN_D.mul(0.5d);
    private static final DoubleVector LOW_D = DoubleVector.fromArray(D, doubles(interleaved(DL)), 0);
    private static final DoubleVector HIGH_D = LOW_D.add(DL / 2d);

    private VectorPairPool() {
    }

    /**
     * Whether this JVM runs x86 vectors of 512 bits (AVX-512), where C2 compiles the two-vector
     * permute to one instruction, the one place this class was measured. Elsewhere it may run as
     * the Vector API's scalar Java: with {@code -XX:UseAVX=2} on the benchmark machine (256-bit
     * vectors) the f64 pool took 41 ns a window, 5 times the scalar {@link PairPool}, and the f32
     * one was no faster than the scalar code.
     */
    static boolean compiled() {
        String arch = System.getProperty("os.arch", "");
        return (arch.equals("amd64") || arch.equals("x86_64")) && F.vectorBitSize() >= 512;
    }

    private static int[] evens(int n) {
        int[] v = new int[n];
        for (int j = 0; j < n; j++) v[j] = 2 * j;
        return v;
    }

    private static int[] interleaved(int n) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = (i % 2 == 0 ? 0 : n) + i / 2;
        return v;
    }

    private static float[] floats(int[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }

    private static double[] doubles(int[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }

    /** Planes {@code [start, end)} of {@code kind}, as {@link PairPool#planes(Kind, float[], float[], float[], Sizes, int, int)}. */
    static void planes(Kind kind, float[] x, float[] b, float[] out, Sizes z, int start, int end) {
        int w = z.w(), ow = z.ow(), oh = z.oh(), plane = z.h() * w, pooled = oh * ow;
        // Rows of at most L/2 windows (the CNN's 14 x 14 planes on 16 lanes) take two row pairs a
        // chunk: the upper rows' 2L values are L of each pair's upper row, so lanes [0, L/2) are
        // the first pair's windows and [L/2, L) the second's; their results are adjacent in out.
        boolean narrow = 2 * ow <= FL;
        FloatVector compact = narrow ? FloatVector.fromArray(F, floats(compacting(FL, ow)), 0) : IOTA_F;
        FloatVector spread = narrow ? FloatVector.fromArray(F, floats(spreading(FL, ow)), 0) : IOTA_F;
        for (int p = start; p < end; p++) {
            int base = p * plane;
            int oi = 0;
            for (; narrow && oi + 1 < oh; oi += 2) {
                int top = base + 2 * oi * w, o = p * pooled + oi * ow;
                if (!chunk(kind, x, b, out, top, top + 2 * w, w, o, 2 * ow, 2 * ow, 2 * ow, compact, spread)) {
                    PairPool.windows(kind, x, b, out, top, w, o, ow);
                    PairPool.windows(kind, x, b, out, top + 2 * w, w, o + ow, ow);
                }
            }
            for (; oi < oh; oi++) {
                int row = base + 2 * oi * w, o = p * pooled + oi * ow;
                for (int oj = 0; oj < ow; oj += FL) {
                    int top = row + 2 * oj, n = Math.min(FL, ow - oj);
                    if (!chunk(kind, x, b, out, top, top + FL, w, o + oj, n, Math.min(FL, 2 * n), 2 * n - FL, IOTA_F, IOTA_F)) {
                        PairPool.windows(kind, x, b, out, top, w, o + oj, ow - oj);
                        break;
                    }
                }
            }
            if (kind == Kind.SCATTER) PairPool.clearOutside(out, base, z);
        }
    }

    /**
     * One chunk of L windows: the upper rows' values are L from {@code top0} and L from
     * {@code top1} (the lower rows' {@code w} further), the results {@code n} from {@code o}
     * (SCATTER: g read there, {@code count0} positions written from {@code top0} and
     * {@code count1} from {@code top1} in each row). {@code compact} moves the lanes of two
     * row pairs' results together and {@code spread} g apart (the identity for one row pair:
     * an extra permute rather than a branch, which would make C2 box the vector). False,
     * with nothing written, when a load would pass an array's end: the caller runs those windows
     * as scalar code. Loads run past the windows (into the next row); only the stores must not
     * (masked for a short chunk).
     */
    private static boolean chunk(Kind kind, float[] x, float[] b, float[] out, int top0, int top1, int w, int o, int n,
                                 int count0, int count1, FloatVector compact, FloatVector spread) {
        int below0 = top0 + w, below1 = top1 + w;
        if (below1 + FL > x.length || (kind == Kind.SELECT && below1 + FL > b.length) || (kind == Kind.SCATTER && o + FL > b.length)) {
            return false;
        }
        FloatVector t0 = FloatVector.fromArray(F, x, top0), t1 = FloatVector.fromArray(F, x, top1);
        FloatVector b0 = FloatVector.fromArray(F, x, below0), b1 = FloatVector.fromArray(F, x, below1);
        FloatVector xa = EVEN_F.selectFrom(t0, t1), xb = ODD_F.selectFrom(t0, t1);
        FloatVector xc = EVEN_F.selectFrom(b0, b1), xd = ODD_F.selectFrom(b0, b1);
        VectorMask<Float> first = beats(xb, xa), second = beats(xd, xc);
        FloatVector upper = xa.blend(xb, first), bottom = xc.blend(xd, second);
        VectorMask<Float> lower = beats(bottom, upper);
        switch (kind) {
            case MAX -> store(compact.selectFrom(upper.blend(bottom, lower)), out, o, n);
            case SELECT -> {
                FloatVector u0 = FloatVector.fromArray(F, b, top0), u1 = FloatVector.fromArray(F, b, top1);
                FloatVector v0 = FloatVector.fromArray(F, b, below0), v1 = FloatVector.fromArray(F, b, below1);
                FloatVector upperU = EVEN_F.selectFrom(u0, u1).blend(ODD_F.selectFrom(u0, u1), first);
                FloatVector bottomU = EVEN_F.selectFrom(v0, v1).blend(ODD_F.selectFrom(v0, v1), second);
                store(compact.selectFrom(upperU.blend(bottomU, lower)), out, o, n);
            }
            case SCATTER -> {
                // 0 + g, the reference's sum from zero: a -0 gradient lands as +0.
                FloatVector g = spread.selectFrom(FloatVector.fromArray(F, b, o)).add(0f), zero = FloatVector.zero(F);
                FloatVector ga = zero.blend(g, first.or(lower).not()), gb = zero.blend(g, first.andNot(lower));
                FloatVector gc = zero.blend(g, lower.andNot(second)), gd = zero.blend(g, second.and(lower));
                store(LOW_F.selectFrom(ga, gb), out, top0, count0);
                store(HIGH_F.selectFrom(ga, gb), out, top1, count1);
                store(LOW_F.selectFrom(gc, gd), out, below0, count0);
                store(HIGH_F.selectFrom(gc, gd), out, below1, count1);
            }
        }
        return true;
    }

    /** The running rule's step as a mask: whether the later value wins, {@code later > earlier | isnan(later)}. */
    private static VectorMask<Float> beats(FloatVector later, FloatVector earlier) {
        return later.compare(VectorOperators.GT, earlier).or(later.test(VectorOperators.IS_NAN));
    }

    /** Stores the first {@code n} lanes of {@code v}. */
    private static void store(FloatVector v, float[] out, int at, int n) {
        if (n >= FL) v.intoArray(out, at);
        else if (n > 0) v.intoArray(out, at, F.indexInRange(0, n));
    }

    /** Planes {@code [start, end)} of {@code kind}, as {@link PairPool#planes(Kind, double[], double[], double[], Sizes, int, int)}. */
    static void planes(Kind kind, double[] x, double[] b, double[] out, Sizes z, int start, int end) {
        int w = z.w(), ow = z.ow(), oh = z.oh(), plane = z.h() * w, pooled = oh * ow;
        // Rows of at most L/2 windows (the CNN's 14 x 14 planes on 16 lanes) take two row pairs a
        // chunk: the upper rows' 2L values are L of each pair's upper row, so lanes [0, L/2) are
        // the first pair's windows and [L/2, L) the second's; their results are adjacent in out.
        boolean narrow = 2 * ow <= DL;
        DoubleVector compact = narrow ? DoubleVector.fromArray(D, doubles(compacting(DL, ow)), 0) : IOTA_D;
        DoubleVector spread = narrow ? DoubleVector.fromArray(D, doubles(spreading(DL, ow)), 0) : IOTA_D;
        for (int p = start; p < end; p++) {
            int base = p * plane;
            int oi = 0;
            for (; narrow && oi + 1 < oh; oi += 2) {
                int top = base + 2 * oi * w, o = p * pooled + oi * ow;
                if (!chunk(kind, x, b, out, top, top + 2 * w, w, o, 2 * ow, 2 * ow, 2 * ow, compact, spread)) {
                    PairPool.windows(kind, x, b, out, top, w, o, ow);
                    PairPool.windows(kind, x, b, out, top + 2 * w, w, o + ow, ow);
                }
            }
            for (; oi < oh; oi++) {
                int row = base + 2 * oi * w, o = p * pooled + oi * ow;
                for (int oj = 0; oj < ow; oj += DL) {
                    int top = row + 2 * oj, n = Math.min(DL, ow - oj);
                    if (!chunk(kind, x, b, out, top, top + DL, w, o + oj, n, Math.min(DL, 2 * n), 2 * n - DL, IOTA_D, IOTA_D)) {
                        PairPool.windows(kind, x, b, out, top, w, o + oj, ow - oj);
                        break;
                    }
                }
            }
            if (kind == Kind.SCATTER) PairPool.clearOutside(out, base, z);
        }
    }

    /**
     * One chunk of L windows: the upper rows' values are L from {@code top0} and L from
     * {@code top1} (the lower rows' {@code w} further), the results {@code n} from {@code o}
     * (SCATTER: g read there, {@code count0} positions written from {@code top0} and
     * {@code count1} from {@code top1} in each row). {@code compact} moves the lanes of two
     * row pairs' results together and {@code spread} g apart (the identity for one row pair:
     * an extra permute rather than a branch, which would make C2 box the vector). False,
     * with nothing written, when a load would pass an array's end: the caller runs those windows
     * as scalar code. Loads run past the windows (into the next row); only the stores must not
     * (masked for a short chunk).
     */
    private static boolean chunk(Kind kind, double[] x, double[] b, double[] out, int top0, int top1, int w, int o, int n,
                                 int count0, int count1, DoubleVector compact, DoubleVector spread) {
        int below0 = top0 + w, below1 = top1 + w;
        if (below1 + DL > x.length || (kind == Kind.SELECT && below1 + DL > b.length) || (kind == Kind.SCATTER && o + DL > b.length)) {
            return false;
        }
        DoubleVector t0 = DoubleVector.fromArray(D, x, top0), t1 = DoubleVector.fromArray(D, x, top1);
        DoubleVector b0 = DoubleVector.fromArray(D, x, below0), b1 = DoubleVector.fromArray(D, x, below1);
        DoubleVector xa = EVEN_D.selectFrom(t0, t1), xb = ODD_D.selectFrom(t0, t1);
        DoubleVector xc = EVEN_D.selectFrom(b0, b1), xd = ODD_D.selectFrom(b0, b1);
        VectorMask<Double> first = beats(xb, xa), second = beats(xd, xc);
        DoubleVector upper = xa.blend(xb, first), bottom = xc.blend(xd, second);
        VectorMask<Double> lower = beats(bottom, upper);
        switch (kind) {
            case MAX -> store(compact.selectFrom(upper.blend(bottom, lower)), out, o, n);
            case SELECT -> {
                DoubleVector u0 = DoubleVector.fromArray(D, b, top0), u1 = DoubleVector.fromArray(D, b, top1);
                DoubleVector v0 = DoubleVector.fromArray(D, b, below0), v1 = DoubleVector.fromArray(D, b, below1);
                DoubleVector upperU = EVEN_D.selectFrom(u0, u1).blend(ODD_D.selectFrom(u0, u1), first);
                DoubleVector bottomU = EVEN_D.selectFrom(v0, v1).blend(ODD_D.selectFrom(v0, v1), second);
                store(compact.selectFrom(upperU.blend(bottomU, lower)), out, o, n);
            }
            case SCATTER -> {
                // 0 + g, the reference's sum from zero: a -0 gradient lands as +0.
                DoubleVector g = spread.selectFrom(DoubleVector.fromArray(D, b, o)).add(0d), zero = DoubleVector.zero(D);
                DoubleVector ga = zero.blend(g, first.or(lower).not()), gb = zero.blend(g, first.andNot(lower));
                DoubleVector gc = zero.blend(g, lower.andNot(second)), gd = zero.blend(g, second.and(lower));
                store(LOW_D.selectFrom(ga, gb), out, top0, count0);
                store(HIGH_D.selectFrom(ga, gb), out, top1, count1);
                store(LOW_D.selectFrom(gc, gd), out, below0, count0);
                store(HIGH_D.selectFrom(gc, gd), out, below1, count1);
            }
        }
        return true;
    }

    /** The running rule's step as a mask: whether the later value wins, {@code later > earlier | isnan(later)}. */
    private static VectorMask<Double> beats(DoubleVector later, DoubleVector earlier) {
        return later.compare(VectorOperators.GT, earlier).or(later.test(VectorOperators.IS_NAN));
    }

    /** Stores the first {@code n} lanes of {@code v}. */
    private static void store(DoubleVector v, double[] out, int at, int n) {
        if (n >= DL) v.intoArray(out, at);
        else if (n > 0) v.intoArray(out, at, D.indexInRange(0, n));
    }

    /** Lanes [0, ow) stay, lanes [L/2, L/2 + ow) move to [ow, 2 ow): two row pairs' results side by side. */
    private static int[] compacting(int lanes, int ow) {
        int[] v = new int[lanes];
        for (int i = 0; i < lanes; i++) v[i] = i < ow ? i : i < 2 * ow ? lanes / 2 + i - ow : i;
        return v;
    }

    /** The inverse: values [ow, 2 ow) to lanes [L/2, L/2 + ow). */
    private static int[] spreading(int lanes, int ow) {
        int[] v = new int[lanes];
        for (int i = 0; i < lanes; i++) v[i] = i < lanes / 2 ? i : i - lanes / 2 + ow;
        return v;
    }
}
