package dev.modelc.compiler.graph;

import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.types.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a graph node by node. Nodes are hash-consed: adding an op with the same inputs and
 * type as an existing node returns that node, so common subexpressions are shared as they are
 * built. (Random initializers name their stream, so two params never share a draw.)
 */
public final class GraphBuilder {
    private final List<Node> nodes = new ArrayList<>();
    private final Map<Key, Integer> interned = new HashMap<>();
    /** Past this many nodes {@link #add} throws {@link GraphTooLarge}. */
    private final int maxNodes;

    /** A builder with no limit but an int's, for passes over graphs that were already built. */
    public GraphBuilder() {
        this(Integer.MAX_VALUE);
    }

    /** A builder that refuses to grow past {@code maxNodes} nodes (the checker's, see {@link GraphTooLarge}). */
    public GraphBuilder(int maxNodes) {
        this.maxNodes = maxNodes;
    }

    private record Key(Op op, List<Integer> inputs, TensorType type) {
        /**
         * Op and inputs only: hashing a type hashes every size polynomial of its shape, which
         * was most of the time spent building large graphs; nodes that differ only in type are rare.
         */
        @Override
        public int hashCode() {
            return 31 * op.hashCode() + inputs.hashCode();
        }
    }

    /** Adds a node, or finds the equal one already built; returns its id. */
    public int add(Op op, TensorType type, Span span, List<Integer> inputs) {
        if (type.weak()) type = type.strong();
        for (int i : inputs) {
            if (i < 0 || i >= nodes.size()) throw new IllegalArgumentException("input %" + i + " of " + op.label() + " does not exist");
        }
        Key key = new Key(op, List.copyOf(inputs), type);
        Integer found = interned.get(key);
        if (found != null) return found;
        if (nodes.size() >= maxNodes) throw new GraphTooLarge(span, maxNodes);
        int id = nodes.size();
        nodes.add(new Node(id, op, key.inputs(), type, span));
        interned.put(key, id);
        return id;
    }

    public int add(Op op, TensorType type, Span span, int... inputs) {
        List<Integer> in = new ArrayList<>(inputs.length);
        for (int i : inputs) in.add(i);
        return add(op, type, span, in);
    }

    public Node node(int id) {
        return nodes.get(id);
    }

    public TensorType type(int id) {
        return nodes.get(id).type();
    }

    public int size() {
        return nodes.size();
    }

    public Graph build(List<Graph.Output> outputs) {
        return new Graph(nodes, outputs);
    }
}
