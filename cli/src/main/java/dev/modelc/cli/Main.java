package dev.modelc.cli;

import dev.modelc.compiler.diagnostics.Spelling;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code modelc} command: a compiler for machine-learning models written in `.model` files. */
@Command(name = "modelc",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Compiles machine-learning models written in .model files.",
        subcommands = {CheckCommand.class, EvalCommand.class, GraphCommand.class, TrainCommand.class, PredictCommand.class,
                SampleCommand.class, CompileCommand.class, FmtCommand.class, LspCommand.class,
                CommandLine.HelpCommand.class})
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
        int code = run(args);
        StderrFilter.drain();
        System.exit(code);
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
        cl.setParameterExceptionHandler(Main::usageError);
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * picocli's own handling of a usage mistake (the message, then suggestions or the usage),
     * except that a mistyped command is only offered commands it resembles: picocli's n-gram
     * similarity would offer {@code eval} for {@code compile-everything}.
     */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println(cl.getColorScheme().errorText(e.getMessage()));
        if (!suggest(e, err)) cl.usage(err, cl.getColorScheme());
        err.flush();
        return USER_ERROR;
    }

    private static boolean suggest(CommandLine.ParameterException e, PrintWriter err) {
        if (!(e instanceof CommandLine.UnmatchedArgumentException u)) return false;
        if (u.isUnknownOption()) return CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        if (u.getUnmatched().isEmpty()) return false;
        String word = u.getUnmatched().getFirst();
        String command = e.getCommandLine().getCommandSpec().qualifiedName();
        List<String> close = u.getSuggestions().stream()
                .filter(s -> resembles(word, s.substring(s.lastIndexOf(' ') + 1)))
                .map(s -> command + " " + s).toList();
        if (close.isEmpty()) return false;
        err.println("Did you mean: " + String.join(" or ", close) + "?");
        return true;
    }

    /** A likely typo of a command: a few edits away, or a prefix either way ({@code evaluate}, {@code che}). */
    private static boolean resembles(String typed, String command) {
        if (typed.length() >= 2 && (typed.startsWith(command) || command.startsWith(typed))) return true;
        return Spelling.distance(typed, command) <= Math.max(2, command.length() / 2);
    }
}
