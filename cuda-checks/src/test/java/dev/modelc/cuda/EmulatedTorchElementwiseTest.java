package dev.modelc.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.cuda.CudaProgram;
import dev.modelc.compiler.backend.cuda.DeviceModel;
import dev.modelc.runtime.device.DeviceCode;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.reference.TorchElementwise;
import dev.modelc.compiler.reference.TorchElementwiseCheck;
import dev.modelc.runtime.DType;
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
 * The CUDA backend's elementwise functions (the op table's CUDA C text, the {@code mc_*} helpers,
 * CUDA's math library as g++ and glibc stand in for it) against PyTorch's, from libtorch, as the
 * compiler's {@code TorchElementwiseTest} checks the JVM backends: under {@link EmulatedDevice}.
 * Skipped without g++.
 */
class EmulatedTorchElementwiseTest {
    @TempDir
    static Path dir;

    @TestFactory
    Stream<DynamicTest> everyFunctionMatchesPyTorchUnderTheEmulation() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        EmulatedDevice device = new EmulatedDevice(dir, 8);
        List<TorchElementwise.Case> cases = TorchElementwise.load().cases();
        Map<String, DeviceModel> models = new HashMap<>();
        List<DeviceCode> programs = new ArrayList<>();
        for (TorchElementwise.Case c : cases) {
            for (DType dtype : new DType[] {DType.F64, DType.F32}) {
                String text = TorchElementwiseCheck.model(c, dtype);
                CheckedModel m = Compiler.compile(new SourceFile("torch.model", text)).program().orElseThrow().models().getFirst();
                DeviceModel model = new DeviceModel(m, null, new CudaSession(device));
                models.put(text, model);
                programs.addAll(EmulatedCudaTest.codes(model));
            }
        }
        // One g++ run for all of them: starting g++ is most of the cost of a small program.
        device.compile(programs);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.call() + " on cuda (emulated)", () -> assertEquals(List.of(),
                TorchElementwiseCheck.compare(c, (text, x) -> models.get(text).forward(Map.of(), Map.of("x", x))))));
    }

}
