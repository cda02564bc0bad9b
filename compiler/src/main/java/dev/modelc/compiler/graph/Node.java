package dev.modelc.compiler.graph;

import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.types.TensorType;
import java.util.List;
import java.util.Objects;

/**
 * One SSA value of a graph: {@code id} is its position, {@code inputs} are ids of earlier
 * nodes, {@code type} is its dtype and (possibly symbolic) shape, and {@code span} is the
 * source it came from (for nodes made by differentiation, the forward op's).
 */
public record Node(int id, Op op, List<Integer> inputs, TensorType type, Span span) {
    public Node {
        Objects.requireNonNull(op, "op == null");
        Objects.requireNonNull(type, "type == null");
        inputs = List.copyOf(inputs);
        if (type.weak()) throw new IllegalArgumentException("graph node %" + id + " has a weak type " + type);
    }

    public int input(int i) {
        return inputs.get(i);
    }
}
