package dev.modelc.cli;

/**
 * A mistake in the user's input that ends a command with exit code 1; {@link #report} is what
 * goes to stderr as is: a {@code modelc: ...} line, or rendered diagnostics.
 */
final class UserError extends Exception {
    final String report;

    private UserError(String report) {
        super(report, null, false, false);
        this.report = report;
    }

    /** A one-line error: {@code modelc: <message>}. */
    static UserError line(String message) {
        return new UserError("modelc: " + message + "\n");
    }

    /** Diagnostics already rendered (each ends with a newline). */
    static UserError rendered(String diagnostics) {
        return new UserError(diagnostics);
    }
}
