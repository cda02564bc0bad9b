package dev.modelc.cli;

import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.api.Driver;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modelc graph FILE}: the computation graph a model compiles to, as text or Graphviz DOT. */
@Command(name = "graph",
        mixinStandardHelpOptions = true,
        description = {"Prints the computation graph of a model.",
                "One equation per node (op, dtype and shape, and the line:column it came from), then the results (out, loss,",
                "grad, update). By default the graph computes the outputs and the loss, and",
                "is optimized. For a picture: modelc graph FILE --format dot | dot -Tsvg > g.svg"},
        footer = {"", "Exit status: 0 on success, 1 on a mistake in FILE or the command line, 2 on a",
                "bug in modelc."})
final class GraphCommand implements Callable<Integer> {

    @CommandLine.Mixin
    ModelFile target;

    @Option(names = "--format", paramLabel = "text|dot", defaultValue = "text",
            description = "text (default), or dot for Graphviz.")
    String format;

    @Option(names = "--backward",
            description = "Show the training graph: also the gradient of the loss for every param, and the update rules.")
    boolean backward;

    @Option(names = "--optimize", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run the optimization passes (default); --no-optimize shows the graph as lowered, "
                    + "less the nodes no result uses.")
    boolean optimize;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!format.equals("text") && !format.equals("dot")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "unknown format '" + format + "' for --format: it is text or dot");
        }
        try {
            CheckedModel m = target.load(err);
            out.print(Driver.graph(m, backward, optimize, format.equals("dot")));
            return Main.OK;
        } catch (UserError e) {
            err.print(e.report);
            return Main.USER_ERROR;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
