package dev.modelc.api;

import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.interp.DimBindings;
import dev.modelc.compiler.interp.Interpreter;
import dev.modelc.compiler.interp.Kinks;
import dev.modelc.runtime.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A model's loss, or its loss and gradients, run by the reference interpreter in f64 on the
 * entry point's optimized graph (the one {@code Backend.INTERP} runs), together with where the
 * point lies relative to every kink of that graph (see {@code interp.Kinks}): what finite
 * differences need to know whether a step crossed one. Made by {@link Driver#referenceRun};
 * modelc-testing's {@code GradCheck} uses it, so that one interpreter run gives both the values
 * and the kinks.
 */
public final class ReferenceRun {
    /**
     * The values at one point, and which side of every kink it is on ({@code side}, text to
     * compare with another point's) and how close to the nearest ({@code margin}); without a
     * probe, {@code side} is empty and {@code margin} infinite.
     *
     * @param gradients by param path; empty for the loss alone
     */
    public record Result(Tensor loss, Map<String, Tensor> gradients, String side, double margin) {
    }

    private final Graph graph;
    /** {@link #graph} with the arguments of its kinks as extra results. */
    private final Graph probed;
    private final boolean kinks;

    private ReferenceRun(Graph graph) {
        this.graph = graph;
        this.probed = Kinks.probed(graph);
        this.kinks = Kinks.any(graph);
    }

    /** The run of {@code m}'s {@link EntryPoint#LOSS} or {@link EntryPoint#GRADIENTS}. */
    static ReferenceRun of(CheckedModel m, EntryPoint e) {
        Objects.requireNonNull(m, "model == null");
        if (e != EntryPoint.LOSS && e != EntryPoint.GRADIENTS) {
            throw new IllegalArgumentException("a reference run is of the loss or the gradients, not " + e);
        }
        return new ReferenceRun(e.graph(m.graph()));
    }

    /** Whether the graph has any kink (else every point is on the same side of all of them). */
    public boolean hasKinks() {
        return kinks;
    }

    /**
     * The loss (and gradients) at {@code values}, inputs and params by name; with {@code probe}
     * (and any kink), which side of each kink the point is on and how far from the nearest.
     */
    public Result run(Map<String, Tensor> values, boolean probe) {
        boolean probing = probe && kinks;
        Graph g = probing ? probed : graph;
        Map<String, Tensor> r = Interpreter.run(g, values, Interpreter.Precision.F64, 0);
        Map<String, Tensor> gradients = new LinkedHashMap<>();
        for (Graph.Output o : g.outputs(Graph.Role.GRADIENT)) gradients.put(o.name(), r.get("grad:" + o.name()));
        if (!probing) return new Result(r.get("loss"), gradients, "", Double.POSITIVE_INFINITY);
        DimBindings dims = DimBindings.of(g, values);
        return new Result(r.get("loss"), gradients, Kinks.signature(g, r, dims), Kinks.margin(g, r, dims));
    }

    /**
     * The first kink on which two points' sides ({@link Result#side}) differ, for messages: its op
     * and the source it came from ({@code max `max(a, b)` at f.model:3:5}), or {@code a kink}
     * when none does.
     */
    public String kinkBetween(String side, String otherSide) {
        int id = Kinks.firstDifference(probed, side, otherSide);
        if (id < 0) return "a kink";
        Node n = probed.node(id);
        if (n.span() == null) return n.op().label() + " (%" + id + ")";
        return n.op().label() + " `" + n.span().text() + "` at " + n.span().source().name() + ":" + n.span().line() + ":"
                + n.span().column();
    }
}
