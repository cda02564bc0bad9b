package dev.modelc.compiler.backend.cuda;

import dev.modelc.compiler.graph.BinaryFn;
import dev.modelc.compiler.graph.ReduceFn;
import dev.modelc.compiler.graph.UnaryFn;

/**
 * The CUDA C meaning of every scalar function (those of one operand from the op table,
 * {@code UnaryFn.cuda}; the rest one switch case per function), each the
 * device-side twin of {@code dev.modelc.runtime.exec.Scalars} (the one definition the
 * interpreter and the JVM backends share). All take and give f64, as Scalars does; f32 code
 * widens, calls, and rounds once, which is exactly what the interpreter does per node. The
 * prelude avoids headers and macros NVRTC lacks (no {@code INFINITY}, no {@code <cmath>}).
 */
final class CudaScalars {
    private CudaScalars() {
    }

    /** The device functions every generated module starts with. */
    static final String PRELUDE = """
            // modelc scalar functions: the meanings of dev.modelc.runtime.exec.Scalars, in f64.
            #define MC_INF __longlong_as_double(0x7ff0000000000000LL)
            #define MC_NAN __longlong_as_double(0x7ff8000000000000LL)
            #define MC_INF_F __int_as_float(0x7f800000)
            #define MC_NAN_F __int_as_float(0x7fc00000)
            __device__ __forceinline__ bool mc_isnan(double x) { return x != x; }
            __device__ __forceinline__ bool mc_negative_sign(double x) { return __double_as_longlong(x) < 0; }
            // sigmoid: 1/(1+e^-x) for x >= 0 and e^x/(1+e^x) below, so neither form overflows into NaN.
            __device__ __forceinline__ double mc_sigmoid(double x) { return x >= 0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x)); }
            // relu keeps NaN, as PyTorch does.
            __device__ __forceinline__ double mc_relu(double x) { return x > 0 || mc_isnan(x) ? x : 0.0; }
            // softplus: max(x, 0) + log1p(e^-|x|), Java's Math.max (NaN in, NaN out).
            __device__ __forceinline__ double mc_softplus(double x) { return (mc_isnan(x) ? x : x > 0 ? x : 0.0) + log1p(exp(-fabs(x))); }
            // sign: Math.signum (NaN and both zeros stay themselves).
            __device__ __forceinline__ double mc_sign(double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : x; }
            // pow: Math.pow, which differs from C's pow where the exponent is NaN, or infinite with |base| = 1.
            __device__ __forceinline__ double mc_pow(double a, double b) {
              if (mc_isnan(b)) return b;
              if (fabs(a) == 1.0 && fabs(b) == MC_INF) return MC_NAN;
              return pow(a, b);
            }
            // maximum and minimum propagate NaN (PyTorch) and order -0 below +0 (Math.max, Math.min).
            __device__ __forceinline__ double mc_maximum(double a, double b) {
              if (mc_isnan(a) || mc_isnan(b)) return MC_NAN;
              return a > b || (a == b && !mc_negative_sign(a)) ? a : b;
            }
            __device__ __forceinline__ double mc_minimum(double a, double b) {
              if (mc_isnan(a) || mc_isnan(b)) return MC_NAN;
              return a < b || (a == b && mc_negative_sign(a)) ? a : b;
            }
            // i32: toward zero, NaN to 0, then wrapped to 32 bits (the conversions saturate at 64 bits, as Java's do).
            __device__ __forceinline__ double mc_to_i32(double x) { return mc_isnan(x) ? 0.0 : (double) (int) (long long) trunc(x); }
            __device__ __forceinline__ double mc_wrap_i32(double x) { return (double) (int) (long long) x; }
            __device__ __forceinline__ double mc_to_bool(double x) { return x != 0 ? 1.0 : 0.0; }
            """;

    /** {@code fn} applied to the f64 expression {@code x}, as an f64 expression. */
    static String unary(UnaryFn fn, String x) {
        return fn.cuda(x);
    }

    /** {@code fn} applied to the f64 expressions {@code a} and {@code b}, as an f64 expression. */
    static String binary(BinaryFn fn, String a, String b) {
        return switch (fn) {
            case ADD -> "(" + a + " + " + b + ")";
            case SUB -> "(" + a + " - " + b + ")";
            case MUL -> "(" + a + " * " + b + ")";
            case DIV -> "(" + a + " / " + b + ")";
            case POW -> "mc_pow(" + a + ", " + b + ")";
            case MAX -> "mc_maximum(" + a + ", " + b + ")";
            case MIN -> "mc_minimum(" + a + ", " + b + ")";
            case LT -> "(" + a + " < " + b + " ? 1.0 : 0.0)";
            case LE -> "(" + a + " <= " + b + " ? 1.0 : 0.0)";
            case GT -> "(" + a + " > " + b + " ? 1.0 : 0.0)";
            case GE -> "(" + a + " >= " + b + " ? 1.0 : 0.0)";
            case EQ -> "(" + a + " == " + b + " ? 1.0 : 0.0)";
            case NE -> "(" + a + " != " + b + " ? 1.0 : 0.0)";
            case AND -> "(" + a + " != 0 && " + b + " != 0 ? 1.0 : 0.0)";
            case OR -> "(" + a + " != 0 || " + b + " != 0 ? 1.0 : 0.0)";
        };
    }

    /** A reduction's starting value. */
    static String identity(ReduceFn fn) {
        return switch (fn) {
            case SUM, MEAN -> "0.0";
            case MAX -> "-MC_INF";
            case MIN -> "MC_INF";
            case LOGSUMEXP -> throw new IllegalStateException("logsumexp is a library call");
        };
    }

    /** A reduction's combining step of two partial results (max and min propagate NaN, like maximum). */
    static String combine(ReduceFn fn, String a, String b) {
        return switch (fn) {
            case SUM, MEAN -> a + " + " + b;
            case MAX -> "mc_maximum(" + a + ", " + b + ")";
            case MIN -> "mc_minimum(" + a + ", " + b + ")";
            case LOGSUMEXP -> throw new IllegalStateException("logsumexp is a library call");
        };
    }

    /** An f64 literal that parses back to exactly {@code v}. */
    static String doubleLiteral(double v) {
        if (Double.isNaN(v)) return "MC_NAN";
        if (Double.isInfinite(v)) return v > 0 ? "MC_INF" : "(-MC_INF)";
        String s = Double.toString(v);
        return v < 0 ? "(" + s + ")" : s;
    }

    /** An f32 literal that parses back to exactly {@code v}. */
    static String floatLiteral(float v) {
        if (Float.isNaN(v)) return "MC_NAN_F";
        if (Float.isInfinite(v)) return v > 0 ? "MC_INF_F" : "(-MC_INF_F)";
        String s = Float.toString(v) + "f";
        return v < 0 ? "(" + s + ")" : s;
    }
}
