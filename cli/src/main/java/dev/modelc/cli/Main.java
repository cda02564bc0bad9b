package dev.modelc.cli;

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
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println(BugReport.of(e));
            return INTERNAL_ERROR;
        });
        cl.setExitCodeExceptionMapper(e -> INTERNAL_ERROR);
        cl.getCommandSpec().exitCodeOnInvalidInput(USER_ERROR);
        return cl.execute(args);
    }
}
