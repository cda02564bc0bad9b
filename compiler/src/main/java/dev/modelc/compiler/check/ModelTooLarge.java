package dev.modelc.compiler.check;

import dev.modelc.compiler.diagnostics.Diagnostic;

/**
 * Checking a model stopped at one of the limits on its size (expressions evaluated in calls,
 * nodes swept by grad, graph nodes, params, for the model and for the file: see {@link Expansion}).
 * Thrown from deep inside elaboration and caught where the model is checked, which reports the
 * diagnostic and goes on with the next model: once a model is that large, every further
 * expression in it would only hit the limit again.
 */
final class ModelTooLarge extends RuntimeException {
    private final transient Diagnostic diagnostic;

    ModelTooLarge(Diagnostic diagnostic) {
        super(diagnostic.message(), null, false, false);
        this.diagnostic = diagnostic;
    }

    Diagnostic diagnostic() {
        return diagnostic;
    }
}
