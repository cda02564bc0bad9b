package dev.modelc.cli;

import dev.modelc.compiler.backend.Backend;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --backend interp|bytecode|java}, shared by the commands that run a model. */
final class BackendOption {
    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "bytecode",
            description = "What runs the model: bytecode (fused loops compiled to JVM bytecode; the default), "
                    + "java (the same kernels as Java source, compiled with javac), or interp (the reference interpreter).")
    String name;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    Backend backend() {
        Backend b = Backend.bySpelling(name);
        if (b == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown backend '" + name + "' for --backend: it is "
                    + Backend.choices());
        }
        return b;
    }
}
