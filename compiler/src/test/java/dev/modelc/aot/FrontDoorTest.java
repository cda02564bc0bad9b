package dev.modelc.aot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Maven plugin's generator process goes through the front door as the CLI does: text to
 * {@code Compiler}, checked models to {@code api.Driver}; no file of {@code dev.modelc.aot}
 * names the graph, the passes, the interpreter, the kernel plans or a backend's internals.
 */
class FrontDoorTest {
    private static final Pattern BEHIND_THE_API =
            Pattern.compile("dev\\.modelc\\.compiler\\.(graph|passes|interp|kernel|backend)\\b");

    @Test
    void theGeneratorReachesTheCompilerOnlyThroughTheApi() throws IOException {
        Path aot = Path.of("src/main/java/dev/modelc/aot");
        assertTrue(Files.isDirectory(aot), "run from the compiler module: " + aot.toAbsolutePath());
        List<String> found = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(aot)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        assertTrue(files.size() >= 2, files.toString());
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                if (BEHIND_THE_API.matcher(lines.get(i)).find()) found.add(f.getFileName() + ":" + (i + 1) + ": " + lines.get(i).strip());
            }
        }
        assertEquals(List.of(), found);
    }
}
