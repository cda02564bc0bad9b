package dev.modelc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.api.FrontDoorScan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * modelc-spark reaches the compiler through {@code dev.modelc.api} alone, as users do: its
 * sources name no compiler class but the checked model the API hands out and the backend that
 * compiles it (no graph, pass, interpreter or kernel plan).
 */
class FrontDoorTest {
    @Test
    void theSparkModuleNamesOnlyWhatTheApiHandsOut() throws IOException {
        Path main = Path.of("src/main/java/dev/modelc/spark");
        assertTrue(Files.isDirectory(main), "run from the spark module: " + main.toAbsolutePath());
        assertEquals(List.of(), FrontDoorScan.namesBehindTheApi(main,
                Set.of("dev.modelc.compiler.backend.Backend", "dev.modelc.compiler.check.CheckedModel")));
    }
}
