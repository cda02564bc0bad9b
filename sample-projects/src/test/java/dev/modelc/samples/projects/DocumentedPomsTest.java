package dev.modelc.samples.projects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The complete {@code pom.xml} each page of docs/ shows is the pom of the sample project the build
 * runs (sample-projects' invoker builds), so a snippet cannot drift from what is tested.
 *
 * <p>A page shows the sample's pom from {@code <project} on, less the parts a user's project does not
 * need, which the sample marks: every line from one holding {@code <!-- only in this sample} through
 * the next holding {@code <!-- end of only in this sample -->}.
 */
class DocumentedPomsTest {
    /** The repository: Surefire runs tests in the module's folder. */
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final String INSTALL = "mvn -B install -DskipTests";

    /** Each page and the sample project whose pom it shows. */
    record Page(String doc, String sample) {
    }

    static final List<Page> PAGES = List.of(
            new Page("docs/aot.md", "samples/aot-crop-yield"),
            new Page("docs/java-api.md", "samples/java-api"),
            new Page("docs/testing.md", "samples/gradient-tests"));

    @TestFactory
    Stream<DynamicTest> eachPageShowsItsSamplesPom() {
        return PAGES.stream().map(p -> DynamicTest.dynamicTest(p.doc(), () -> {
            String expected = documented(read(ROOT.resolve(p.sample()).resolve("pom.xml")));
            List<String> poms = poms(read(ROOT.resolve(p.doc())));
            assertFalse(poms.isEmpty(), p.doc() + " shows no complete pom.xml (a ```xml block from <project on)");
            assertTrue(poms.contains(expected), p.doc() + " must show " + p.sample() + "/pom.xml as a user writes it;"
                    + " it should read:\n" + expected + "\nbut its poms are:\n" + String.join("\n----\n", poms));
        }));
    }

    @Test
    void everyCompletePomInTheDocsIsASamplesPom() throws IOException {
        List<String> samples = PAGES.stream().map(p -> documented(read(ROOT.resolve(p.sample()).resolve("pom.xml")))).toList();
        List<String> strays = new ArrayList<>();
        try (Stream<Path> docs = Stream.concat(Files.list(ROOT.resolve("docs")), Stream.of(ROOT.resolve("README.md")))) {
            docs.filter(f -> f.toString().endsWith(".md")).sorted().forEach(f -> poms(read(f)).stream()
                    .filter(pom -> !samples.contains(pom)).forEach(pom -> strays.add(ROOT.relativize(f) + ":\n" + pom)));
        }
        assertEquals(List.of(), strays, "complete poms in the docs that no sample project builds");
    }

    @Test
    void theJavaApiPageShowsTheSamplesProgram() {
        String program = read(ROOT.resolve("samples/java-api/src/main/java/dev/modelc/samples/api/Fit.java"));
        String shown = program.substring(program.indexOf("/** Compiles"));
        assertTrue(read(ROOT.resolve("docs/java-api.md")).contains("```java\n" + shown + "```\n"),
                "docs/java-api.md must show Fit.java from its Javadoc on, as it is");
    }

    @Test
    void eachPageSaysHowToInstallModelcFirst() {
        for (Page p : PAGES) {
            String text = read(ROOT.resolve(p.doc()));
            int at = text.indexOf(INSTALL);
            assertTrue(at >= 0, p.doc() + " does not say " + INSTALL);
            assertTrue(text.substring(0, at).lines().count() < 20, p.doc() + " says " + INSTALL + " only after its top");
        }
    }

    @Test
    void theMarkedPartsAreLeftOut() {
        String pom = """
                <?xml version="1.0"?>
                <!-- header: only in this sample, but above the project -->
                <project>
                  <a/>
                  <!-- only in this sample: b
                       and its comment -->
                  <b/>
                  <!-- end of only in this sample -->
                  <c/>
                </project>
                """;
        assertEquals("<project>\n  <a/>\n  <c/>\n</project>\n", documented(pom));
    }

    /** What a page shows of a sample's pom. */
    static String documented(String pom) {
        int project = pom.indexOf("<project");
        if (project < 0) throw new IllegalArgumentException("not a pom: no <project");
        StringBuilder out = new StringBuilder();
        boolean skipping = false;
        for (String line : pom.substring(project).lines().toList()) {
            if (line.contains("<!-- only in this sample")) skipping = true;
            if (!skipping) out.append(line).append('\n');
            if (line.contains("<!-- end of only in this sample -->")) skipping = false;
        }
        if (skipping) throw new IllegalArgumentException("an 'only in this sample' part without its end");
        return out.toString();
    }

    /** The ```xml blocks of a Markdown page that hold a whole pom (they start with {@code <project}). */
    static List<String> poms(String markdown) {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : markdown.lines().toList()) {
            if (block == null) {
                if (line.strip().equals("```xml")) block = new StringBuilder();
            } else if (line.strip().equals("```")) {
                if (block.toString().startsWith("<project")) blocks.add(block.toString());
                block = null;
            } else {
                block.append(line).append('\n');
            }
        }
        return blocks;
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
