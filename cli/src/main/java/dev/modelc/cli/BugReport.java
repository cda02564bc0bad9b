package dev.modelc.cli;

import dev.modelc.compiler.InternalCompilerError;

/**
 * The short report printed for a bug in modelc (exit code 2): what failed and where, without a
 * raw stack trace; {@code MODELC_TRACE=1} adds the trace for whoever fixes it.
 */
final class BugReport {
    private BugReport() {
    }

    static String of(Throwable e) {
        Throwable root = e instanceof InternalCompilerError && e.getCause() != null ? e.getCause() : e;
        StringBuilder out = new StringBuilder("modelc: internal error");
        if (e instanceof InternalCompilerError ice) out.append(" while compiling ").append(ice.file());
        out.append(": ").append(root.getClass().getSimpleName());
        if (root.getMessage() != null) out.append(": ").append(root.getMessage());
        StackTraceElement[] trace = root.getStackTrace();
        if (trace.length > 0) out.append("\n  at ").append(trace[0]);
        out.append("\nThis is a bug in modelc, not in your model. Please report it with the input that caused it.");
        if ("1".equals(System.getenv("MODELC_TRACE"))) {
            java.io.StringWriter w = new java.io.StringWriter();
            root.printStackTrace(new java.io.PrintWriter(w));
            out.append('\n').append(w);
        } else {
            out.append("\n(set MODELC_TRACE=1 to include the stack trace)");
        }
        return out.toString();
    }
}
