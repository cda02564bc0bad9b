package dev.modelc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.backend.java.TypedModelGenerator;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.CsvSource;
import dev.modelc.runtime.model.CompiledModel;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java the source backend generates for the crop-yield models (what {@code modelc compile
 * --emit java} and the Maven plugin write: the typed class with its kernels nested) is checked
 * in ({@code crop-yield/generated/}), so a change to the generator shows up as a reviewable diff.
 * The checked-in files must be what the generator writes today, must compile with javac against
 * modelc-runtime alone (no compiler on the class path), and, loaded, must compute what the
 * interpreter computes. {@code TypedApiTest} drives their typed methods.
 */
class GeneratedJavaTest {
    private static final Path SAMPLE = Path.of("crop-yield").toAbsolutePath();
    private static final Path GOLDEN = SAMPLE.resolve("generated/crop_yield");
    private static final String REGENERATE = "regenerate with: ./modelc compile samples/crop-yield/crop_yield.model --emit java "
            + "--out samples/crop-yield/generated";

    private static List<CheckedModel> models() throws IOException {
        Path file = SAMPLE.resolve("crop_yield.model");
        Compilation c = Compiler.compile(new SourceFile("crop_yield.model", Files.readString(file, StandardCharsets.UTF_8)));
        assertFalse(c.hasErrors(), c::render);
        return c.program().orElseThrow().models();
    }

    @Test
    void theCheckedInSourcesAreWhatTheGeneratorWrites() throws IOException {
        for (CheckedModel m : models()) {
            String want = TypedModelGenerator.generate(m, null, "crop_yield").toString();
            Path golden = GOLDEN.resolve(m.name() + ".java");
            assertTrue(Files.exists(golden), golden + " is missing; " + REGENERATE);
            assertEquals(want, Files.readString(golden, StandardCharsets.UTF_8), m.name() + " changed; " + REGENERATE);
        }
    }

    @Test
    void theyCompileAgainstTheRuntimeAloneAndComputeWhatTheInterpreterDoes(@TempDir Path classes) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Path runtime = Path.of(Tensor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> args = new ArrayList<>(List.of("-classpath", runtime.toString(), "-d", classes.toString(), "-Xlint:all", "-Werror"));
        try (Stream<Path> files = Files.list(GOLDEN)) {
            files.filter(p -> p.toString().endsWith(".java")).sorted().forEach(p -> args.add(p.toString()));
        }
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        int status = javac.run(null, log, log, args.toArray(String[]::new));
        assertEquals(0, status, "javac failed on the generated sources, with only modelc-runtime on the class path:\n" + log);

        CsvSource csv = new CsvSource(SAMPLE.resolve("crop_yield.csv"));
        Map<String, Tensor> data = Map.of("x", csv.read(DType.F32, "temp", "rainfall", "humidity"),
                "y", csv.read(DType.F32, "apples", "oranges"));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL(), runtime.toUri().toURL()}, null)) {
            for (CheckedModel m : models()) {
                Class<?> c = loader.loadClass("crop_yield." + m.name() + "$Kernels");
                // Loaded apart from this test's runtime classes, so it is driven reflectively.
                Object generated = c.getConstructor().newInstance();
                CompiledModel want = Backend.INTERP.compile(m, null);
                assertEquals(want.name(), c.getMethod("name").invoke(generated));
                assertEquals(want.params().toString(), c.getMethod("params").invoke(generated).toString());
                assertEquals(want.initialParams(3).toString(), c.getMethod("initialParams", long.class).invoke(generated, 3L).toString());
            }
        }
        // Numbers: the same sources compiled in-process (--backend java) against this test's runtime.
        for (CheckedModel m : models()) {
            CompiledModel java = Backend.JAVA.compile(m, null), interp = Backend.INTERP.compile(m, null);
            Map<String, Tensor> params = interp.initialParams(0);
            double a = interp.loss(params, data).item(), b = java.loss(params, data).item();
            assertEquals(a, b, 1e-4 * Math.abs(a), m.name() + " loss");
        }
    }

    /** Beyond the golden files: the typed class of every model of every sample compiles, warning-free, on the runtime alone. */
    @Test
    void everySampleModelsTypedClassCompilesAgainstTheRuntimeAlone(@TempDir Path dir) throws Exception {
        Path samples = SAMPLE.getParent();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(samples)) {
            files = walk.filter(p -> p.toString().endsWith(".model") && !p.startsWith(samples.resolve("target"))
                    && !p.startsWith(samples.resolve("errors")) && !p.toString().contains("/pending/")).sorted().toList();
        }
        List<String> args = new ArrayList<>(List.of("-classpath",
                Path.of(Tensor.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString(),
                "-d", dir.resolve("classes").toString(), "-Xlint:all", "-Werror", "-implicit:none"));
        int models = 0;
        for (Path file : files) {
            Compilation c = Compiler.compile(new SourceFile(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8)));
            assertFalse(c.hasErrors(), c::render);
            String pkg = "sample" + models;
            for (CheckedModel m : c.program().orElseThrow().models()) {
                Path out = dir.resolve(pkg).resolve(m.name() + ".java");
                Files.createDirectories(out.getParent());
                Files.writeString(out, TypedModelGenerator.generate(m, null, pkg).toString());
                args.add(out.toString());
                models++;
            }
        }
        assertTrue(models > 20, "found only " + models + " models under " + samples);
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        int status = ToolProvider.getSystemJavaCompiler().run(null, log, log, args.toArray(String[]::new));
        assertEquals(0, status, "javac failed on the typed classes of the samples' models:\n" + log);
    }
}
