package dev.modelc.compiler.check;

import dev.modelc.compiler.ast.Expr;
import dev.modelc.compiler.diagnostics.Diagnostic;
import dev.modelc.compiler.diagnostics.Span;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * How far checking one model has expanded: the calls being inlined now, the expressions
 * evaluated inside calls and the graph nodes swept by {@code grad}, against the limits that stop
 * a small file from describing unbounded work (docs/language.md, "Limits"). Past a limit it
 * builds the {@link ModelTooLarge} that stops the model, at the innermost call written in the
 * user's file (a call inside the prelude is not where the user can act).
 */
final class Expansion {
    /**
     * Past this many expressions evaluated inside inlined calls in one model (each def, forward
     * and layer body counting again at every call that is not shared), checking the model stops:
     * a few hundred bytes of defs can otherwise expand into billions of expressions. What the
     * model's own body says is bounded by the file's size and not counted.
     */
    static final int MAX_EVALUATIONS = 500_000;
    /**
     * Past this many graph nodes swept by the grad(...) calls of one model, checking it stops:
     * each grad sweeps the graph between its x and its y, so gradients of gradients, or many
     * grads over a large graph, could otherwise take hours.
     */
    static final long MAX_DIFFERENTIATED = 50_000_000;

    private final String model;
    /** The calls being inlined (defs, forwards, layer instantiations), innermost first. */
    private final Deque<Expr.Call> calls = new ArrayDeque<>();
    private int evaluations;
    private long differentiated;

    Expansion(String model) {
        this.model = model;
    }

    Deque<Expr.Call> calls() {
        return calls;
    }

    /** Counts the evaluation of {@code e}; throws past {@link #MAX_EVALUATIONS} expressions inside calls. */
    void evaluating(Expr e) {
        if (calls.isEmpty() || ++evaluations <= MAX_EVALUATIONS) return;
        Expr.Call inner = userCall();
        List<String> notes = new ArrayList<>();
        notes.add("defs and layers are inlined at every call; calls with equal arguments are shared, but a body that"
                + " calls a def twice with different arguments doubles at every level of nesting");
        Expr.Call outer = calls.peekLast();
        if (inner != null && outer != inner) {
            notes.add("the calls being inlined go from " + describe(outer) + " at " + outer.span() + " to "
                    + describe(inner) + " here, " + calls.size() + " deep");
        }
        Span at = inner != null ? inner.span() : e.span();
        String where = inner != null ? "; reached while inlining " + describe(inner) : "";
        throw new ModelTooLarge(Diagnostic.error(at, "model '" + model + "' is too large to check: its calls expand to"
                + " more than " + count(MAX_EVALUATIONS) + " expressions" + where, notes.toArray(String[]::new)));
    }

    /** Counts a grad(...) at {@code at} about to sweep {@code nodes} nodes; throws past {@link #MAX_DIFFERENTIATED}. */
    void differentiating(long nodes, Span at) {
        differentiated += Math.max(0, nodes);
        if (differentiated <= MAX_DIFFERENTIATED) return;
        throw new ModelTooLarge(Diagnostic.error(inUserFile(at), "model '" + model + "' is too large to check: its"
                        + " grad(...) calls sweep more than " + count(MAX_DIFFERENTIATED) + " graph nodes in all, reached here",
                "each grad(y, x) builds the gradient from the graph between x and y; gradients of gradients, or a"
                        + " grad in a def called many times with different arguments, multiply that work"));
    }

    /** The error for a graph that would pass {@code limit} nodes while {@code at} was being built. */
    ModelTooLarge graphTooLarge(Span at, int limit) {
        List<String> notes = new ArrayList<>();
        notes.add("defs and layers are inlined at every call, and grad(...) adds the nodes of a gradient; calls that"
                + " differ in their arguments, or gradients of gradients, can grow the graph exponentially");
        Expr.Call outer = calls.peekLast();
        if (outer != null) {
            notes.add("the calls being inlined start at " + describe(outer) + " at " + outer.span() + ", " + calls.size()
                    + " deep");
        }
        return new ModelTooLarge(Diagnostic.error(inUserFile(at), "model '" + model + "' is too large to check: its graph"
                + " needs more than " + count(limit) + " nodes, reached here", notes.toArray(String[]::new)));
    }

    /** {@code at}, or when it is in the prelude the innermost call from the user's file that runs it. */
    Span inUserFile(Span at) {
        Expr.Call inner = userCall();
        return at.source() != Prelude.source() || inner == null ? at : inner.span();
    }

    /** The innermost call being inlined that is written in the user's file (not the prelude), or null. */
    Expr.Call userCall() {
        for (Expr.Call c : calls) if (c.span().source() != Prelude.source()) return c;
        return null;
    }

    /** {@code 'f3'} for the call {@code f3(x * 2)}. */
    private static String describe(Expr.Call c) {
        return "'" + c.callee().span().text() + "'";
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
