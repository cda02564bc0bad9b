package dev.modelc.compiler;

import dev.modelc.compiler.check.CheckedProgram;
import dev.modelc.compiler.diagnostics.Diagnostic;
import dev.modelc.compiler.diagnostics.DiagnosticRenderer;
import dev.modelc.compiler.diagnostics.SourceFile;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of compiling one file: the checked program when there were no errors, and every
 * diagnostic (errors and warnings) in source order.
 */
public record Compilation(SourceFile source, Optional<CheckedProgram> program, List<Diagnostic> diagnostics) {
    public Compilation {
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    /** The diagnostics as the command line prints them. */
    public String render() {
        return DiagnosticRenderer.render(diagnostics);
    }
}
