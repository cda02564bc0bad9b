package dev.modelc.compiler.check;

import dev.modelc.compiler.ast.Param;
import dev.modelc.compiler.ast.TypeExpr;
import dev.modelc.compiler.diagnostics.Diagnostic;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the arguments of one call against the parameters' type annotations
 * ({@code a: float[*S], b: float[*S]}), binding dimension names and {@code *S} shapes per call so
 * the same name must mean the same size in every argument.
 */
final class Annotations {
    private final Elaborator elaborator;
    private final String callee;
    private final Scope constants;
    private final Map<String, Dim> dims = new HashMap<>();
    private final Map<String, Shape> shapes = new HashMap<>();
    private final Map<String, String> boundBy = new HashMap<>();
    private final Map<String, Span> boundAt = new HashMap<>();

    Annotations(Elaborator elaborator, String callee, Scope constants) {
        this.elaborator = elaborator;
        this.callee = callee;
        this.constants = constants;
    }

    boolean matches(Param p, Value v, Span at) {
        TypeExpr ann = p.type().orElseThrow();
        String name = p.name().text();
        if (!(v instanceof Value.Tensor t)) {
            return fail(at, "argument '" + name + "' of '" + callee + "' must be a tensor " + ann.span().text()
                    + ", found " + Elaborator.describe(v));
        }
        TensorType type = t.type();
        String dtype = ann.dtype().text();
        if (!dtype.equals("float") && DeclaredTypes.dtype(ann.dtype(), elaborator.diagnostics()) == null) {
            return false; // reported as an unknown dtype; the argument is not to blame
        }
        boolean dtypeOk = switch (dtype) {
            case "float" -> type.isFloating() || (type.weak() && type.dtype() == DType.I32);
            default -> {
                DType want = DeclaredTypes.dtype(ann.dtype(), elaborator.diagnostics());
                yield type.weak() ? DTypes.adopt(type, want) instanceof DTypes.Joined.Ok : type.dtype() == want;
            }
        };
        if (!dtypeOk) return mismatch(at, null, name, ann, type);

        List<TypeExpr.DimExpr> written = ann.dims();
        int spread = -1;
        for (int i = 0; i < written.size(); i++) {
            if (written.get(i) instanceof TypeExpr.DimExpr.Spread) {
                if (spread >= 0) return fail(written.get(i).span(), "only one *name may appear in a type");
                spread = i;
            }
        }
        Shape shape = type.shape();
        int fixed = spread >= 0 ? written.size() - 1 : written.size();
        if (spread < 0 ? shape.rank() != fixed : shape.rank() < fixed) {
            return mismatch(at, null, name, ann, type, ann.span().text() + " has " + (spread >= 0 ? "at least " : "")
                    + axes(fixed) + ", found " + axes(shape.rank()));
        }
        int tail = written.size() - spread - 1;
        for (int i = 0; i < written.size(); i++) {
            TypeExpr.DimExpr w = written.get(i);
            if (i == spread) {
                String s = ((TypeExpr.DimExpr.Spread) w).name().text();
                Shape part = new Shape(shape.dims().subList(i, shape.rank() - tail));
                Shape prior = shapes.putIfAbsent(s, part);
                if (prior != null && !prior.equals(part)) {
                    return mismatch(at, boundAt.get(s), name, ann, type, s + " is " + prior + ", bound by argument '"
                            + boundBy.get(s) + "'; here it would be " + part);
                }
                boundBy.putIfAbsent(s, name);
                boundAt.putIfAbsent(s, at);
                continue;
            }
            Dim actual = shape.dim(spread >= 0 && i > spread ? shape.rank() - (written.size() - i) : i);
            switch (w) {
                case TypeExpr.DimExpr.Literal l -> {
                    if (!actual.isConstant(l.value())) {
                        return mismatch(at, null, name, ann, type, "axis " + axisIndex(i, spread, written.size(), shape.rank())
                                + " must be " + l.value() + ", found " + actual);
                    }
                }
                case TypeExpr.DimExpr.Name n -> {
                    String d = n.name().text();
                    Long c = DeclaredTypes.constantDim(d, constants);
                    if (c != null) {
                        if (!actual.isConstant(c)) {
                            return mismatch(at, null, name, ann, type, "axis " + axisIndex(i, spread, written.size(), shape.rank())
                                    + " must be " + d + " = " + c + ", found " + actual);
                        }
                    } else {
                        Dim prior = dims.putIfAbsent(d, actual);
                        if (prior != null && !prior.equals(actual)) {
                            return mismatch(at, boundAt.get(d), name, ann, type, d + " is " + prior + ", bound by argument '"
                                    + boundBy.get(d) + "'; here it would be " + actual);
                        }
                        boundBy.putIfAbsent(d, name);
                        boundAt.putIfAbsent(d, at);
                    }
                }
                case TypeExpr.DimExpr.Spread s -> throw new IllegalStateException("spread handled above");
            }
        }
        return true;
    }

    private static String axes(int n) {
        return n + (n == 1 ? " axis" : " axes");
    }

    /** The axis of the argument that written dimension {@code i} stands for. */
    private static int axisIndex(int i, int spread, int written, int rank) {
        return spread >= 0 && i > spread ? rank - (written - i) : i;
    }

    /** Reports an argument that does not fit its annotation; {@code binder} is the argument that bound the clashing name, if any. */
    private boolean mismatch(Span at, Span binder, String name, TypeExpr ann, TensorType found, String... why) {
        List<String> notes = new ArrayList<>(List.of(why));
        if (callee.equals("cross_entropy") && name.equals("y") && found.isFloating()) {
            notes.add("cross_entropy takes class indices (i32); for class probabilities use soft_cross_entropy(z, p)");
        }
        Diagnostic d = Diagnostic.error(at, "argument '" + name + "' of '" + callee + "' must be " + ann.span().text()
                + ", found " + found, notes.toArray(String[]::new));
        elaborator.diagnostics().report(binder != null ? d.withRelated(binder) : d);
        return false;
    }

    private boolean fail(Span at, String message) {
        elaborator.diagnostics().error(at, message);
        return false;
    }
}
