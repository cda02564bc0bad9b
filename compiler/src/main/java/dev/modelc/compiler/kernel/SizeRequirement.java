package dev.modelc.compiler.kernel;

import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.types.Dim;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A condition on sizes a plan checks when they are bound, before any kernel runs: {@code count}
 * must be at least {@code atLeast}, else the run is refused with {@code what} and the operand's
 * shape (an {@code Op.Require}: batch norm's values per channel in a training batch). The kernels
 * themselves treat the node as the identity.
 *
 * @param shape the operand's shape, which the error names
 */
public record SizeRequirement(String what, Dim count, long atLeast, List<Dim> shape) {
    public SizeRequirement {
        shape = List.copyOf(shape);
    }

    /** The graph's requirements, each once, in graph order. */
    public static List<SizeRequirement> of(Graph g) {
        Set<SizeRequirement> out = new LinkedHashSet<>();
        for (Node node : g.nodes()) {
            if (node.op() instanceof Op.Require r) {
                out.add(new SizeRequirement(r.what(), r.count(), r.atLeast(), g.node(node.input(0)).type().shape().dims()));
            }
        }
        return List.copyOf(out);
    }
}
