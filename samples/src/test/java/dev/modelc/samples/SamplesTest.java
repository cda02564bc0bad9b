package dev.modelc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.ModelSignature;
import dev.modelc.compiler.check.SignatureTable;
import dev.modelc.compiler.diagnostics.SourceFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks every {@code .model} file under {@code samples/} against a golden file next to it.
 *
 * <ul>
 *   <li>{@code X.model} must compile with no diagnostics at all, and the signature of each of its
 *       models ({@link SignatureTable#render}, joined by blank lines, exactly what
 *       {@code modelc check X.model} prints) must equal {@code X.signature}.
 *   <li>Under an {@code errors/} folder, {@code X.model} is a sample that must be rejected, and its
 *       rendered diagnostics must equal {@code X.diagnostics}.
 *   <li>Under a {@code pending/} folder, {@code X.model} is a correct sample the compiler does not
 *       yet accept; it is skipped, printing the reason its {@code # pending:} comment gives.
 * </ul>
 *
 * Files are compiled under their bare file name, so diagnostics do not depend on where the build
 * runs. Golden files are written by hand, from the language rules, not copied from the output.
 */
class SamplesTest {

    /** The samples module's directory: surefire runs tests there. */
    private static final Path ROOT = Path.of("").toAbsolutePath();

    @TestFactory
    Stream<DynamicTest> everySampleChecksAsItsGoldenFileSays() {
        // No test source URI: surefire drops the results of dynamic tests that have one.
        return samples().stream().map(file -> DynamicTest.dynamicTest(ROOT.relativize(file).toString(),
                () -> checkSample(file)));
    }

    @Test
    void samplesAreFound() {
        List<String> names = samples().stream().map(p -> ROOT.relativize(p).toString().replace('\\', '/')).toList();
        assertTrue(names.contains("crop-yield/crop_yield.model"), "the walk from " + ROOT + " found only " + names);
        assertTrue(names.contains("classification/classification.model"), "found only " + names);
        assertTrue(names.stream().filter(n -> n.startsWith("language/")).count() >= 5, "found only " + names);
    }

    @Test
    void everyGoldenFileHasItsSample() throws IOException {
        List<String> orphans = new ArrayList<>();
        try (Stream<Path> walk = walk()) {
            walk.filter(p -> p.toString().endsWith(".signature") || p.toString().endsWith(".diagnostics"))
                    .filter(p -> !Files.exists(sibling(p, ".model")))
                    .forEach(p -> orphans.add(ROOT.relativize(p).toString()));
        }
        assertEquals(List.of(), orphans, "golden files without a .model next to them");
    }

    private static void checkSample(Path file) throws IOException {
        String name = file.getFileName().toString();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Compilation c = Compiler.compile(new SourceFile(name, text));

        if (under(file, "pending")) {
            String reason = pendingReason(text);
            String status = c.hasErrors() ? "still rejected" : "now compiles: move it out of pending/";
            System.out.println("SKIPPED pending sample " + ROOT.relativize(file) + " (" + status + "): " + reason);
            Assumptions.abort("pending: " + reason);
        }

        if (under(file, "errors")) {
            assertTrue(c.hasErrors(), name + " should be rejected but compiled cleanly");
            compareWithGolden(file, ".diagnostics", c.render());
            return;
        }

        assertTrue(c.diagnostics().isEmpty(), () -> name + " should check clean, but:\n" + c.render());
        List<ModelSignature> models = c.program().orElseThrow().signatures();
        assertFalse(models.isEmpty(), name + " has no models");
        String actual = models.stream().map(SignatureTable::render).collect(Collectors.joining("\n"));
        compareWithGolden(file, ".signature", actual);
    }

    private static void compareWithGolden(Path file, String extension, String actual) throws IOException {
        Path golden = sibling(file, extension);
        if (!Files.exists(golden)) {
            fail("missing golden file " + ROOT.relativize(golden) + "; the compiler gives:\n" + actual);
        }
        String expected = Files.readString(golden, StandardCharsets.UTF_8).replace("\r\n", "\n");
        assertEquals(expected, actual.replace("\r\n", "\n"), "output for " + ROOT.relativize(file) + " differs from "
                + golden.getFileName());
    }

    private static String pendingReason(String text) {
        StringBuilder reason = new StringBuilder();
        boolean inReason = false;
        for (String line : text.lines().toList()) {
            if (!line.startsWith("#")) break;
            String body = line.substring(1).strip();
            if (body.startsWith("pending:")) {
                inReason = true;
                body = body.substring("pending:".length()).strip();
            } else if (body.isEmpty()) {
                inReason = false;
            }
            if (inReason) reason.append(reason.isEmpty() ? "" : " ").append(body);
        }
        return reason.isEmpty() ? "(no '# pending:' comment gives a reason)" : reason.toString();
    }

    private static List<Path> samples() {
        try (Stream<Path> walk = walk()) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".model")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Regular files under the module, skipping build output and test sources. */
    private static Stream<Path> walk() throws IOException {
        Path target = ROOT.resolve("target");
        Path src = ROOT.resolve("src");
        return Files.walk(ROOT).filter(Files::isRegularFile).filter(p -> !p.startsWith(target) && !p.startsWith(src));
    }

    private static boolean under(Path file, String folder) {
        for (Path part : ROOT.relativize(file).getParent() == null ? List.<Path>of() : ROOT.relativize(file).getParent()) {
            if (part.toString().equals(folder)) return true;
        }
        return false;
    }

    private static Path sibling(Path file, String extension) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return file.resolveSibling(name.substring(0, dot) + extension);
    }
}
