package dev.modelc.compiler.properties;

import dev.modelc.compiler.autodiff.Autodiff;
import dev.modelc.compiler.graph.Emitter;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.GraphPrinter;
import dev.modelc.compiler.graph.GraphVerifier;
import dev.modelc.compiler.interp.DimBindings;
import dev.modelc.compiler.interp.Interpreter;
import dev.modelc.compiler.interp.Kinks;
import dev.modelc.compiler.properties.ExprPrograms.Built;
import dev.modelc.compiler.properties.ExprPrograms.Program;
import dev.modelc.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A generated program differentiated once and twice, and the point it is evaluated at.
 *
 * <p>The graph's results are {@code y} (the scalar), {@code g<i>} (dy/dx_i, where y depends on
 * x_i) and {@code hv<i>} (the Hessian-vector product d/dx_i of sum_j <g_j, v_j>, with the
 * direction v_j fed as input {@code v<j>}, where that depends on x_i).
 */
final class Harness {
    /** Inputs are drawn from [-RANGE, RANGE]; the directions v from [-1, 1]. */
    static final double RANGE = 2;
    /** The programs' shapes are all fixed: no size to bind. */
    private static final DimBindings CONCRETE = DimBindings.of(Map.of(), Map.of());

    /**
     * How far every kink argument of the forward graph must be from its kink (unless exactly on
     * it, see {@link Kinks}). A central difference moves each input by 1e-5; with slopes of
     * intermediate values below 100 (the rescaling keeps them far lower) no kink is crossed.
     */
    static final double KINK_MARGIN = 1e-3;

    /** Step of the finite differences (as in the gradient properties, now in the testing module). */
    static final double H = 1e-5;

    /** Points tried per program before the sample is discarded. */
    static final int ATTEMPTS = 8;

    final Program program;
    final Built built;
    final Graph graph;
    final Graph forward;
    /** Gradient and HVP node ids per input, null where there is no dependence. */
    final List<Integer> grads;
    final List<Integer> hvps;
    /** The graphs with the arguments of their kinks as extra results (see {@link Kinks#probed}). */
    final Graph probedGraph;
    final Graph probedForward;

    Harness(Program program) {
        this.program = program;
        try {
            this.built = ExprPrograms.build(program);
        } catch (RuntimeException bad) {
            throw new AssertionError("building the program fails: " + bad + "\n" + program, bad);
        }
        Emitter e = built.emitter();
        try {
            this.forward = built.forward();
            this.grads = Autodiff.gradients(e, built.y(), built.inputs());
        } catch (RuntimeException bad) {
            throw new AssertionError("differentiation fails: " + bad + "\n" + program + "\n"
                    + GraphPrinter.print(e.builder().build(List.of())), bad);
        }
        List<Graph.Output> outs = new ArrayList<>();
        outs.add(new Graph.Output("y", Graph.Role.OUTPUT, built.y()));
        Integer dot = null;
        for (int i = 0; i < grads.size(); i++) {
            int v = e.input("v" + i, built.inputTypes().get(i));
            Integer g = grads.get(i);
            if (g == null) continue;
            outs.add(new Graph.Output("g" + i, Graph.Role.OUTPUT, g));
            List<Integer> axes = new ArrayList<>();
            for (int a = 0; a < e.shape(g).rank(); a++) axes.add(a);
            int term = e.sum(e.mul(g, v), axes, false);
            dot = dot == null ? term : e.add(dot, term);
        }
        List<Integer> h = new ArrayList<>();
        try {
            if (dot != null) h = Autodiff.gradients(e, dot, built.inputs());
            else for (int ignored : built.inputs()) h.add(null);
        } catch (RuntimeException bad) {
            throw new AssertionError("second differentiation fails: " + bad + "\n" + program + "\n"
                    + GraphPrinter.print(e.builder().build(outs)), bad);
        }
        this.hvps = h;
        for (int i = 0; i < hvps.size(); i++) {
            if (hvps.get(i) != null) outs.add(new Graph.Output("hv" + i, Graph.Role.OUTPUT, hvps.get(i)));
        }
        Graph all = e.builder().build(outs);
        try {
            GraphVerifier.verify(forward);
            this.graph = GraphVerifier.verify(all);
        } catch (GraphVerifier.InvalidGraph bad) {
            throw new AssertionError("the verifier rejects the differentiated graph: " + bad.getMessage() + "\n"
                    + program + "\n" + GraphPrinter.print(all), bad);
        }
        this.probedGraph = Kinks.probed(graph);
        this.probedForward = Kinks.probed(forward);
    }

    int inputCount() {
        return built.inputs().size();
    }

    int[] shape(int input) {
        return ExprPrograms.dims(built.inputTypes().get(input).shape());
    }

    /** Values for x_i and v_i, drawn from the program's seed and the attempt number. */
    Map<String, Tensor> point(int attempt) {
        Random r = new Random(program.seed() * 1_000_003L + attempt);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < inputCount(); i++) {
            int[] s = shape(i);
            double[] x = new double[Tensor.numel(s)], v = new double[x.length];
            for (int k = 0; k < x.length; k++) x[k] = (r.nextDouble() * 2 - 1) * RANGE;
            for (int k = 0; k < v.length; k++) v[k] = r.nextDouble() * 2 - 1;
            out.put("x" + i, Tensor.of(x, s));
            out.put("v" + i, Tensor.of(v, s));
        }
        return out;
    }

    /**
     * The {@code attempt}-th point if it is a smooth one: every kink argument of the forward
     * graph keeps {@link #KINK_MARGIN}, and no comparison anywhere in the graph (forward,
     * gradient or HVP) decides differently at x + h v and x - h v than at x. The second test
     * catches ties that hold up to rounding only (say log(exp(x)) against x, exactly equal at x
     * and one ulp apart at x + h v), where the function is smooth but its evaluation is not.
     * Null when the point is not smooth.
     */
    Map<String, Tensor> candidate(int attempt) {
        Map<String, Tensor> p = point(attempt);
        Map<String, Tensor> at = run(probedGraph, p);
        if (Kinks.margin(forward, at, CONCRETE) < KINK_MARGIN) return null;
        String here = Kinks.signature(graph, at, CONCRETE);
        if (!here.equals(Kinks.signature(graph, run(probedGraph, along(p, H)), CONCRETE))) return null;
        if (!here.equals(Kinks.signature(graph, run(probedGraph, along(p, -H)), CONCRETE))) return null;
        return p;
    }

    /** The first smooth point among the attempts; null when there is none. */
    Map<String, Tensor> smoothPoint() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Map<String, Tensor> p = candidate(attempt);
            if (p != null) return p;
        }
        return null;
    }

    /** Every x_i moved by {@code step * v_i}. */
    Map<String, Tensor> along(Map<String, Tensor> at, double step) {
        Map<String, Tensor> out = at;
        for (int i = 0; i < inputCount(); i++) {
            double[] x = at.get("x" + i).toDoubleArray(), v = at.get("v" + i).toDoubleArray();
            for (int k = 0; k < x.length; k++) x[k] += step * v[k];
            out = with(out, "x" + i, Tensor.of(x, shape(i)));
        }
        return out;
    }

    static Map<String, Tensor> run(Graph g, Map<String, Tensor> values) {
        return Interpreter.run(g, values, Interpreter.Precision.F64, 0);
    }

    static Map<String, Tensor> with(Map<String, Tensor> values, String name, Tensor t) {
        Map<String, Tensor> out = new HashMap<>(values);
        out.put(name, t);
        return out;
    }

    String describe() {
        return program + "\n" + GraphPrinter.print(graph);
    }

}
