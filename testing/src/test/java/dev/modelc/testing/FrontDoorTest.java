package dev.modelc.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.api.FrontDoorScan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * modelc-testing reaches the compiler through the front door: its derived models and reference
 * runs come from {@code dev.modelc.api.Driver}, and its sources name no compiler class but the
 * ones its public API takes and the API hands out (a checked model and its signature with their
 * types, a backend, an entry point): no graph, pass, interpreter, kernel plan, autodiff or
 * backend internals.
 */
class FrontDoorTest {
    /** What users pass to GradCheck and BindingsArbitrary ({@code Model.checked()}, {@code Model.signature()}, {@code Backend}). */
    static final Set<String> ALLOWED = Set.of(
            "dev.modelc.compiler.check.CheckedModel",
            "dev.modelc.compiler.check.ModelSignature",
            "dev.modelc.compiler.types",
            "dev.modelc.compiler.backend.Backend",
            "dev.modelc.compiler.backend.EntryPoint");

    @Test
    void modelcTestingNamesOnlyWhatTheApiHandsOut() throws IOException {
        Path main = Path.of("src/main/java/dev/modelc/testing");
        assertTrue(Files.isDirectory(main), "run from the testing module: " + main.toAbsolutePath());
        assertEquals(List.of(), FrontDoorScan.namesBehindTheApi(main, ALLOWED));
    }

    @Test
    void theScanFindsEveryOtherCompilerName(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("A.java"), """
                package x;
                import dev.modelc.compiler.check.CheckedModel;
                import dev.modelc.compiler.check.ModelSignature.Entry;
                import dev.modelc.compiler.types.Dim;
                import dev.modelc.compiler.graph.*;
                import dev.modelc.compiler.backend.bytecode.StepLoop;
                import dev.modelc.compiler.check.CheckedProgram;
                class A { dev.modelc.compiler.backend.Backend b; dev.modelc.compiler.interp.Kinks k; }
                """);
        assertEquals(List.of("A.java:5: import dev.modelc.compiler.graph.*;",
                "A.java:6: import dev.modelc.compiler.backend.bytecode.StepLoop;",
                "A.java:7: import dev.modelc.compiler.check.CheckedProgram;",
                "A.java:8: class A { dev.modelc.compiler.backend.Backend b; dev.modelc.compiler.interp.Kinks k; }"),
                FrontDoorScan.namesBehindTheApi(dir, ALLOWED));
    }
}
