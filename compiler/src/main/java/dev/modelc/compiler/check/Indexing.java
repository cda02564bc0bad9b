package dev.modelc.compiler.check;

import dev.modelc.compiler.ast.Expr;
import dev.modelc.compiler.check.Value.Tensor;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * Indexing and slicing with constant bounds ({@code x[0, 1:3]}): typed by NumPy's rules, never
 * clamped (an out-of-bounds bound on a fixed axis is an error; on a symbolic axis it is checked
 * when the size is bound), and lowered as one strided slice plus a reshape that drops the
 * indexed axes. An i32 tensor as the only subscript picks rows instead ({@code t[ids]}, an
 * {@code index_select} node).
 */
final class Indexing {
    private final Elaborator el;

    Indexing(Elaborator elaborator) {
        this.el = elaborator;
    }

    Value index(Expr.Index ix, Env env) {
        Value v = el.eval(ix.target(), env);
        Tensor t = el.operand(v, ix.target());
        if (t == null) return Value.POISON;
        Shape shape = t.type().shape();
        if (ix.subscripts().size() > shape.rank()) {
            el.diagnostics().error(ix.subscripts().get(shape.rank()).span(), "too many indices for " + t.type() + ": "
                    + ix.subscripts().size() + " given", "it has " + shape.rank() + (shape.rank() == 1 ? " axis" : " axes"));
            return Value.POISON;
        }
        // A first subscript that is a tensor rather than a constant number picks rows: t[ids].
        Value first = null;
        if (!ix.subscripts().isEmpty() && ix.subscripts().getFirst() instanceof Expr.Subscript.At at) {
            first = el.eval(at.index(), env);
            if (first instanceof Value.Poison) return Value.POISON;
            if (first instanceof Tensor ids && !ids.isConstantScalar()) return rows(ix, t, at, ids);
        }
        List<Dim> out = new ArrayList<>();
        // Lowered as one strided slice (an index is a window of length 1) and a reshape that drops indexed axes.
        List<Dim> starts = new ArrayList<>(), windows = new ArrayList<>();
        List<Long> steps = new ArrayList<>();
        for (int axis = 0; axis < shape.rank(); axis++) {
            Dim size = shape.dim(axis);
            if (axis >= ix.subscripts().size()) {
                out.add(size);
                starts.add(Dim.of(0));
                steps.add(1L);
                windows.add(size);
                continue;
            }
            switch (ix.subscripts().get(axis)) {
                case Expr.Subscript.At at -> {
                    Long i = axis == 0 ? constIndex(at.index(), first) : constIndex(at.index(), el.eval(at.index(), env));
                    if (i == null) return Value.POISON;
                    if (size.isConstant() && (i < -size.constant() || i >= size.constant())) {
                        el.diagnostics().error(at.span(), "index " + i + " is out of bounds for axis " + axis + " of size " + size,
                                "valid indices run from " + (-size.constant()) + " to " + (size.constant() - 1));
                        return Value.POISON;
                    }
                    starts.add(i < 0 ? size.plus(Dim.of(i)) : Dim.of(i));
                    steps.add(1L);
                    windows.add(Dim.of(1));
                }
                case Expr.Subscript.Slice sl -> {
                    Window w = slice(sl, size, axis, env);
                    if (w == null) return Value.POISON;
                    out.add(w.length());
                    starts.add(w.start());
                    steps.add(w.step());
                    windows.add(w.length());
                }
            }
        }
        TensorType type = t.type().withShape(new Shape(out));
        var e = el.lowering().at(ix.span());
        int x = el.lowering().node(t);
        boolean whole = new Shape(windows).equals(shape) && steps.stream().allMatch(st -> st == 1)
                && starts.stream().allMatch(st -> st.isConstant(0));
        int sliced = whole ? x : e.slice(x, starts, steps, new Shape(windows));
        return new Tensor(type, t.constant(), null, e.reshape(sliced, type.shape()));
    }

    /**
     * {@code t[ids]} with {@code ids} an i32 tensor of any shape: the rows of {@code t} along axis
     * 0 that the indices name, shape {@code ids.shape + t.shape[1:]} (PyTorch's {@code C[X]});
     * an index out of range is refused when the model runs.
     */
    private Value rows(Expr.Index ix, Tensor t, Expr.Subscript.At at, Tensor ids) {
        if (ix.subscripts().size() > 1) {
            el.diagnostics().error(ix.subscripts().get(1).span(), "an index tensor must be the only subscript of " + t.type()
                    + ", found " + ix.subscripts().size() + " subscripts", "t[ids] picks rows along axis 0; index or slice the result for the other axes");
            return Value.POISON;
        }
        DType dtype = ids.type().dtype();
        if (dtype == DType.BOOL) {
            el.diagnostics().error(at.span(), "mask indexing is not supported: the index is " + ids.type() + ", indexing " + t.type(),
                    "use where(mask, x, y) to choose elements, or i32 row indices");
            return Value.POISON;
        }
        if (dtype != DType.I32) {
            el.diagnostics().error(at.span(), "an index tensor must be i32, found " + ids.type() + " indexing " + t.type(),
                    "rows are picked by integer indices; convert with i32(...)");
            return Value.POISON;
        }
        Shape shape = t.type().shape();
        List<Dim> out = new ArrayList<>(ids.type().shape().dims());
        out.addAll(shape.dims().subList(1, shape.rank()));
        TensorType type = t.type().withShape(new Shape(out));
        var e = el.lowering().at(ix.span());
        int node = e.indexSelect(el.lowering().node(t), el.lowering().as(ids, DType.I32));
        return new Tensor(type, t.constant() && ids.constant(), null, node);
    }

    private Long constIndex(Expr e, Value v) {
        if (v instanceof Value.Poison) return null;
        double n = v instanceof Tensor t && t.isConstantScalar() && t.type().dtype() == DType.I32 ? Folding.number(t.known()) : Double.NaN;
        if (Double.isNaN(n)) {
            el.diagnostics().error(e.span(), "indices must be constant integers, found "
                            + (v instanceof Tensor t && t.isConstantScalar() ? e.span().text() : Elaborator.describe(v)),
                    "an i32 tensor as the only subscript picks rows (t[ids]); masks are not supported, use where(...)");
            return null;
        }
        return (long) n;
    }

    /** The length of {@code a:b:c} over an axis of {@code size}; bounds are never clamped. */
    /** A slice of one axis: its first index, its step and how many elements it takes. */
    private record Window(Dim start, long step, Dim length) {
    }

    private Window slice(Expr.Subscript.Slice sl, Dim size, int axis, Env env) {
        Long start = sl.start().isPresent() ? constIndex(sl.start().get(), el.eval(sl.start().get(), env)) : Long.valueOf(0);
        Long stop = sl.stop().isPresent() ? constIndex(sl.stop().get(), el.eval(sl.stop().get(), env)) : null;
        Long step = sl.step().isPresent() ? constIndex(sl.step().get(), el.eval(sl.step().get(), env)) : Long.valueOf(1);
        if (start == null || step == null || (sl.stop().isPresent() && stop == null)) return null;
        if (step <= 0) {
            el.diagnostics().error(sl.step().get().span(), "slice step must be positive, found " + step);
            return null;
        }
        Dim from = start < 0 ? size.plus(Dim.of(start)) : Dim.of(start);
        Dim to = stop == null ? size : stop < 0 ? size.plus(Dim.of(stop)) : Dim.of(stop);
        if (size.isConstant()) {
            long n = size.constant(), f = from.constant(), t = to.constant();
            if (f < 0 || t > n || f > t) {
                el.diagnostics().error(sl.span(), "slice " + sl.span().text() + " is out of bounds for axis " + axis + " of size " + n,
                        "bounds must satisfy 0 <= start <= stop <= " + n + " (after counting negatives from the end); they are never clamped");
                return null;
            }
            return new Window(from, step, Dim.of(stepsIn(t - f, step)));
        }
        Dim len = to.minus(from);
        if (step != 1) {
            if (!len.isConstant()) {
                el.diagnostics().error(sl.step().get().span(), "a slice step other than 1 needs an axis of fixed size",
                        "axis " + axis + " has size " + size);
                return null;
            }
            return new Window(from, step, Dim.of(stepsIn(len.constant(), step)));
        }
        if (len.isConstant() && len.constant() < 0) {
            el.diagnostics().error(sl.span(), "slice " + sl.span().text() + " has negative length");
            return null;
        }
        return new Window(from, 1, len);
    }

    /** The length of a slice of {@code length} elements taken every {@code step}, without overflow. */
    static long stepsIn(long length, long step) {
        return length <= 0 ? 0 : (length - 1) / step + 1;
    }
}
