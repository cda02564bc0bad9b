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
 * evaluated inside calls, the graph nodes swept by {@code grad}, the params declared and the
 * graph's nodes, against the limits that stop a small file from describing unbounded work
 * (docs/language.md, "Limits"). Each limit holds per model, and twice it for the whole file, so
 * that a file repeating a hostile model a thousand times still ends in seconds. Past a limit it
 * builds the {@link ModelTooLarge} that stops the model, at the innermost call written in the
 * user's file (a call inside the prelude is not where the user can act).
 */
final class Expansion {
    /**
     * Expressions evaluated inside inlined calls in one model (each def, forward and layer body
     * counting again at every call that is not shared): a few hundred bytes of defs can otherwise
     * expand into billions. What the model's own body says is bounded by the file's size and not
     * counted.
     */
    static final long MAX_EVALUATIONS = 200_000;
    /**
     * Graph nodes swept by the grad(...) calls of one model: each grad works on the graph between
     * its x and its y, so gradients of gradients, or many grads over a large graph, could
     * otherwise take hours.
     */
    static final long MAX_DIFFERENTIATED = 20_000_000;
    /** Nodes of one model's graph, its gradients included. */
    static final long MAX_NODES = 500_000;
    /**
     * Params (tensors, not elements) of one model: layers holding two of the layer before, 20
     * levels deep, are a million params from a 1.4 KB file; real models have hundreds to a few thousand.
     */
    static final long MAX_PARAMS = 50_000;
    /** Each limit holds for all the file's models together at this multiple. */
    static final int FILE_FACTOR = 2;

    /** What a file's models have used so far, the one being checked included. */
    static final class Totals {
        private long evaluations;
        private long differentiated;
        private long nodes;
        private long params;
    }

    private final String model;
    private final Totals file;
    /** The calls being inlined (defs, forwards, layer instantiations), innermost first. */
    private final Deque<Expr.Call> calls = new ArrayDeque<>();
    private long evaluations;
    private long differentiated;
    private long params;

    Expansion(String model, Totals file) {
        this.model = model;
        this.file = file;
    }

    Deque<Expr.Call> calls() {
        return calls;
    }

    /** How many nodes this model's graph may have: its own limit, or what the file has left. */
    int nodeLimit() {
        return (int) Math.max(0, Math.min(MAX_NODES, FILE_FACTOR * MAX_NODES - file.nodes));
    }

    /** Adds a finished model's graph to the file's nodes. */
    void finished(Lowering lowering) {
        file.nodes += lowering.emitter().builder().size();
    }

    /** Counts the evaluation of {@code e}; throws past the limit on expressions inside calls. */
    void evaluating(Expr e) {
        if (calls.isEmpty()) return;
        file.evaluations++;
        String what = ++evaluations > MAX_EVALUATIONS ? "its calls expand to more than " + count(MAX_EVALUATIONS)
                : file.evaluations > FILE_FACTOR * MAX_EVALUATIONS
                ? "with the models before it, the file's calls expand to more than " + count(FILE_FACTOR * MAX_EVALUATIONS)
                : null;
        if (what == null) return;
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
        throw new ModelTooLarge(Diagnostic.error(at, tooLarge() + what + " expressions" + where,
                notes.toArray(String[]::new)));
    }

    /** Counts a grad(...) at {@code at} about to sweep {@code nodes} nodes; throws past the limit. */
    void differentiating(long nodes, Span at) {
        differentiated += Math.max(0, nodes);
        file.differentiated += Math.max(0, nodes);
        String what = differentiated > MAX_DIFFERENTIATED ? "its grad(...) calls sweep more than " + count(MAX_DIFFERENTIATED)
                : file.differentiated > FILE_FACTOR * MAX_DIFFERENTIATED
                ? "with the models before it, the file's grad(...) calls sweep more than "
                        + count(FILE_FACTOR * MAX_DIFFERENTIATED)
                : null;
        if (what == null) return;
        throw new ModelTooLarge(Diagnostic.error(inUserFile(at), tooLarge() + what + " graph nodes in all, reached here",
                "each grad(y, x) builds the gradient from the graph between x and y; gradients of gradients, or a"
                        + " grad in a def called many times with different arguments, multiply that work"));
    }

    /** Counts a param about to be declared at {@code at} with {@code path}; throws past the limit. */
    void declaringParam(String path, Span at) {
        file.params++;
        String what = ++params > MAX_PARAMS ? "model '" + model + "' declares more than " + count(MAX_PARAMS) + " params"
                : file.params > FILE_FACTOR * MAX_PARAMS
                ? "with the models before it, the file declares more than " + count(FILE_FACTOR * MAX_PARAMS)
                        + " params (model '" + model + "')"
                : null;
        if (what == null) return;
        Expr.Call call = userCall();
        throw new ModelTooLarge(Diagnostic.error(call != null ? call.span() : at, what + "; the next would be '" + path + "'",
                "each layer instance declares its layer's params again, so layers that hold two instances of the layer"
                        + " before double the params at every level of nesting"));
    }

    /** The error for a graph that would pass {@code limit} nodes (see {@link #nodeLimit}) while {@code at} was built. */
    ModelTooLarge graphTooLarge(Span at, int limit) {
        String what = limit >= MAX_NODES ? "its graph needs more than " + count(MAX_NODES) + " nodes"
                : "with the models before it, the file's graphs need more than " + count(FILE_FACTOR * MAX_NODES)
                        + " nodes in all";
        List<String> notes = new ArrayList<>();
        notes.add("defs and layers are inlined at every call, and grad(...) adds the nodes of a gradient; calls that"
                + " differ in their arguments, or gradients of gradients, can grow the graph exponentially");
        Expr.Call outer = calls.peekLast();
        if (outer != null) {
            notes.add("the calls being inlined start at " + describe(outer) + " at " + outer.span() + ", " + calls.size()
                    + " deep");
        }
        return new ModelTooLarge(Diagnostic.error(inUserFile(at), tooLarge() + what + ", reached here",
                notes.toArray(String[]::new)));
    }

    private String tooLarge() {
        return "model '" + model + "' is too large to check: ";
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
