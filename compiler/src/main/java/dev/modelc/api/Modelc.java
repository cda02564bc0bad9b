package dev.modelc.api;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.Lanes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The entry point for Java users: compile `.model` source, pick a model, train and run it.
 *
 * <pre>{@code
 * Model model = Modelc.compile(Path.of("crop_yield.model")).model("CropYieldLinear");
 * model.initialize(0);
 * Trainer.Result r = model.fit(new TensorDataset(Map.of("x", x, "y", y)));
 * Tensor preds = model.forward(Map.of("x", x)).get("preds");
 * }</pre>
 */
public final class Modelc {
    private Modelc() {
    }

    /** Compiles a file; throws {@link CompilationException} with its diagnostics when it has errors. */
    public static Program compile(Path file) throws IOException {
        return compile(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Compiles source text named {@code name} (the name diagnostics print). */
    public static Program compile(String name, String source) {
        Compilation c = Compiler.compile(new SourceFile(name, source));
        if (c.hasErrors()) throw new CompilationException(c.render(), c.diagnostics());
        return new Program(c);
    }

    /**
     * Whether this JVM runs matrix products and flat f32 loops on vector lanes, and why not when
     * it does not ({@code vector lanes: off (the JVM runs without jdk.incubator.vector; start it
     * with --add-modules jdk.incubator.vector)}). Your JVM's flags decide, not modelc: see
     * docs/java-api.md, "Vector lanes".
     */
    public static Lanes lanes() {
        return Lanes.current();
    }
}
