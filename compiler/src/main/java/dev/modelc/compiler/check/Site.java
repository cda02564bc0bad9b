package dev.modelc.compiler.check;

import dev.modelc.compiler.ast.Expr;
import dev.modelc.compiler.check.Value.Known;
import dev.modelc.compiler.diagnostics.Diagnostics;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * One call of a built-in, as its typing rule sees it: the bound arguments and helpers that
 * read them as tensors, constant integers, axes, shapes and dtypes, reporting what is wrong
 * at the argument that is wrong.
 */
final class Site {
    final String name;
    final Expr.Call call;
    final Arguments.Binding args;
    final Env env;
    final Diagnostics diagnostics;
    final Elaborator elaborator;
    private boolean failed;

    Site(String name, Expr.Call call, Arguments.Binding args, Env env, Elaborator elaborator) {
        this.name = name;
        this.call = call;
        this.args = args;
        this.env = env;
        this.diagnostics = elaborator.diagnostics();
        this.elaborator = elaborator;
    }

    Span span() {
        return call.span();
    }

    /** The graph under construction. */
    Lowering lowering() {
        return elaborator.lowering();
    }

    /** The emitter, attributing new nodes to this call. */
    dev.modelc.compiler.graph.Emitter at() {
        return elaborator.lowering().at(call.span());
    }

    /** The same call with argument {@code from} read as {@code to} (for {@code full(v)} as an initializer). */
    Site renamed(String from, String to) {
        java.util.Map<String, Arguments.Bound> named = new java.util.LinkedHashMap<>(args.named());
        Arguments.Bound b = named.remove(from);
        named.put(to, new Arguments.Bound(to, b.expr(), b.value(), b.span()));
        return new Site(name, call, new Arguments.Binding(named, args.rest()), env, elaborator);
    }

    Span calleeSpan() {
        return call.callee().span();
    }

    boolean has(String arg) {
        return args.get(arg) != null;
    }

    /** Reports at the argument (or the call when it is absent) and marks the call as failed. */
    Value fail(String arg, String message, String... notes) {
        Arguments.Bound b = arg == null ? null : args.get(arg);
        diagnostics.error(b != null ? b.span() : calleeSpan(), message, notes);
        failed = true;
        return Value.POISON;
    }

    Value failAt(Span at, String message, String... notes) {
        diagnostics.error(at, message, notes);
        failed = true;
        return Value.POISON;
    }

    boolean failed() {
        return failed;
    }

    /** The tensor argument {@code arg}; null (after reporting) when it is something else. */
    Value.Tensor tensor(String arg) {
        Arguments.Bound b = args.get(arg);
        return b == null ? null : tensor(b);
    }

    Value.Tensor tensor(Arguments.Bound b) {
        if (b.value() instanceof Value.Tensor t) return t;
        if (!(b.value() instanceof Value.Poison)) {
            fail(b.name(), "argument '" + b.name() + "' of '" + name + "' must be a tensor, found "
                    + Elaborator.describe(b.value()));
        }
        failed = true;
        return null;
    }

    /** A floating tensor argument. */
    Value.Tensor floating(String arg) {
        Value.Tensor t = tensor(arg);
        if (t != null && !t.type().isFloating() && !(t.type().weak() && t.type().dtype() == DType.I32)) {
            fail(arg, "'" + name + "' needs a floating tensor, found " + t.type(),
                    "convert with f32(...) or f64(...)");
            return null;
        }
        return t;
    }

    /** A numeric (not bool) tensor argument. */
    Value.Tensor numeric(String arg) {
        Value.Tensor t = tensor(arg);
        if (t != null && !t.type().dtype().isNumeric()) {
            fail(arg, "'" + name + "' needs numbers, found " + t.type(), "convert a mask with f32(...)");
            return null;
        }
        return t;
    }

    /** A constant integer argument, or {@code fallback} when it is absent. */
    Long constInt(String arg, Long fallback) {
        Arguments.Bound b = args.get(arg);
        if (b == null) return fallback;
        if (b.value() instanceof Value.Poison) {
            failed = true;
            return null;
        }
        // Integers only: axis = 1.0 or axis = true is a mistake PyTorch rejects too.
        double v = b.value() instanceof Value.Tensor t && t.isConstantScalar() && t.type().dtype() == DType.I32
                ? Folding.number(t.known()) : Double.NaN;
        if (Double.isNaN(v) || v != Math.rint(v)) {
            fail(arg, "argument '" + arg + "' of '" + name + "' must be a constant integer, found " + b.expr().span().text());
            return null;
        }
        return (long) v;
    }

    /** A constant number argument, or {@code fallback} when absent. */
    Double constNumber(String arg, Double fallback) {
        Arguments.Bound b = args.get(arg);
        if (b == null) return fallback;
        if (b.value() instanceof Value.Poison) {
            failed = true;
            return null;
        }
        double v = b.value() instanceof Value.Tensor t && t.isConstantScalar() ? Folding.number(t.known()) : Double.NaN;
        if (Double.isNaN(v)) {
            fail(arg, "argument '" + arg + "' of '" + name + "' must be a constant number, found " + b.expr().span().text());
            return null;
        }
        return v;
    }

    /** A constant bool argument such as {@code keepdims}. */
    Boolean constBool(String arg, boolean fallback) {
        Arguments.Bound b = args.get(arg);
        if (b == null) return fallback;
        if (b.value() instanceof Value.Tensor t && t.type().dtype() == DType.BOOL && t.isConstantScalar()
                && !Double.isNaN(Folding.number(t.known()))) {
            return Folding.number(t.known()) != 0;
        }
        if (!(b.value() instanceof Value.Poison)) fail(arg, "argument '" + arg + "' of '" + name + "' must be true or false");
        failed = true;
        return null;
    }

    /** One axis of a tensor of {@code rank}, normalised to be non-negative. */
    Integer axis(String arg, long value, int rank) {
        if (value < -rank || value >= rank) {
            fail(arg, "axis " + value + " is out of range for a tensor of rank " + rank,
                    rank == 0 ? "a scalar has no axes" : "axes run from " + (-rank) + " to " + (rank - 1));
            return null;
        }
        return (int) (value < 0 ? value + rank : value);
    }

    /** Where a new axis goes in a tensor of {@code rank} (stack, unsqueeze): -1 is after the last axis. */
    Integer newAxis(String arg, long value, int rank) {
        if (value < -(rank + 1) || value > rank) {
            fail(arg, "new axis " + value + " is out of range for a tensor of rank " + rank,
                    "a new axis goes at " + (-(rank + 1)) + " to " + rank);
            return null;
        }
        return (int) (value < 0 ? value + rank + 1 : value);
    }

    /** The {@code axis} argument as a sorted list of distinct axes; all axes when absent. */
    List<Integer> axes(String arg, int rank) {
        if (args.get(arg) == null) {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < rank; i++) out.add(i);
            return out;
        }
        List<Integer> out = axisList(arg, rank);
        if (out != null) out.sort(null);
        return out;
    }

    /**
     * A constant axis or list of distinct axes of a tensor of {@code rank}, in the order given,
     * each normalised to be non-negative ({@code -1} is the last axis), as every op that takes
     * axes reads them.
     */
    List<Integer> axisList(String arg, int rank) {
        Arguments.Bound b = args.get(arg);
        if (b == null) return null;
        List<Dim> given = b.value() instanceof Value.Tensor t && t.constant() && t.type().rank() <= 1
                && t.type().dtype() == DType.I32 ? Folding.sizes(t.known()) : null;
        if (given == null || given.stream().anyMatch(d -> !d.isConstant())) {
            if (!(b.value() instanceof Value.Poison)) {
                fail(arg, "argument '" + arg + "' of '" + name + "' must be a constant axis or list of axes, found "
                        + b.expr().span().text());
            }
            failed = true;
            return null;
        }
        List<Integer> out = new ArrayList<>();
        List<Long> written = new ArrayList<>();
        for (Dim d : given) {
            Integer a = axis(arg, d.constant(), rank);
            if (a == null) return null;
            int first = out.indexOf(a);
            if (first >= 0) {
                long before = written.get(first);
                fail(arg, "axis " + d.constant() + " is repeated" + (before == d.constant() ? "" : " (as " + before + " and "
                        + d.constant() + ")"));
                return null;
            }
            out.add(a);
            written.add(d.constant());
        }
        return out;
    }

    /** A static list of sizes ({@code [3, 2]}, {@code [size(x, 0), -1]}); -1 allowed when {@code allowInfer}. */
    List<Dim> sizes(String arg, boolean allowInfer) {
        Arguments.Bound b = args.get(arg);
        if (b == null) return null;
        List<Dim> given = b.value() instanceof Value.Tensor t && t.type().rank() <= 1 && t.type().dtype() == DType.I32
                ? Folding.sizes(t.known()) : null;
        if (given == null) {
            if (!(b.value() instanceof Value.Poison)) {
                fail(arg, "argument '" + arg + "' of '" + name + "' must be a static list of sizes such as [3, 2], found "
                        + b.expr().span().text());
            }
            failed = true;
            return null;
        }
        int inferred = 0;
        for (Dim d : given) {
            if (d.isConstant(-1) && allowInfer) inferred++;
            else if (d.isConstant() && d.constant() < 0) {
                fail(arg, "size " + d.constant() + " is negative", allowInfer ? "only one -1 may stand for the inferred size" : "");
                return null;
            }
        }
        if (inferred > 1) {
            fail(arg, "only one size may be -1, found " + inferred + " in " + b.expr().span().text(),
                    "-1 stands for the one size inferred from the element count; give the others");
            return null;
        }
        return given;
    }

    /**
     * A constant i32 number or list of numbers ({@code 2}, {@code [2, 1]}) as sizes, or null
     * without reporting when the argument is something else (or poison, marking the call failed).
     */
    List<Dim> constInts(String arg) {
        Arguments.Bound b = args.get(arg);
        if (b == null) return null;
        if (b.value() instanceof Value.Poison) failed = true;
        return b.value() instanceof Value.Tensor t && t.constant() && t.type().rank() <= 1 && t.type().dtype() == DType.I32
                ? Folding.sizes(t.known()) : null;
    }

    /** Whether argument {@code arg} is a scalar (not a list). */
    boolean isScalar(String arg) {
        Arguments.Bound b = args.get(arg);
        return b != null && b.value() instanceof Value.Tensor t && t.type().rank() == 0;
    }

    /** The source text of argument {@code arg}. */
    String text(String arg) {
        Arguments.Bound b = args.get(arg);
        return b == null ? "" : b.expr().span().text();
    }

    /** The {@code dtype = f64} argument, or null when absent (or wrong, after reporting). */
    DType dtype(String arg) {
        Arguments.Bound b = args.get(arg);
        if (b == null) return null;
        if (b.value() instanceof Value.BuiltinRef(Builtin builtin) && builtin.castTo() != null) return builtin.castTo();
        if (!(b.value() instanceof Value.Poison)) {
            fail(arg, "argument '" + arg + "' of '" + name + "' must be a dtype (f32, f64, i32 or bool), found "
                    + b.expr().span().text());
        }
        failed = true;
        return null;
    }

    /** The weakness of a result: weak only when every input is weak (a literal-only expression). */
    static boolean allWeak(Value.Tensor... ts) {
        for (Value.Tensor t : ts) if (!t.type().weak()) return false;
        return true;
    }

    static boolean allConstant(Value.Tensor... ts) {
        for (Value.Tensor t : ts) if (!t.constant()) return false;
        return true;
    }

    static Known knownOf(Value.Tensor t) {
        return t.known();
    }
}
