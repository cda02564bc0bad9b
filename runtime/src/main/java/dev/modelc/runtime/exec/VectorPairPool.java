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
 * ({@code selectFrom} of the even and of the odd positions; one {@code vpermt2ps} on AVX-512),
 * so lane j holds window j's four values a, b (upper row) and c, d (lower row). The running rule
 * then runs lane-wise as masks: {@code first = b > a | isnan(b)}, {@code second = d > c |
 * isnan(d)}, the rows' winners as blends, {@code lower = bottom > top | isnan(bottom)}, the
 * result a blend: the same comparisons in the same order as the scalar rule, so ties keep the
 * first position (+0 then -0 gives +0, -0 then +0 gives -0) and NaN wins. Blends move values
 * unchanged, so even a NaN's payload is the winner's. MAX and SELECT store L results (SELECT's
 * operand split like x); SCATTER builds each column's values ({@code 0 + g} where the column's
 * row wins, else 0) and interleaves them back into the two rows with the inverse permute. A
 * row's last chunk, shorter than L windows, runs with masked loads and stores (lanes past the
 * pairs read and write nothing), so there is no scalar tail.
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
    /** Lanes 2j and 2j + 1 are j and L + j: the first half of left and right columns interleaved. */
    private static final FloatVector LOW_F = FloatVector.fromArray(F, floats(interleaved(FL)), 0);
    /** The second half interleaved. */
    private static final FloatVector HIGH_F = LOW_F.add(FL / 2f);
    private static final DoubleVector EVEN_D = DoubleVector.fromArray(D, doubles(evens(DL)), 0);
    private static final DoubleVector ODD_D = EVEN_D.add(1d);
    private static final DoubleVector LOW_D = DoubleVector.fromArray(D, doubles(interleaved(DL)), 0);
    private static final DoubleVector HIGH_D = LOW_D.add(DL / 2d);

    private VectorPairPool() {
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
        int w = z.w(), ow = z.ow(), plane = z.h() * w, pooled = z.oh() * ow;
        for (int p = start; p < end; p++) {
            int base = p * plane;
            for (int oi = 0; oi < z.oh(); oi++) {
                int row = base + 2 * oi * w, o = p * pooled + oi * ow;
                for (int oj = 0; oj < ow; oj += FL) {
                    int top = row + 2 * oj, below = top + w, n = ow - oj;
                    // Loads read 2L values of each row, past the row's pairs (into the next row),
                    // and L of g: where that passes an array's end, the rest of the row is scalar.
                    // Only the stores must stay inside the pairs (masked for a short last chunk).
                    if (below + 2 * FL > x.length || (kind == Kind.SELECT && below + 2 * FL > b.length)
                            || (kind == Kind.SCATTER && o + oj + FL > b.length)) {
                        PairPool.windows(kind, x, b, out, top, w, o + oj, n);
                        break;
                    }
                    FloatVector t0 = FloatVector.fromArray(F, x, top), t1 = FloatVector.fromArray(F, x, top + FL);
                    FloatVector b0 = FloatVector.fromArray(F, x, below), b1 = FloatVector.fromArray(F, x, below + FL);
                    FloatVector xa = EVEN_F.selectFrom(t0, t1), xb = ODD_F.selectFrom(t0, t1);
                    FloatVector xc = EVEN_F.selectFrom(b0, b1), xd = ODD_F.selectFrom(b0, b1);
                    VectorMask<Float> first = beats(xb, xa), second = beats(xd, xc);
                    FloatVector upper = xa.blend(xb, first), bottom = xc.blend(xd, second);
                    VectorMask<Float> lower = beats(bottom, upper);
                    switch (kind) {
                        case MAX -> store(upper.blend(bottom, lower), out, o + oj, n);
                        case SELECT -> {
                            FloatVector u0 = FloatVector.fromArray(F, b, top), u1 = FloatVector.fromArray(F, b, top + FL);
                            FloatVector v0 = FloatVector.fromArray(F, b, below), v1 = FloatVector.fromArray(F, b, below + FL);
                            FloatVector upperU = EVEN_F.selectFrom(u0, u1).blend(ODD_F.selectFrom(u0, u1), first);
                            FloatVector bottomU = EVEN_F.selectFrom(v0, v1).blend(ODD_F.selectFrom(v0, v1), second);
                            store(upperU.blend(bottomU, lower), out, o + oj, n);
                        }
                        case SCATTER -> {
                            // 0 + g, the reference's sum from zero: a -0 gradient lands as +0.
                            FloatVector g = FloatVector.fromArray(F, b, o + oj).add(0f), zero = FloatVector.zero(F);
                            FloatVector ga = zero.blend(g, first.or(lower).not()), gb = zero.blend(g, first.andNot(lower));
                            FloatVector gc = zero.blend(g, lower.andNot(second)), gd = zero.blend(g, second.and(lower));
                            store(LOW_F.selectFrom(ga, gb), out, top, 2 * n);
                            store(HIGH_F.selectFrom(ga, gb), out, top + FL, 2 * n - FL);
                            store(LOW_F.selectFrom(gc, gd), out, below, 2 * n);
                            store(HIGH_F.selectFrom(gc, gd), out, below + FL, 2 * n - FL);
                        }
                    }
                }
            }
            if (kind == Kind.SCATTER) PairPool.clearOutside(out, base, z);
        }
    }

    /** The running rule's step as a mask: whether the later value wins, {@code later > earlier | isnan(later)}. */
    private static VectorMask<Float> beats(FloatVector later, FloatVector earlier) {
        return later.compare(VectorOperators.GT, earlier).or(later.test(VectorOperators.IS_NAN));
    }

    /** Stores the first {@code n} lanes of {@code v} (all of them when {@code n} is at least L). */
    private static void store(FloatVector v, float[] out, int at, int n) {
        if (n >= FL) v.intoArray(out, at);
        else v.intoArray(out, at, F.indexInRange(0, n));
    }

    /** {@link #planes(Kind, float[], float[], float[], Sizes, int, int)} on f64 values. */
    static void planes(Kind kind, double[] x, double[] b, double[] out, Sizes z, int start, int end) {
        int w = z.w(), ow = z.ow(), plane = z.h() * w, pooled = z.oh() * ow;
        for (int p = start; p < end; p++) {
            int base = p * plane;
            for (int oi = 0; oi < z.oh(); oi++) {
                int row = base + 2 * oi * w, o = p * pooled + oi * ow;
                for (int oj = 0; oj < ow; oj += DL) {
                    int top = row + 2 * oj, below = top + w, n = ow - oj;
                    if (below + 2 * DL > x.length || (kind == Kind.SELECT && below + 2 * DL > b.length)
                            || (kind == Kind.SCATTER && o + oj + DL > b.length)) {
                        PairPool.windows(kind, x, b, out, top, w, o + oj, n);
                        break;
                    }
                    DoubleVector t0 = DoubleVector.fromArray(D, x, top), t1 = DoubleVector.fromArray(D, x, top + DL);
                    DoubleVector b0 = DoubleVector.fromArray(D, x, below), b1 = DoubleVector.fromArray(D, x, below + DL);
                    DoubleVector xa = EVEN_D.selectFrom(t0, t1), xb = ODD_D.selectFrom(t0, t1);
                    DoubleVector xc = EVEN_D.selectFrom(b0, b1), xd = ODD_D.selectFrom(b0, b1);
                    VectorMask<Double> first = beats(xb, xa), second = beats(xd, xc);
                    DoubleVector upper = xa.blend(xb, first), bottom = xc.blend(xd, second);
                    VectorMask<Double> lower = beats(bottom, upper);
                    switch (kind) {
                        case MAX -> store(upper.blend(bottom, lower), out, o + oj, n);
                        case SELECT -> {
                            DoubleVector u0 = DoubleVector.fromArray(D, b, top), u1 = DoubleVector.fromArray(D, b, top + DL);
                            DoubleVector v0 = DoubleVector.fromArray(D, b, below), v1 = DoubleVector.fromArray(D, b, below + DL);
                            DoubleVector upperU = EVEN_D.selectFrom(u0, u1).blend(ODD_D.selectFrom(u0, u1), first);
                            DoubleVector bottomU = EVEN_D.selectFrom(v0, v1).blend(ODD_D.selectFrom(v0, v1), second);
                            store(upperU.blend(bottomU, lower), out, o + oj, n);
                        }
                        case SCATTER -> {
                            DoubleVector g = DoubleVector.fromArray(D, b, o + oj).add(0d), zero = DoubleVector.zero(D);
                            DoubleVector ga = zero.blend(g, first.or(lower).not()), gb = zero.blend(g, first.andNot(lower));
                            DoubleVector gc = zero.blend(g, lower.andNot(second)), gd = zero.blend(g, second.and(lower));
                            store(LOW_D.selectFrom(ga, gb), out, top, 2 * n);
                            store(HIGH_D.selectFrom(ga, gb), out, top + DL, 2 * n - DL);
                            store(LOW_D.selectFrom(gc, gd), out, below, 2 * n);
                            store(HIGH_D.selectFrom(gc, gd), out, below + DL, 2 * n - DL);
                        }
                    }
                }
            }
            if (kind == Kind.SCATTER) PairPool.clearOutside(out, base, z);
        }
    }

    private static VectorMask<Double> beats(DoubleVector later, DoubleVector earlier) {
        return later.compare(VectorOperators.GT, earlier).or(later.test(VectorOperators.IS_NAN));
    }

    private static void store(DoubleVector v, double[] out, int at, int n) {
        if (n >= DL) v.intoArray(out, at);
        else v.intoArray(out, at, D.indexInRange(0, n));
    }
}
