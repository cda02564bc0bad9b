package dev.modelc.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.cuda.DeviceModel;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.reference.TorchStatistics;
import dev.modelc.compiler.reference.TorchStatisticsCheck;
import java.nio.file.Path;
import dev.modelc.runtime.device.DeviceCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA backend's pooling, prod, cumsum and einsum (values, gradients of a weighted sum,
 * Hessian-vector products in f64) against PyTorch's, from libtorch, as the compiler's
 * {@code TorchPoolingTest} checks the JVM backends: under {@link EmulatedDevice}. Skipped without g++.
 */
class EmulatedTorchPoolingTest {
    @TempDir
    static Path dir;

    @TestFactory
    Stream<DynamicTest> everyPoolingProductAndEinsumMatchesPyTorchUnderTheEmulation() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        EmulatedDevice device = new EmulatedDevice(dir, 8);
        List<TorchStatistics.Case> cases = TorchStatistics.load("torch-pooling.json").cases();
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
        // One g++ run for all of them: starting g++ is most of the cost of a small program.
        device.compile(programs);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name() + ": " + c.call() + " on cuda (emulated)", () -> assertEquals(List.of(),
                TorchStatisticsCheck.compare(c, (text, inputs) -> models.get(text).forward(Map.of(), inputs)))));
    }
}
