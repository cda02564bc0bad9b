package dev.modelc.compiler.passes;

import dev.modelc.compiler.graph.Emitter;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.GraphBuilder;
import dev.modelc.compiler.graph.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds a graph node by node through a fresh (hash-consing) builder, letting a rule replace
 * each node. Every pass that rewrites locally is a {@link Rule} run through here.
 */
final class Rewrite {
    private Rewrite() {
    }

    /** A local rewrite: the replacement of {@code node} (built with {@code e}), or null to keep it. */
    @FunctionalInterface
    interface Rule {
        Integer apply(Node node, List<Integer> inputs, Emitter e);
    }

    static Graph apply(Graph g, Rule rule) {
        GraphBuilder b = new GraphBuilder();
        Emitter e = new Emitter(b);
        int[] map = new int[g.size()];
        for (Node n : g.nodes()) {
            List<Integer> inputs = new ArrayList<>(n.inputs().size());
            for (int i : n.inputs()) inputs.add(map[i]);
            e.at(n.span());
            Integer r = rule.apply(n, inputs, e);
            map[n.id()] = r != null ? r : b.add(n.op(), n.type(), n.span(), inputs);
        }
        List<Graph.Output> outs = new ArrayList<>();
        for (Graph.Output o : g.outputs()) outs.add(new Graph.Output(o.name(), o.role(), map[o.node()]));
        return b.build(outs);
    }
}
