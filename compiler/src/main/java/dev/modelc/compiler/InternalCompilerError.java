package dev.modelc.compiler;

/**
 * A broken invariant inside the compiler (never a user's mistake): carries what was being
 * compiled so the command line can print a short bug report.
 */
public final class InternalCompilerError extends RuntimeException {
    private final String file;

    public InternalCompilerError(String file, Throwable cause) {
        super(cause.getClass().getSimpleName() + (cause.getMessage() != null ? ": " + cause.getMessage() : ""), cause);
        this.file = file;
    }

    /** The file being compiled when the error happened. */
    public String file() {
        return file;
    }
}
