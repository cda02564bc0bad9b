package dev.modelc.compiler.graph;

import dev.modelc.runtime.exec.Convolution;

import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.types.Broadcast;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed constructors for graph nodes, shared by lowering and differentiation. It makes
 * broadcasting explicit (elementwise nodes always see equal shapes) and skips no-ops (a reshape
 * to the same shape is the operand itself). Nodes get the span set with {@link #at}.
 */
public final class Emitter {
    private final GraphBuilder b;
    private Span span;

    public Emitter(GraphBuilder builder) {
        this.b = builder;
    }

    public GraphBuilder builder() {
        return b;
    }

    /** Sets the span of the nodes made from now on; returns the previous one. */
    public Span at(Span s) {
        Span prior = span;
        span = s;
        return prior;
    }

    public Span span() {
        return span;
    }

    public TensorType type(int id) {
        return b.type(id);
    }

    public Shape shape(int id) {
        return b.type(id).shape();
    }

    public DType dtype(int id) {
        return b.type(id).dtype();
    }

    // ---- leaves ----

    public int input(String name, TensorType t) {
        return b.add(new Op.Input(name), t, span);
    }

    public int param(String path, TensorType t) {
        return b.add(new Op.Param(path), t, span);
    }

    /** A tensor of {@code type} filled with {@code v}. */
    public int full(double v, TensorType type) {
        return b.add(new Op.Constant(new double[] {v}), type, span);
    }

    public int full(double v, DType dtype, Shape shape) {
        return full(v, TensorType.of(dtype, shape));
    }

    /** A constant with one value per element, row-major. */
    public int constant(double[] values, TensorType type) {
        if (values.length == 1) return full(values[0], type);
        return b.add(new Op.Constant(values), type, span);
    }

    public int size(Dim d, DType dtype) {
        if (d.isConstant()) return full(d.constant(), dtype, Shape.SCALAR);
        return b.add(new Op.Size(d), TensorType.of(dtype, Shape.SCALAR), span);
    }

    public int iota(Dim n, DType dtype) {
        return b.add(new Op.Iota(), TensorType.of(dtype, Shape.of(n)), span);
    }

    /** The built-in {@code training} (see {@link Op.Training}). */
    public int training() {
        return b.add(new Op.Training(), TensorType.of(DType.BOOL, Shape.SCALAR), span);
    }

    public int random(Op.Random.Distribution d, double a, double c, String stream, TensorType type) {
        return b.add(new Op.Random(d, a, c, stream), type, span);
    }

    /** A draw of the training step (see {@link Op.Draw}); {@code site} is the draw's number in its model. */
    public int draw(boolean normal, int site, TensorType type) {
        return b.add(new Op.Draw(normal, site), type, span);
    }

    // ---- elementwise ----

    public int unary(UnaryFn fn, int x) {
        if (fn == UnaryFn.LOG) {
            Integer stable = stableLog(x);
            if (stable != null) return stable;
        }
        TensorType t = type(x);
        if (fn.givesBool()) t = t.withDType(DType.BOOL);
        return b.add(new Op.Unary(fn), t, span, x);
    }

    /**
     * The numerically stable form of {@code log(x)} when {@code x} is built from an op whose log
     * has one (see {@code passes.StabilityRewrites}); null otherwise.
     */
    private Integer stableLog(int x) {
        Node n = b.node(x);
        return switch (n.op()) {
            case Op.Softmax s when !s.log() -> softmax(n.input(0), s.axis(), true);        // log(softmax(x)) -> log_softmax(x)
            case Op.Unary u when u.fn() == UnaryFn.SIGMOID ->
                    neg(unary(UnaryFn.SOFTPLUS, neg(n.input(0))));                            // log(sigmoid(x)) -> -softplus(-x)
            case Op.Reduce r when r.fn() == ReduceFn.SUM
                    && b.node(n.input(0)).op() instanceof Op.Unary e && e.fn() == UnaryFn.EXP ->
                    reduce(ReduceFn.LOGSUMEXP, b.node(n.input(0)).input(0), r.axes(), r.keepdims()); // log(sum(exp(x))) -> logsumexp(x)
            default -> null;
        };
    }

    /** The value of a constant node filled with one number, or NaN when {@code id} is something else. */
    public double fill(int id) {
        return b.node(id).op() instanceof Op.Constant k && k.size() == 1 ? k.value(0) : Double.NaN;
    }

    /** {@code fn(a, c)} after broadcasting both to their common shape. */
    public int binary(BinaryFn fn, int a, int c) {
        if (fn == BinaryFn.POW && fill(c) == 2 && shape(c).rank() <= shape(a).rank() && Broadcast.to(shape(c), shape(a))) {
            return unary(UnaryFn.SQUARE, a);                                            // x ** 2 -> square(x)
        }
        Shape s = common(shape(a), shape(c));
        a = broadcast(a, s);
        c = broadcast(c, s);
        DType d = fn.givesBool() ? DType.BOOL : dtype(a);
        return b.add(new Op.Binary(fn), TensorType.of(d, s), span, a, c);
    }

    public int add(int a, int c) {
        return binary(BinaryFn.ADD, a, c);
    }

    public int sub(int a, int c) {
        return binary(BinaryFn.SUB, a, c);
    }

    public int mul(int a, int c) {
        return binary(BinaryFn.MUL, a, c);
    }

    public int div(int a, int c) {
        return binary(BinaryFn.DIV, a, c);
    }

    /**
     * {@code g * d}, but exactly zero where {@code g} is zero: where a derivative is infinite at
     * points a {@code where} may have masked out (log and sqrt at 0, division by 0), a zero
     * upstream gradient must give zero, not {@code 0 * inf = NaN}.
     */
    public int safeMul(int g, int d) {
        int zero = full(0, type(g));
        return where(binary(BinaryFn.EQ, g, zero), zero, mul(g, d));
    }

    public int neg(int x) {
        return unary(UnaryFn.NEG, x);
    }

    /** {@code v * x} for a number {@code v}, in x's dtype. */
    public int scale(double v, int x) {
        return mul(full(v, dtype(x), Shape.SCALAR), x);
    }

    public int where(int mask, int a, int c) {
        Shape s = common(common(shape(mask), shape(a)), shape(c));
        return b.add(new Op.Where(), TensorType.of(dtype(a), s), span, broadcast(mask, s), broadcast(a, s), broadcast(c, s));
    }

    public int cast(int x, DType to) {
        if (dtype(x) == to) return x;
        return b.add(new Op.Cast(), type(x).withDType(to), span, x);
    }

    private int aliases;

    /** A fresh, never-merged name for the value {@code x} (see {@link Op.Alias}). */
    public int alias(int x, String name) {
        return b.add(new Op.Alias(name, aliases++), type(x), span, x);
    }

    public int stopGradient(int x) {
        return b.add(new Op.StopGradient(), type(x), span, x);
    }

    /** {@code x}, refused at run time when the size {@code count} is below {@code atLeast} (see {@link Op.Require}). */
    public int require(int x, String what, dev.modelc.compiler.types.Dim count, long atLeast) {
        return b.add(new Op.Require(what, count, atLeast), type(x), span, x);
    }

    // ---- shapes ----

    public int broadcast(int x, Shape to) {
        if (shape(x).equals(to)) return x;
        if (!Broadcast.to(shape(x), to)) throw new IllegalArgumentException("cannot broadcast " + type(x) + " to " + to);
        return b.add(new Op.Broadcast(), type(x).withShape(to), span, x);
    }

    public int reshape(int x, Shape to) {
        if (shape(x).equals(to)) return x;
        return b.add(new Op.Reshape(), type(x).withShape(to), span, x);
    }

    public int transpose(int x, List<Integer> perm) {
        boolean identity = true;
        for (int i = 0; i < perm.size(); i++) identity &= perm.get(i) == i;
        if (identity) return x;
        Shape s = shape(x);
        List<Dim> dims = new ArrayList<>();
        for (int p : perm) dims.add(s.dim(p));
        return b.add(new Op.Transpose(perm), type(x).withShape(new Shape(dims)), span, x);
    }

    /** Swaps the last two axes. */
    public int transposeLast(int x) {
        int r = shape(x).rank();
        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < r; i++) perm.add(i);
        perm.set(r - 1, r - 2);
        perm.set(r - 2, r - 1);
        return transpose(x, perm);
    }

    public int slice(int x, List<Dim> starts, List<Long> steps, Shape to) {
        return b.add(new Op.Slice(starts, steps), type(x).withShape(to), span, x);
    }

    public int pad(int x, List<Dim> starts, List<Long> steps, Shape to) {
        return b.add(new Op.Pad(starts, steps), type(x).withShape(to), span, x);
    }

    public int concat(List<Integer> parts, int axis) {
        if (parts.size() == 1) return parts.getFirst();
        Dim total = Dim.of(0);
        for (int p : parts) total = total.plus(shape(p).dim(axis));
        return b.add(new Op.Concat(axis), type(parts.getFirst()).withShape(shape(parts.getFirst()).with(axis, total)), span, parts);
    }

    // ---- reductions and friends ----

    public int reduce(ReduceFn fn, int x, List<Integer> axes, boolean keepdims) {
        if (axes.isEmpty()) return x;
        Shape s = shape(x);
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < s.rank(); i++) {
            if (!axes.contains(i)) out.add(s.dim(i));
            else if (keepdims) out.add(Dim.of(1));
        }
        return b.add(new Op.Reduce(fn, axes, keepdims), type(x).withShape(new Shape(out)), span, x);
    }

    public int sum(int x, List<Integer> axes, boolean keepdims) {
        return reduce(ReduceFn.SUM, x, axes, keepdims);
    }

    /** Sums {@code x} down to {@code target}, the shape it was broadcast from: the adjoint of a broadcast. */
    public int sumTo(int x, Shape target) {
        Shape s = shape(x);
        if (s.equals(target)) return x;
        int lead = s.rank() - target.rank();
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < s.rank(); i++) {
            if (i < lead || (target.dim(i - lead).isConstant(1) && !s.dim(i).isConstant(1))) axes.add(i);
        }
        return reshape(sum(x, axes, true), target);
    }

    public int argReduce(boolean max, int x, int axis, boolean keepdims) {
        Shape s = shape(x);
        Shape out;
        if (axis < 0) out = keepdims ? new Shape(s.dims().stream().map(d -> Dim.of(1)).toList()) : Shape.SCALAR;
        else out = keepdims ? s.with(axis, Dim.of(1)) : s.without(axis);
        return b.add(new Op.ArgReduce(max, axis, keepdims), TensorType.of(DType.I32, out), span, x);
    }

    public int softmax(int x, int axis, boolean log) {
        return b.add(new Op.Softmax(axis, log), type(x), span, x);
    }

    /** NumPy matmul over canonical operands {@code [..., n, k] @ [..., k, m]} with equal batch axes. */
    public int matmul(int a, int c) {
        Shape sa = shape(a), sc = shape(c);
        List<Dim> out = new ArrayList<>(sa.dims().subList(0, sa.rank() - 1));
        out.add(sc.dim(sc.rank() - 1));
        return b.add(new Op.MatMul(), type(a).withShape(new Shape(out)), span, a, c);
    }

    public int oneHot(int labels, long classes, DType dtype) {
        Shape s = shape(labels);
        return b.add(new Op.OneHot(classes), TensorType.of(dtype, s.inserting(s.rank(), Dim.of(classes))), span, labels);
    }

    /** {@code t[ids]}: rows of {@code t} picked by the i32 {@code ids}, shape {@code ids.shape + t.shape[1:]}. */
    public int indexSelect(int t, int ids) {
        Shape st = shape(t);
        List<Dim> out = new ArrayList<>(shape(ids).dims());
        out.addAll(st.dims().subList(1, st.rank()));
        return b.add(new Op.IndexSelect(), type(t).withShape(new Shape(out)), span, t, ids);
    }

    /** The adjoint of {@link #indexSelect}: the rows of {@code g} added into zeros of shape {@code to} at {@code ids}. */
    public int indexAdd(int g, int ids, Shape to) {
        return b.add(new Op.IndexAdd(), type(g).withShape(to), span, g, ids);
    }

    /** {@code torch.gather(x, axis, idx)}: idx's shape, x's dtype. */
    public int gather(int x, int idx, int axis) {
        return b.add(new Op.Gather(axis), type(x).withShape(shape(idx)), span, x, idx);
    }

    /** The adjoint of {@link #gather}: {@code g} added into zeros of shape {@code to} along {@code axis} at {@code idx}. */
    public int scatterAdd(int g, int idx, int axis, Shape to) {
        return b.add(new Op.ScatterAdd(axis), type(g).withShape(to), span, g, idx);
    }

    /**
     * {@code conv1d}/{@code conv2d} of x {@code [N, C, *S]} and w {@code [O, C / groups, *K]}: shape
     * {@code [N, O, *OS]}, each output size by {@link #convOutput}; the checker has shown it positive.
     */
    public int conv(Convolution c, int x, int w) {
        Shape xs = shape(x), ws = shape(w);
        List<Dim> out = new ArrayList<>(List.of(xs.dim(0), ws.dim(0)));
        for (int a = 0; a < c.spatial(); a++) out.add(convOutput(c, a, xs.dim(2 + a), ws.dim(2 + a)));
        return b.add(new Op.Conv(c.as(Convolution.Kind.FORWARD)), type(x).withShape(new Shape(out)), span, x, w);
    }

    /** The input gradient of a convolution (a transposed convolution of g and w) in the shape {@code to} of its input. */
    public int convInputGrad(Convolution c, int g, int w, Shape to) {
        return b.add(new Op.Conv(c.as(Convolution.Kind.INPUT_GRAD)), type(g).withShape(to), span, g, w);
    }

    /** The weight gradient of a convolution (x convolved with the output's gradient g) in the shape {@code to} of its weight. */
    public int convWeightGrad(Convolution c, int x, int g, Shape to) {
        return b.add(new Op.Conv(c.as(Convolution.Kind.WEIGHT_GRAD)), type(g).withShape(to), span, x, g);
    }

    /** Max pooling of x over its trailing axes ({@link dev.modelc.runtime.exec.MaxPool.Kind#MAX}), pooled to {@code out}. */
    public int maxPool(dev.modelc.runtime.exec.MaxPool p, int x, Shape out) {
        return b.add(new Op.MaxPool(p.as(dev.modelc.runtime.exec.MaxPool.Kind.MAX)), type(x).withShape(out), span, x);
    }

    /** The pooled {@code g} added at the first maximum of each window of x: shape of x. */
    public int maxPoolScatter(dev.modelc.runtime.exec.MaxPool p, int x, int g) {
        return b.add(new Op.MaxPool(p.as(dev.modelc.runtime.exec.MaxPool.Kind.SCATTER)), type(g).withShape(shape(x)), span, x, g);
    }

    /** {@code u} (shape of x) read at the first maximum of each window of x: the pooled shape {@code out}. */
    public int maxPoolSelect(dev.modelc.runtime.exec.MaxPool p, int x, int u, Shape out) {
        return b.add(new Op.MaxPool(p.as(dev.modelc.runtime.exec.MaxPool.Kind.SELECT)), type(u).withShape(out), span, x, u);
    }

    /**
     * The pooled size of an axis of {@code size} under a max pool's axis {@code a}: {@code (size
     * + 2 padding - kernel) / stride + 1}; null when a symbolic size is not divisible by the stride.
     */
    public static Dim poolOutput(dev.modelc.runtime.exec.MaxPool p, int a, Dim size) {
        Dim span = size.plus(Dim.of(2L * p.padding().get(a) - p.kernel().get(a)));
        if (span.isConstant()) return Dim.of(Math.floorDiv(span.constant(), p.stride().get(a)) + 1);
        Dim steps = p.stride().get(a) == 1 ? span : span.dividedBy(Dim.of(p.stride().get(a)));
        return steps == null ? null : steps.plus(Dim.of(1));
    }

    /**
     * The output size of spatial axis {@code a}: {@code (size + 2 padding - dilation (kernel - 1) - 1) / stride + 1},
     * rounded down; a symbolic size only with stride 1, where it is the polynomial {@code size + (2 padding - dilation (kernel - 1))}.
     */
    public static Dim convOutput(Convolution c, int a, Dim size, Dim kernel) {
        if (size.isConstant()) return Dim.of(c.outputSize(a, size.constant(), kernel.constant()));
        if (c.stride().get(a) != 1) throw new IllegalArgumentException("symbolic size " + size + " with stride " + c.stride().get(a));
        return size.plus(Dim.of(2L * c.padding().get(a) - (long) c.dilation().get(a) * (kernel.constant() - 1)));
    }

    /** The broadcast shape of two shapes, which the checker has already shown to exist. */
    public static Shape common(Shape a, Shape c) {
        return switch (Broadcast.shapes(a, c)) {
            case Broadcast.Result.Ok ok -> ok.shape();
            case Broadcast.Result.Clash clash -> throw new IllegalArgumentException(
                    "shapes " + a + " and " + c + " do not broadcast: " + clash.explain());
        };
    }
}
