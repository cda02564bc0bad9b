package dev.modelc.api;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.Diagnostic;
import java.util.List;
import java.util.NoSuchElementException;

/** A compiled `.model` file: its models by name, and any warnings. */
public final class Program {
    private final Compilation compilation;

    Program(Compilation compilation) {
        this.compilation = compilation;
    }

    /** The models' names, in source order. */
    public List<String> modelNames() {
        return compilation.program().orElseThrow().models().stream().map(CheckedModel::name).toList();
    }

    /** A fresh instance of the model called {@code name} on the default (bytecode) backend, its params not yet initialised. */
    public Model model(String name) {
        return model(name, Backend.DEFAULT);
    }

    /** A fresh instance of the model called {@code name}, run by {@code backend}. */
    public Model model(String name, Backend backend) {
        return model(name, backend, 0);
    }

    /**
     * A fresh instance of the model called {@code name}, run by {@code backend} on device number
     * {@code device} ({@code --device N}; only {@link Backend#CUDA} has devices).
     *
     * @throws dev.modelc.compiler.backend.BackendUnavailableException when the backend cannot run here
     */
    public Model model(String name, Backend backend, int device) {
        CheckedModel m = compilation.program().orElseThrow().model(name)
                .orElseThrow(() -> new NoSuchElementException("no model '" + name + "'; the file has " + modelNames()));
        return new Model(m, backend, device);
    }

    /** The file's only model. */
    public Model model() {
        List<String> names = modelNames();
        if (names.size() != 1) throw new IllegalStateException("the file has " + names.size() + " models " + names + "; name one");
        return model(names.getFirst());
    }

    /** Warnings the compiler gave (errors would have thrown). */
    public List<Diagnostic> warnings() {
        return compilation.diagnostics();
    }
}
