package dev.modelc.cli;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.ModelSignature;
import dev.modelc.compiler.check.SignatureTable;
import dev.modelc.compiler.diagnostics.SourceFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code modelc check FILE...}: each model's signature, or every diagnostic. */
@Command(name = "check",
        mixinStandardHelpOptions = true,
        description = {"Checks .model files: names, dtypes and shapes.",
                "Prints each model's signature, or every error with its line and a caret under it."},
        footer = {"", "Exit status: 0 when every file is correct, 1 when a file has errors, 2 on a bug in modelc."})
final class CheckCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "The .model files to check.")
    List<Path> files;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean failed = false;
        boolean first = true;
        for (Path file : files) {
            SourceFile source;
            try {
                source = SourceReader.read(file);
            } catch (SourceReader.Unreadable e) {
                err.println("modelc: " + e.getMessage());
                failed = true;
                continue;
            }
            Compilation c = Compiler.compile(source);
            if (!c.diagnostics().isEmpty()) err.print(c.render());
            if (c.hasErrors()) {
                failed = true;
                continue;
            }
            List<ModelSignature> models = c.program().orElseThrow().signatures();
            if (models.isEmpty()) out.println(source.name() + ": no models");
            for (ModelSignature m : models) {
                if (!first) out.println();
                out.print(SignatureTable.render(m));
                first = false;
            }
        }
        out.flush();
        err.flush();
        return failed ? Main.USER_ERROR : Main.OK;
    }
}
