package dev.modelc.compiler.diagnostics;

import java.util.List;
import java.util.Objects;

/**
 * One message about the user's source: where ({@code primary}, drawn with carets), what else
 * is involved ({@code related}, drawn with tildes), and notes saying what was expected and
 * what was found.
 */
public record Diagnostic(Severity severity, Span primary, List<Span> related, String message, List<String> notes)
        implements Comparable<Diagnostic> {

    /** How bad a diagnostic is: errors stop compilation, warnings do not. */
    public enum Severity {
        ERROR("error"),
        WARNING("warning");

        private final String label;

        Severity(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public Diagnostic {
        Objects.requireNonNull(severity, "severity == null");
        Objects.requireNonNull(primary, "primary == null");
        Objects.requireNonNull(message, "message == null");
        related = List.copyOf(related);
        notes = List.copyOf(notes);
    }

    public static Diagnostic error(Span at, String message, String... notes) {
        return new Diagnostic(Severity.ERROR, at, List.of(), message, List.of(notes));
    }

    public static Diagnostic warning(Span at, String message, String... notes) {
        return new Diagnostic(Severity.WARNING, at, List.of(), message, List.of(notes));
    }

    public Diagnostic withRelated(Span... spans) {
        return new Diagnostic(severity, primary, List.of(spans), message, notes);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public int compareTo(Diagnostic o) {
        int c = primary.compareTo(o.primary);
        return c != 0 ? c : message.compareTo(o.message);
    }
}
