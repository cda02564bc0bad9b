package dev.modelc.compiler.check;

import dev.modelc.compiler.check.Value.Tensor;
import dev.modelc.compiler.graph.BinaryFn;
import dev.modelc.compiler.graph.Emitter;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code prod(x, axis =, keepdims = false)} and {@code cumsum(x, axis =)}, as {@code torch.prod}
 * and {@code torch.cumsum}, lowered to ops the graph already has, so every backend runs them and
 * their derivatives (of any order) come from those ops' rules.
 */
final class Accumulation {
    private Accumulation() {
    }

    static void define() {
        Builtins.define("prod", Signature.of("x").keywords("axis", "keepdims"), Accumulation::prod);
        Builtins.define("cumsum", Signature.of("x").keywords("axis"), Accumulation::cumsum);
    }

    /**
     * The product over each axis is a tree of products of strided halves (an odd element out is
     * multiplied in at the end): {@code log2(n)} levels of elementwise products, fused into one
     * loop. The gradient of a tree of products is the product of the other elements, exactly,
     * zeros included (PyTorch's rule; it divides by the element only when there is no zero).
     * The tree's shape is fixed when the graph is built, so the reduced axes need fixed sizes.
     */
    private static Value prod(Site s) {
        Tensor x = s.numeric("x");
        if (x == null) return Value.POISON;
        List<Integer> axes = s.axes("axis", x.type().rank());
        Boolean keep = s.constBool("keepdims", false);
        if (axes == null || keep == null) return Value.POISON;
        Shape shape = x.type().shape();
        for (int a : axes) {
            if (!shape.dim(a).isConstant()) {
                return s.fail(s.has("axis") ? "axis" : "x", "prod over axis " + a + " of " + x.type() + " needs a fixed size there, found "
                                + shape.dim(a),
                        "modelc multiplies in a tree whose shape is fixed when the model is compiled; reduce over the fixed axes"
                                + (s.has("axis") ? "" : " with axis = ..."));
            }
        }
        TensorType t = x.type().withShape(Builtins.reduce(shape, axes, keep));
        Emitter e = s.at();
        int v = s.lowering().as(x, Lowering.natural(t));
        for (int a : axes) v = productTree(e, v, a);
        return new Tensor(t, x.constant(), null, e.reshape(v, t.shape()));
    }

    /** The product of {@code v} over {@code axis}, kept as an axis of size 1. */
    private static int productTree(Emitter e, int v, int axis) {
        Shape shape = e.shape(v);
        long n = shape.dim(axis).constant();
        if (n == 0) return e.full(1, e.dtype(v), shape.with(axis, Dim.of(1)));
        List<Integer> odd = new ArrayList<>();
        while (n > 1) {
            if (n % 2 == 1) odd.add(along(e, v, axis, n - 1, 1, 1));
            long half = n / 2;
            v = e.mul(along(e, v, axis, 0, 2, half), along(e, v, axis, 1, 2, half));
            n = half;
        }
        for (int o : odd) v = e.mul(v, o);
        return v;
    }

    /** The slice of {@code v} from {@code start} by {@code step} along {@code axis}, {@code count} long. */
    private static int along(Emitter e, int v, int axis, long start, long step, long count) {
        Shape shape = e.shape(v);
        List<Dim> starts = new ArrayList<>(Collections.nCopies(shape.rank(), Dim.of(0)));
        starts.set(axis, Dim.of(start));
        List<Long> steps = new ArrayList<>(Collections.nCopies(shape.rank(), 1L));
        steps.set(axis, step);
        return e.slice(v, starts, steps, shape.with(axis, Dim.of(count)));
    }

    /**
     * {@code y[i] = sum(where(j <= i, x[j], 0) over j)}: a sum over a broadcast with a triangular
     * mask, one fused loop with the sum inside (n^2 / 2 additions of zeros besides the n^2 / 2 of
     * values per row, in the order of j, as a running sum adds), whatever the size, symbolic
     * included. Its gradient, from the rules of broadcast, where and sum, is the reversed cumsum of
     * the upstream gradient.
     */
    private static Value cumsum(Site s) {
        Tensor x = s.numeric("x");
        if (x == null) return Value.POISON;
        if (!s.has("axis")) {
            return s.fail(null, "missing argument 'axis' in call to 'cumsum'",
                    "cumsum runs along one axis, as torch.cumsum(x, dim): write cumsum(x, axis = -1)");
        }
        Long axisArg = s.constInt("axis", null);
        if (axisArg == null) return Value.POISON;
        Integer a = s.axis("axis", axisArg, x.type().rank());
        if (a == null) return Value.POISON;
        TensorType t = x.type();
        Shape shape = t.shape();
        Dim n = shape.dim(a);
        Emitter e = s.at();
        int v = s.lowering().as(x, Lowering.natural(t));
        // Axis a of the square is i (the output's position), axis a + 1 is j (the summed one).
        Shape square = shape.inserting(a, n);
        int rows = e.broadcast(e.reshape(v, shape.inserting(a, Dim.of(1))), square);
        int i = position(e, n, square.rank(), a), j = position(e, n, square.rank(), a + 1);
        int masked = e.where(e.binary(BinaryFn.LE, j, i), rows, e.full(0, e.dtype(v), Shape.SCALAR));
        return new Tensor(t, x.constant(), null, e.sum(masked, List.of(a + 1), false));
    }

    /** 0, 1, ..., n - 1 along {@code axis} of a tensor of {@code rank} axes, size 1 on the others. */
    private static int position(Emitter e, Dim n, int rank, int axis) {
        List<Dim> dims = new ArrayList<>(Collections.nCopies(rank, Dim.of(1)));
        dims.set(axis, n);
        return e.reshape(e.iota(n, DType.I32), new Shape(dims));
    }
}
