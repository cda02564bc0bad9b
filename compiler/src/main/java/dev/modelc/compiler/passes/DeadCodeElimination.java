package dev.modelc.compiler.passes;

import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.GraphBuilder;
import dev.modelc.compiler.graph.Node;
import java.util.ArrayList;
import java.util.List;

/** Drops nodes no result depends on (one backward sweep over ids, then a rebuild). */
public final class DeadCodeElimination {
    private DeadCodeElimination() {
    }

    public static Graph run(Graph g) {
        boolean[] live = new boolean[g.size()];
        for (Graph.Output o : g.outputs()) live[o.node()] = true;
        for (int id = g.size() - 1; id >= 0; id--) {
            if (live[id]) for (int in : g.node(id).inputs()) live[in] = true;
        }
        GraphBuilder b = new GraphBuilder();
        int[] map = new int[g.size()];
        for (Node n : g.nodes()) {
            if (!live[n.id()]) continue;
            List<Integer> inputs = new ArrayList<>();
            for (int i : n.inputs()) inputs.add(map[i]);
            map[n.id()] = b.add(n.op(), n.type(), n.span(), inputs);
        }
        List<Graph.Output> outs = new ArrayList<>();
        for (Graph.Output o : g.outputs()) outs.add(new Graph.Output(o.name(), o.role(), map[o.node()]));
        return b.build(outs);
    }
}
