package dev.modelc.compiler.reference;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * Compares a backend's elementwise functions with PyTorch's ({@link TorchElementwise}): in f64
 * the values, {@code grad} and the second derivative {@code grad(sum(grad(...)))} at every point,
 * in f32 the values. NaN must be NaN and an infinity the same infinity everywhere; finite numbers
 * within the case's {@link Tolerance}, whose reasons are written beside each. Where modelc
 * deliberately differs ({@link #DIFFERENCES}, the list docs/language.md gives), modelc's own
 * value is asserted instead, and PyTorch's must still differ, so the list cannot go stale.
 */
public final class TorchElementwiseCheck {
    private TorchElementwiseCheck() {
    }

    /** Runs model {@code M} of {@code text} at the input {@code x}; its outputs by name. */
    @FunctionalInterface
    public interface Runner {
        Map<String, Tensor> run(String text, Tensor x);
    }

    private static final double EPS = Math.ulp(1.0), EPS32 = Math.ulp(1.0f);

    /**
     * {@code |got - want| <= ulps(x) * ulp(want) + absolute(x)}, the sign of a zero not compared;
     * or exact: the same bits, so -0 is -0.
     */
    public record Tolerance(boolean exact, DoubleUnaryOperator ulps, DoubleUnaryOperator absolute) {
        static final Tolerance EXACT = new Tolerance(true, x -> 0, x -> 0);

        static Tolerance ulps(double n) {
            return new Tolerance(false, x -> n, x -> 0);
        }

        static Tolerance ulps(double n, DoubleUnaryOperator absolute) {
            return new Tolerance(false, x -> n, absolute);
        }

        boolean admits(double want, double got, double x, boolean f32) {
            if (exact || Double.isNaN(want) || Double.isInfinite(want)) {
                return Double.compare(want, got) == 0 || (Double.isNaN(want) && Double.isNaN(got));
            }
            double ulp = f32 ? Math.ulp((float) want) : Math.ulp(want);
            return Math.abs(got - want) <= ulps.applyAsDouble(x) * ulp + absolute.applyAsDouble(x);
        }
    }

    /** The tolerances of one function: f64 value, gradient, second derivative, f32 value. */
    record Tolerances(Tolerance value, Tolerance grad, Tolerance grad2, Tolerance f32) {
    }

    // Piecewise linear or integer-valued functions, comparisons, 1/x: every operation on both sides is exact or correctly rounded.
    private static final Tolerances EXACT = new Tolerances(Tolerance.EXACT, Tolerance.EXACT, Tolerance.EXACT, Tolerance.EXACT);
    // PyTorch's kernels call glibc or SLEEF (vectorized, within 1 ulp), modelc's java.lang.Math (within 1 ulp) or
    // Scalars' own erf (within 2.2 ulps at these points, where PyTorch's is correctly rounded; measured with mpmath):
    // the largest difference seen is 2 ulps, and the derivatives are a few such operations. In f32 PyTorch rounds inside its float kernels, modelc once
    // from f64: 2 ulps of f32.
    private static final Tolerances LIBM = new Tolerances(Tolerance.ulps(4), Tolerance.ulps(4), Tolerance.ulps(4), Tolerance.ulps(2));

    private static Tolerances tolerances(String name) {
        return switch (name) {
            case "clamp", "leaky_relu", "floor", "ceil", "round", "trunc", "isnan", "isfinite" -> EXACT;
            // 1/x and 1/sqrt(x) are one or two correctly rounded operations on both sides; the derivatives are LIBM's.
            case "reciprocal", "rsqrt" -> new Tolerances(Tolerance.EXACT, LIBM.grad(), LIBM.grad2(), LIBM.f32());
            case "erf", "atan", "asin", "acos", "sinh", "cosh", "log2", "exp2", "silu", "elu" -> LIBM;
            // x/2 (1 + erf(x/sqrt 2)), the same formula on both sides: below 0, 1 + erf cancels, so erf's last bit
            // becomes an absolute error of about |x|/2 eps. The derivatives hold e^(-x^2/2): modelc's is erf's
            // derivative e^(-u^2) at u = x * 0.7071067811865476 (1/sqrt 2 rounded), PyTorch's e^(-x*x/2), and a
            // relative error of eps in the exponent's argument is x^2/2 eps in the result; hence 8 + 2 x^2 ulps.
            // In f32, 1 + erf cancels in float: |x| eps32 absolute.
            case "gelu" -> new Tolerances(Tolerance.ulps(4, x -> 4 * EPS * Math.abs(x)), new Tolerance(false, x -> 8 + 2 * x * x, x -> 0),
                    new Tolerance(false, x -> 8 + 2 * x * x, x -> 0), Tolerance.ulps(2, x -> 2 * EPS32 * Math.abs(x)));
            // The tanh form's derivatives are sums of terms of size up to x^2 (the cube's derivative) times 1 -+ tanh,
            // which cancel where tanh nears +-1 (|x| from 2 to 12; beyond, tanh is +-1 to the last bit on both sides):
            // an absolute error of a few eps times those terms.
            case "gelu_tanh" -> new Tolerances(LIBM.value(), Tolerance.ulps(4, x -> 8 * EPS * (1 + Math.min(x * x, 144))),
                    Tolerance.ulps(4, x -> 8 * EPS * (1 + Math.min(x * x, 144))), LIBM.f32());
            default -> throw new AssertionError("no tolerances for " + name + ": add the function to TorchElementwiseCheck");
        };
    }

    /** A point where modelc deliberately gives another value than PyTorch: the call, which result, x, modelc's value. */
    record Difference(String call, String result, double x, double modelc) {
    }

    /** docs/language.md (Built-in operations, Elementwise) lists them and why. */
    static final List<Difference> DIFFERENCES = List.of(
            // clamp passes the gradient where x is NaN (NaN < min and NaN > max are both false); PyTorch's mask min <= x <= max is false there.
            new Difference("clamp(x, min = -1, max = 1)", "grad", Double.NaN, 1),
            new Difference("clamp(x, min = 0.5)", "grad", Double.NaN, 1),
            new Difference("clamp(x, max = 0.5)", "grad", Double.NaN, 1),
            new Difference("clamp(x, min = 2, max = 1)", "grad", Double.NaN, 1),
            // x sigmoid(x) below -709.78: a subnormal, the true value; PyTorch's x / (1 + e^-x) overflows its e^-x to 0.
            new Difference("silu(x)", "value", -745, -3.68E-321),
            new Difference("silu(x)", "grad", -745, -3.676E-321),
            new Difference("silu(x)", "grad2", -745, -3.67E-321),
            // At 0 elu's second derivative is alpha, from the left like its first derivative (alpha in both); PyTorch's is 0.
            new Difference("elu(x)", "grad2", 0.0, 1),
            new Difference("elu(x)", "grad2", -0.0, 1),
            new Difference("elu(x, alpha = 0.5)", "grad2", 0.0, 0.5),
            new Difference("elu(x, alpha = 0.5)", "grad2", -0.0, 0.5),
            // NaN in, NaN out, derivatives too; PyTorch's elu with alpha != 1 takes x > 0's branch for NaN (with alpha = 1 it gives NaN).
            new Difference("elu(x, alpha = 0.5)", "grad", Double.NaN, Double.NaN),
            new Difference("elu(x, alpha = 0.5)", "grad2", Double.NaN, Double.NaN),
            // sinh and cosh are finite up to 710.4758 (e^|x|/2 <= Double.MAX_VALUE); PyTorch's overflow from 709.78, where e^|x| does.
            new Difference("sinh(x)", "value", 710, 1.1169973830808557E308),
            new Difference("sinh(x)", "value", -710, -1.1169973830808557E308),
            new Difference("sinh(x)", "grad", 710, 1.1169973830808557E308),
            new Difference("sinh(x)", "grad", -710, 1.1169973830808557E308),
            new Difference("sinh(x)", "grad2", 710, 1.1169973830808557E308),
            new Difference("sinh(x)", "grad2", -710, -1.1169973830808557E308),
            new Difference("cosh(x)", "value", 710, 1.1169973830808557E308),
            new Difference("cosh(x)", "value", -710, 1.1169973830808557E308),
            new Difference("cosh(x)", "grad", 710, 1.1169973830808557E308),
            new Difference("cosh(x)", "grad", -710, -1.1169973830808557E308),
            new Difference("cosh(x)", "grad2", 710, 1.1169973830808557E308),
            new Difference("cosh(x)", "grad2", -710, 1.1169973830808557E308),
            // gelu(inf) is inf; PyTorch's float32 gelu kernel gives NaN there (its float64 one gives inf).
            new Difference("gelu(x)", "f32", Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY));

    /** Model M of one case: f64 (value and both derivatives; values only for masks) or f32 (values). */
    public static String model(TorchElementwise.Case c, DType dtype) {
        String call = c.call();
        StringBuilder text = new StringBuilder("model M {\n  input x: " + dtype.spelling() + "[N]\n  output y = " + call + "\n");
        if (dtype == DType.F64 && c.grad() != null) {
            text.append("  output dy = grad(sum(").append(call).append("), x)\n");
            text.append("  output d2y = grad(sum(grad(sum(").append(call).append("), x)), x)\n");
        }
        return text.append("}\n").toString();
    }

    /** Every mismatch of the backend behind {@code run} with PyTorch on one case, one line each; empty when it agrees. */
    public static List<String> compare(TorchElementwise.Case c, Runner run) {
        Tolerances t = tolerances(c.name());
        List<String> failures = new ArrayList<>();
        double[] x = c.f64().x();
        Map<String, Tensor> out = run.run(model(c, DType.F64), Tensor.of(x, x.length));
        check(c, "value", x, c.f64().value(), out.get("y"), t.value(), false, failures);
        if (c.grad() != null) {
            check(c, "grad", x, c.grad(), out.get("dy"), t.grad(), false, failures);
            check(c, "grad2", x, c.grad2(), out.get("d2y"), t.grad2(), false, failures);
        }
        double[] x32 = c.f32().x();
        float[] f = new float[x32.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) x32[i];
        check(c, "f32", x32, c.f32().value(), run.run(model(c, DType.F32), Tensor.of(f, f.length)).get("y"), t.f32(), true, failures);
        return failures;
    }

    private static void check(TorchElementwise.Case c, String result, double[] x, double[] want, Tensor out, Tolerance t, boolean f32,
                              List<String> failures) {
        double[] got = out.toDoubleArray();
        if (got.length != want.length) {
            failures.add(c.call() + " " + result + ": " + got.length + " values for " + want.length + " points");
            return;
        }
        for (int i = 0; i < want.length; i++) {
            Difference d = difference(c.call(), result, x[i]);
            if (d != null) {
                if (!Tolerance.ulps(4).admits(d.modelc(), got[i], x[i], f32)) {
                    failures.add(c.call() + " " + result + " at x = " + x[i] + ": " + got[i] + ", not modelc's documented " + d.modelc());
                }
                if (Tolerance.ulps(4).admits(want[i], d.modelc(), x[i], f32)) {
                    failures.add(c.call() + " " + result + " at x = " + x[i] + ": PyTorch now gives " + want[i]
                            + " as modelc does: remove the documented difference");
                }
            } else if (!t.admits(want[i], got[i], x[i], f32)) {
                failures.add(c.call() + " " + result + " at x = " + x[i] + ": modelc " + got[i] + ", PyTorch " + want[i]
                        + (!t.exact() && want[i] != 0 && Double.isFinite(want[i]) && Double.isFinite(got[i])
                        ? " (" + Math.abs(got[i] - want[i]) / (f32 ? Math.ulp((float) want[i]) : Math.ulp(want[i])) + " ulps)" : ""));
            }
        }
    }

    /** The documented differences at no point of the reference (a renamed call, a point gone): each should be asserted somewhere. */
    public static List<String> unusedDifferences(TorchElementwise reference) {
        List<String> unused = new ArrayList<>();
        for (Difference d : DIFFERENCES) {
            boolean found = reference.cases().stream().filter(c -> c.call().equals(d.call())).anyMatch(c -> {
                double[] points = d.result().equals("f32") ? c.f32().x() : c.f64().x();
                return Arrays.stream(points).anyMatch(p -> Double.compare(p, d.x()) == 0)
                        && (d.result().equals("value") || d.result().equals("f32") || c.grad() != null);
            });
            if (!found) unused.add(d.toString());
        }
        return unused;
    }

    private static Difference difference(String call, String result, double x) {
        for (Difference d : DIFFERENCES) {
            if (d.call().equals(call) && d.result().equals(result) && Double.compare(d.x(), x) == 0) return d;
        }
        return null;
    }
}
