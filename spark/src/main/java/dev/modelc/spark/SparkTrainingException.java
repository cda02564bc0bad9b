package dev.modelc.spark;

/**
 * A training run on Spark that cannot start or go on for a reason the user can fix (the data's
 * schema, a missing column, nulls, a model without a loss, a checkpoint that does not fit); the
 * message says what and where, without a stack trace's help.
 */
public final class SparkTrainingException extends RuntimeException {
    public SparkTrainingException(String message) {
        super(message);
    }

    public SparkTrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
