package dev.modelc.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.cuda.check.BackendComparison;
import dev.modelc.cuda.check.ModelFiles;
import dev.modelc.runtime.DType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The GPU suite: every reference case and sample model on cuda against the interpreter, in the
 * declared dtypes and in f64 (what {@code scripts/gpu-check.sh} also runs, without JUnit).
 * Skipped, with the reason, where there is no GPU, driver or NVRTC, as on CI.
 */
class CudaBackendsTest {
    @TestFactory
    Stream<DynamicTest> everyModelRunsOnCudaLikeTheInterpreter() {
        if (Backend.CUDA.unavailable().isPresent()) {
            // One skipped test that says why, rather than a silently empty suite.
            return Stream.of(DynamicTest.dynamicTest("every model on cuda",
                    () -> Assumptions.abort("cuda: " + Backend.CUDA.unavailable().orElseThrow())));
        }
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : ModelFiles.under(root)) {
            for (CheckedModel m : ModelFiles.models(f)) {
                for (DType floating : new DType[] {null, DType.F64}) {
                    tests.add(DynamicTest.dynamicTest(root.relativize(f) + " " + m.name() + (floating == null ? "" : " in f64"),
                            () -> assertEquals(List.of(), BackendComparison.compare(m, Backend.CUDA, floating))));
                }
            }
        }
        return tests.stream();
    }
}
