package dev.modelc.torch.reference;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.DoubleStream;

/**
 * The elementwise functions of issue 13's item 4 (the op table's and the prelude's), each at the
 * points where it is interesting: zero of both signs, tiny and large magnitudes, NaN and the
 * infinities, and its own places (domain edges, halves, kinks, where exp over- or underflows,
 * erf's branch points in {@code runtime.exec.Scalars}).
 */
final class ElementwiseCases {
    private ElementwiseCases() {
    }

    private static final double[] COMMON = {0.0, -0.0, 1e-300, -1e-300, 1e-8, -1e-8, 0.1, -0.1, 0.5, -0.5, 1, -1, 2, -2, 3.7, -3.7,
            10, -10, 30, -30, 1000, -1000, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    private static final double ONE_UP = Math.nextUp(1.0), ONE_DOWN = Math.nextDown(1.0);
    private static final double[] KINK = {Double.MIN_VALUE, -Double.MIN_VALUE, 1e-17, -1e-17};
    private static final double[] HALVES = {1.5, -1.5, 2.5, -2.5, 0.7, -0.7, 2.25, Math.nextDown(0.5), -Math.nextDown(0.5),
            4503599627370497.0 /* 2^52 + 1 */, 1e300, -1e300};

    /** Every case, in the fixture's order. */
    static List<ElementwiseCase> all() {
        return List.of(
                twice("clamp", "clamp(x, min = -1, max = 1)", "torch.clamp(x, min=-1.0, max=1.0)", Map.of("min", -1.0, "max", 1.0),
                        -1, 1, ONE_UP, -ONE_UP, ONE_DOWN, -ONE_DOWN),
                twice("clamp", "clamp(x, min = 0.5)", "torch.clamp(x, min=0.5)", Map.of("min", 0.5), Math.nextDown(0.5), Math.nextUp(0.5)),
                twice("clamp", "clamp(x, max = 0.5)", "torch.clamp(x, max=0.5)", Map.of("max", 0.5), Math.nextDown(0.5), Math.nextUp(0.5)),
                twice("clamp", "clamp(x, min = 2, max = 1)", "torch.clamp(x, min=2.0, max=1.0)", Map.of("min", 2.0, "max", 1.0), 1.5),
                twice("erf", "erf(x)", "torch.erf(x)", Map.of(),
                        Math.nextDown(2.5), 2.6, 3, -2.5, 5.9, Math.nextDown(6.0), 6, -6, 7, 27, 0.3, -0.8),
                twice("gelu", "gelu(x)", "torch.gelu(x)", Map.of(), -5, -8, -12, -38, 5, 0.3),
                twice("gelu_tanh", "gelu_tanh(x)", "torch.gelu(x, approximate=\"tanh\")", Map.of(), -5, -8, -12, 5, 0.3),
                twice("silu", "silu(x)", "torch.silu(x)", Map.of(), -20, -40, -745, -746, 20, 40, 710, 750, -1.2784645427610738),
                twice("leaky_relu", "leaky_relu(x)", "torch.leaky_relu(x, 0.01)", Map.of("slope", 0.01), KINK),
                twice("leaky_relu", "leaky_relu(x, slope = 0.2)", "torch.leaky_relu(x, 0.2)", Map.of("slope", 0.2), KINK),
                twice("elu", "elu(x)", "torch.elu(x)", Map.of("alpha", 1.0), concat(KINK, -20, -40, -745, -1e-5, 1e-5)),
                twice("elu", "elu(x, alpha = 0.5)", "torch.elu(x, 0.5)", Map.of("alpha", 0.5), concat(KINK, -20, -1e-5)),
                twice("atan", "atan(x)", "torch.atan(x)", Map.of(), 1e16, -1e16, 1e300, -1e300, 0.3),
                twice("asin", "asin(x)", "torch.asin(x)", Map.of(), ONE_DOWN, -ONE_DOWN, ONE_UP, 0.99, -0.99, 0.7071067811865476, 1.5, -1.5),
                twice("acos", "acos(x)", "torch.acos(x)", Map.of(), ONE_DOWN, -ONE_DOWN, ONE_UP, 0.99, -0.99, 0.7071067811865476, 1.5, -1.5),
                twice("sinh", "sinh(x)", "torch.sinh(x)", Map.of(), 0.01, -0.01, 20, 709, 710, 711, -710, -711),
                twice("cosh", "cosh(x)", "torch.cosh(x)", Map.of(), 0.01, -0.01, 20, 709, 710, 711, -710, -711),
                twice("log2", "log2(x)", "torch.log2(x)", Map.of(), 8, 0.25, 3, 1024, 1e308, Double.MIN_VALUE, Double.MIN_NORMAL, 1e-320,
                        ONE_UP, ONE_DOWN),
                twice("exp2", "exp2(x)", "torch.exp2(x)", Map.of(), 3, -1074, -1075, -1022.5, 1023, 1024, 0.3),
                twice("rsqrt", "rsqrt(x)", "torch.rsqrt(x)", Map.of(), 4, 0.25, 1e-310, 1e308, Double.MIN_VALUE, 3),
                twice("reciprocal", "reciprocal(x)", "torch.reciprocal(x)", Map.of(), 3, -3, 1e-310, 1e308, 0.3),
                twice("floor", "floor(x)", "torch.floor(x)", Map.of(), HALVES),
                twice("ceil", "ceil(x)", "torch.ceil(x)", Map.of(), HALVES),
                twice("round", "round(x)", "torch.round(x)", Map.of(), HALVES),
                twice("trunc", "trunc(x)", "torch.trunc(x)", Map.of(), HALVES),
                values("isnan", "isnan(x)", "torch.isnan(x)", Double.MAX_VALUE, Double.MIN_VALUE),
                values("isfinite", "isfinite(x)", "torch.isfinite(x)", Double.MAX_VALUE, Double.MIN_VALUE));
    }

    /** Values, gradients and second derivatives (of sum(f(x)), by autograd with create_graph). */
    private static ElementwiseCase twice(String name, String call, String torch, Map<String, Double> args, double... extra) {
        return new ElementwiseCase(name, call, torch, new TreeMap<>(args), points(extra), 2);
    }

    /** A mask: values only (PyTorch has no gradient for a bool result). */
    private static ElementwiseCase values(String name, String call, String torch, double... extra) {
        return new ElementwiseCase(name, call, torch, Map.of(), points(extra), 0);
    }

    private static double[] concat(double[] a, double... b) {
        return DoubleStream.concat(DoubleStream.of(a), DoubleStream.of(b)).toArray();
    }

    /** The common points, then the function's own, each once (by bits: 0 and -0 are both kept). */
    private static double[] points(double[] extra) {
        return DoubleStream.concat(DoubleStream.of(COMMON), DoubleStream.of(extra))
                .mapToObj(Double::valueOf).distinct().mapToDouble(Double::doubleValue).toArray();
    }
}
