package dev.modelc.compiler.interp;

import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.check.ModelSignature;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.passes.DeadCodeElimination;
import dev.modelc.compiler.passes.Pipeline;
import dev.modelc.compiler.passes.Retype;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a checked model on the reference interpreter: params not given are initialised from
 * their initializers (seeded by path), then the outputs, the loss and the loss's gradient for
 * every param are computed from the optimized graph.
 */
public final class ModelEvaluation {
    private ModelEvaluation() {
    }

    /** What one evaluation gives: outputs by name, the loss if the model has one, gradients by param path. */
    public record Result(Map<String, Tensor> outputs, Optional<Tensor> loss, Map<String, Tensor> gradients,
                         Map<String, Tensor> params, Map<String, Tensor> states) {
        /** An evaluation outside the training step: no state changes. */
        public Result(Map<String, Tensor> outputs, Optional<Tensor> loss, Map<String, Tensor> gradients, Map<String, Tensor> params) {
            this(outputs, loss, gradients, params, Map.of());
        }
    }

    /**
     * The floating dtype a precision declares every floating node as ({@link Retype}), null for
     * {@code DECLARED}. Models are redeclared before they are optimized, never run at another
     * precision afterwards: constant folding would have rounded to the declared dtype.
     */
    public static DType floating(Interpreter.Precision precision) {
        return switch (precision) {
            case DECLARED -> null;
            case F64 -> DType.F64;
            case F32 -> DType.F32;
        };
    }

    /** The initial values of the params not in {@code given}, drawn with {@code seed}. */
    public static Map<String, Tensor> initialParams(CheckedModel model, Map<String, Tensor> given, long seed,
                                                    Interpreter.Precision precision) {
        Graph graph = Retype.floating(model.graph(), floating(precision));
        List<Graph.Output> wanted = new ArrayList<>();
        for (Graph.Output o : graph.outputs(Graph.Role.INITIAL)) {
            if (!given.containsKey(o.name())) wanted.add(o);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (wanted.isEmpty()) return out;
        Graph init = DeadCodeElimination.run(graph.withOutputs(wanted));
        List<Tensor> values = Interpreter.results(init, Map.of(), Interpreter.Precision.DECLARED, seed);
        for (int i = 0; i < values.size(); i++) out.put(init.outputs().get(i).name(), values.get(i));
        return out;
    }

    /**
     * Evaluates outputs, loss and gradients on {@code values} (inputs by name; params by path,
     * overriding their initializers).
     */
    public static Result evaluate(CheckedModel model, Map<String, Tensor> values, Interpreter.Precision precision, long seed) {
        ModelSignature sig = model.signature();
        Map<String, Tensor> bound = new LinkedHashMap<>(values);
        Map<String, Tensor> params = new LinkedHashMap<>();
        Map<String, Tensor> initial = initialParams(model, values, seed, precision);
        for (ModelSignature.ParamEntry p : sig.params()) {
            Tensor t = values.containsKey(p.path()) ? values.get(p.path()) : initial.get(p.path());
            params.put(p.path(), t);
            bound.put(p.path(), t);
        }
        Graph g = Pipeline.optimize(Retype.floating(model.graph(), floating(precision))
                .keeping(Graph.Role.OUTPUT, Graph.Role.LOSS, Graph.Role.GRADIENT), false);
        List<Tensor> r = Interpreter.results(g, bound, Interpreter.Precision.DECLARED, seed);
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        Map<String, Tensor> grads = new LinkedHashMap<>();
        Tensor loss = null;
        for (int i = 0; i < r.size(); i++) {
            Graph.Output o = g.outputs().get(i);
            switch (o.role()) {
                case OUTPUT -> outputs.put(o.name(), r.get(i));
                case LOSS -> loss = r.get(i);
                case GRADIENT -> grads.put(o.name(), r.get(i));
                case UPDATE, INITIAL, STATE -> throw new IllegalStateException("unexpected result " + o);
            }
        }
        return new Result(outputs, Optional.ofNullable(loss), grads, params);
    }
}
