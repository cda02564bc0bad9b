package dev.modelc.compiler.passes;

import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.GraphVerifier;
import java.util.List;
import java.util.function.UnaryOperator;

/** The optimization passes in order, as a flat list of named functions from graph to graph. */
public final class Pipeline {
    private Pipeline() {
    }

    /** A named pass. */
    public record Pass(String name, UnaryOperator<Graph> run) {
    }

    public static final List<Pass> STANDARD = List.of(
            new Pass("stability", StabilityRewrites::run),
            new Pass("simplify", AlgebraicSimplification::run),
            new Pass("fold", ConstantFolding::run),
            new Pass("simplify", AlgebraicSimplification::run),
            new Pass("cse", CommonSubexpressions::run),
            new Pass("dce", DeadCodeElimination::run));

    /** Runs every pass; with {@code verify}, checks the graph after each (as tests do). */
    public static Graph optimize(Graph g, boolean verify) {
        for (Pass p : STANDARD) {
            g = p.run().apply(g);
            if (verify) {
                try {
                    GraphVerifier.verify(g);
                } catch (GraphVerifier.InvalidGraph bad) {
                    throw new IllegalStateException("after pass '" + p.name() + "': " + bad.getMessage(), bad);
                }
            }
        }
        return g;
    }
}
