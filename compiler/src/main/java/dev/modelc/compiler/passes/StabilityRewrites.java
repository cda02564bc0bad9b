package dev.modelc.compiler.passes;

import dev.modelc.compiler.graph.Emitter;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.graph.UnaryFn;
import java.util.List;

/**
 * Numerically stable forms of expressions whose naive evaluation overflows or loses everything
 * to rounding. The rules live in {@link Emitter#unary} so that lowering applies them before
 * differentiation (the gradients then come from the stable form too); this pass applies the
 * same rules to a graph built some other way:
 *
 * <ul>
 *   <li>{@code log(softmax(x)) -> log_softmax(x)}: softmax underflows to 0 and log(0) = -inf;</li>
 *   <li>{@code log(sigmoid(x)) -> -softplus(-x)}: sigmoid(-800) = 0 in f64;</li>
 *   <li>{@code log(sum(exp(x))) -> logsumexp(x)}: exp(800) overflows.</li>
 * </ul>
 */
public final class StabilityRewrites {
    private StabilityRewrites() {
    }

    public static Graph run(Graph g) {
        return Rewrite.apply(g, StabilityRewrites::rewrite);
    }

    private static Integer rewrite(Node n, List<Integer> in, Emitter e) {
        if (n.op() instanceof Op.Unary u && u.fn() == UnaryFn.LOG) {
            int r = e.unary(UnaryFn.LOG, in.getFirst());
            return e.builder().node(r).op() instanceof Op.Unary v && v.fn() == UnaryFn.LOG ? null : r;
        }
        return null;
    }
}
