package dev.modelc.compiler.check;

import dev.modelc.compiler.check.Value.Known;
import dev.modelc.compiler.check.Value.Tensor;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.graph.Emitter;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.GraphBuilder;
import dev.modelc.compiler.types.Shape;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * Lowering happens while checking: each tensor value the checker computes also gets the graph
 * node computing it, so the checked model is its graph. This class holds a model's graph under
 * construction and turns values into nodes of the dtype they meet.
 *
 * <p>Weak values are lowered in their widest form (weak floats as f64, weak ints as i32) and
 * converted where they meet a tensor; known constants are built directly in the dtype they
 * meet, so a literal is rounded once, as the language reference promises.
 */
final class Lowering {
    private final Emitter emitter;

    /**
     * A model's graph, refusing to grow past {@code maxNodes} nodes (see {@link Expansion#MAX_NODES}):
     * past it, checking stops with an error ({@link dev.modelc.compiler.graph.GraphTooLarge})
     * rather than run out of memory.
     */
    Lowering(int maxNodes) {
        emitter = new Emitter(new GraphBuilder(maxNodes));
    }
    private final List<Graph.Output> outputs = new ArrayList<>();
    /** The param whose initializer is being lowered (random draws are keyed by it), or null. */
    private String initPath;
    /** How many random draws that initializer has made so far. */
    private int draws;
    /** How many draws of the training step the model has made so far. */
    private int stepDraws;

    /** The emitter, with nodes from now on attributed to {@code at}. */
    Emitter at(Span at) {
        emitter.at(at);
        return emitter;
    }

    Emitter emitter() {
        return emitter;
    }

    /**
     * The generator stream of the next random draw in the current initializer: the param's path
     * for the first draw (so {@code randn()} depends only on seed and path), then path#1, path#2
     * ... so that {@code randn() - randn()} draws twice rather than sharing one node.
     */
    String nextDrawStream() {
        return draws++ == 0 ? initPath : initPath + "#" + (draws - 1);
    }

    /**
     * The number of the next draw of the training step ({@code rand_like} and the rest): draws
     * are numbered in the order they are lowered, which depends on the source alone.
     */
    int nextStepDraw() {
        return stepDraws++;
    }

    /** How many draws of the training step the model has made so far. */
    int stepDraws() {
        return stepDraws;
    }

    void initPath(String path) {
        initPath = path;
        draws = 0;
    }

    void output(String name, Graph.Role role, int node) {
        outputs.add(new Graph.Output(name, role, node));
    }

    Graph graph() {
        return emitter.builder().build(outputs);
    }

    /** The dtype a value's node has: its own, except that weak floats are kept in f64 until they meet a tensor. */
    static DType natural(TensorType t) {
        return t.weak() && t.dtype() == DType.F32 ? DType.F64 : t.dtype();
    }

    /** The node of {@code t} in its natural dtype. */
    int node(Tensor t) {
        return as(t, natural(t.type()));
    }

    /** The node of {@code t} converted to dtype {@code d}. */
    int as(Tensor t, DType d) {
        if (t.node() != Tensor.NO_NODE && emitter.dtype(t.node()) == d) return t.node();
        Shape shape = t.type().shape();
        switch (t.known()) {
            case Known.Numbers n when n.data().length == 1 || (shape.isConcrete() && shape.numel().isConstant(n.data().length)) -> {
                return emitter.constant(n.data(), TensorType.of(d, shape));
            }
            case Known.Sizes s when shape.isConcrete() && shape.numel().isConstant(s.dims().size()) -> {
                // Sizes keep their Known through squeeze, unsqueeze and reshape, so any shape
                // holding exactly their count lowers here: one size node each, laid out row-major.
                if (s.dims().size() == 1) return emitter.reshape(emitter.size(s.dims().getFirst(), d), shape);
                List<Integer> parts = new ArrayList<>();
                for (var dim : s.dims()) parts.add(emitter.reshape(emitter.size(dim, d), Shape.of(1)));
                return emitter.reshape(emitter.concat(parts, 0), shape);
            }
            case null, default -> {
                if (t.node() == Tensor.NO_NODE) throw new IllegalStateException("no graph node for a " + t.type() + " value");
                return emitter.cast(t.node(), d);
            }
        }
    }

    /**
     * The value {@code v} under a name: a tensor computed by a node gets its own alias node, so
     * that {@code grad(y, name)} means this value even when an equal expression is used elsewhere.
     */
    Value named(Value v, String name, Span at) {
        if (!(v instanceof Tensor t) || t.node() == Tensor.NO_NODE) return v;
        return new Tensor(t.type(), t.constant(), t.known(), at(at).alias(t.node(), name));
    }

    /** The node of {@code t} as dtype {@code d}, broadcast to {@code shape}. */
    int as(Tensor t, DType d, Shape shape) {
        return emitter.broadcast(as(t, d), shape);
    }
}
