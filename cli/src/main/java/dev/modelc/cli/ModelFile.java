package dev.modelc.cli;

import dev.modelc.compiler.check.CheckedModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The FILE argument and the {@code --model} option of every command that works on one model. */
final class ModelFile {
    @Parameters(index = "0", paramLabel = "FILE", description = "The .model file.")
    Path file;

    @Option(names = "--model", paramLabel = "NAME", description = "The model to use; needed when FILE has several.")
    String model;

    /** Compiles FILE (warnings to {@code err}) and picks the model. */
    CheckedModel load(PrintWriter err) throws UserError {
        return ModelChoice.load(file, model, err);
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
