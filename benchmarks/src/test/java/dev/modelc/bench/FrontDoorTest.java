package dev.modelc.bench;

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
 * The benchmarks measure what users run, reached the way users reach it: source text through
 * {@code api.Modelc}, a backend's model from {@code api.Program}, and the bound step loops and
 * entry points from {@code api.Driver}. Their sources name no compiler class but the backend
 * and the entry point to pick: no graph, pass, interpreter, kernel plan or backend internals
 * ({@code BytecodeModel}, {@code StepLoop}, {@code PlanRunner}).
 */
class FrontDoorTest {
    @Test
    void theBenchmarksNameOnlyWhatTheApiHandsOut() throws IOException {
        Path main = Path.of("src/main/java/dev/modelc/bench");
        assertTrue(Files.isDirectory(main), "run from the benchmarks module: " + main.toAbsolutePath());
        assertEquals(List.of(), FrontDoorScan.namesBehindTheApi(main,
                Set.of("dev.modelc.compiler.backend.Backend", "dev.modelc.compiler.backend.EntryPoint")));
    }
}
