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

    /** Gradients of {@code y} with respect to each of {@code wrt}; null where y does not depend on it. */
    public static List<Integer> gradients(Emitter e, int y, List<Integer> wrt) {
        int n = y + 1;
        boolean[] needed = new boolean[n];
        needed[y] = true;
        for (int id = y; id >= 0; id--) {
            if (!needed[id]) continue;
            for (int in : e.builder().node(id).inputs()) needed[in] = true;
        }
        boolean[] depends = new boolean[n];
        int lowest = n;
        for (int w : wrt) {
            if (w < n && differentiable(e.builder().node(w))) {
                depends[w] = true;
                lowest = Math.min(lowest, w);
            }
        }
        for (int id = lowest; id < n; id++) {
            Node node = e.builder().node(id);
            if (depends[id] || !differentiable(node) || node.op() instanceof Op.StopGradient) continue;
            for (int in : node.inputs()) {
                if (depends[in]) {
                    depends[id] = true;
                    break;
                }
            }
        }
        Map<Integer, Integer> adjoint = new HashMap<>();
        List<Integer> out = new ArrayList<>();
        if (!depends[y]) {
            for (int ignored : wrt) out.add(null);
            return out;
        }
        Span prior = e.span();
        try {
            e.at(e.builder().node(y).span());
            adjoint.put(y, e.full(1, e.type(y)));
            for (int id = y; id >= lowest; id--) {
                Integer g = adjoint.get(id);
                if (g == null || !needed[id] || !depends[id]) continue;
                Node node = e.builder().node(id);
                if (isWrtOnly(id, wrt) && node.inputs().stream().noneMatch(i -> depends[i])) continue;
                e.at(node.span());
                List<Integer> grads = VjpRules.vjp(e, node, g, i -> depends[node.input(i)]);
                for (int i = 0; i < node.inputs().size(); i++) {
                    Integer gi = grads.get(i);
                    int in = node.input(i);
                    if (gi == null || !depends[in]) continue;
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

    private static boolean isWrtOnly(int id, List<Integer> wrt) {
        return wrt.contains(id);
    }

    /** Whether gradients flow through a node at all: floating values only. */
    static boolean differentiable(Node n) {
        return n.type().dtype().isFloating();
    }
}
