package dev.modelc.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.cuda.DeviceModel;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.reference.TorchStatistics;
import dev.modelc.compiler.reference.TorchStatisticsCheck;
import dev.modelc.runtime.device.DeviceCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA backend's t[ids], gather and embedding lookup (values, gradients of a weighted sum,
 * Hessian-vector products in f64) against PyTorch's ({@code reference/torch-indexing.json}), as
 * the compiler's {@code TorchIndexingTest} checks the JVM backends: under {@link EmulatedDevice}.
 * Skipped without g++.
 */
class EmulatedTorchIndexingTest {
    @TempDir
    static Path dir;

    @TestFactory
    Stream<DynamicTest> everyIndexingMatchesPyTorchUnderTheEmulation() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        EmulatedDevice device = new EmulatedDevice(dir, 8);
        List<TorchStatistics.Case> cases = TorchStatistics.load("torch-indexing.json").cases();
        Map<String, DeviceModel> models = new HashMap<>();
        List<DeviceCode> programs = new ArrayList<>();
        for (TorchStatistics.Case c : cases) {
            String text = TorchStatisticsCheck.model(c);
            if (models.containsKey(text)) continue;
            CheckedModel m = Compiler.compile(new SourceFile("torch.model", text)).program().orElseThrow().models().getFirst();
            DeviceModel model = new DeviceModel(m, null, new CudaSession(device));
            models.put(text, model);
            programs.addAll(EmulatedCudaTest.codes(model));
        }
        device.compile(programs); // one g++ run for all of them
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name() + ": " + c.call() + " on cuda (emulated)", () -> assertEquals(List.of(),
                TorchStatisticsCheck.compare(c, (text, inputs) -> models.get(text).forward(Map.of(), inputs)))));
    }
}
