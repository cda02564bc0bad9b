package dev.modelc.api;

import dev.modelc.compiler.diagnostics.Diagnostic;
import java.util.List;

/** A `.model` source with errors: the message is the rendered diagnostics, as {@code modelc check} prints them. */
public final class CompilationException extends RuntimeException {
    private final List<Diagnostic> diagnostics;

    CompilationException(String rendered, List<Diagnostic> diagnostics) {
        super(rendered, null, false, false);
        this.diagnostics = List.copyOf(diagnostics);
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
