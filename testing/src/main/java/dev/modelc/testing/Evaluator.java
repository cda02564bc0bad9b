package dev.modelc.testing;

import dev.modelc.api.DerivativeModels;
import dev.modelc.api.Driver;
import dev.modelc.api.ReferenceRun;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs {@link DerivativeModels} on an {@link Engine}: the objective, its gradients and
 * Hessian-vector products at a point, and where the point is relative to the kinks of the graphs
 * (always by the reference interpreter, {@link ReferenceRun}). On the reference engine the same
 * run gives the values.
 */
final class Evaluator {
    /** The objective, the gradients by variable (empty when not asked for), and the kinks: which side, how close. */
    record Point(double objective, Map<String, double[]> gradients, String side, double margin) {
    }

    private final DerivativeModels model;
    private final Engine engine;
    private final ReferenceRun objective;
    private final ReferenceRun gradients;
    private final CompiledModel compiledFirst;
    private ReferenceRun hessian;
    private CompiledModel compiledSecond;

    Evaluator(DerivativeModels model, Engine engine) {
        this.model = model;
        this.engine = engine;
        this.objective = Driver.referenceRun(model.gradientModel(), EntryPoint.LOSS);
        this.gradients = Driver.referenceRun(model.gradientModel(), EntryPoint.GRADIENTS);
        this.compiledFirst = engine instanceof Engine.Compiled c ? c.compile(model.gradientModel()) : null;
    }

    /** The objective at {@code at}; with {@code probe}, which side of the objective's kinks it is on. */
    Point objective(Map<String, Tensor> at, boolean probe) {
        boolean reference = compiledFirst == null;
        boolean kinks = probe && objective.hasKinks();
        ReferenceRun.Result r = reference || kinks ? objective.run(at, kinks) : null;
        double y = reference ? r.loss().item() : compiledFirst.loss(params(at), batch(at)).item();
        return point(kinks ? r : null, y, Map.of());
    }

    /** The objective and its gradients at {@code at}; with {@code probe}, the side of every kink of the gradient graph. */
    Point gradients(Map<String, Tensor> at, boolean probe) {
        boolean reference = compiledFirst == null;
        boolean kinks = probe && gradients.hasKinks();
        ReferenceRun.Result r = reference || kinks ? gradients.run(at, kinks) : null;
        Map<String, double[]> g = new LinkedHashMap<>();
        double y;
        if (reference) {
            y = r.loss().item();
            for (DerivativeModels.Variable v : model.variables()) g.put(v.name(), r.gradients().get(v.name()).toDoubleArray());
        } else {
            CompiledModel.Gradients c = compiledFirst.lossAndGradients(params(at), batch(at));
            y = c.loss().item();
            for (DerivativeModels.Variable v : model.variables()) {
                Tensor t = c.gradients().get(v.name());
                if (t == null) throw new AssertionError(engine.name() + " gives no gradient for " + v.describe());
                g.put(v.name(), t.toDoubleArray());
            }
        }
        return point(kinks ? r : null, y, g);
    }

    /** H v for every variable, at {@code at} with the directions bound as {@code $direction:<name>}. */
    Map<String, double[]> hessianVectorProducts(Map<String, Tensor> at) {
        synchronized (this) {
            if (hessian == null && compiledSecond == null) {
                if (compiledFirst == null) {
                    hessian = Driver.referenceRun(model.hessianVectorModel(), EntryPoint.GRADIENTS);
                } else {
                    compiledSecond = ((Engine.Compiled) engine).compile(model.hessianVectorModel());
                }
            }
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        if (compiledSecond == null) {
            Map<String, Tensor> r = hessian.run(at, false).gradients();
            for (DerivativeModels.Variable v : model.variables()) out.put(v.name(), r.get(v.name()).toDoubleArray());
        } else {
            Map<String, Tensor> g = compiledSecond.lossAndGradients(params(at), batch(at)).gradients();
            for (DerivativeModels.Variable v : model.variables()) {
                Tensor t = g.get(v.name());
                if (t == null) throw new AssertionError(engine.name() + " gives no Hessian-vector product for " + v.describe());
                out.put(v.name(), t.toDoubleArray());
            }
        }
        return out;
    }

    /**
     * The first kink of the objective's (or the gradients') graph on which two points' sides
     * differ, for messages: its op and the source it came from.
     */
    String kinkBetween(boolean ofGradients, String side, String otherSide) {
        return (ofGradients ? gradients : objective).kinkBetween(side, otherSide);
    }

    /** A point with the kinks of {@code probed}, or none when that is null. */
    private static Point point(ReferenceRun.Result probed, double y, Map<String, double[]> grads) {
        if (probed == null) return new Point(y, grads, "", Double.POSITIVE_INFINITY);
        return new Point(y, grads, probed.side(), probed.margin());
    }

    private Map<String, Tensor> params(Map<String, Tensor> at) {
        Map<String, Tensor> out = new HashMap<>();
        for (DerivativeModels.Variable v : model.variables()) out.put(v.name(), at.get(v.name()));
        return out;
    }

    private Map<String, Tensor> batch(Map<String, Tensor> at) {
        Map<String, Tensor> out = new HashMap<>(at);
        for (DerivativeModels.Variable v : model.variables()) out.remove(v.name());
        return out;
    }
}
