package dev.modelc.compiler.check;

import dev.modelc.compiler.ast.BinaryOp;
import dev.modelc.compiler.check.Value.Known;
import dev.modelc.compiler.check.Value.Tensor;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.types.Broadcast;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import dev.modelc.compiler.autodiff.Autodiff;
import dev.modelc.compiler.graph.BinaryFn;
import dev.modelc.compiler.graph.Emitter;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.graph.ReduceFn;
import dev.modelc.compiler.graph.UnaryFn;

/**
 * The built-in operations of the language reference and their typing rules. Shape rules follow
 * NumPy and PyTorch; each rule reports at the argument that is wrong.
 */
final class Builtins {
    private static final Map<String, Builtin> TABLE = new LinkedHashMap<>();

    private Builtins() {
    }

    static Builtin lookup(String name) {
        return TABLE.get(name);
    }

    static Iterable<String> names() {
        return TABLE.keySet();
    }

    static void define(String name, Signature sig, Builtin.Rule rule) {
        TABLE.put(name, new Builtin(name, sig, rule, null, false, false));
    }

    static {
        // Elementwise functions of one operand: the op table. Constants fold with the meaning the
        // interpreter and generated code run (UnaryFn.apply, which is runtime.exec.Scalars).
        // The floating ones first, then those on any number (the order "did you mean" meets them).
        for (UnaryFn fn : UnaryFn.values()) {
            if (fn.takes() == UnaryFn.Takes.FLOAT) floatUnary(fn);
        }
        for (UnaryFn fn : UnaryFn.values()) {
            switch (fn.takes()) {
                case FLOAT, OPERATOR -> { }
                case NUMBER, NUMBER_TO_BOOL -> numericUnary(fn);
            }
        }

        define("maximum", Signature.of("a", "b"), s -> pairwise(s, "maximum"));
        define("minimum", Signature.of("a", "b"), s -> pairwise(s, "minimum"));
        define("where", Signature.of("mask", "a", "b"), Builtins::where);
        define("clamp", Signature.of("x").keywords("min", "max"), Builtins::clamp);

        for (String r : List.of("sum", "mean", "max", "min", "logsumexp")) {
            define(r, Signature.of("x").optional("_second").keywords("axis", "keepdims"), s -> reduction(s, r));
        }
        define("var", Signature.of("x").keywords("axis", "keepdims", "correction"), s -> variance(s, false));
        define("std", Signature.of("x").keywords("axis", "keepdims", "correction"), s -> variance(s, true));
        define("layer_norm", Signature.of("x").keywords("axis", "eps"), Builtins::layerNorm);
        define("norm", Signature.of("x").keywords("p", "axis", "keepdims"), Builtins::norm);
        define("argmax", Signature.of("x").keywords("axis", "keepdims"), Builtins::argReduction);
        define("argmin", Signature.of("x").keywords("axis", "keepdims"), Builtins::argReduction);
        define("softmax", Signature.of("x").keywords("axis"), Builtins::softmax);
        define("log_softmax", Signature.of("x").keywords("axis"), Builtins::softmax);

        define("transpose", Signature.of("x", "a", "b"), Builtins::transpose);
        define("permute", Signature.of("x", "axes"), Builtins::permute);
        define("reshape", Signature.of("x", "shape"), Builtins::reshape);
        define("flatten", Signature.of("x").keywords("axis"), Builtins::flatten);
        define("broadcast_to", Signature.of("x", "shape"), Builtins::broadcastTo);
        define("cat", Signature.variadic("tensors").keywords("axis"), s -> join(s, false));
        define("stack", Signature.variadic("tensors").keywords("axis"), s -> join(s, true));
        define("squeeze", Signature.of("x").keywords("axis"), Builtins::squeeze);
        define("unsqueeze", Signature.of("x").keywords("axis"), Builtins::unsqueeze);

        define("full", new Signature(List.of("shape", "value"), 0, false, List.of("dtype")), s -> creation(s, "value"));
        define("zeros", new Signature(List.of("shape"), 0, false, List.of("dtype")), s -> creation(s, null));
        define("ones", new Signature(List.of("shape"), 0, false, List.of("dtype")), s -> creation(s, null));
        define("arange", Signature.of("n").keywords("dtype"), Builtins::arange);
        define("one_hot", Signature.of("labels", "classes").keywords("dtype"), Builtins::oneHot);
        define("gather", Signature.of("x", "idx").keywords("axis"), Builtins::gather);
        define("conv1d", ConvRule.SIGNATURE, s -> ConvRule.check(s, 1));
        define("conv2d", ConvRule.SIGNATURE, s -> ConvRule.check(s, 2));

        define("numel", Signature.of("x"), Builtins::numel);
        define("size", Signature.of("x", "axis"), Builtins::size);

        // Param initializers: they take the param's shape and dtype.
        initializer("randn", Signature.of());
        initializer("rand", Signature.of());
        initializer("normal", Signature.of("mean", "std"));
        initializer("uniform", Signature.of("lo", "hi"));
        // torch.nn.init's, with the fans computed from the param's shape as torch.nn.init computes them.
        initializer("kaiming_uniform", new Signature(List.of("a"), 0, false, List.of()));
        initializer("kaiming_normal", new Signature(List.of("a"), 0, false, List.of()));
        initializer("xavier_uniform", new Signature(List.of("gain"), 0, false, List.of()));
        initializer("xavier_normal", new Signature(List.of("gain"), 0, false, List.of()));

        // Names user code may not redefine.
        for (DType d : DType.values()) {
            TABLE.put(d.spelling(), new Builtin(d.spelling(), Signature.of("x"), s -> cast(s, d), d, false, true));
        }
        TABLE.put("grad", new Builtin("grad", Signature.of("y", "x"), Builtins::grad, null, false, true));
        TABLE.put("stop_gradient", new Builtin("stop_gradient", Signature.of("x"), Builtins::stopGradient, null, false, true));

        // Pooling, prod, cumsum and einsum: rules in files of their own, lowered to the ops above.
        Pooling.define();
        Accumulation.define();
        Einsum.define();
        // Randomness in the step: rand_like, randn_like, bernoulli, dropout (StepDraws).
        TABLE.putAll(StepDraws.rules());
        // Batch norm's check of a training batch: verify_batch_size (BatchSizeCheck).
        TABLE.putAll(BatchSizeCheck.rules());
    }

    private static void floatUnary(UnaryFn fn) {
        DoubleUnaryOperator f = fn::apply;
        define(fn.spelling(), Signature.of("x"), s -> {
            Tensor x = s.floating("x");
            if (x == null) return Value.POISON;
            TensorType t = x.type().weak() ? TensorType.weakFloat(x.type().shape()) : x.type();
            Known k = Folding.unary(f, x.known());
            if (k != null) return new Tensor(t, x.constant(), k);
            return new Tensor(t, x.constant(), null, s.at().unary(fn, s.lowering().as(x, Lowering.natural(t))));
        });
    }

    private static void numericUnary(UnaryFn fn) {
        DoubleUnaryOperator f = fn::apply;
        define(fn.spelling(), Signature.of("x"), s -> {
            Tensor x = s.numeric("x");
            if (x == null) return Value.POISON;
            TensorType t = fn.givesBool() ? TensorType.of(DType.BOOL, x.type().shape()) : x.type();
            Known k = fn == UnaryFn.NEG ? Folding.unary(Folding.NEGATE, x.known()) : Folding.unary(f, x.known());
            if (k != null) return new Tensor(t, x.constant(), k);
            return new Tensor(t, x.constant(), null, s.at().unary(fn, s.lowering().node(x)));
        });
    }

    private static void initializer(String name, Signature sig) {
        TABLE.put(name, new Builtin(name, sig, s -> {
            for (String p : sig.positional()) {
                if (s.has(p) && s.constNumber(p, null) == null) return Value.POISON;
            }
            if (name.equals("normal") && s.constNumber("std", 1.0) < 0) return s.fail("std", "std must not be negative");
            if (name.equals("uniform") && s.constNumber("lo", 0.0) > s.constNumber("hi", 1.0)) {
                return s.fail("lo", "uniform needs lo <= hi", "found lo = " + s.args.get("lo").expr().span().text()
                        + " and hi = " + s.args.get("hi").expr().span().text());
            }
            TensorType target = s.env.initTarget();
            boolean normal = name.equals("randn") || name.endsWith("normal");
            double a, b;
            if (name.startsWith("kaiming") || name.startsWith("xavier")) {
                if (target.rank() < 2) {
                    return s.fail(null, name + " needs a param of two axes or more, to count its fans; this one is " + target,
                            "torch.nn.init refuses it too (fan in and fan out cannot be computed); use uniform(...) or normal(...)");
                }
                double spread = fanSpread(name, target.shape(), name.startsWith("kaiming") ? s.constNumber("a", 0.0) : s.constNumber("gain", 1.0));
                a = normal ? 0 : -spread;
                b = spread;
            } else {
                a = name.equals("normal") ? s.constNumber("mean", 0.0) : name.equals("uniform") ? s.constNumber("lo", 0.0) : 0;
                b = name.equals("normal") ? s.constNumber("std", 1.0) : name.equals("uniform") ? s.constNumber("hi", 1.0) : 1;
            }
            int node = s.at().random(normal ? Op.Random.Distribution.NORMAL : Op.Random.Distribution.UNIFORM, a, b,
                    s.lowering().nextDrawStream(), target);
            return new Tensor(target, node);
        }, null, true, false));
    }

    /**
     * The bound (uniform) or standard deviation (normal) of a {@code torch.nn.init} initializer
     * for a param of {@code shape}: {@code fan_in = shape[1] * prod(shape[2:])},
     * {@code fan_out = shape[0] * prod(shape[2:])}; kaiming with the leaky-ReLU gain
     * {@code sqrt(2 / (1 + a^2))} over {@code fan_in} (PyTorch's defaults: {@code mode = "fan_in"},
     * {@code nonlinearity = "leaky_relu"}); xavier with {@code gain * sqrt(2 / (fan_in + fan_out))};
     * the uniform bound is {@code sqrt(3)} times the deviation. Each in the order torch.nn.init
     * computes it, in doubles as Python does.
     */
    private static double fanSpread(String name, Shape shape, double parameter) {
        long receptive = 1;
        for (int i = 2; i < shape.rank(); i++) receptive *= shape.dim(i).constant();
        long fanIn = shape.dim(1).constant() * receptive, fanOut = shape.dim(0).constant() * receptive;
        double std = name.startsWith("kaiming")
                ? Math.sqrt(2.0 / (1 + parameter * parameter)) / Math.sqrt(fanIn)
                : parameter * Math.sqrt(2.0 / (double) (fanIn + fanOut));
        return name.endsWith("uniform") ? Math.sqrt(3.0) * std : std;
    }

    private static Value pairwise(Site s, String what) {
        Tensor a = s.numeric("a"), b = s.numeric("b");
        if (a == null || b == null) return Value.POISON;
        TensorType t = s.elaborator.combine(a, b, s.args.get("a").span(), s.args.get("b").span(), s.calleeSpan(),
                () -> "cannot take the " + what + " of " + a.type() + " and " + b.type());
        if (t == null) return Value.POISON;
        DType d = Lowering.natural(t);
        int node = s.at().binary(what.equals("maximum") ? BinaryFn.MAX : BinaryFn.MIN, s.lowering().as(a, d), s.lowering().as(b, d));
        return new Tensor(t, Site.allConstant(a, b), null, node);
    }

    private static Value where(Site s) {
        Tensor mask = s.tensor("mask"), a = s.tensor("a"), b = s.tensor("b");
        if (mask == null || a == null || b == null) return Value.POISON;
        if (mask.type().dtype() != DType.BOOL) {
            return s.fail("mask", "the mask of 'where' must be bool, found " + mask.type(),
                    "make a mask with a comparison, such as x > 0");
        }
        TensorType ab = s.elaborator.combine(a, b, s.args.get("a").span(), s.args.get("b").span(), s.calleeSpan(),
                () -> "'where' cannot choose between " + a.type() + " and " + b.type());
        if (ab == null) return Value.POISON;
        Broadcast.Result r = Broadcast.shapes(mask.type().shape(), ab.shape());
        if (r instanceof Broadcast.Result.Clash c) {
            return s.fail("mask", "cannot broadcast the mask " + mask.type() + " with " + ab, c.explain());
        }
        TensorType t = ab.withShape(((Broadcast.Result.Ok) r).shape());
        DType d = Lowering.natural(t);
        Lowering lo = s.lowering();
        return new Tensor(t, s.at().where(lo.as(mask, DType.BOOL), lo.as(a, d), lo.as(b, d)));
    }

    /**
     * clamp(x, min =, max =), torch.clamp with scalar bounds: where(x < min, min, x), then
     * where(that > max, max, that). NaN stays NaN, the gradient reaches x only where
     * min <= x <= max, and min > max gives max everywhere, all as in PyTorch.
     */
    private static Value clamp(Site s) {
        Tensor x = s.numeric("x");
        if (x == null) return Value.POISON;
        if (!s.has("min") && !s.has("max")) {
            return s.fail(null, "missing argument 'min' or 'max' in call to 'clamp'", "write clamp(x, min = 0), clamp(x, max = 1) or clamp(x, min = -1, max = 1)");
        }
        TensorType t = x.type();
        boolean constant = x.constant();
        List<String> names = List.of("min", "max");
        Tensor[] bounds = new Tensor[2];
        for (int i = 0; i < 2; i++) {
            String name = names.get(i);
            if (!s.has(name)) continue;
            Tensor b = s.numeric(name);
            if (b == null) return Value.POISON;
            if (!b.type().isScalar()) {
                return s.fail(name, "the bounds of clamp must be scalars, found " + b.type(),
                        "to clamp against a tensor, write maximum(x, lo) or minimum(x, hi)");
            }
            DTypes.Joined j = DTypes.join(t, b.type());
            if (j instanceof DTypes.Joined.Mismatch m) {
                return s.fail(name, "cannot clamp " + x.type() + " with " + name + " = " + s.args.get(name).expr().span().text(), m.note());
            }
            DTypes.Joined.Ok ok = (DTypes.Joined.Ok) j;
            t = new TensorType(ok.dtype(), ok.weak(), t.shape());
            bounds[i] = b;
            constant &= b.constant();
        }
        DType d = Lowering.natural(t);
        Lowering lo = s.lowering();
        var e = s.at();
        int v = lo.as(x, d);
        for (int i = 0; i < 2; i++) {
            if (bounds[i] == null) continue;
            int bound = e.broadcast(lo.as(bounds[i], d), t.shape());
            v = e.where(e.binary(i == 0 ? BinaryFn.LT : BinaryFn.GT, v, bound), bound, v);
        }
        return new Tensor(t, constant, null, v);
    }

    private static Value reduction(Site s, String name) {
        if (s.has("_second")) {
            if (name.equals("max") || name.equals("min")) {
                String other = name.equals("max") ? "maximum" : "minimum";
                String a = s.args.get("x").expr().span().text(), b = s.args.get("_second").expr().span().text();
                return s.fail("_second", name + "(a, b) with two tensors is not a reduction",
                        "for the elementwise " + other + " write " + other + "(" + a + ", " + b + "); to reduce along an axis write "
                                + name + "(" + a + ", axis = " + (s.args.get("_second").value() instanceof Tensor t
                                && t.isConstantScalar() && t.type().dtype() == DType.I32 ? b : "k") + ")");
            }
            return s.fail("_second", "too many arguments to '" + name + "'",
                    "'" + name + "' takes 1 positional argument; axis is keyword-only: write " + name
                            + "(x, axis = " + s.args.get("_second").expr().span().text() + ")");
        }
        Tensor x = name.equals("mean") || name.equals("logsumexp") ? s.floating("x") : s.numeric("x");
        if (x == null) return Value.POISON;
        List<Integer> axes = s.axes("axis", x.type().rank());
        Boolean keep = s.constBool("keepdims", false);
        if (axes == null || keep == null) return Value.POISON;
        TensorType t = x.type().withShape(reduce(x.type().shape(), axes, keep));
        if (t.weak() && (name.equals("mean") || name.equals("logsumexp"))) t = TensorType.weakFloat(t.shape());
        int node = s.at().reduce(ReduceFn.valueOf(name.toUpperCase()), s.lowering().as(x, Lowering.natural(t)), axes, keep);
        return new Tensor(t, x.constant(), null, node);
    }

    /**
     * {@code var(x, axis =, keepdims = false, correction = 1)} and {@code std}, as {@code torch.var}
     * and {@code torch.std}: {@code sum((x - mean(x))^2) / (n - correction)} over the axes (all of
     * them without {@code axis}), two passes over the data in the graph's own nodes, so the
     * gradient (and the next) come from the ops' rules. PyTorch's CPU kernel sums in one pass
     * (Welford); f64 results agree to rounding.
     */
    private static Value variance(Site s, boolean std) {
        Tensor x = s.floating("x");
        if (x == null) return Value.POISON;
        List<Integer> axes = s.axes("axis", x.type().rank());
        Boolean keep = s.constBool("keepdims", false);
        Long correction = s.constInt("correction", 1L);
        if (axes == null || keep == null || correction == null) return Value.POISON;
        if (correction < 0) return s.fail("correction", "correction must not be negative, found " + correction);
        Shape shape = x.type().shape();
        Dim count = Dim.of(1);
        for (int a : axes) count = count.times(shape.dim(a));
        Dim dof = count.plus(Dim.of(-correction));
        if (dof.isConstant() && dof.constant() <= 0) {
            return s.fail(correction == 0 ? "x" : "correction", s.name + " over " + count + (count.isConstant(1) ? " value" : " values")
                            + " with correction " + correction + " divides by " + dof.constant(),
                    "PyTorch gives nan or inf here; pass correction = 0 for the biased estimate, or reduce over more values");
        }
        TensorType t = x.type().weak() ? TensorType.weakFloat(shape) : x.type();
        DType d = Lowering.natural(t);
        var e = s.at();
        int xs = s.lowering().as(x, d);
        int centered = centered(e, xs, axes, shape);
        int sum = e.reduce(ReduceFn.SUM, e.binary(BinaryFn.MUL, centered, centered), axes, keep);
        Shape out = reduce(shape, axes, keep);
        int v = e.binary(BinaryFn.DIV, sum, e.broadcast(e.size(dof, d), out));
        return new Tensor(t.withShape(out), x.constant(), null, std ? e.unary(UnaryFn.SQRT, v) : v);
    }

    /** {@code x - mean(x)} over {@code axes}, in {@code x}'s shape: the first pass of var, std and layer_norm. */
    private static int centered(Emitter e, int x, List<Integer> axes, Shape shape) {
        return e.binary(BinaryFn.SUB, x, e.broadcast(e.reduce(ReduceFn.MEAN, x, axes, true), shape));
    }

    /**
     * {@code layer_norm(x, axis = -1, eps = 1e-5)}: {@code (x - mean) / sqrt(var + eps)} over the
     * axes, with the biased variance, no affine part ({@code F.layer_norm} without weight and
     * bias), computed as PyTorch's CPU kernel does: the reciprocal square root times the
     * centred values.
     */
    private static Value layerNorm(Site s) {
        Tensor x = s.floating("x");
        if (x == null) return Value.POISON;
        List<Integer> axes = s.has("axis") ? s.axisList("axis", x.type().rank()) : (x.type().rank() == 0 ? null : List.of(x.type().rank() - 1));
        if (axes == null && !s.has("axis")) return s.fail("x", "layer_norm needs at least one axis, but " + x.type() + " has none");
        Double eps = s.constNumber("eps", 1e-5);
        if (axes == null || eps == null) return Value.POISON;
        if (!(eps >= 0)) return s.fail("eps", "eps must not be negative, found " + eps);
        axes = new ArrayList<>(axes);
        axes.sort(null);
        Shape shape = x.type().shape();
        TensorType t = x.type().weak() ? TensorType.weakFloat(shape) : x.type();
        DType d = Lowering.natural(t);
        var e = s.at();
        int xs = s.lowering().as(x, d);
        int centered = centered(e, xs, axes, shape);
        int variance = e.reduce(ReduceFn.MEAN, e.binary(BinaryFn.MUL, centered, centered), axes, true);
        int rstd = e.unary(UnaryFn.RSQRT, e.binary(BinaryFn.ADD, variance, e.full(eps, d, reduce(shape, axes, true))));
        return new Tensor(t, x.constant(), null, e.binary(BinaryFn.MUL, centered, e.broadcast(rstd, shape)));
    }

    /**
     * {@code norm(x, p = 2, axis =, keepdims = false)}: {@code sum(|x|^p)^(1/p)} over the axes (all
     * without {@code axis}), as {@code torch.linalg.vector_norm}; {@code p} a constant > 0. p = 2 is
     * {@code sqrt(sum(x * x))} and p = 1 {@code sum(|x|)}. At a zero vector the gradient is 0, as
     * PyTorch's (it masks the 0 / 0): the root is only taken of positive sums.
     */
    private static Value norm(Site s) {
        Tensor x = s.floating("x");
        if (x == null) return Value.POISON;
        List<Integer> axes = s.axes("axis", x.type().rank());
        Boolean keep = s.constBool("keepdims", false);
        Double p = s.constNumber("p", 2.0);
        if (axes == null || keep == null || p == null) return Value.POISON;
        if (!(p > 0) || Double.isInfinite(p)) return s.fail("p", "p must be a finite number > 0, found " + p,
                "for the largest magnitude write max(abs(x), axis = ...)");
        Shape shape = x.type().shape();
        TensorType t = x.type().weak() ? TensorType.weakFloat(shape) : x.type();
        DType d = Lowering.natural(t);
        var e = s.at();
        int xs = s.lowering().as(x, d);
        Shape out = reduce(shape, axes, keep);
        if (p == 1) return new Tensor(t.withShape(out), x.constant(), null, e.reduce(ReduceFn.SUM, e.unary(UnaryFn.ABS, xs), axes, keep));
        int powered = p == 2 ? e.binary(BinaryFn.MUL, xs, xs) : e.binary(BinaryFn.POW, e.unary(UnaryFn.ABS, xs), e.full(p, d, shape));
        int sum = e.reduce(ReduceFn.SUM, powered, axes, keep);
        int zero = e.full(0, d, out), one = e.full(1, d, out);
        int positive = e.binary(BinaryFn.GT, sum, zero);
        int safe = e.where(positive, sum, one);
        int root = p == 2 ? e.unary(UnaryFn.SQRT, safe) : e.binary(BinaryFn.POW, safe, e.full(1 / p, d, out));
        return new Tensor(t.withShape(out), x.constant(), null, e.where(positive, root, zero));
    }

    static Shape reduce(Shape shape, List<Integer> axes, boolean keepdims) {
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < shape.rank(); i++) {
            if (!axes.contains(i)) out.add(shape.dim(i));
            else if (keepdims) out.add(Dim.of(1));
        }
        return new Shape(out);
    }

    private static Value argReduction(Site s) {
        Tensor x = s.numeric("x");
        if (x == null) return Value.POISON;
        Boolean keep = s.constBool("keepdims", false);
        if (keep == null) return Value.POISON;
        boolean max = s.name.equals("argmax");
        int xs = s.lowering().node(x);
        if (!s.has("axis")) {
            Shape out = keep ? reduce(x.type().shape(), s.axes("axis", x.type().rank()), true) : Shape.SCALAR;
            return new Tensor(TensorType.of(DType.I32, out), s.at().argReduce(max, xs, -1, keep));
        }
        Long axis = s.constInt("axis", null);
        if (axis == null) return Value.POISON;
        Integer a = s.axis("axis", axis, x.type().rank());
        if (a == null) return Value.POISON;
        return new Tensor(TensorType.of(DType.I32, reduce(x.type().shape(), List.of(a), keep)), s.at().argReduce(max, xs, a, keep));
    }

    private static Value softmax(Site s) {
        Tensor x = s.floating("x");
        if (x == null) return Value.POISON;
        Long axis = s.constInt("axis", -1L);
        Integer a = axis == null ? null : s.axis("axis", axis, x.type().rank());
        if (a == null) return Value.POISON;
        TensorType t = x.type().weak() ? TensorType.weakFloat(x.type().shape()) : x.type();
        return new Tensor(t, s.at().softmax(s.lowering().as(x, Lowering.natural(t)), a, s.name.equals("log_softmax")));
    }

    private static Value transpose(Site s) {
        Tensor x = s.tensor("x");
        Long a = s.constInt("a", null), b = s.constInt("b", null);
        if (x == null || a == null || b == null) return Value.POISON;
        int rank = x.type().rank();
        Integer ia = s.axis("a", a, rank), ib = s.axis("b", b, rank);
        if (ia == null || ib == null) return Value.POISON;
        List<Dim> dims = new ArrayList<>(x.type().shape().dims());
        dims.set(ia, x.type().shape().dim(ib));
        dims.set(ib, x.type().shape().dim(ia));
        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < rank; i++) perm.add(i == ia ? ib : i == ib ? ia : i);
        return new Tensor(x.type().withShape(new Shape(dims)), x.constant(), null, s.at().transpose(s.lowering().node(x), perm));
    }

    private static Value permute(Site s) {
        Tensor x = s.tensor("x");
        if (x == null) return Value.POISON;
        int rank = x.type().rank();
        List<Integer> perm = s.axisList("axes", rank);
        if (perm == null) return Value.POISON;
        if (perm.size() != rank) {
            return s.fail("axes", "permute needs " + rank + " axes for " + x.type() + ", found " + perm.size());
        }
        List<Dim> dims = new ArrayList<>();
        for (int a : perm) dims.add(x.type().shape().dim(a));
        return new Tensor(x.type().withShape(new Shape(dims)), x.constant(), null, s.at().transpose(s.lowering().node(x), perm));
    }

    private static Value reshape(Site s) {
        Tensor x = s.tensor("x");
        List<Dim> target = s.sizes("shape", true);
        if (x == null || target == null) return Value.POISON;
        Dim total = x.type().shape().numel();
        Dim known = Dim.of(1);
        int infer = -1;
        for (int i = 0; i < target.size(); i++) {
            if (target.get(i).isConstant(-1)) infer = i;
            else known = known.times(target.get(i));
        }
        List<Dim> dims = new ArrayList<>(target);
        if (infer >= 0) {
            Dim rest = known.isConstant(0) ? null : total.dividedBy(known);
            if (rest == null) {
                return s.fail("shape", "cannot reshape " + x.type() + " (" + total + " elements) to "
                                + new Shape(target).toString().replace("-1", "?"),
                        known.isConstant(0) ? "the other sizes multiply to 0, so -1 cannot be inferred"
                                : total + " is not a multiple of " + known);
            }
            dims.set(infer, rest);
        } else if (!known.equals(total)) {
            return s.fail("shape", "cannot reshape " + x.type() + " to " + new Shape(target),
                    "it has " + total + " elements and the new shape holds " + known);
        }
        Shape out = new Shape(dims);
        return new Tensor(x.type().withShape(out), x.constant(), null, s.at().reshape(s.lowering().node(x), out));
    }

    /**
     * {@code flatten(x, axis = 1)}: axes {@code axis} to the last merged into one, as
     * {@code nn.Flatten()} does (the batch axis kept); a reshape, so it has reshape's gradient.
     */
    private static Value flatten(Site s) {
        Tensor x = s.tensor("x");
        Long axis = s.constInt("axis", 1L);
        if (x == null || axis == null) return Value.POISON;
        int rank = x.type().rank();
        if (!s.has("axis") && rank < 2) {
            return s.fail("x", "flatten keeps axis 0 and merges the axes after it, but " + x.type() + " has "
                    + (rank == 0 ? "no axes" : "only one axis"), rank == 0
                    ? "a scalar has nothing to flatten; reshape(x, [1]) makes it a vector"
                    : "it is flat already; flatten(x, axis = 0) accepts it unchanged");
        }
        Integer a = s.axis("axis", axis, rank);
        if (a == null) return Value.POISON;
        Shape shape = x.type().shape();
        Dim merged = Dim.of(1);
        for (int i = a; i < rank; i++) merged = merged.times(shape.dim(i));
        List<Dim> dims = new ArrayList<>(shape.dims().subList(0, a));
        dims.add(merged);
        Shape out = new Shape(dims);
        if (x.known() != null) return new Tensor(x.type().withShape(out), x.constant(), x.known());
        return new Tensor(x.type().withShape(out), x.constant(), null, s.at().reshape(s.lowering().node(x), out));
    }

    private static Value broadcastTo(Site s) {
        Tensor x = s.tensor("x");
        List<Dim> target = s.sizes("shape", false);
        if (x == null || target == null) return Value.POISON;
        Shape to = new Shape(target);
        if (!Broadcast.to(x.type().shape(), to)) {
            return s.fail("shape", "cannot broadcast " + x.type() + " to " + to,
                    "only axes of size 1 stretch, and missing leading axes are added");
        }
        return new Tensor(x.type().withShape(to), x.constant(), null, s.at().broadcast(s.lowering().node(x), to));
    }

    private static Value join(Site s, boolean stack) {
        String name = stack ? "stack" : "cat";
        List<Tensor> parts = new ArrayList<>();
        for (Arguments.Bound b : s.args.rest()) {
            Tensor t = s.tensor(b);
            if (t == null) return Value.POISON;
            parts.add(t);
        }
        Long axisArg = s.constInt("axis", 0L);
        if (axisArg == null) return Value.POISON;
        Tensor first = parts.getFirst();
        TensorType type = first.type();
        for (int i = 1; i < parts.size(); i++) {
            Tensor p = parts.get(i);
            DTypes.Joined j = DTypes.join(type, p.type());
            if (j instanceof DTypes.Joined.Mismatch m) {
                return s.failAt(s.args.rest().get(i).span(), "cannot " + name + " " + type + " and " + p.type(), m.note());
            }
            DTypes.Joined.Ok ok = (DTypes.Joined.Ok) j;
            type = new TensorType(ok.dtype(), ok.weak(), type.shape());
        }
        int rank = first.type().rank();
        Integer axis = stack ? s.newAxis("axis", axisArg, rank) : s.axis("axis", axisArg, rank);
        if (axis == null) return Value.POISON;
        Dim joined = Dim.of(0);
        for (int i = 0; i < parts.size(); i++) {
            Shape shape = parts.get(i).type().shape();
            Span at = s.args.rest().get(i).span();
            if (shape.rank() != rank) {
                return s.failAt(at, "cannot " + name + " " + first.type() + " and " + parts.get(i).type(),
                        "all tensors need the same rank: " + rank + " and " + shape.rank());
            }
            for (int k = 0; k < rank; k++) {
                if ((stack || k != axis) && !shape.dim(k).equals(first.type().shape().dim(k))) {
                    return s.failAt(at, "cannot " + name + " " + first.type() + " and " + parts.get(i).type()
                                    + (stack ? "" : " along axis " + axis),
                            "axis " + k + " is " + first.type().shape().dim(k) + " in the first and " + shape.dim(k)
                                    + " here" + (stack ? "; stack needs equal shapes" : ""));
                }
            }
            if (!stack) joined = joined.plus(shape.dim(axis));
        }
        Shape out = stack ? first.type().shape().inserting(axis, Dim.of(parts.size()))
                : first.type().shape().with(axis, joined);
        boolean constant = parts.stream().allMatch(Tensor::constant);
        DType d = Lowering.natural(type);
        List<Integer> nodes = new ArrayList<>();
        var e = s.at();
        for (Tensor p : parts) {
            int n = s.lowering().as(p, d);
            nodes.add(stack ? e.reshape(n, p.type().shape().inserting(axis, Dim.of(1))) : n);
        }
        return new Tensor(type.withShape(out), constant, null, e.concat(nodes, axis));
    }

    private static Value squeeze(Site s) {
        Tensor x = s.tensor("x");
        if (x == null) return Value.POISON;
        Shape shape = x.type().shape();
        if (!s.has("axis")) {
            // The language reference asks for an axis that is statically 1: squeeze(x) alone would
            // silently drop a symbolic axis that happens to be 1 at run time in PyTorch.
            return s.fail(null, "missing argument 'axis' in call to 'squeeze'",
                    "name the axis to remove, which must have size 1: squeeze(x, axis = 0)");
        }
        Long axis = s.constInt("axis", null);
        Integer a = axis == null ? null : s.axis("axis", axis, shape.rank());
        if (a == null) return Value.POISON;
        if (!shape.dim(a).isConstant(1)) {
            return s.fail("axis", "cannot squeeze axis " + a + " of " + x.type(), "its size is " + shape.dim(a) + ", not 1");
        }
        Shape out = shape.without(a);
        if (x.known() != null) return new Tensor(x.type().withShape(out), x.constant(), x.known());
        return new Tensor(x.type().withShape(out), x.constant(), null, s.at().reshape(s.lowering().node(x), out));
    }

    private static Value unsqueeze(Site s) {
        Tensor x = s.tensor("x");
        if (x == null) return Value.POISON;
        if (!s.has("axis")) return s.fail(null, "missing argument 'axis' in call to 'unsqueeze'", "write unsqueeze(x, axis = 0)");
        Long axis = s.constInt("axis", null);
        Integer a = axis == null ? null : s.newAxis("axis", axis, x.type().rank());
        if (a == null) return Value.POISON;
        Shape out = x.type().shape().inserting(a, Dim.of(1));
        if (x.known() != null) return new Tensor(x.type().withShape(out), x.constant(), x.known());
        return new Tensor(x.type().withShape(out), x.constant(), null, s.at().reshape(s.lowering().node(x), out));
    }

    private static Value creation(Site s, String valueArg) {
        DType dtype = s.dtype("dtype");
        if (s.failed()) return Value.POISON;
        // As a param initializer, full(v) takes the param's shape: its one argument is the value.
        if (valueArg != null && s.env.initTarget() != null && s.has("shape") && !s.has(valueArg)) {
            s = s.renamed("shape", valueArg);
        }
        TensorType fill;
        Known known = null;
        if (valueArg == null) {
            fill = TensorType.weakFloat(Shape.SCALAR);
            known = Folding.scalar(s.name.equals("ones") ? 1 : 0);
        } else {
            if (!s.has(valueArg)) return s.fail(null, "missing argument 'value' in call to 'full'",
                    s.env.initTarget() != null ? "write full(v) with the fill value" : "write full([2, 3], v)");
            Tensor v = s.tensor(valueArg);
            if (v == null) return Value.POISON;
            if (!v.type().isScalar() || !v.constant()) {
                return s.fail(valueArg, "the fill value of 'full' must be a constant scalar, found " + v.type());
            }
            fill = v.type();
            known = v.known();
        }
        Shape shape;
        if (!s.has("shape")) {
            TensorType target = s.env.initTarget();
            if (target == null) {
                return s.fail(null, "missing argument 'shape' in call to '" + s.name + "'",
                        "write " + s.name + "([2, 3]" + (valueArg != null ? ", v" : "") + "); only a param initializer takes its shape from the param");
            }
            shape = target.shape();
            if (dtype == null) dtype = target.dtype();
        } else {
            List<Dim> dims = s.sizes("shape", false);
            if (dims == null) return Value.POISON;
            shape = new Shape(dims);
        }
        TensorType t = dtype != null ? TensorType.of(dtype, shape) : fill.withShape(shape);
        if (dtype != null && fill.weak() && valueArg != null) {
            DTypes.Joined j = DTypes.adopt(fill, dtype);
            if (j instanceof DTypes.Joined.Mismatch m) return s.fail(valueArg, "cannot fill " + (dtype == DType.I32 ? "an " : "a ") + dtype + " tensor with "
                    + s.args.get(valueArg).expr().span().text(), m.note());
        }
        if (shape.isScalar() && known != null) return new Tensor(t, true, known);
        double v = Folding.number(known);
        return new Tensor(t, true, null, s.at().full(v, TensorType.of(Lowering.natural(t), shape)));
    }

    private static Value arange(Site s) {
        DType dtype = s.dtype("dtype");
        Arguments.Bound n = s.args.get("n");
        List<Dim> size = n.value() instanceof Tensor t && t.type().isScalar() && t.type().dtype() == DType.I32
                ? Folding.sizes(t.known()) : null;
        if (s.failed()) return Value.POISON;
        if (size == null || size.size() != 1) {
            return s.fail("n", "the length of 'arange' must be a constant integer or a size, found " + n.expr().span().text());
        }
        if (size.getFirst().isConstant() && size.getFirst().constant() < 0) {
            return s.fail("n", "the length of 'arange' must not be negative, found " + size.getFirst());
        }
        Shape shape = new Shape(List.of(size.getFirst()));
        TensorType t = dtype != null ? TensorType.of(dtype, shape) : TensorType.weakInt(shape);
        return new Tensor(t, size.getFirst().isConstant(), null, s.at().iota(size.getFirst(), Lowering.natural(t)));
    }

    private static Value oneHot(Site s) {
        Tensor labels = s.tensor("labels");
        Long classes = s.constInt("classes", null);
        DType dtype = s.dtype("dtype");
        if (labels == null || classes == null || s.failed()) return Value.POISON;
        if (labels.type().dtype() != DType.I32) {
            return s.fail("labels", "one_hot needs i32 class labels, found " + labels.type(), "convert with i32(...)");
        }
        if (classes <= 0) return s.fail("classes", "one_hot needs at least one class, found " + classes);
        Shape shape = labels.type().shape().inserting(labels.type().rank(), Dim.of(classes));
        TensorType t = dtype != null ? TensorType.of(dtype, shape) : TensorType.weakFloat(shape);
        return new Tensor(t, s.at().oneHot(s.lowering().as(labels, DType.I32), classes, Lowering.natural(t)));
    }

    /**
     * {@code gather(x, idx, axis = k)}, {@code torch.gather(x, k, idx)}: {@code out[p] = x[p with
     * axis k replaced by idx[p]]}; idx is i32 with x's rank and no longer than x on the other axes.
     */
    private static Value gather(Site s) {
        Tensor x = s.tensor("x");
        Tensor idx = s.tensor("idx");
        Long axisArg = s.constInt("axis", null);
        if (x == null || idx == null || s.failed()) return Value.POISON;
        if (axisArg == null) {
            return s.fail(null, "gather needs the axis to read along: gather(x, idx, axis = k)", "as torch.gather(x, k, idx)");
        }
        if (idx.type().dtype() != DType.I32) {
            return s.fail("idx", "argument 'idx' of 'gather' must be an i32 tensor, found " + idx.type() + " (x is " + x.type() + ")",
                    idx.type().dtype() == DType.BOOL ? "gather reads at integer positions; to choose by a mask use where(mask, x, y)"
                            : "gather reads at integer positions; convert with i32(...)");
        }
        Shape xs = x.type().shape(), is = idx.type().shape();
        if (is.rank() != xs.rank()) {
            return s.fail("idx", "gather needs indices of the rank of x, found " + idx.type() + " for x " + x.type(),
                    "torch.gather needs them too: x has rank " + xs.rank() + ", the indices rank " + is.rank() + "; add unit axes with reshape");
        }
        Integer axis = s.axis("axis", axisArg, xs.rank());
        if (axis == null) return Value.POISON;
        for (int a = 0; a < xs.rank(); a++) {
            Dim d = is.dim(a), limit = xs.dim(a);
            boolean fits = a == axis || d.equals(limit) || (d.isConstant() && limit.isConstant() && d.constant() <= limit.constant());
            if (!fits) {
                return s.fail("idx", "gather's indices " + idx.type() + " do not fit x " + x.type() + " on axis " + a,
                        "on every axis but the one read along (" + axis + "), the indices may be no longer than x: " + d + " against " + limit);
            }
        }
        TensorType t = TensorType.of(x.type().dtype(), is);
        Lowering l = s.lowering();
        return new Tensor(x.type().withShape(is), x.constant() && idx.constant(), null,
                s.at().gather(l.as(x, Lowering.natural(t)), l.as(idx, DType.I32), axis));
    }

    private static Value numel(Site s) {
        Tensor x = s.tensor("x");
        if (x == null) return Value.POISON;
        Dim n = x.type().shape().numel();
        return new Tensor(TensorType.weakInt(Shape.SCALAR), n.isConstant(), new Known.Sizes(List.of(n)));
    }

    private static Value size(Site s) {
        Tensor x = s.tensor("x");
        Long axis = s.constInt("axis", null);
        if (x == null || axis == null) return Value.POISON;
        Integer a = s.axis("axis", axis, x.type().rank());
        if (a == null) return Value.POISON;
        Dim d = x.type().shape().dim(a);
        return new Tensor(TensorType.weakInt(Shape.SCALAR), d.isConstant(), new Known.Sizes(List.of(d)));
    }

    private static Value cast(Site s, DType to) {
        Tensor x = s.tensor("x");
        if (x == null) return Value.POISON;
        TensorType t = TensorType.of(to, x.type().shape());
        Known known = castKnown(x.known(), to);
        if (known != null) return new Tensor(t, x.constant(), known);
        return new Tensor(t, x.constant(), null, s.at().cast(s.lowering().node(x), to));
    }

    /** A folded value converted like the cast converts it: truncated for i32, non-zero for bool. */
    private static Known castKnown(Known k, DType to) {
        if (!(k instanceof Known.Numbers n)) return to.isFloating() || to == DType.I32 ? k : null;
        double[] out = n.data().clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (to) {
                case F32 -> (float) out[i];
                case F64 -> out[i];
                case I32 -> Double.isNaN(out[i]) ? 0 : (long) out[i];
                case BOOL -> out[i] != 0 ? 1 : 0;
            };
        }
        return new Known.Numbers(out);
    }

    private static Value stopGradient(Site s) {
        Tensor x = s.tensor("x");
        if (x == null) return Value.POISON;
        if (x.known() != null) return x;
        return new Tensor(x.type(), x.constant(), null, s.at().stopGradient(s.lowering().node(x)));
    }

    private static Value grad(Site s) {
        Tensor y = s.tensor("y");
        if (y == null) return Value.POISON;
        if (!y.type().isScalar()) {
            return s.fail("y", "grad needs a scalar to differentiate, found " + y.type(),
                    "reduce it first, for example grad(sum(" + s.args.get("y").expr().span().text() + "), ...)");
        }
        if (!y.type().isFloating()) {
            return s.fail("y", "grad needs a floating value to differentiate, found " + y.type(),
                    "i32 and bool values have no gradient");
        }
        if (y.type().weak()) {
            return s.fail("y", "grad needs a value computed from the model, found the constant "
                    + s.args.get("y").expr().span().text(), "a constant does not depend on anything, so it has no gradient");
        }
        Arguments.Bound xb = s.args.get("x");
        Binding binding = s.elaborator.bindingOf(xb.expr(), s.env);
        if (xb.value() instanceof Value.Poison) return Value.POISON;
        if (binding == null && xb.value() instanceof Tensor t && t.constant()) {
            return s.fail("x", "cannot differentiate with respect to the constant " + xb.expr().span().text(),
                    "grad differentiates with respect to a param, input or local; constants have no gradient");
        }
        if (binding == null) {
            return s.fail("x", "grad differentiates with respect to a param, input or local, found '"
                            + xb.expr().span().text() + "'",
                    "bind it to a local first: v = " + xb.expr().span().text());
        }
        if (binding.kind() == Binding.Kind.CONST || binding.kind() == Binding.Kind.LAYER_ARGUMENT
                || (binding.value() instanceof Tensor t && t.constant())) {
            return s.fail("x", "cannot differentiate with respect to '" + xb.expr().span().text() + "', "
                    + binding.kind().description(), "its value is fixed when the model is compiled, so it has no gradient;"
                    + " differentiate with respect to a param, an input or a local");
        }
        if (binding.kind() == Binding.Kind.STATE) {
            return s.fail("x", "cannot differentiate with respect to '" + xb.expr().span().text() + "', a state",
                    "states change only through their update rules in the training step, so they have no gradient;"
                            + " declare it as a param to train it");
        }
        if (!(binding.value() instanceof Tensor x)) {
            return s.fail("x", "cannot differentiate with respect to " + Elaborator.describe(binding.value()));
        }
        if (!x.type().isFloating()) {
            return s.fail("x", "cannot differentiate with respect to '" + xb.expr().span().text() + "', "
                            + binding.kind().description() + " of type " + x.type(),
                    "only f32 and f64 values have gradients; i32 holds labels and indices, bool holds masks");
        }
        if (!y.type().dtype().equals(x.type().dtype())) {
            return s.fail("x", "cannot differentiate " + y.type() + " with respect to " + x.type(),
                    "both must have the same dtype");
        }
        var e = s.at();
        int yNode = s.lowering().node(y), xNode = s.lowering().node(x);
        s.elaborator.expansion().differentiating(yNode - xNode + 1, s.span());
        Integer g = Autodiff.gradients(e, yNode, List.of(xNode)).getFirst();
        if (g == null) {
            s.diagnostics.warning(s.span(), "'" + s.args.get("y").expr().span().text() + "' does not depend on '"
                    + xb.expr().span().text() + "', so its gradient is zero", "like torch.autograd.grad with allow_unused");
            return new Tensor(x.type(), e.full(0, x.type()));
        }
        return new Tensor(x.type(), g);
    }

    /** Applies a binary operator's fold to two constants, for the elaborator. */
    static Known fold(BinaryOp op, Tensor a, Tensor b) {
        return a.type().isScalar() && b.type().isScalar() ? Folding.binary(op, a.known(), b.known()) : null;
    }
}
