package dev.modelc.compiler.kernel;

import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.IndexSite;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A constant index or slice on an axis whose size is symbolic ({@code x[0]} on {@code f32[N]}):
 * the checker cannot know that it fits, so the plan checks it when the sizes are bound, before
 * any kernel reads past the axis (the fused loops read a slice's operand without checking each
 * position). {@code length} elements from {@code start}, every {@code step}, must lie in
 * {@code [0, size)}.
 *
 * @param what the indexing, as run-time index errors name it ({@code m.model:3: x[0]})
 */
public record SliceWindow(String what, int axis, Dim start, long step, Dim length, Dim size) {

    /** The windows of the graph's slices that are not known to fit: those whose sizes are not all constant. */
    public static List<SliceWindow> of(Graph g) {
        Set<SliceWindow> out = new LinkedHashSet<>();
        for (Node node : g.nodes()) {
            if (!(node.op() instanceof Op.Slice s)) continue;
            Shape in = g.node(node.input(0)).type().shape(), window = node.type().shape();
            for (int axis = 0; axis < in.rank(); axis++) {
                Dim start = s.starts().get(axis), length = window.dim(axis), size = in.dim(axis);
                long step = s.steps().get(axis);
                if (start.isConstant() && length.isConstant() && size.isConstant()) continue; // checked when compiled
                if (start.isConstant(0) && step == 1 && length.equals(size)) continue; // the whole axis
                out.add(new SliceWindow(IndexSite.describe(node.span()), axis, start, step, length, size));
            }
        }
        return List.copyOf(out);
    }
}
