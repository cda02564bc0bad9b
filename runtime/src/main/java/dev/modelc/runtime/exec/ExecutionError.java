package dev.modelc.runtime.exec;

/**
 * A problem with the values a model was run on (a wrong shape, a missing input, a class label
 * out of range): the user's, not modelc's. Every backend reports these the same way.
 */
public class ExecutionError extends RuntimeException {
    public ExecutionError(String message) {
        super(message, null, false, false);
    }
}
