package dev.modelc.compiler.backend;

import dev.modelc.compiler.interp.ModelEvaluation;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.TensorSpec;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One evaluation of a model on any backend ({@code modelc eval}): params not given are drawn
 * from their initializers with the seed, then the outputs, and the loss with its gradient for
 * every param when the model has a loss.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /** {@code values} holds inputs by name and, optionally, params by path (overriding their initializers). */
    public static ModelEvaluation.Result evaluate(CompiledModel model, Map<String, Tensor> values, long seed) {
        Map<String, Tensor> params = new LinkedHashMap<>();
        Map<String, Tensor> initial = null;
        for (TensorSpec p : model.params()) {
            Tensor t = values.get(p.name());
            if (t == null) {
                if (initial == null) initial = model.initialParams(seed);
                t = initial.get(p.name());
            }
            params.put(p.name(), t);
        }
        Map<String, Tensor> inputs = new HashMap<>(values);
        params.keySet().forEach(inputs::remove);
        Map<String, Tensor> outputs = model.outputs().isEmpty() ? new LinkedHashMap<>() : model.forward(params, inputs);
        Tensor loss = null;
        Map<String, Tensor> grads = new LinkedHashMap<>();
        if (model.hasLoss()) {
            CompiledModel.Gradients g = model.lossAndGradients(params, inputs);
            loss = g.loss();
            grads.putAll(g.gradients());
        }
        return new ModelEvaluation.Result(outputs, Optional.ofNullable(loss), grads, params);
    }
}
