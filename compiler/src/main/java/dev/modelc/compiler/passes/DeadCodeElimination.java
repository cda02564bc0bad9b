package dev.modelc.compiler.passes;

import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.GraphBuilder;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.SizeSymbols;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Drops nodes no result depends on (one backward sweep over ids, then a rebuild), except the
 * inputs and params that bind a size the kept nodes use when no kept input or param binds it:
 * {@code sum(where(x > 0, w, w))} simplifies to {@code size(N) * sum(w)}, which reads no
 * input, yet N is x's first axis. Such a size witness stays, unread, so every backend binds N
 * from the tensor given for x (see {@link SizeSymbols#witnesses}).
 */
public final class DeadCodeElimination {
    private DeadCodeElimination() {
    }

    public static Graph run(Graph g) {
        boolean[] live = new boolean[g.size()];
        for (Graph.Output o : g.outputs()) live[o.node()] = true;
        for (int id = g.size() - 1; id >= 0; id--) {
            if (live[id]) for (int in : g.node(id).inputs()) live[in] = true;
        }
        keepWitnesses(g, live);
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

    private static void keepWitnesses(Graph g, boolean[] live) {
        Set<String> unbound = new HashSet<>();
        for (Node n : g.nodes()) if (live[n.id()]) unbound.addAll(SizeSymbols.used(n));
        for (Node n : g.nodes()) {
            if (live[n.id()] && SizeSymbols.binder(n).isPresent()) unbound.removeAll(SizeSymbols.bound(n.type().shape()));
        }
        if (unbound.isEmpty()) return;
        for (Node n : g.nodes()) {
            if (SizeSymbols.binder(n).isEmpty()) continue;
            for (String s : SizeSymbols.bound(n.type().shape())) if (unbound.contains(s)) live[n.id()] = true;
        }
    }
}
