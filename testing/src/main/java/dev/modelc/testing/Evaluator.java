package dev.modelc.testing;

import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.interp.DimBindings;
import dev.modelc.compiler.interp.Interpreter;
import dev.modelc.compiler.interp.Kinks;
import dev.modelc.compiler.passes.Pipeline;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a {@link PreparedModel} on an {@link Engine}: the objective, its gradients and Hessian-vector
 * products at a point, and where the point is relative to the kinks of the graphs (always by the
 * reference interpreter, on the optimized graphs with their kink arguments as extra results, see
 * {@link Kinks}). On the reference engine the same run gives the values.
 */
final class Evaluator {
    /** The objective, the gradients by variable (empty when not asked for), and the kinks: which side, how close. */
    record Point(double objective, Map<String, double[]> gradients, String side, double margin) {
    }

    private final PreparedModel model;
    private final Engine engine;
    private final Graph objective;
    private final Graph gradients;
    private final boolean kinkyObjective;
    private final boolean kinkyGradients;
    private final CompiledModel compiledFirst;
    private Graph hessian;
    private CompiledModel compiledSecond;

    Evaluator(PreparedModel model, Engine engine) {
        this.model = model;
        this.engine = engine;
        Graph g = model.first().graph();
        this.objective = Kinks.probed(Pipeline.optimize(g.keeping(Graph.Role.LOSS), false));
        this.gradients = Kinks.probed(Pipeline.optimize(g.keeping(Graph.Role.LOSS, Graph.Role.GRADIENT), false));
        this.kinkyObjective = Kinks.any(objective);
        this.kinkyGradients = Kinks.any(gradients);
        this.compiledFirst = engine instanceof Engine.Compiled c ? c.compile(model.first()) : null;
    }

    /** The objective at {@code at}; with {@code probe}, which side of the objective's kinks it is on. */
    Point objective(Map<String, Tensor> at, boolean probe) {
        boolean reference = compiledFirst == null;
        boolean kinks = probe && kinkyObjective;
        Map<String, Tensor> r = reference || kinks ? Interpreter.run(objective, at, Interpreter.Precision.F64, 0) : null;
        double y = reference ? r.get("loss").item() : compiledFirst.loss(params(at), batch(at)).item();
        return point(objective, kinks ? r : null, at, y, Map.of());
    }

    /** The objective and its gradients at {@code at}; with {@code probe}, the side of every kink of the gradient graph. */
    Point gradients(Map<String, Tensor> at, boolean probe) {
        boolean reference = compiledFirst == null;
        boolean kinks = probe && kinkyGradients;
        Map<String, Tensor> r = reference || kinks ? Interpreter.run(gradients, at, Interpreter.Precision.F64, 0) : null;
        Map<String, double[]> g = new LinkedHashMap<>();
        double y;
        if (reference) {
            y = r.get("loss").item();
            for (PreparedModel.Variable v : model.variables()) g.put(v.name(), r.get("grad:" + v.name()).toDoubleArray());
        } else {
            CompiledModel.Gradients c = compiledFirst.lossAndGradients(params(at), batch(at));
            y = c.loss().item();
            for (PreparedModel.Variable v : model.variables()) {
                Tensor t = c.gradients().get(v.name());
                if (t == null) throw new AssertionError(engine.name() + " gives no gradient for " + v.describe());
                g.put(v.name(), t.toDoubleArray());
            }
        }
        return point(gradients, kinks ? r : null, at, y, g);
    }

    /** H v for every variable, at {@code at} with the directions bound as {@code $direction:<name>}. */
    Map<String, double[]> hessianVectorProducts(Map<String, Tensor> at) {
        Map<String, Tensor> r;
        synchronized (this) {
            if (hessian == null && compiledSecond == null) {
                if (compiledFirst == null) {
                    hessian = Pipeline.optimize(model.second().graph().keeping(Graph.Role.LOSS, Graph.Role.GRADIENT), false);
                } else {
                    compiledSecond = ((Engine.Compiled) engine).compile(model.second());
                }
            }
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        if (compiledSecond == null) {
            r = Interpreter.run(hessian, at, Interpreter.Precision.F64, 0);
            for (PreparedModel.Variable v : model.variables()) out.put(v.name(), r.get("grad:" + v.name()).toDoubleArray());
        } else {
            Map<String, Tensor> g = compiledSecond.lossAndGradients(params(at), batch(at)).gradients();
            for (PreparedModel.Variable v : model.variables()) {
                Tensor t = g.get(v.name());
                if (t == null) throw new AssertionError(engine.name() + " gives no Hessian-vector product for " + v.describe());
                out.put(v.name(), t.toDoubleArray());
            }
        }
        return out;
    }

    /** The graph whose kinks decide whether differences of the objective (gradients) are meaningful. */
    Graph kinkGraph(boolean ofGradients) {
        return ofGradients ? gradients : objective;
    }

    /** A kink node of the probed graph, for messages: its op and the source it came from. */
    String describeNode(boolean ofGradients, int id) {
        if (id < 0) return "a kink";
        Node n = kinkGraph(ofGradients).node(id);
        if (n.span() == null) return n.op().label() + " (%" + id + ")";
        return n.op().label() + " `" + n.span().text() + "` at " + n.span().source().name() + ":" + n.span().line() + ":"
                + n.span().column();
    }

    /** A point with the kinks read off {@code probes} (the probed graph's results), or none when that is null. */
    private static Point point(Graph g, Map<String, Tensor> probes, Map<String, Tensor> at, double y, Map<String, double[]> grads) {
        if (probes == null) return new Point(y, grads, "", Double.POSITIVE_INFINITY);
        DimBindings dims = DimBindings.of(g, at);
        return new Point(y, grads, Kinks.signature(g, probes, dims), Kinks.margin(g, probes, dims));
    }

    private Map<String, Tensor> params(Map<String, Tensor> at) {
        Map<String, Tensor> out = new HashMap<>();
        for (PreparedModel.Variable v : model.variables()) out.put(v.name(), at.get(v.name()));
        return out;
    }

    private Map<String, Tensor> batch(Map<String, Tensor> at) {
        Map<String, Tensor> out = new HashMap<>(at);
        for (PreparedModel.Variable v : model.variables()) out.remove(v.name());
        return out;
    }
}
