package dev.modelc.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.backend.BackendUnavailableException;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Backend.CUDA on a machine without a CUDA driver: found through ServiceLoader, and a one-line reason instead of a crash. */
class CudaBackendTest {
    @Test
    void withoutADriverTheBackendSaysSoInOneLine() {
        assumeTrue(!Nvrtc.loads("libcuda.so.1"), "this machine has a CUDA driver");
        assertEquals(Optional.of("no CUDA driver found (libcuda.so.1 did not load)"), Backend.CUDA.unavailable());
        CheckedModel m = Compiler.compile(new SourceFile("m.model", "model M {\n  input x: f32[N]\n  output y = x * 2\n}\n"))
                .program().orElseThrow().models().getFirst();
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backend.CUDA.compile(m, null));
        assertEquals("backend cuda is not available here: no CUDA driver found (libcuda.so.1 did not load)", e.getMessage());
        assertEquals(Backend.CUDA, e.backend());
        // The Java API says the same.
        BackendUnavailableException api = assertThrows(BackendUnavailableException.class, () -> dev.modelc.api.Modelc
                .compile("m.model", "model M {\n  input x: f32[N]\n  output y = x * 2\n}\n").model("M", Backend.CUDA, 0));
        assertEquals(e.getMessage(), api.getMessage());
    }

    @Test
    void theOtherBackendsAreAlwaysAvailable() {
        for (Backend b : new Backend[] {Backend.INTERP, Backend.BYTECODE, Backend.JAVA}) assertEquals(Optional.empty(), b.unavailable());
    }
}
