package dev.modelc.compiler.interp;

import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.check.ModelSignature;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.passes.Pipeline;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.TensorSpec;
import dev.modelc.runtime.model.TrainConfig;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checked model run by the reference interpreter: one optimized graph per entry point
 * (forward, loss and gradients, update step), each holding only the nodes it needs, so
 * forward takes only the inputs its outputs depend on.
 */
public final class InterpretedModel implements CompiledModel {
    private final CheckedModel model;
    private final Interpreter.Precision precision;
    private final Graph forward;
    private final Graph loss;
    private final Graph gradients;
    private final Graph update;

    public InterpretedModel(CheckedModel model, Interpreter.Precision precision) {
        this.model = model;
        this.precision = precision;
        Graph g = model.graph();
        this.forward = Pipeline.optimize(g.keeping(Graph.Role.OUTPUT), false);
        this.loss = Pipeline.optimize(g.keeping(Graph.Role.LOSS), false);
        this.gradients = Pipeline.optimize(g.keeping(Graph.Role.LOSS, Graph.Role.GRADIENT), false);
        this.update = Pipeline.optimize(g.keeping(Graph.Role.LOSS, Graph.Role.UPDATE), false);
    }

    public InterpretedModel(CheckedModel model) {
        this(model, Interpreter.Precision.DECLARED);
    }

    public CheckedModel checked() {
        return model;
    }

    @Override
    public String name() {
        return model.name();
    }

    private static TensorSpec spec(String name, TensorType t) {
        return new TensorSpec(name, t.dtype(), t.shape().dims().stream().map(Dim::toString).toList());
    }

    @Override
    public List<TensorSpec> inputs() {
        return model.signature().inputs().stream().map(e -> spec(e.name(), e.type())).toList();
    }

    @Override
    public List<TensorSpec> params() {
        return model.signature().params().stream().map(p -> spec(p.path(), p.type())).toList();
    }

    @Override
    public List<String> outputs() {
        return model.signature().outputs().stream().map(ModelSignature.Entry::name).toList();
    }

    @Override
    public boolean hasLoss() {
        return model.signature().loss().isPresent();
    }

    @Override
    public boolean hasUpdateRules() {
        return !model.signature().updated().isEmpty();
    }

    @Override
    public TrainConfig trainConfig() {
        return model.signature().train().orElse(TrainConfig.DEFAULT);
    }

    @Override
    public Map<String, Tensor> initialParams(long seed) {
        return ModelEvaluation.initialParams(model, Map.of(), seed, precision);
    }

    @Override
    public Map<String, Tensor> forward(Map<String, Tensor> params, Map<String, Tensor> inputs) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<Tensor> r = Interpreter.results(forward, merge(params, inputs), precision, 0);
        for (int i = 0; i < r.size(); i++) out.put(forward.outputs().get(i).name(), r.get(i));
        return out;
    }

    @Override
    public Tensor loss(Map<String, Tensor> params, Map<String, Tensor> batch) {
        if (!hasLoss()) throw new IllegalStateException("model " + name() + " has no loss");
        return Interpreter.results(loss, merge(params, batch), precision, 0).getFirst();
    }

    @Override
    public Gradients lossAndGradients(Map<String, Tensor> params, Map<String, Tensor> batch) {
        if (!hasLoss()) throw new IllegalStateException("model " + name() + " has no loss");
        List<Tensor> r = Interpreter.results(gradients, merge(params, batch), precision, 0);
        Tensor loss = null;
        Map<String, Tensor> grads = new LinkedHashMap<>();
        for (int i = 0; i < r.size(); i++) {
            Graph.Output o = gradients.outputs().get(i);
            if (o.role() == Graph.Role.LOSS) loss = r.get(i);
            else grads.put(o.name(), r.get(i));
        }
        return new Gradients(loss, grads);
    }

    @Override
    public Step updateStep(Map<String, Tensor> params, Map<String, Tensor> batch) {
        if (!hasUpdateRules()) throw new IllegalStateException("model " + name() + " has no update rules");
        List<Tensor> r = Interpreter.results(update, merge(params, batch), precision, 0);
        Tensor loss = null;
        // Params without a rule are frozen: they keep their values.
        Map<String, Tensor> next = new LinkedHashMap<>(params);
        for (int i = 0; i < r.size(); i++) {
            Graph.Output o = update.outputs().get(i);
            if (o.role() == Graph.Role.LOSS) loss = r.get(i);
            else next.put(o.name(), r.get(i));
        }
        return new Step(loss, next);
    }

    private static Map<String, Tensor> merge(Map<String, Tensor> params, Map<String, Tensor> inputs) {
        Map<String, Tensor> all = new HashMap<>(inputs);
        all.putAll(params);
        return all;
    }
}
