package dev.modelc.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code modelc} command: a compiler for machine-learning models written in `.model` files. */
@Command(name = "modelc",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Compiles machine-learning models written in .model files.",
        subcommands = {CheckCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** Exit codes scripts can rely on. */
    public static final int OK = 0;
    public static final int USER_ERROR = 1;
    public static final int INTERNAL_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // picocli's parameter-exception handler prints the message and the usage, once.
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line on the process's stdout and stderr and returns the exit code. */
    public static int run(String... args) {
        Charset cs = System.out.charset();
        return run(new PrintWriter(System.out, true, cs), new PrintWriter(System.err, true, System.err.charset()), args);
    }

    /**
     * Runs the command line, printing results to {@code out} and messages (diagnostics, usage
     * errors, bug reports) to {@code err}, and returns the exit code. Both are flushed.
     */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println(BugReport.of(e));
            return INTERNAL_ERROR;
        });
        // A usage mistake (unknown option, missing FILE or command) is the user's: exit 1, on
        // every subcommand. Exit 2 stays for bugs in modelc.
        cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? USER_ERROR : INTERNAL_ERROR);
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }
}
