package dev.modelc.compiler.autodiff;

import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.graph.Emitter;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reverse-mode differentiation as graph construction: the gradient of a scalar node with
 * respect to other nodes is built as more nodes in the same graph, by the rules of
 * {@link VjpRules}. Because the result is ordinary graph, gradients can be differentiated
 * again. Both sweeps are loops over node ids (no recursion), so long chains are fine.
 */
public final class Autodiff {
    private Autodiff() {
    }

    /**
     * Gradients of {@code y} with respect to each of {@code wrt}; null where y does not depend on it.
     * The work is proportional to the part of the graph from the lowest {@code wrt} node up to
     * {@code y}, not to the whole graph: nothing older than a wrt node can depend on it, so a
     * grad in a large graph costs what lies between its x and its y.
     */
    public static List<Integer> gradients(Emitter e, int y, List<Integer> wrt) {
        int n = y + 1;
        int lowest = n;
        for (int w : wrt) {
            if (w < n && differentiable(e.builder().node(w))) lowest = Math.min(lowest, w);
        }
        List<Integer> out = new ArrayList<>();
        if (lowest == n) {
            for (int ignored : wrt) out.add(null);
            return out;
        }
        // Indexed by id - lowest: only nodes from the lowest wrt node up to y matter.
        int base = lowest;
        boolean[] needed = new boolean[n - base];
        needed[y - base] = true;
        for (int id = y; id >= base; id--) {
            if (!needed[id - base]) continue;
            for (int in : e.builder().node(id).inputs()) if (in >= base) needed[in - base] = true;
        }
        boolean[] depends = new boolean[n - base];
        boolean[] isWrt = new boolean[n - base];
        for (int w : wrt) {
            if (w < n && differentiable(e.builder().node(w))) {
                depends[w - base] = true;
                isWrt[w - base] = true;
            }
        }
        for (int id = base; id < n; id++) {
            Node node = e.builder().node(id);
            if (depends[id - base] || !differentiable(node) || node.op() instanceof Op.StopGradient) continue;
            for (int in : node.inputs()) {
                if (in >= base && depends[in - base]) {
                    depends[id - base] = true;
                    break;
                }
            }
        }
        Map<Integer, Integer> adjoint = new HashMap<>();
        if (!depends[y - base]) {
            for (int ignored : wrt) out.add(null);
            return out;
        }
        Span prior = e.span();
        try {
            e.at(e.builder().node(y).span());
            adjoint.put(y, e.full(1, e.type(y)));
            for (int id = y; id >= base; id--) {
                Integer g = adjoint.get(id);
                if (g == null || !needed[id - base] || !depends[id - base]) continue;
                Node node = e.builder().node(id);
                if (isWrt[id - base] && node.inputs().stream().noneMatch(i -> i >= base && depends[i - base])) continue;
                e.at(node.span());
                List<Integer> grads = VjpRules.vjp(e, node, g, i -> node.input(i) >= base && depends[node.input(i) - base]);
                for (int i = 0; i < node.inputs().size(); i++) {
                    Integer gi = grads.get(i);
                    int in = node.input(i);
                    if (gi == null || in < base || !depends[in - base]) continue;
                    Integer acc = adjoint.get(in);
                    adjoint.put(in, acc == null ? gi : e.add(acc, gi));
                }
            }
        } finally {
            e.at(prior);
        }
        for (int w : wrt) out.add(w < n ? adjoint.get(w) : null);
        return out;
    }

    /** Whether gradients flow through a node at all: floating values only. */
    static boolean differentiable(Node n) {
        return n.type().dtype().isFloating();
    }
}
