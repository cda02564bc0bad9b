package dev.modelc.compiler.graph;

import dev.modelc.compiler.diagnostics.Span;

/**
 * A {@link GraphBuilder} built with a node limit was asked for one node more. The checker turns
 * it into a diagnostic at {@code span}, the source of the node that did not fit: a small file
 * can describe an exponentially large graph (a def calling the previous one twice with
 * different arguments, gradients of gradients), and building it must stop, not exhaust memory.
 */
public final class GraphTooLarge extends RuntimeException {
    private final transient Span span;
    private final int limit;

    public GraphTooLarge(Span span, int limit) {
        super("more than " + limit + " graph nodes", null, false, false);
        this.span = span;
        this.limit = limit;
    }

    /** Where the node that did not fit comes from; null when it has no source position. */
    public Span span() {
        return span;
    }

    public int limit() {
        return limit;
    }
}
