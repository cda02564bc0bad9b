package dev.modelc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CLI goes through the driver API ({@code dev.modelc.api}) and never reaches into the
 * compiler's graph, passes, interpreter or kernel plans: no file under {@code cli/src/main}
 * names those packages, by import or spelled out in full.
 */
class FrontDoorTest {
    private static final Pattern BEHIND_THE_API = Pattern.compile("dev\\.modelc\\.compiler\\.(graph|passes|interp|kernel)\\b");

    /** Every mention of a package behind the API in {@code root}'s Java files, as {@code File.java:line: text}. */
    static List<String> reachesBehindTheApi(Path root) throws IOException {
        List<String> found = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = BEHIND_THE_API.matcher(lines.get(i));
                if (m.find()) found.add(root.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
            }
        }
        return found;
    }

    @Test
    void noCliSourceImportsTheGraphPassesInterpreterOrKernels() throws IOException {
        Path main = Path.of("src/main/java/dev/modelc/cli");
        assertTrue(Files.isDirectory(main), "run from the cli module: " + main.toAbsolutePath());
        assertEquals(List.of(), reachesBehindTheApi(main));
    }

    @Test
    void theScanFindsImportsAndFullyQualifiedNames(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("A.java"), """
                package x;
                import dev.modelc.compiler.check.CheckedModel;
                import dev.modelc.compiler.graph.Graph;
                class A { dev.modelc.compiler.passes.Pipeline p; dev.modelc.compiler.interpreter q; }
                """);
        assertEquals(List.of("A.java:3: import dev.modelc.compiler.graph.Graph;",
                "A.java:4: class A { dev.modelc.compiler.passes.Pipeline p; dev.modelc.compiler.interpreter q; }"),
                reachesBehindTheApi(dir));
    }
}
