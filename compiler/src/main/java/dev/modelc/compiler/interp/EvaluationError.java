package dev.modelc.compiler.interp;

/** A problem with the values a graph was run on (a wrong shape, a missing input): the user's, not modelc's. */
public final class EvaluationError extends dev.modelc.runtime.exec.ExecutionError {
    public EvaluationError(String message) {
        super(message);
    }
}
