package dev.modelc.aot;

import dev.modelc.api.Driver;
import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.AtomicFiles;
import dev.modelc.runtime.DType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.lang.model.SourceVersion;

/**
 * Ahead-of-time generation for build tools: each {@code .model} file of a set becomes one typed
 * Java class per model ({@link Driver#javaSource}) in the package the build chose for it. A
 * file with errors generates nothing and gets its diagnostics, rendered as the command line
 * renders them ({@code file:line:col: error: ...}); the other files still generate.
 */
public final class SourceSet {
    /** A {@code .model} file and the Java package of its classes. */
    public record Source(Path file, String packageName) {
        public Source {
            Objects.requireNonNull(file, "file == null");
            Objects.requireNonNull(packageName, "packageName == null");
        }
    }

    /**
     * What became of one file: the Java files written (relative to the output folder), and its
     * diagnostics, rendered (warnings too; empty when there were none).
     */
    public record Result(Source source, List<Path> written, String diagnostics, boolean failed) {
        public Result {
            written = List.copyOf(written);
        }
    }

    private SourceSet() {
    }

    /**
     * Generates every file's models (only those named in {@code models}, unless it is empty) under
     * {@code out}, with every floating value as {@code floating} unless it is null. Files are
     * named in diagnostics by {@code file} as given, so an absolute path gives IDEs a link.
     */
    public static List<Result> generate(List<Source> sources, Path out, DType floating, Set<String> models) throws IOException {
        List<Result> results = new ArrayList<>();
        for (Source s : sources) results.add(generate(s, out, floating, models));
        return results;
    }

    private static Result generate(Source s, Path out, DType floating, Set<String> models) throws IOException {
        if (!SourceVersion.isName(s.packageName())) {
            return failed(s, s.file() + ": error: '" + s.packageName() + "' is not a Java package name\n");
        }
        String text;
        try {
            // Bytes that are not UTF-8 become U+FFFD, which the compiler then points at.
            text = new String(Files.readAllBytes(s.file()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return failed(s, s.file() + ": error: cannot read: " + e.getMessage() + "\n");
        }
        Compilation c = Compiler.compile(new SourceFile(s.file().toString(), text));
        String diagnostics = c.diagnostics().isEmpty() ? "" : c.render();
        if (c.hasErrors()) return failed(s, diagnostics);
        List<Path> written = new ArrayList<>();
        for (CheckedModel m : c.program().orElseThrow().models()) {
            if (!models.isEmpty() && !models.contains(m.name())) continue;
            if (!SourceVersion.isIdentifier(m.name()) || SourceVersion.isKeyword(m.name())) {
                return failed(s, diagnostics + s.file() + ": error: model '" + m.name() + "' is not a valid Java class name\n");
            }
            Path relative = Path.of(s.packageName().replace('.', '/'), m.name() + ".java");
            Path file = out.resolve(relative);
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, Driver.javaSource(m, floating, s.packageName()).getBytes(StandardCharsets.UTF_8));
            written.add(relative);
        }
        return new Result(s, written, diagnostics, false);
    }

    private static Result failed(Source s, String diagnostics) {
        return new Result(s, List.of(), diagnostics, true);
    }
}
