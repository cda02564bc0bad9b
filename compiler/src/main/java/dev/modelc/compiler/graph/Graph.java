package dev.modelc.compiler.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A static computation graph: nodes in SSA order (every input of a node comes before it) and
 * the named results. It is immutable; passes build new graphs.
 */
public record Graph(List<Node> nodes, List<Output> outputs) {
    public Graph {
        nodes = List.copyOf(nodes);
        outputs = List.copyOf(outputs);
    }

    /** What a named result is for. */
    public enum Role {
        /** An {@code output} of the model. */
        OUTPUT,
        /** The model's loss. */
        LOSS,
        /** The gradient of the loss with respect to a param; named by the param's path. */
        GRADIENT,
        /** The new value of a param from its {@code update} rule; named by the param's path. */
        UPDATE,
        /** A param's or state's initial value, from its initializer; named by its path. */
        INITIAL,
        /**
         * The new value of a {@code state} from its {@code update} rule, named by the state's path;
         * only the training step computes it (the other programs drop it, see
         * {@code passes.ModeSpecialization}).
         */
        STATE
    }

    /** A named result. */
    public record Output(String name, Role role, int node) {
    }

    public Node node(int id) {
        return nodes.get(id);
    }

    public int size() {
        return nodes.size();
    }

    /** The input nodes, in graph order. */
    public List<Node> inputs() {
        return nodes.stream().filter(n -> n.op() instanceof Op.Input).toList();
    }

    /** The param nodes, in graph order. */
    public List<Node> params() {
        return nodes.stream().filter(n -> n.op() instanceof Op.Param).toList();
    }

    public List<Output> outputs(Role role) {
        return outputs.stream().filter(o -> o.role() == role).toList();
    }

    public Optional<Output> output(Role role, String name) {
        return outputs.stream().filter(o -> o.role() == role && o.name().equals(name)).findFirst();
    }

    /** A graph with the same nodes and other results. */
    public Graph withOutputs(List<Output> outs) {
        return new Graph(nodes, outs);
    }

    /** The results of the given roles only. */
    public Graph keeping(Role... roles) {
        List<Output> outs = new ArrayList<>();
        for (Output o : outputs) for (Role r : roles) if (o.role() == r) outs.add(o);
        return new Graph(nodes, outs);
    }
}
