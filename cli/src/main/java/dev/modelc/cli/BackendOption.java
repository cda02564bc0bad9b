package dev.modelc.cli;

import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.backend.BackendUnavailableException;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.model.CompiledModel;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --backend interp|bytecode|java|cuda} and {@code --device N}, shared by the commands that run a model. */
final class BackendOption {
    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "bytecode",
            description = "What runs the model: bytecode (fused loops compiled to JVM bytecode; the default), "
                    + "java (the same kernels as Java source, compiled with javac), interp (the reference interpreter), "
                    + "or cuda (the kernels as CUDA C, compiled with NVRTC and run on an NVIDIA GPU).")
    String name;

    @Option(names = "--device", paramLabel = "N", defaultValue = "0",
            description = "Which GPU runs the model with --backend cuda, numbered from 0 as nvidia-smi numbers them (default: 0).")
    int device;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    Backend backend() {
        Backend b = Backend.bySpelling(name);
        if (b == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown backend '" + name + "' for --backend: it is "
                    + Backend.choices());
        }
        if (device < 0) throw new CommandLine.ParameterException(spec.commandLine(), "--device must be 0 or more, not " + device);
        return b;
    }

    int device() {
        return device;
    }

    /** The model on the chosen backend and device; a backend that cannot run here is the user's one-line error. */
    CompiledModel compile(CheckedModel model, DType floating) throws UserError {
        Backend b = backend();
        try {
            return b.compile(model, floating, device);
        } catch (BackendUnavailableException e) {
            throw unavailable(e);
        }
    }

    /** {@code modelc: --backend cuda: no CUDA driver found (libcuda.so.1 did not load); use --backend bytecode}. */
    static UserError unavailable(BackendUnavailableException e) {
        return UserError.line("--backend " + e.backend().spelling() + ": " + e.reason() + "; use --backend "
                + Backend.DEFAULT.spelling());
    }
}
