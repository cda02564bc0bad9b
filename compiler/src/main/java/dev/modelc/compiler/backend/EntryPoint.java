package dev.modelc.compiler.backend;

import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.passes.DeadCodeElimination;
import dev.modelc.compiler.passes.Pipeline;

/**
 * The programs a model is compiled into, one per thing the runtime asks of it; each holds only
 * the nodes its results need, so {@code forward} takes only the inputs its outputs depend on.
 */
public enum EntryPoint {
    FORWARD(Graph.Role.OUTPUT),
    LOSS(Graph.Role.LOSS),
    /** In the training step, with the states' new values (an optimizer trains the params). */
    GRADIENTS(Graph.Role.LOSS, Graph.Role.GRADIENT, Graph.Role.STATE),
    /** The training step of a model's own update rules, with the states' new values. */
    UPDATE(Graph.Role.LOSS, Graph.Role.UPDATE, Graph.Role.STATE),
    INIT(Graph.Role.INITIAL);

    private final Graph.Role[] roles;

    EntryPoint(Graph.Role... roles) {
        this.roles = roles;
    }

    /** The optimized graph of this entry point. Initializers are only pruned: they draw random numbers, which folding must not run. */
    public Graph graph(Graph model) {
        Graph g = model.keeping(roles);
        return this == INIT ? DeadCodeElimination.run(g) : Pipeline.optimize(g, false);
    }

    /** {@code forward}, {@code lossAndGradients}, ...: the Java name of the entry point. */
    public String methodName() {
        return switch (this) {
            case FORWARD -> "forward";
            case LOSS -> "loss";
            case GRADIENTS -> "lossAndGradients";
            case UPDATE -> "updateStep";
            case INIT -> "initialParams";
        };
    }
}
