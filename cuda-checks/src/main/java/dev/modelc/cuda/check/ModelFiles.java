package dev.modelc.cuda.check;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The models a backend is checked on: every reference case and every sample model, read from a checkout of the repository. */
public final class ModelFiles {
    private ModelFiles() {
    }

    /** {@code compiler/src/test/resources/reference/*.model}, then {@code samples/**}{@code /*.model} (not the error samples), sorted. */
    public static List<Path> under(Path root) {
        List<Path> out = new ArrayList<>(list(root.resolve("compiler/src/test/resources/reference")));
        out.addAll(list(root.resolve("samples")).stream()
                .filter(p -> !p.startsWith(root.resolve("samples/errors")) && !p.toString().contains("/generated/")).toList());
        return out;
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".model")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + " (is --root a checkout of modelc?)", e);
        }
    }

    /** The file's checked models. */
    public static List<CheckedModel> models(Path file) {
        try {
            Compilation c = Compiler.compile(new SourceFile(file.getFileName().toString(), Files.readString(file)));
            if (c.hasErrors()) throw new IllegalStateException(file + " does not check:\n" + c.render());
            return c.program().orElseThrow().models();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
