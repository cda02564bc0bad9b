package dev.modelc.compiler.graph;

import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which symbolic sizes a node needs and which an input or param binds. A size is bound only by
 * an axis that is the symbol alone ({@code x: f32[N, 3]} binds N; {@code f32[2*N]} does not),
 * from the tensor given for that input or param.
 */
public final class SizeSymbols {
    private SizeSymbols() {
    }

    /** The symbols a node needs to run: those of its shape and of its size attributes. */
    public static Set<String> used(Node n) {
        Set<String> out = new LinkedHashSet<>();
        for (Dim d : n.type().shape().dims()) out.addAll(d.symbols());
        switch (n.op()) {
            case Op.Size s -> out.addAll(s.dim().symbols());
            case Op.Slice s -> s.starts().forEach(d -> out.addAll(d.symbols()));
            case Op.Pad p -> p.starts().forEach(d -> out.addAll(d.symbols()));
            default -> {
            }
        }
        return out;
    }

    /** The symbol an axis of this size binds, if it is one symbol alone. */
    public static Optional<String> alone(Dim d) {
        return d.symbols().size() == 1 && d.equals(Dim.symbol(d.symbols().getFirst()))
                ? Optional.of(d.symbols().getFirst()) : Optional.empty();
    }

    /** The symbols a tensor of this declared shape binds, in axis order. */
    public static Set<String> bound(Shape s) {
        Set<String> out = new LinkedHashSet<>();
        for (Dim d : s.dims()) alone(d).ifPresent(out::add);
        return out;
    }

    /** The name an input or param is given by ({@code x}, {@code linear.weight}); empty for any other node. */
    public static Optional<String> binder(Node n) {
        return switch (n.op()) {
            case Op.Input i -> Optional.of(i.name());
            case Op.Param p -> Optional.of(p.path());
            default -> Optional.empty();
        };
    }

    /**
     * Per node, whether it is a size witness: an input or param that no node reads and no result
     * names, kept (by dead-code elimination) only because it binds a size the graph uses. Its
     * value may be left out when another given tensor binds the same sizes.
     */
    public static boolean[] witnesses(Graph g) {
        boolean[] read = new boolean[g.size()];
        for (Node n : g.nodes()) for (int in : n.inputs()) read[in] = true;
        for (Graph.Output o : g.outputs()) read[o.node()] = true;
        boolean[] out = new boolean[g.size()];
        for (Node n : g.nodes()) out[n.id()] = !read[n.id()] && binder(n).isPresent();
        return out;
    }
}
