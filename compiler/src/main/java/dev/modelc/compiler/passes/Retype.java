package dev.modelc.compiler.passes;

import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.Node;
import dev.modelc.runtime.DType;

/**
 * Declares every floating node of a graph as one dtype ({@code --dtype f64} on a model written
 * in f32): compiled backends run declared dtypes, so this is how they honour the override.
 * Casts between floating dtypes become identities, which simplification then drops.
 */
public final class Retype {
    private Retype() {
    }

    public static Graph floating(Graph g, DType to) {
        if (to == null) return g;
        if (!to.isFloating()) throw new IllegalArgumentException(to + " is not a floating dtype");
        return new Graph(g.nodes().stream().map(n -> !n.type().isFloating() || n.type().dtype() == to ? n
                : new Node(n.id(), n.op(), n.inputs(), n.type().withDType(to), n.span())).toList(), g.outputs());
    }
}
