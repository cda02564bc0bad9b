package dev.modelc.runtime.exec;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * exp, log, log1p, sin, cos and tanh of f32 lanes, built only of operations whose results the
 * Vector API specifies exactly (add, sub, mul, div, fma, min, max, compares, blends, conversions,
 * integer operations on the bits), so a lane gives the same bits interpreted, in C1 and after C2,
 * at any vector width (past {@link #TRIG_REDUCED}, sin and cos are {@code Math}'s, whose bits are the
 * JVM's on each processor). The Vector API's own {@code lanewise(EXP)} and the like do not: JDK 25
 * computes them with {@code Math} per lane until C2 compiles the loop and with the SVML stubs
 * after, and the two differ in the last bit at some inputs, so a run's bits depended on JIT timing.
 *
 * <p>Each result is within 1 ulp of the correctly rounded value ({@code LaneMathTest} checks a
 * dense sweep of all f32 and the edge cases against {@code (float) Math.f((double) x)}, the
 * scalar path's value, {@link Scalars}). exp, log, sin and cos compute in f32 (range reduction,
 * then a polynomial with fused multiply-adds, the last addition the only rounding of the size
 * of an ulp: about 0.4 % (exp), 0.3 % (log) and 0.1 % (sin, cos) of all f32 bit patterns are
 * the scalar path's neighbour, 9.5 %, 7.4 % and 1.7 % of the floats in [0.1, 10)); log1p and tanh widen to f64 lanes (exact), compute there to about 2^-50
 * and round once, so they give the scalar path's bits but where the exact value lies within
 * about 2^-50 of a midpoint between two floats. Special values are {@code Math}'s: NaN stays NaN, exp overflows to
 * infinity and underflows through the subnormals (rounded once) to 0, log of 0 is -infinity and
 * of a negative number NaN, -0 keeps its sign where {@code Math} keeps it. sin and cos reduce |x|
 * up to {@link #TRIG_REDUCED}; lanes beyond it (large arguments, rare in models; infinities)
 * are computed by {@code Math} one lane at a time, the scalar path's bits.
 *
 * <p>The vectors must be of the preferred species, as the bytecode backend's loops are (the f64
 * species of the same shape then holds half the lanes). The backend copies these methods'
 * bytecode into its loops rather than calling them ({@code backend.bytecode.LaneMathInliner}):
 * a call that C2 leaves out of line passes each vector as an object, many times slower. So the
 * methods the loops take are flat (no loops), read no fields of this class but compile-time
 * constants, and call only this class's private methods (copied too) and {@link #far}.
 */
public final class LaneMath {
    private LaneMath() {
    }

    /**
     * The largest |x| sin and cos reduce on lanes: q below 2^13, so the first two parts of the
     * reduction are exact (the third is made exact, {@code sinCos}). Past it the lane is {@code Math}'s.
     */
    public static final float TRIG_REDUCED = 8192f;

    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer, held in the low bits. */
    private static final float ROUNDER_F = 0x1.8p23f;
    private static final int ROUNDER_F_BITS = 0x4b400000;
    // exp in f32 (SLEEF's expf_u10): ln2 in two parts, the first of 16 bits; a degree-7 polynomial.
    private static final float LOG2E_F = 1.442695040888963407359924681001892137f;
    private static final float LN2_HI_F = 0.693145751953125f, LN2_LO_F = 1.428606765330187045e-06f;
    private static final float E5 = 0.000198527617612853646278381f, E4 = 0.00139304355252534151077271f,
            E3 = 0.00833336077630519866943359f, E2 = 0.0416664853692054748535156f, E1 = 0.166666671633720397949219f;
    // sin and cos in f32: pi/2 in three parts (Cephes' DP1, DP2, DP3 for pi/4, doubled) and a
    // fourth, pi/2 less the three, which goes into r's low part.
    private static final float TWO_OVER_PI_F = 0.636619772367581343075535053490057448f;
    private static final float PIO2_1F = 1.5703125f, PIO2_2F = 4.837512969970703125e-4f, PIO2_3F = 7.54978995489188216e-8f,
            PIO2_4F = -1.7151245e-15f;

    /** 1.5 * 2^52: adding it rounds a double of magnitude below 2^51 to an integer, held in the low bits. */
    private static final double ROUNDER = 0x1.8p52;
    private static final long ROUNDER_BITS = 0x4338000000000000L;
    // e^x in f64 (tanh): x = n ln2 + r, |r| <= ln2 / 2, ln2 in two parts whose first has 32 bits.
    private static final double INV_LN2 = 0x1.71547652b82fep0;
    private static final double LN2_HI = 0x1.62e42fee00000p-1;
    private static final double LN2_LO = 0x1.a39ef35793c76p-33;
    // log in f64: x = 2^k m, m in [sqrt(2)/2, sqrt(2)); log m = 2 atanh(s), s = (m - 1) / (m + 1),
    // with fdlibm's polynomial in s^2 (__ieee754_log's Lg1..Lg7).
    private static final long SQRT_HALF_BITS = 0x3fe6a09e00000000L;
    private static final double LG1 = 6.666666666666735130e-01, LG2 = 3.999999999940941908e-01,
            LG3 = 2.857142874366239149e-01, LG4 = 2.222219843214978396e-01, LG5 = 1.818357216161805012e-01,
            LG6 = 1.531383769920937332e-01, LG7 = 1.479819860511658591e-01;
    // log in f32 (FreeBSD's e_logf.c): the same form with Lg1..Lg4 fitted for f32, ln2 in two parts.
    private static final int SQRT_HALF_F_BITS = 0x3f3504f3;
    private static final float LGF1 = 0xaaaaaa.0p-24f, LGF2 = 0xccce13.0p-25f, LGF3 = 0x91e9ee.0p-25f, LGF4 = 0xf89e26.0p-26f;
    private static final float LN2_HI_LOGF = 6.9313812256e-01f, LN2_LO_LOGF = 9.0580006145e-06f;
    /** Below this |x|, log1p(x) rounds to x in f32 (x - x^2/2 is within a quarter ulp of x). */
    private static final float LOG1P_TINY = 0x1p-29f;
    /** Below this |x|, tanh takes its odd series (1 - 2 / (e^2x + 1) would cancel). */
    private static final double TANH_SERIES = 0.0625;

    /** e^x per lane, within 1 ulp (SLEEF's {@code expf_u10} method, in f32). */
    public static FloatVector exp(FloatVector x) {
        // e^x = 2^n e^r, n = rint(x / ln2), |r| <= ln2 / 2. Past [-104, 104] (e^x is 0 or infinite
        // in f32) the lanes are set at the end; within, n is within [-150, 150], and e^x past 88.73
        // overflows to infinity in the last product.
        FloatVector t = x.lanewise(VectorOperators.FMA, LOG2E_F, ROUNDER_F);
        FloatVector n = t.sub(ROUNDER_F);
        FloatVector r = n.lanewise(VectorOperators.FMA, -LN2_LO_F, n.lanewise(VectorOperators.FMA, -LN2_HI_F, x));
        FloatVector p = r.lanewise(VectorOperators.FMA, E5, E4).lanewise(VectorOperators.FMA, r, E3)
                .lanewise(VectorOperators.FMA, r, E2).lanewise(VectorOperators.FMA, r, E1).lanewise(VectorOperators.FMA, r, 0.5f);
        // 1 + (r + r^2 p): the last addition the only rounding of the size of an ulp.
        p = r.mul(r).fma(p, r).add(1f);
        // Times 2^n as two exact powers of two, 2^(n >> 1) and 2^(n - (n >> 1)): only the last
        // product rounds, so a result in the subnormals is rounded once.
        IntVector k = t.reinterpretAsInts().sub(ROUNDER_F_BITS);
        IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
        p = p.mul(k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
        p = p.mul(k.sub(k1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
        return p.blend(0f, x.compare(VectorOperators.LT, -104f)).blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, 104f));
    }

    /** sin x per lane, within 1 ulp; {@code Math.sin} itself for |x| > {@link #TRIG_REDUCED}. */
    public static FloatVector sin(FloatVector x) {
        return sinCos(x, 0);
    }

    /** cos x per lane, within 1 ulp; {@code Math.cos} itself for |x| > {@link #TRIG_REDUCED}. */
    public static FloatVector cos(FloatVector x) {
        return sinCos(x, 1);
    }

    /** log x per lane, within 1 ulp (FreeBSD's {@code logf} method, in f32): NaN below 0, -infinity at +-0. */
    public static FloatVector log(FloatVector x) {
        // Subnormals scaled into the normals first, 23 taken off the exponent after.
        VectorMask<Float> subnormal = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
        FloatVector u = x.blend(x.mul(0x1p23f), subnormal);
        // u = 2^k m, m in [sqrt(2)/2, sqrt(2)): k from the bits of u over sqrt(1/2)'s.
        IntVector bits = u.reinterpretAsInts();
        IntVector k = bits.sub(SQRT_HALF_F_BITS).lanewise(VectorOperators.ASHR, 23);
        FloatVector m = bits.sub(k.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats();
        FloatVector kf = ((FloatVector) k.convert(VectorOperators.I2F, 0)).sub(FloatVector.zero(FloatVector.SPECIES_PREFERRED).blend(23f, subnormal));
        // log m = f - f^2/2 + s (f^2/2 + R(s^2)), s = f / (2 + f), f = m - 1 (exact).
        FloatVector f = m.sub(1f);
        FloatVector s = f.div(f.add(2f));
        FloatVector z = s.mul(s), w = z.mul(z);
        FloatVector r = w.lanewise(VectorOperators.FMA, LGF4, LGF2).mul(w).add(w.lanewise(VectorOperators.FMA, LGF3, LGF1).mul(z));
        FloatVector halfSquare = f.mul(f).mul(0.5f);
        FloatVector inner = s.fma(halfSquare.add(r), kf.mul(LN2_LO_LOGF));
        FloatVector y = kf.lanewise(VectorOperators.FMA, LN2_HI_LOGF, halfSquare.sub(inner).sub(f).neg());
        // Where the core is not defined: NaN and +infinity are themselves, 0 gives -infinity, below it NaN.
        y = y.blend(x, x.test(VectorOperators.IS_NAN).or(x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY)));
        y = y.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        return y.blend(Float.NaN, x.compare(VectorOperators.LT, 0f));
    }

    /** log(1 + x) per lane, within 1 ulp: NaN below -1, -infinity at -1, x itself for |x| < 2^-29. */
    public static FloatVector log1p(FloatVector x) {
        return onePlusLog(x);
    }

    /** tanh x per lane, within 1 ulp. */
    public static FloatVector tanh(FloatVector x) {
        DoubleVector lo = (DoubleVector) x.convertShape(VectorOperators.F2D, DoubleVector.SPECIES_PREFERRED, 0);
        DoubleVector hi = (DoubleVector) x.convertShape(VectorOperators.F2D, DoubleVector.SPECIES_PREFERRED, 1);
        return join(tanh(lo), tanh(hi));
    }

    /**
     * The lanes of {@code x} past {@link #TRIG_REDUCED} (or infinite) computed by {@code Math}, the
     * scalar path's bits, into {@code y}: the one call the loops make (rarely).
     */
    public static FloatVector far(FloatVector x, FloatVector y, boolean cos) {
        float[] xs = x.toArray(), ys = y.toArray();
        for (int j = 0; j < xs.length; j++) {
            if (Math.abs(xs[j]) > TRIG_REDUCED) ys[j] = (float) (cos ? Scalars.cos(xs[j]) : Scalars.sin(xs[j]));
        }
        return FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, ys, 0);
    }

    /** sin (quadrant offset 0) or cos (offset 1): cos x = sin(x + pi/2). */
    private static FloatVector sinCos(FloatVector x, int offset) {
        // x = q pi/2 + r, |r| <= pi/4, r as a sum r + low of two floats. pi/2 in four parts:
        // PIO2_1F and PIO2_2F have so few bits that for |x| <= TRIG_REDUCED the first two
        // differences are exact; r2 - q PIO2_3F is made exactly (the product's error by an fma,
        // the difference's by Knuth's two-sum), and q PIO2_4F, far below, joins the low part.
        FloatVector t = x.lanewise(VectorOperators.FMA, TWO_OVER_PI_F, ROUNDER_F);
        FloatVector q = t.sub(ROUNDER_F);
        FloatVector r2 = q.lanewise(VectorOperators.FMA, -PIO2_2F, q.lanewise(VectorOperators.FMA, -PIO2_1F, x));
        FloatVector product = q.mul(PIO2_3F);
        FloatVector productError = q.lanewise(VectorOperators.FMA, PIO2_3F, product.neg());
        FloatVector r = r2.sub(product);
        FloatVector back = r.sub(r2);
        FloatVector sumError = r2.sub(r.sub(back)).sub(product.add(back));
        FloatVector low = q.lanewise(VectorOperators.FMA, -PIO2_4F, sumError.sub(productError));
        FloatVector z = r.mul(r);
        // sin r = r + r^3 P(r^2) (Taylor to r^9; the next term is below 2^-28 r), the low part
        // added before the one rounding of ulp size.
        FloatVector sp = z.lanewise(VectorOperators.FMA, 1f / 362880, -1f / 5040).lanewise(VectorOperators.FMA, z, 1f / 120)
                .lanewise(VectorOperators.FMA, z, -1f / 6);
        FloatVector sin = z.mul(r).fma(sp, low).add(r);
        // cos r = 1 - r^2/2 + r^4 Q(r^2) (Taylor to r^10): w = 1 - r^2/2 rounded once, its error
        // e exactly (1 - w is exact), then w + (e - r low + r^4 Q).
        FloatVector cq = z.lanewise(VectorOperators.FMA, -1f / 3628800, 1f / 40320).lanewise(VectorOperators.FMA, z, -1f / 720)
                .lanewise(VectorOperators.FMA, z, 1f / 24);
        FloatVector half = r.mul(-0.5f);
        FloatVector w = half.lanewise(VectorOperators.FMA, r, 1f);
        FloatVector e = half.fma(r, w.neg().add(1f));
        FloatVector cos = z.mul(z).fma(cq, r.neg().fma(low, e)).add(w);
        // The quadrant (q + offset) mod 4 from t's low bits: odd ones take the cosine, 2 and 3 negate.
        IntVector quadrant = t.reinterpretAsInts().add(offset);
        FloatVector y = sin.blend(cos, quadrant.and(1).compare(VectorOperators.NE, 0).cast(FloatVector.SPECIES_PREFERRED));
        y = y.reinterpretAsInts().lanewise(VectorOperators.XOR, quadrant.lanewise(VectorOperators.LSHL, 30).and(Integer.MIN_VALUE))
                .reinterpretAsFloats();
        // sin(-0) is -0, where the sum gives +0; below 2^-12, sin x rounds to x in f32.
        if (offset == 0) y = y.blend(x, x.abs().compare(VectorOperators.LT, 0x1p-12f));
        VectorMask<Float> far = x.abs().compare(VectorOperators.GT, TRIG_REDUCED);
        return far.anyTrue() ? far(x, y, offset == 1) : y;
    }

    /**
     * log(1 + x) in f64: 1 + x is exact for f32 x from 2^-29 on (and within 2^-53 relative,
     * harmless to the log, past 2^53), and below that log1p(x) rounds to x in f32.
     */
    private static FloatVector onePlusLog(FloatVector x) {
        DoubleVector lo = ((DoubleVector) x.convertShape(VectorOperators.F2D, DoubleVector.SPECIES_PREFERRED, 0)).add(1);
        DoubleVector hi = ((DoubleVector) x.convertShape(VectorOperators.F2D, DoubleVector.SPECIES_PREFERRED, 1)).add(1);
        FloatVector y = join(log(lo), log(hi)).blend(x, x.abs().compare(VectorOperators.LT, LOG1P_TINY));
        // Where the core is not defined: NaN and +infinity are themselves, -1 gives -infinity, below it NaN.
        y = y.blend(x, x.test(VectorOperators.IS_NAN).or(x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY)));
        y = y.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, -1f));
        return y.blend(Float.NaN, x.compare(VectorOperators.LT, -1f));
    }

    /** Each lane rounded once to f32, {@code lo}'s in the lower half and {@code hi}'s in the upper. */
    private static FloatVector join(DoubleVector lo, DoubleVector hi) {
        // The conversions fill the other half with +0; or-ing the bits keeps -0 and NaN payloads.
        FloatVector a = (FloatVector) lo.convertShape(VectorOperators.D2F, FloatVector.SPECIES_PREFERRED, 0);
        FloatVector b = (FloatVector) hi.convertShape(VectorOperators.D2F, FloatVector.SPECIES_PREFERRED, -1);
        return a.reinterpretAsInts().or(b.reinterpretAsInts()).reinterpretAsFloats();
    }

    /** log x for positive finite x, within an ulp of f64 (fdlibm's method); other lanes are garbage. */
    private static DoubleVector log(DoubleVector x) {
        // x = 2^k m, m in [sqrt(2)/2, sqrt(2)): k + 1024 from the bits of x over sqrt(1/2)'s
        // leading bits, biased so the shift is a logical one (AVX2 has no 64-bit arithmetic shift;
        // x below 2^129 here, so the biased bits stay positive).
        LongVector bits = x.reinterpretAsLongs();
        LongVector biased = bits.sub(SQRT_HALF_BITS - (1024L << 52)).lanewise(VectorOperators.LSHR, 52);
        DoubleVector m = bits.sub(biased.lanewise(VectorOperators.LSHL, 52)).add(1024L << 52).reinterpretAsDoubles();
        // k as a double without a long-to-double conversion (AVX2 has none): (1.5 * 2^52 + k + 1024) - 1.5 * 2^52 - 1024.
        DoubleVector kd = biased.add(ROUNDER_BITS).reinterpretAsDoubles().sub(ROUNDER + 1024);
        // log m = f - f^2/2 + s (f^2/2 + R(s^2)), s = f / (2 + f), f = m - 1 (fdlibm's form).
        DoubleVector f = m.sub(1);
        DoubleVector s = f.div(f.add(2));
        DoubleVector z = s.mul(s), w = z.mul(z);
        DoubleVector t1 = w.lanewise(VectorOperators.FMA, LG6, LG4).lanewise(VectorOperators.FMA, w, LG2).mul(w);
        DoubleVector t2 = w.lanewise(VectorOperators.FMA, LG7, LG5).lanewise(VectorOperators.FMA, w, LG3)
                .lanewise(VectorOperators.FMA, w, LG1).mul(z);
        DoubleVector halfSquare = f.mul(f).mul(0.5);
        DoubleVector inner = s.fma(halfSquare.add(t1.add(t2)), kd.mul(LN2_LO));
        return kd.lanewise(VectorOperators.FMA, LN2_HI, halfSquare.sub(inner).sub(f).neg());
    }

    /** tanh x in f64: an odd series near 0, 1 - 2 / (e^2|x| + 1) elsewhere, x's sign put back. */
    private static DoubleVector tanh(DoubleVector x) {
        DoubleVector abs = x.abs();
        // e^2|x| = 2^n e^r, n = rint(2|x| / ln2), 2|x| clamped to 160 (tanh is 1 in f32 from 9.02
        // on; NaN passes); the Taylor polynomial of degree 12, the next term below 2^-52.
        DoubleVector e = abs.add(abs).min(160);
        DoubleVector t = e.lanewise(VectorOperators.FMA, INV_LN2, ROUNDER);
        DoubleVector n = t.sub(ROUNDER);
        DoubleVector r = n.lanewise(VectorOperators.FMA, -LN2_LO, n.lanewise(VectorOperators.FMA, -LN2_HI, e));
        DoubleVector p = r.lanewise(VectorOperators.FMA, 1.0 / 479001600, 1.0 / 39916800);
        p = p.lanewise(VectorOperators.FMA, r, 1.0 / 3628800).lanewise(VectorOperators.FMA, r, 1.0 / 362880);
        p = p.lanewise(VectorOperators.FMA, r, 1.0 / 40320).lanewise(VectorOperators.FMA, r, 1.0 / 5040);
        p = p.lanewise(VectorOperators.FMA, r, 1.0 / 720).lanewise(VectorOperators.FMA, r, 1.0 / 120);
        p = p.lanewise(VectorOperators.FMA, r, 1.0 / 24).lanewise(VectorOperators.FMA, r, 1.0 / 6);
        p = p.lanewise(VectorOperators.FMA, r, 0.5).lanewise(VectorOperators.FMA, r, 1).lanewise(VectorOperators.FMA, r, 1);
        // 2^n from n in t's low bits: (t's bits + 1023) << 52 (the rounder's own bits shift out).
        e = p.mul(t.reinterpretAsLongs().add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
        DoubleVector y = DoubleVector.broadcast(DoubleVector.SPECIES_PREFERRED, -2).div(e.add(1)).add(1);
        // Below 1/16: x - x^3/3 + 2x^5/15 - 17x^7/315 + 62x^9/2835 - 1382x^11/155925, the next term below 2^-55 x.
        DoubleVector z = abs.mul(abs);
        DoubleVector series = z.lanewise(VectorOperators.FMA, -1382.0 / 155925, 62.0 / 2835).lanewise(VectorOperators.FMA, z, -17.0 / 315)
                .lanewise(VectorOperators.FMA, z, 2.0 / 15).lanewise(VectorOperators.FMA, z, -1.0 / 3);
        y = y.blend(z.mul(abs).fma(series, abs), abs.compare(VectorOperators.LT, TANH_SERIES));
        return y.reinterpretAsLongs().or(x.reinterpretAsLongs().and(Long.MIN_VALUE)).reinterpretAsDoubles();
    }

    // The same functions on one value, operation for operation (Math.fma for a lane's fused
    // multiply-add, casts for the conversions): the bits of a lane. The loops' scalar remainders
    // (the elements past the last whole vector) call these, so every element of a loop with lanes
    // gets the same value wherever it falls, whatever the vector width and the number of tasks.

    /** e^x with the bits of {@link #exp(FloatVector)}'s lanes. */
    public static float exp(float x) {
        float t = Math.fma(x, LOG2E_F, ROUNDER_F);
        float n = t - ROUNDER_F;
        float r = Math.fma(n, -LN2_LO_F, Math.fma(n, -LN2_HI_F, x));
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(r, E5, E4), r, E3), r, E2), r, E1), r, 0.5f);
        p = Math.fma(r * r, p, r) + 1f;
        int k = Float.floatToRawIntBits(t) - ROUNDER_F_BITS;
        int k1 = k >> 1;
        p = p * Float.intBitsToFloat((k1 + 127) << 23);
        p = p * Float.intBitsToFloat((k - k1 + 127) << 23);
        return x < -104f ? 0f : x > 104f ? Float.POSITIVE_INFINITY : p;
    }

    /** sin x with the bits of {@link #sin(FloatVector)}'s lanes. */
    public static float sin(float x) {
        return sinCos(x, 0);
    }

    /** cos x with the bits of {@link #cos(FloatVector)}'s lanes. */
    public static float cos(float x) {
        return sinCos(x, 1);
    }

    /** log x with the bits of {@link #log(FloatVector)}'s lanes. */
    public static float log(float x) {
        boolean subnormal = x < Float.MIN_NORMAL;
        float u = subnormal ? x * 0x1p23f : x;
        int bits = Float.floatToRawIntBits(u);
        int k = (bits - SQRT_HALF_F_BITS) >> 23;
        float m = Float.intBitsToFloat(bits - (k << 23));
        float kf = (float) k - (subnormal ? 23f : 0f);
        float f = m - 1f;
        float s = f / (f + 2f);
        float z = s * s, w = z * z;
        float r = Math.fma(w, LGF4, LGF2) * w + Math.fma(w, LGF3, LGF1) * z;
        float halfSquare = f * f * 0.5f;
        float inner = Math.fma(s, halfSquare + r, kf * LN2_LO_LOGF);
        float y = Math.fma(kf, LN2_HI_LOGF, -((halfSquare - inner) - f));
        if (Float.isNaN(x) || x == Float.POSITIVE_INFINITY) y = x;
        if (x == 0) y = Float.NEGATIVE_INFINITY;
        return x < 0 ? Float.NaN : y;
    }

    /** log(1 + x) with the bits of {@link #log1p(FloatVector)}'s lanes. */
    public static float log1p(float x) {
        float y = (float) log((double) x + 1);
        if (Math.abs(x) < LOG1P_TINY) y = x;
        if (Float.isNaN(x) || x == Float.POSITIVE_INFINITY) y = x;
        if (x == -1f) y = Float.NEGATIVE_INFINITY;
        return x < -1f ? Float.NaN : y;
    }

    /** tanh x with the bits of {@link #tanh(FloatVector)}'s lanes. */
    public static float tanh(float x) {
        return (float) tanh((double) x);
    }

    private static float sinCos(float x, int offset) {
        if (Math.abs(x) > TRIG_REDUCED) return (float) (offset == 1 ? Scalars.cos(x) : Scalars.sin(x));
        float t = Math.fma(x, TWO_OVER_PI_F, ROUNDER_F);
        float q = t - ROUNDER_F;
        float r2 = Math.fma(q, -PIO2_2F, Math.fma(q, -PIO2_1F, x));
        float product = q * PIO2_3F;
        float productError = Math.fma(q, PIO2_3F, -product);
        float r = r2 - product;
        float back = r - r2;
        float sumError = (r2 - (r - back)) - (product + back);
        float low = Math.fma(q, -PIO2_4F, sumError - productError);
        float z = r * r;
        float sp = Math.fma(Math.fma(Math.fma(z, 1f / 362880, -1f / 5040), z, 1f / 120), z, -1f / 6);
        float sin = Math.fma(z * r, sp, low) + r;
        float cq = Math.fma(Math.fma(Math.fma(z, -1f / 3628800, 1f / 40320), z, -1f / 720), z, 1f / 24);
        float half = r * -0.5f;
        float w = Math.fma(half, r, 1f);
        float e = Math.fma(half, r, -w + 1f);
        float cos = Math.fma(z * z, cq, Math.fma(-r, low, e)) + w;
        int quadrant = Float.floatToRawIntBits(t) + offset;
        float y = (quadrant & 1) != 0 ? cos : sin;
        y = Float.intBitsToFloat(Float.floatToRawIntBits(y) ^ (quadrant << 30 & Integer.MIN_VALUE));
        return offset == 0 && Math.abs(x) < 0x1p-12f ? x : y;
    }

    private static double log(double x) {
        long bits = Double.doubleToRawLongBits(x);
        long biased = (bits - (SQRT_HALF_BITS - (1024L << 52))) >>> 52;
        double m = Double.longBitsToDouble(bits - (biased << 52) + (1024L << 52));
        double kd = Double.longBitsToDouble(biased + ROUNDER_BITS) - (ROUNDER + 1024);
        double f = m - 1;
        double s = f / (f + 2);
        double z = s * s, w = z * z;
        double t1 = Math.fma(Math.fma(w, LG6, LG4), w, LG2) * w;
        double t2 = Math.fma(Math.fma(Math.fma(w, LG7, LG5), w, LG3), w, LG1) * z;
        double halfSquare = f * f * 0.5;
        double inner = Math.fma(s, halfSquare + (t1 + t2), kd * LN2_LO);
        return Math.fma(kd, LN2_HI, -((halfSquare - inner) - f));
    }

    private static double tanh(double x) {
        double abs = Math.abs(x);
        double e = Math.min(abs + abs, 160);
        double t = Math.fma(e, INV_LN2, ROUNDER);
        double n = t - ROUNDER;
        double r = Math.fma(n, -LN2_LO, Math.fma(n, -LN2_HI, e));
        double p = Math.fma(r, 1.0 / 479001600, 1.0 / 39916800);
        p = Math.fma(Math.fma(p, r, 1.0 / 3628800), r, 1.0 / 362880);
        p = Math.fma(Math.fma(p, r, 1.0 / 40320), r, 1.0 / 5040);
        p = Math.fma(Math.fma(p, r, 1.0 / 720), r, 1.0 / 120);
        p = Math.fma(Math.fma(p, r, 1.0 / 24), r, 1.0 / 6);
        p = Math.fma(Math.fma(Math.fma(p, r, 0.5), r, 1), r, 1);
        e = p * Double.longBitsToDouble((Double.doubleToRawLongBits(t) + 1023) << 52);
        double y = -2 / (e + 1) + 1;
        double z = abs * abs;
        double series = Math.fma(Math.fma(Math.fma(Math.fma(z, -1382.0 / 155925, 62.0 / 2835), z, -17.0 / 315), z, 2.0 / 15), z, -1.0 / 3);
        if (abs < TANH_SERIES) y = Math.fma(z * abs, series, abs);
        return Double.longBitsToDouble(Double.doubleToRawLongBits(y) | Double.doubleToRawLongBits(x) & Long.MIN_VALUE);
    }
}
