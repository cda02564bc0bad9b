package dev.modelc.compiler.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The CUDA C generated for the reference cases and samples, against golden files. After an
 * intended change to the renderer, rewrite them with {@code -Dmodelc.golden.update=true} and
 * read the diff.
 */
class CudaGoldenTest {
    private static final boolean UPDATE = Boolean.getBoolean("modelc.golden.update");

    @TestFactory
    Stream<DynamicTest> generatedCudaMatchesTheGoldenFiles() throws IOException {
        Map<String, String> rendered = CudaGolden.rendered();
        if (UPDATE) {
            Files.createDirectories(CudaGolden.DIR);
            for (var e : rendered.entrySet()) Files.writeString(CudaGolden.DIR.resolve(e.getKey()), e.getValue());
        }
        return rendered.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            Path golden = CudaGolden.DIR.resolve(e.getKey());
            assertTrue(Files.exists(golden), "no golden file " + golden + " (run with -Dmodelc.golden.update=true)");
            assertEquals(Files.readString(golden), e.getValue(), e.getKey());
        }));
    }
}
