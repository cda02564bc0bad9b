package dev.modelc.compiler.passes;

import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.Op;
import dev.modelc.runtime.model.Mode;
import java.util.List;

/**
 * The one place that decides which of a model's two programs is being compiled: {@code training}
 * becomes the constant of the mode (so {@code where(training, a, b)} folds to one branch in the
 * passes that follow, with no run-time test), and outside the training step the states' update
 * results are dropped (a model in evaluation reads its states and never writes them). Whatever
 * else depends on the mode later (dropout) reads it here.
 */
public final class ModeSpecialization {
    private ModeSpecialization() {
    }

    /** {@code g} as the program of {@code mode}. */
    public static Graph specialize(Graph g, Mode mode) {
        List<Graph.Output> outs = mode == Mode.TRAINING ? g.outputs()
                : g.outputs().stream().filter(o -> o.role() != Graph.Role.STATE).toList();
        Graph kept = g.withOutputs(outs);
        if (!readsTraining(g)) return kept;
        double value = mode == Mode.TRAINING ? 1 : 0;
        return Rewrite.apply(kept, (node, inputs, e) -> node.op() instanceof Op.Training ? e.full(value, node.type()) : null);
    }

    /** Whether the two programs of {@code g} differ: it reads {@code training} or updates states. */
    public static boolean differs(Graph g) {
        return readsTraining(g) || !g.outputs(Graph.Role.STATE).isEmpty();
    }

    private static boolean readsTraining(Graph g) {
        for (Node n : g.nodes()) if (n.op() instanceof Op.Training) return true;
        return false;
    }
}
