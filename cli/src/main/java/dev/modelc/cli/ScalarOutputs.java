package dev.modelc.cli;

import dev.modelc.api.Driver;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.check.ModelSignature;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.train.Evaluator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code train} reports besides the loss: the model's scalar outputs (such as an accuracy)
 * on the training data at the end, and on the {@code --val} data after every epoch, each
 * evaluated in the pass that evaluates the loss ({@link Evaluator}).
 */
final class ScalarOutputs {
    private final CheckedModel checked;
    private final Backend backend;
    private final int device;
    private final DType floating;
    /** The scalars' inputs by output, in graph order. */
    private final Map<String, List<String>> needs;
    /** Whether each scalar output is floating, by name. */
    private final Map<String, Boolean> floatingOutput = new HashMap<>();
    /** The evaluator of the loss with some scalars (see {@link #evaluator}), compiled on first need, and which scalars. */
    private Evaluator evaluator;
    private List<String> evaluated;

    ScalarOutputs(CheckedModel checked, Backend backend, int device, DType floating) {
        this.checked = checked;
        this.backend = backend;
        this.device = device;
        this.floating = floating;
        this.needs = Driver.inputsByOutput(checked);
        for (ModelSignature.Entry e : checked.signature().outputs()) {
            boolean scalar = e.type().shape().rank() == 0 && e.type().dtype().isNumeric();
            if (scalar) floatingOutput.put(e.name(), e.type().dtype().isFloating());
        }
    }

    /** One scalar output's value over some data, as printed: {@code accuracy 0.9733}, {@code correct 146}. */
    record Measured(String name, String text) {
        @Override
        public String toString() {
            return name + " " + text;
        }
    }

    /**
     * What evaluates the loss on {@code data} and, in the same pass, the model's scalar outputs
     * whose inputs {@code data} holds (in graph order); null when there are none, and the loss
     * is evaluated alone. Each output is combined over the batches as {@link Driver#outputAggregate}
     * finds it can be (outputs that are not sums or means over rows are their row-weighted means
     * over batches, marked {@code (batch mean)} when there was more than one batch).
     */
    Evaluator evaluator(TensorDataset data) {
        List<String> scalars = new ArrayList<>();
        for (String name : needs.keySet()) { // in graph order
            if (floatingOutput.containsKey(name) && data.columns().keySet().containsAll(needs.get(name))) scalars.add(name);
        }
        if (scalars.isEmpty()) return null;
        if (evaluator == null || !evaluated.equals(scalars)) {
            // A model of these scalars and the loss alone: it needs only their inputs, and runs each batch once for all.
            evaluator = Driver.evaluator(checked, scalars, backend, floating, device);
            evaluated = List.copyOf(scalars);
        }
        return evaluator;
    }

    /** The scalar outputs an evaluator gave, as printed. */
    List<Measured> measured(List<Evaluator.Value> values) {
        List<Measured> out = new ArrayList<>();
        for (Evaluator.Value value : values) {
            double v = value.value();
            out.add(new Measured(value.name(), (floatingOutput.get(value.name()) || v != Math.rint(v) ? TrainProgress.fixed4(v)
                    : Long.toString((long) v)) + (value.batchMean() ? " (batch mean)" : "")));
        }
        return out;
    }

    /** {@code values} as {@code ", accuracy 0.9733"}; or "". */
    String describe(List<Evaluator.Value> values) {
        StringBuilder sb = new StringBuilder();
        for (Measured m : measured(values)) sb.append(", ").append(m);
        return sb.toString();
    }
}
