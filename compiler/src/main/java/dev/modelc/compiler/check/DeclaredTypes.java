package dev.modelc.compiler.check;

import dev.modelc.compiler.diagnostics.Spelling;

import dev.modelc.compiler.ast.Identifier;
import dev.modelc.compiler.ast.TypeExpr;
import dev.modelc.compiler.diagnostics.Diagnostics;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.DimTooLarge;
import dev.modelc.compiler.types.Shape;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves the written types of inputs and params. A dimension name is a layer argument, then
 * a const, then a symbolic dimension; params must come out concrete.
 */
final class DeclaredTypes {
    private DeclaredTypes() {
    }

    static final List<String> DTYPE_NAMES = List.of("f32", "f64", "i32", "bool");

    /** The dtype a written type names, or null after reporting. {@code float} is for def annotations only. */
    static DType dtype(Identifier name, Diagnostics diagnostics) {
        DType d = DType.bySpelling(name.text());
        if (d != null) return d;
        if (name.text().equals("float")) {
            diagnostics.error(name.span(), "'float' is only allowed in def and forward annotations", "choose f32 or f64 here");
            return null;
        }
        String near = switch (name.text()) {
            // PyTorch's and NumPy's spellings.
            case "float32", "single" -> "f32";
            case "float64", "double" -> "f64";
            case "int32", "int", "int64", "long" -> "i32";
            case "boolean" -> "bool";
            default -> Spelling.nearest(name.text(), DTYPE_NAMES);
        };
        diagnostics.error(name.span(), "unknown dtype '" + name.text() + "'",
                (near != null ? "did you mean " + near + "? " : "") + "dtypes are f32, f64, i32 and bool");
        return null;
    }

    /** A dimension name's value when it is a layer argument or a const; null when it is symbolic. */
    static Long constantDim(String name, Scope scope) {
        for (Scope s = scope; s != null; s = s.parent()) {
            Binding b = s.local(name);
            if (b == null) continue;
            if ((b.kind() == Binding.Kind.CONST || b.kind() == Binding.Kind.LAYER_ARGUMENT || b.kind() == Binding.Kind.ARGUMENT)
                    && b.value() instanceof Value.Tensor t && t.isConstantScalar()) {
                double v = Folding.number(t.known());
                if (!Double.isNaN(v)) return v == Math.rint(v) && v >= 0 ? (long) v : -1L;
            }
            return null;
        }
        return null;
    }

    /**
     * Where a name used as a dimension is defined later in the body, or null. Such a name is a
     * mistake (a const used before its definition), not a symbolic dimension.
     */
    private static dev.modelc.compiler.diagnostics.Span definedLater(String name, Scope scope) {
        for (Scope s = scope; s != null; s = s.parent()) {
            if (s.local(name) != null) return null;
            if (s.definesLater(name)) return s.definitionOf(name);
        }
        return null;
    }

    static TensorType resolve(TypeExpr type, Scope scope, boolean concrete, String what, Diagnostics diagnostics) {
        DType dtype = dtype(type.dtype(), diagnostics);
        if (dtype == null) return null;
        List<Dim> dims = new ArrayList<>();
        for (TypeExpr.DimExpr d : type.dims()) {
            switch (d) {
                case TypeExpr.DimExpr.Literal l -> dims.add(Dim.of(l.value()));
                case TypeExpr.DimExpr.Name n -> {
                    var later = definedLater(n.name().text(), scope);
                    if (later != null) {
                        diagnostics.error(n.span(), "'" + n.name().text() + "' is used before it is defined",
                                "it is defined later, at " + later + "; a name in a type is a layer argument or a const"
                                        + " defined above, or else a symbolic dimension, so rename one of them or move the const up");
                        return null;
                    }
                    Long v = constantDim(n.name().text(), scope);
                    if (v != null && v < 0) {
                        diagnostics.error(n.span(), "dimension '" + n.name().text() + "' must be a non-negative integer");
                        return null;
                    }
                    if (v != null) dims.add(Dim.of(v));
                    else if (!concrete) dims.add(Dim.symbol(n.name().text()));
                    else {
                        diagnostics.error(n.span(), what + " shapes must be concrete, but '" + n.name().text()
                                        + "' is a symbolic dimension",
                                "use a number, a layer argument or a const; only inputs have symbolic dimensions");
                        return null;
                    }
                }
                case TypeExpr.DimExpr.Spread s -> {
                    diagnostics.error(s.span(), "*" + s.name().text() + " is only allowed in def and forward annotations");
                    return null;
                }
            }
        }
        Shape shape = new Shape(dims);
        if (!Elaborator.countable(shape)) {
            diagnostics.error(type.span(), what + " type " + type.span().text() + " has more elements than a 64-bit count holds",
                    "its sizes multiply past 2^63 - 1");
            return null;
        }
        try {
            shape.numel(); // every later stage may take it: N written 300 times is N^300
        } catch (DimTooLarge tooLarge) {
            diagnostics.error(type.span(), "the element count of " + what + " type " + type.span().text() + " is too large a"
                    + " size: " + tooLarge.getMessage(), "a size's terms multiply at most " + Dim.MAX_DEGREE
                    + " symbolic sizes");
            return null;
        }
        return TensorType.of(dtype, shape);
    }
}
