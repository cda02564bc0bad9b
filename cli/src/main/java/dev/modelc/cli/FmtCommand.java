package dev.modelc.cli;

import dev.modelc.compiler.diagnostics.Diagnostic;
import dev.modelc.compiler.diagnostics.DiagnosticRenderer;
import dev.modelc.compiler.diagnostics.Diagnostics;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.syntax.SyntaxReader;
import dev.modelc.lsp.Formatter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modelc fmt FILE... [--check]}: rewrites files in the one canonical layout. */
@Command(name = "fmt",
        mixinStandardHelpOptions = true,
        description = {"Formats .model files in place, in one canonical layout.",
                "Like gofmt: two-space indents, one space around operators and after",
                "commas; comments and line breaks are kept. A file that does not parse is",
                "reported and left as it is."},
        footer = {"", "Exit status: 0 when done (with --check: when no file would change),",
                "1 when a file does not parse or cannot be written (with --check: also",
                "when a file would change), 2 on a bug in modelc."})
final class FmtCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "The .model files to format.")
    List<Path> files;

    @Option(names = "--check", description = "Change nothing; list the files that would change and exit 1 if any would.")
    boolean check;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean failed = false;
        for (Path file : files) {
            SourceFile source;
            try {
                source = SourceReader.read(file);
            } catch (SourceReader.Unreadable e) {
                err.println("modelc: " + e.getMessage());
                failed = true;
                continue;
            }
            Diagnostics syntax = new Diagnostics();
            if (SyntaxReader.read(source, syntax).isEmpty() || syntax.hasErrors()) {
                List<Diagnostic> errors = syntax.sorted().stream().filter(Diagnostic::isError).toList();
                err.print(DiagnosticRenderer.render(errors));
                err.println("modelc: " + file + " does not parse; left as it is");
                failed = true;
                continue;
            }
            String formatted = Formatter.format(source.text());
            if (formatted.equals(source.text())) continue;
            if (check) {
                out.println(file);
                failed = true;
                continue;
            }
            try {
                Files.writeString(file, formatted, StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("modelc: cannot write " + file + ": " + e.getMessage());
                failed = true;
            }
        }
        out.flush();
        err.flush();
        return failed ? Main.USER_ERROR : Main.OK;
    }
}
