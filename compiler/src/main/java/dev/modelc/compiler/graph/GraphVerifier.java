package dev.modelc.compiler.graph;

import dev.modelc.compiler.types.Broadcast;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Checks a graph's invariants, separately from building it: SSA order, each op's arity and
 * typing rule, results that exist. A violation is a bug in modelc; the error names the node
 * and quotes its equation.
 */
public final class GraphVerifier {
    private GraphVerifier() {
    }

    /** A broken graph invariant. */
    public static final class InvalidGraph extends IllegalStateException {
        InvalidGraph(String message) {
            super(message);
        }
    }

    public static Graph verify(Graph g) {
        for (int id = 0; id < g.size(); id++) {
            Node n = g.node(id);
            if (n.id() != id) throw new InvalidGraph("node at position " + id + " has id %" + n.id());
            for (int in : n.inputs()) {
                if (in < 0 || in >= id) fail(n, "input %" + in + " does not come before it");
            }
            String problem = check(g, n);
            if (problem != null) fail(n, problem);
        }
        for (Graph.Output o : g.outputs()) {
            if (o.node() < 0 || o.node() >= g.size()) {
                throw new InvalidGraph("result '" + o.name() + "' refers to missing node %" + o.node());
            }
            if (o.role() == Graph.Role.LOSS && !g.node(o.node()).type().isScalar()) {
                fail(g.node(o.node()), "the loss is not a scalar");
            }
        }
        return g;
    }

    private static void fail(Node n, String problem) {
        throw new InvalidGraph("invalid node %" + n.id() + " (" + n.op().label() + "): " + problem + "\n  "
                + GraphPrinter.line(n));
    }

    private static String arity(Node n, int want) {
        return n.inputs().size() == want ? null : "takes " + want + " inputs, has " + n.inputs().size();
    }

    private static String check(Graph g, Node n) {
        TensorType t = n.type();
        List<TensorType> in = new ArrayList<>();
        for (int i : n.inputs()) in.add(g.node(i).type());
        return switch (n.op()) {
            case Op.Input i -> arity(n, 0);
            case Op.Param p -> arity(n, 0) != null ? arity(n, 0) : t.isFloating() ? null : "params must be floating";
            case Op.Constant c -> arity(n, 0) != null ? arity(n, 0)
                    : c.size() == 1 || (t.shape().isConcrete() && t.shape().numel().isConstant(c.size())) ? null
                    : c.size() + " values for shape " + t.shape();
            case Op.Size s -> arity(n, 0) != null ? arity(n, 0) : t.isScalar() ? null : "a size is a scalar";
            case Op.Iota i -> arity(n, 0) != null ? arity(n, 0) : t.rank() == 1 ? null : "iota is 1-D";
            case Op.Training m -> arity(n, 0) != null ? arity(n, 0) : t.isScalar() && t.dtype() == DType.BOOL ? null : "training is a bool scalar";
            case Op.Random r -> arity(n, 0) != null ? arity(n, 0) : t.isFloating() ? null : "random values are floating";
            case Op.Draw r -> arity(n, 0) != null ? arity(n, 0) : t.isFloating() ? null : "random values are floating";
            case Op.Unary u -> {
                if (arity(n, 1) != null) yield arity(n, 1);
                if (!in.get(0).shape().equals(t.shape())) yield "shape changes from " + in.get(0).shape();
                DType want = u.fn().givesBool() ? DType.BOOL : in.get(0).dtype();
                yield t.dtype() == want ? null : "dtype should be " + want;
            }
            case Op.Binary b -> {
                if (arity(n, 2) != null) yield arity(n, 2);
                if (!in.get(0).equals(in.get(1))) yield "operands differ: " + in.get(0) + " and " + in.get(1);
                if (!in.get(0).shape().equals(t.shape())) yield "shape differs from the operands'";
                DType want = b.fn().givesBool() ? DType.BOOL : in.get(0).dtype();
                yield t.dtype() == want ? null : "dtype should be " + want;
            }
            case Op.Where w -> {
                if (arity(n, 3) != null) yield arity(n, 3);
                if (in.get(0).dtype() != DType.BOOL) yield "the mask is " + in.get(0);
                if (!in.get(1).equals(t) || !in.get(2).equals(t) || !in.get(0).shape().equals(t.shape())) {
                    yield "operands " + in + " do not match the result";
                }
                yield null;
            }
            case Op.Cast c -> arity(n, 1) != null ? arity(n, 1)
                    : in.get(0).shape().equals(t.shape()) ? null : "a cast keeps the shape";
            case Op.StopGradient s -> arity(n, 1) != null ? arity(n, 1) : in.get(0).equals(t) ? null : "must keep the type";
            case Op.Alias a -> arity(n, 1) != null ? arity(n, 1) : in.get(0).equals(t) ? null : "must keep the type";
            case Op.Require r -> arity(n, 1) != null ? arity(n, 1) : in.get(0).equals(t) ? null : "must keep the type";
            case Op.Broadcast b -> arity(n, 1) != null ? arity(n, 1)
                    : in.get(0).dtype() != t.dtype() ? "dtype changes"
                    : Broadcast.to(in.get(0).shape(), t.shape()) ? null : in.get(0).shape() + " does not broadcast to " + t.shape();
            case Op.Reshape r -> arity(n, 1) != null ? arity(n, 1)
                    : in.get(0).dtype() != t.dtype() ? "dtype changes"
                    : in.get(0).shape().numel().equals(t.shape().numel()) ? null
                    : "element counts differ: " + in.get(0).shape().numel() + " and " + t.shape().numel();
            case Op.Transpose tr -> {
                if (arity(n, 1) != null) yield arity(n, 1);
                Shape s = in.get(0).shape();
                if (tr.perm().size() != s.rank() || new HashSet<>(tr.perm()).size() != s.rank()) yield "bad permutation";
                List<Dim> dims = new ArrayList<>();
                for (int p : tr.perm()) {
                    if (p < 0 || p >= s.rank()) yield "bad permutation";
                    dims.add(s.dim(p));
                }
                yield new Shape(dims).equals(t.shape()) ? null : "shape should be " + new Shape(dims);
            }
            case Op.Slice s -> window(n, in, s.starts(), s.steps());
            case Op.Pad p -> window(n, in, p.starts(), p.steps());
            case Op.Concat c -> {
                if (in.isEmpty()) yield "concat needs inputs";
                Dim total = Dim.of(0);
                for (TensorType it : in) {
                    if (it.rank() != t.rank() || it.dtype() != t.dtype()) yield "operand " + it + " does not match " + t;
                    for (int a = 0; a < t.rank(); a++) {
                        if (a != c.axis() && !it.shape().dim(a).equals(t.shape().dim(a))) yield "operand " + it + " differs off the axis";
                    }
                    total = total.plus(it.shape().dim(c.axis()));
                }
                yield total.equals(t.shape().dim(c.axis())) ? null : "axis size should be " + total;
            }
            case Op.Reduce r -> {
                if (arity(n, 1) != null) yield arity(n, 1);
                Shape s = in.get(0).shape();
                List<Dim> out = new ArrayList<>();
                for (int a : r.axes()) if (a < 0 || a >= s.rank()) yield "axis " + a + " out of range";
                for (int a = 0; a < s.rank(); a++) {
                    if (!r.axes().contains(a)) out.add(s.dim(a));
                    else if (r.keepdims()) out.add(Dim.of(1));
                }
                yield new Shape(out).equals(t.shape()) && t.dtype() == in.get(0).dtype() ? null : "result should be " + new Shape(out);
            }
            case Op.ArgReduce a -> arity(n, 1) != null ? arity(n, 1) : t.dtype() == DType.I32 ? null : "indices are i32";
            case Op.Softmax s -> arity(n, 1) != null ? arity(n, 1)
                    : !in.get(0).equals(t) ? "must keep the type"
                    : s.axis() >= 0 && s.axis() < t.rank() ? null : "axis " + s.axis() + " out of range";
            case Op.MatMul m -> {
                if (arity(n, 2) != null) yield arity(n, 2);
                Shape a = in.get(0).shape(), b = in.get(1).shape();
                if (a.rank() < 2 || a.rank() != b.rank()) yield "operands must have equal rank >= 2: " + a + " and " + b;
                if (!a.dims().subList(0, a.rank() - 2).equals(b.dims().subList(0, b.rank() - 2))) yield "batch axes differ";
                if (!a.dim(a.rank() - 1).equals(b.dim(b.rank() - 2))) yield "inner sizes differ";
                yield in.get(0).dtype() == in.get(1).dtype() && t.dtype() == in.get(0).dtype() ? null : "dtypes differ";
            }
            case Op.OneHot o -> arity(n, 1) != null ? arity(n, 1) : in.get(0).dtype() == DType.I32 ? null : "labels must be i32";
            case Op.IndexSelect i -> {
                if (arity(n, 2) != null) yield arity(n, 2);
                Shape s = in.get(0).shape();
                if (s.rank() < 1) yield "cannot select rows of a scalar";
                List<Dim> out = new ArrayList<>(in.get(1).shape().dims());
                out.addAll(s.dims().subList(1, s.rank()));
                yield indices(in.get(1)) != null ? indices(in.get(1)) : !t.equals(in.get(0).withShape(new Shape(out)))
                        ? "result should be " + new Shape(out) : null;
            }
            case Op.IndexAdd i -> {
                if (arity(n, 2) != null) yield arity(n, 2);
                Shape rows = in.get(0).shape(), ids = in.get(1).shape();
                if (t.rank() < 1 || rows.rank() != ids.rank() + t.rank() - 1) yield "ranks do not fit";
                yield indices(in.get(1)) != null ? indices(in.get(1))
                        : !rows.dims().subList(ids.rank(), rows.rank()).equals(t.shape().dims().subList(1, t.rank()))
                        || !rows.dims().subList(0, ids.rank()).equals(ids.dims()) ? "rows of " + rows + " do not fit " + t.shape()
                        : t.dtype() != in.get(0).dtype() ? "dtype changes" : null;
            }
            case Op.Gather gt -> arity(n, 2) != null ? arity(n, 2) : indices(in.get(1)) != null ? indices(in.get(1))
                    : gather(gt.axis(), in.get(0).shape(), in.get(1).shape()) != null ? gather(gt.axis(), in.get(0).shape(), in.get(1).shape())
                    : !t.equals(in.get(0).withShape(in.get(1).shape())) ? "result should have the indices' shape" : null;
            case Op.ScatterAdd sa -> arity(n, 2) != null ? arity(n, 2) : indices(in.get(1)) != null ? indices(in.get(1))
                    : gather(sa.axis(), t.shape(), in.get(1).shape()) != null ? gather(sa.axis(), t.shape(), in.get(1).shape())
                    : !in.get(0).shape().equals(in.get(1).shape()) ? "operand should have the indices' shape"
                    : t.dtype() != in.get(0).dtype() ? "dtype changes" : null;
            case Op.Conv c -> arity(n, 2) != null ? arity(n, 2) : conv(c.conv(), in, t);
            case Op.MaxPool m -> arity(n, m.pool().arity()) != null ? arity(n, m.pool().arity()) : maxPool(m.pool(), in, t);
        };
    }

    /**
     * A convolution's operands and result: x {@code [N, C, *S]}, w {@code [O, C / groups, *K]} and
     * y {@code [N, O, *OS]} in the roles its kind gives them, one dtype, OS by the output rule.
     */
    private static String conv(dev.modelc.runtime.exec.Convolution c, List<TensorType> in, TensorType t) {
        TensorType x, w, y;
        switch (c.kind()) {
            case FORWARD -> { x = in.get(0); w = in.get(1); y = t; }
            case INPUT_GRAD -> { y = in.get(0); w = in.get(1); x = t; }
            case WEIGHT_GRAD -> { x = in.get(0); y = in.get(1); w = t; }
            default -> throw new IllegalStateException();
        }
        int rank = c.spatial() + 2;
        if (x.rank() != rank || w.rank() != rank || y.rank() != rank) {
            return "operands must have rank " + rank + ": x " + x + ", w " + w + ", y " + y;
        }
        if (x.dtype() != w.dtype() || y.dtype() != x.dtype() || !x.isFloating()) return "dtypes differ or are not floating";
        if (c.groups() < 1 || !x.shape().dim(1).equals(w.shape().dim(1).times(Dim.of(c.groups())))) return "channels of x " + x + " and w " + w + " do not fit groups " + c.groups();
        if (!y.shape().dim(0).equals(x.shape().dim(0)) || !y.shape().dim(1).equals(w.shape().dim(0))) return "y " + y + " does not fit x " + x + " and w " + w;
        for (int a = 0; a < c.spatial(); a++) {
            Dim size = x.shape().dim(2 + a), kernel = w.shape().dim(2 + a);
            if (!kernel.isConstant() || (!size.isConstant() && c.stride().get(a) != 1)) return "axis " + (2 + a) + " must be static";
            if (!Emitter.convOutput(c, a, size, kernel).equals(y.shape().dim(2 + a))) return "output axis " + (2 + a) + " should be "
                    + Emitter.convOutput(c, a, size, kernel);
        }
        return null;
    }

    /**
     * A max pool's operands and result: x (rank at least the pooled axes, floating), the pooled
     * shape y by the output rule, and the moved value in the role its kind gives it; one dtype.
     */
    private static String maxPool(dev.modelc.runtime.exec.MaxPool p, List<TensorType> in, TensorType t) {
        TensorType x = in.get(0);
        TensorType y = switch (p.kind()) {
            case MAX -> t;
            case SCATTER -> in.get(1);
            case SELECT -> t;
        };
        TensorType full = switch (p.kind()) {
            case MAX -> x;
            case SCATTER -> t;
            case SELECT -> in.get(1);
        };
        if (!x.isFloating() || t.dtype() != x.dtype() || in.stream().anyMatch(o -> o.dtype() != x.dtype())) return "dtypes differ or are not floating";
        if (!full.shape().equals(x.shape())) return "operand " + full + " should have the shape of x " + x;
        int rank = x.rank(), lead = rank - p.spatial();
        if (lead < 0 || y.rank() != rank) return "x " + x + " and the pooled " + y + " do not fit " + p.spatial() + " pooled axes";
        for (int a = 0; a < rank; a++) {
            Dim want = a < lead ? x.shape().dim(a) : Emitter.poolOutput(p, a - lead, x.shape().dim(a));
            if (want == null || !want.equals(y.shape().dim(a))) return "pooled axis " + a + " should be " + want;
        }
        return null;
    }

    private static String indices(TensorType ids) {
        return ids.dtype() == DType.I32 ? null : "indices must be i32";
    }

    /** Whether indices of shape {@code idx} fit a gather from {@code x} along {@code axis}. */
    private static String gather(int axis, Shape x, Shape idx) {
        if (axis < 0 || axis >= x.rank()) return "axis " + axis + " out of range";
        return idx.rank() == x.rank() ? null : "indices must have rank " + x.rank();
    }

    private static String window(Node n, List<TensorType> in, List<Dim> starts, List<Long> steps) {
        if (in.size() != 1) return "takes 1 input, has " + in.size();
        int r = n.type().rank();
        if (in.get(0).rank() != r || starts.size() != r || steps.size() != r) return "ranks differ";
        for (long s : steps) if (s <= 0) return "steps must be positive";
        return in.get(0).dtype() == n.type().dtype() ? null : "dtype changes";
    }
}
