package dev.modelc.runtime.exec;

/**
 * The meaning of every elementwise function on one f64 value: the interpreter and all generated
 * code call these, so a backend can only differ from the oracle in how it orders reductions,
 * never in what {@code sigmoid} or {@code maximum} means. Bools are 0 and 1. f32 code calls
 * them on the widened value and rounds the result once, which is exactly what the interpreter
 * does (for + - * / and sqrt, float arithmetic gives the same bits, so generated code uses it).
 */
public final class Scalars {
    private Scalars() {
    }

    public static double neg(double x) {
        return -x;
    }

    public static double abs(double x) {
        return Math.abs(x);
    }

    public static double exp(double x) {
        return Math.exp(x);
    }

    public static double log(double x) {
        return Math.log(x);
    }

    public static double log1p(double x) {
        return Math.log1p(x);
    }

    public static double sqrt(double x) {
        return Math.sqrt(x);
    }

    public static double square(double x) {
        return x * x;
    }

    public static double sin(double x) {
        return Math.sin(x);
    }

    public static double cos(double x) {
        return Math.cos(x);
    }

    public static double tanh(double x) {
        return Math.tanh(x);
    }

    /** 1/(1+e^-x) for x >= 0 and e^x/(1+e^x) below, so neither form overflows into NaN. */
    public static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    /** NaN stays NaN, as in PyTorch. */
    public static double relu(double x) {
        return x > 0 || Double.isNaN(x) ? x : 0;
    }

    /** log(1 + e^x) = max(x, 0) + log1p(e^-|x|): never overflows. */
    public static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    public static double sign(double x) {
        return Math.signum(x);
    }

    public static double reciprocal(double x) {
        return 1 / x;
    }

    public static double not(double x) {
        return x == 0 ? 1 : 0;
    }

    /**
     * The error function, within a few ulps: below 2.5 the series 2/sqrt(pi) e^-x^2 sum 2^n
     * x^(2n+1) / (1 3 ... (2n+1)), whose terms are all positive (no cancellation); from 2.5
     * 1 - erfc by its continued fraction; from 6 on 1, to the last bit.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double a = Math.abs(x);
        if (a >= 6) return Math.copySign(1, x);
        if (a < 2.5) {
            double twoA2 = 2 * a * a, term = a, sum = a;
            for (int n = 1; term > 1e-17 * sum; n++) {
                term *= twoA2 / (2 * n + 1);
                sum += term;
            }
            return Math.copySign(1.1283791670955126 * Math.exp(-a * a) * sum, x);
        }
        return Math.copySign(1 - erfcTail(a), x);
    }

    /** erfc a = e^-a^2 / sqrt(pi) / (a + (1/2) / (a + 1 / (a + (3/2) / (a + ...)))), by the modified Lentz method; a >= 2.5. */
    private static double erfcTail(double a) {
        double f = a, c = a, d = 0;
        for (int n = 1; n < 200; n++) {
            double an = n * 0.5;
            d = 1 / (a + an * d);
            c = a + an / c;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-17) break;
        }
        return Math.exp(-a * a) / (1.7724538509055159 * f);
    }

    public static double atan(double x) {
        return Math.atan(x);
    }

    /** NaN outside [-1, 1]. */
    public static double asin(double x) {
        return Math.asin(x);
    }

    /** NaN outside [-1, 1]. */
    public static double acos(double x) {
        return Math.acos(x);
    }

    public static double sinh(double x) {
        return Math.sinh(x);
    }

    public static double cosh(double x) {
        return Math.cosh(x);
    }

    /** Exact at powers of two (log2(8) = 3, where log(8)/log(2) is not). */
    public static double log2(double x) {
        int e = Math.getExponent(x);
        if (x > 0 && e >= Double.MIN_EXPONENT && e <= Double.MAX_EXPONENT && x == Math.scalb(1.0, e)) return e;
        return Math.log(x) * 1.4426950408889634;
    }

    /** 2^x, exact at integers. */
    public static double exp2(double x) {
        return Math.pow(2, x);
    }

    /** 1/sqrt(x): two correctly rounded operations, as PyTorch's CPU kernel. */
    public static double rsqrt(double x) {
        return 1 / Math.sqrt(x);
    }

    public static double floor(double x) {
        return Math.floor(x);
    }

    public static double ceil(double x) {
        return Math.ceil(x);
    }

    /** To the nearest integer, halves to even, as torch.round (so round(2.5) = 2, round(-0.5) = -0). */
    public static double round(double x) {
        return Math.rint(x);
    }

    /** Toward zero; -0.5 gives -0. */
    public static double trunc(double x) {
        return x < 0 ? Math.ceil(x) : Math.floor(x);
    }

    public static double isnan(double x) {
        return Double.isNaN(x) ? 1 : 0;
    }

    public static double isfinite(double x) {
        return Double.isFinite(x) ? 1 : 0;
    }

    public static double add(double a, double b) {
        return a + b;
    }

    public static double sub(double a, double b) {
        return a - b;
    }

    public static double mul(double a, double b) {
        return a * b;
    }

    public static double div(double a, double b) {
        return a / b;
    }

    public static double pow(double a, double b) {
        return Math.pow(a, b);
    }

    /** NaN if either is NaN (PyTorch's {@code maximum}); Math.max already orders -0 below +0. */
    public static double maximum(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
    }

    public static double minimum(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
    }

    public static double lt(double a, double b) {
        return a < b ? 1 : 0;
    }

    public static double le(double a, double b) {
        return a <= b ? 1 : 0;
    }

    public static double gt(double a, double b) {
        return a > b ? 1 : 0;
    }

    public static double ge(double a, double b) {
        return a >= b ? 1 : 0;
    }

    public static double eq(double a, double b) {
        return a == b ? 1 : 0;
    }

    public static double ne(double a, double b) {
        return a != b ? 1 : 0;
    }

    public static double and(double a, double b) {
        return a != 0 && b != 0 ? 1 : 0;
    }

    public static double or(double a, double b) {
        return a != 0 || b != 0 ? 1 : 0;
    }

    /** {@code where}: the mask is a bool (0 or 1). */
    public static double select(double mask, double a, double b) {
        return mask != 0 ? a : b;
    }

    public static float select(double mask, float a, float b) {
        return mask != 0 ? a : b;
    }

    /** Conversion to i32: toward zero, NaN to 0, then wrapped to 32 bits like two's-complement int32. */
    public static double toI32(double x) {
        if (Double.isNaN(x)) return 0;
        return (int) (long) (x < 0 ? Math.ceil(x) : Math.floor(x));
    }

    /** The result of i32 arithmetic (computed exactly in f64) wrapped to 32 bits, as NumPy and PyTorch do. */
    public static double wrapI32(double x) {
        return (int) (long) x;
    }

    public static double toBool(double x) {
        return x != 0 ? 1 : 0;
    }

    /** The reductions' combining steps; max/min propagate NaN like {@link #maximum}. */
    public static double maxNaN(double acc, double v) {
        return maximum(acc, v);
    }

    public static double minNaN(double acc, double v) {
        return minimum(acc, v);
    }
}
