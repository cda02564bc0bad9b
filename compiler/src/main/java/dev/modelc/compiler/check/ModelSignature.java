package dev.modelc.compiler.check;

import dev.modelc.runtime.model.TrainConfig;

import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.types.TensorType;
import java.util.List;
import java.util.Optional;

/**
 * What a checked model takes and gives: inputs, params by path ({@code linear.weight}, in
 * declaration order, like PyTorch's {@code state_dict}), outputs, the loss, the params its
 * update rules train, and its training defaults.
 */
public record ModelSignature(String name, List<Entry> inputs, List<ParamEntry> params, List<Entry> outputs,
                             Optional<Entry> loss, List<String> updated, Optional<TrainConfig> train, List<ParamEntry> states) {
    public ModelSignature {
        inputs = List.copyOf(inputs);
        params = List.copyOf(params);
        outputs = List.copyOf(outputs);
        updated = List.copyOf(updated);
        states = List.copyOf(states);
    }

    /** A signature without states. */
    public ModelSignature(String name, List<Entry> inputs, List<ParamEntry> params, List<Entry> outputs,
                          Optional<Entry> loss, List<String> updated, Optional<TrainConfig> train) {
        this(name, inputs, params, outputs, loss, updated, train, List.of());
    }

    /** The params and then the states: everything the model holds, by path (PyTorch's {@code state_dict}). */
    public List<ParamEntry> held() {
        if (states.isEmpty()) return params;
        List<ParamEntry> all = new java.util.ArrayList<>(params);
        all.addAll(states);
        return List.copyOf(all);
    }

    /** A named, typed value of the signature. */
    public record Entry(String name, TensorType type, Span span) {
    }

    /** A param: its path, type and initializer as written. */
    public record ParamEntry(String path, TensorType type, String init, Span span) {
    }

    /** The table {@code modelc check} prints for this model (see {@link SignatureTable}). */
    @Override
    public String toString() {
        return SignatureTable.render(this).stripTrailing();
    }
}
