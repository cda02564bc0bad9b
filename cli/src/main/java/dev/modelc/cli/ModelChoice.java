package dev.modelc.cli;

import dev.modelc.compiler.diagnostics.Spelling;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.check.CheckedProgram;
import dev.modelc.compiler.diagnostics.SourceFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** Compiles a file and picks the model a command works on ({@code --model NAME}, or the file's only one). */
final class ModelChoice {
    private ModelChoice() {
    }

    /**
     * Compiles {@code file}, printing its warnings to {@code err}; returns the model called
     * {@code name}, or the only model when {@code name} is null.
     */
    static CheckedModel load(Path file, String name, PrintWriter err) throws UserError {
        return choose(compile(file, err), file.toString(), name);
    }

    /** Compiles {@code file}, printing its warnings to {@code err}; errors are a {@link UserError}. */
    static CheckedProgram compile(Path file, PrintWriter err) throws UserError {
        SourceFile source;
        try {
            source = SourceReader.read(file);
        } catch (SourceReader.Unreadable e) {
            throw UserError.line(e.getMessage());
        }
        Compilation c = Compiler.compile(source);
        if (c.hasErrors()) throw UserError.rendered(c.render());
        if (!c.diagnostics().isEmpty()) err.print(c.render());
        return c.program().orElseThrow();
    }

    static CheckedModel choose(CheckedProgram program, String file, String name) throws UserError {
        List<String> names = program.models().stream().map(CheckedModel::name).toList();
        if (names.isEmpty()) throw UserError.line(file + ": no models");
        if (name == null) {
            if (names.size() == 1) return program.models().getFirst();
            throw UserError.line(file + " has " + names.size() + " models (" + String.join(", ", names)
                    + "); choose one with --model NAME");
        }
        var found = program.model(name);
        if (found.isPresent()) return found.get();
        String near = Spelling.nearest(name, names);
        throw UserError.line(file + ": no model '" + name + "'; "
                + (near != null ? "did you mean '" + near + "'?" : "its models are " + String.join(", ", names)));
    }
}
