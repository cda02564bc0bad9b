package dev.modelc.compiler.backend;

import dev.modelc.compiler.interp.ModelEvaluation;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.Mode;
import dev.modelc.runtime.model.StepKey;
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
        return evaluate(model, values, seed, Mode.EVALUATION);
    }

    /**
     * As {@link #evaluate(CompiledModel, Map, long)}, running the program of {@code mode}; in
     * {@link Mode#TRAINING} the result also holds each state's value after the step's update rules.
     * The step's draws ({@code dropout}, {@code rand_like}) are keyed by {@code (seed, 0)}: what the
     * first step of a training run with that seed draws.
     */
    public static ModelEvaluation.Result evaluate(CompiledModel model, Map<String, Tensor> values, long seed, Mode mode) {
        model = model.inMode(mode);
        StepKey key = new StepKey(seed, 0);
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
        Map<String, Tensor> outputs = model.outputs().isEmpty() ? new LinkedHashMap<>() : model.forward(params, inputs, key);
        Tensor loss = null;
        Map<String, Tensor> grads = new LinkedHashMap<>();
        Map<String, Tensor> states = new LinkedHashMap<>();
        if (model.hasLoss()) {
            CompiledModel.Gradients g = model.lossAndGradients(params, inputs, key);
            loss = g.loss();
            grads.putAll(g.gradients());
            states.putAll(g.states());
        }
        if (mode == Mode.TRAINING && model.hasUpdateRules() && !model.buffers().isEmpty()) {
            // The step of the model's own rules is where its states' rules run too.
            Map<String, Tensor> next = model.updateStep(params, inputs, key).params();
            for (TensorSpec s : model.buffers()) states.put(s.name(), next.get(s.name()));
        }
        return new ModelEvaluation.Result(outputs, Optional.ofNullable(loss), grads, params, states);
    }
}
