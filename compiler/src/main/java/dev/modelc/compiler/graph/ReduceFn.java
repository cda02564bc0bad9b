package dev.modelc.compiler.graph;

/** Reductions over axes. */
public enum ReduceFn {
    SUM, MEAN, MAX, MIN, LOGSUMEXP
}
