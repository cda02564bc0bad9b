package dev.modelc.compiler.check;

import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.passes.ModeSpecialization;
import dev.modelc.runtime.model.Mode;

/**
 * A model that passed checking: its signature and its graph. The graph has the model's
 * outputs, its loss, the loss's gradient for every param, the update rules' new values, and
 * each param's initial value (roles of {@link Graph.Role}); take the part you need with
 * {@link Graph#keeping} and a dead-code pass.
 */
public record CheckedModel(ModelSignature signature, Graph graph) {
    public String name() {
        return signature.name();
    }

    /** The model as the program of {@code mode} ({@link ModeSpecialization}): what a backend compiles. */
    public CheckedModel inMode(Mode mode) {
        return new CheckedModel(signature, ModeSpecialization.specialize(graph, mode));
    }

    /** Whether the model's two programs differ (it reads {@code training} or has state update rules). */
    public boolean modal() {
        return ModeSpecialization.differs(graph);
    }
}
