package dev.modelc.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.api.Modelc;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.backend.cuda.DeviceModel;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.reference.TorchConv;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.device.DeviceCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA backend's conv1d and conv2d (values, both gradients, both second derivatives in f64)
 * against PyTorch's, from libtorch, as the compiler's {@code TorchConvTest} checks the JVM
 * backends: under {@link EmulatedDevice}. The convolutions run as rendered GPU kernels (a thread
 * per result element, {@code CudaConv}), not on the host; they sum as the interpreter does, so
 * they give its bits. Skipped without g++.
 */
class EmulatedTorchConvTest {
    @TempDir
    static Path dir;

    /** As {@code TorchConvTest.TOLERANCE}: all cases agree with libtorch within 2e-15 of the largest element. */
    private static final double TOLERANCE = 1e-14;

    @TestFactory
    Stream<DynamicTest> everyConvolutionMatchesPyTorchAndTheInterpreterUnderTheEmulation() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        EmulatedDevice device = new EmulatedDevice(dir, 8);
        List<TorchConv.Case> cases = TorchConv.load().cases();
        List<DeviceModel> models = new ArrayList<>();
        List<DeviceCode> programs = new ArrayList<>();
        for (TorchConv.Case c : cases) {
            CheckedModel m = Compiler.compile(new SourceFile("conv.model", c.model())).program().orElseThrow().models().getFirst();
            DeviceModel model = new DeviceModel(m, null, new CudaSession(device));
            models.add(model);
            programs.addAll(EmulatedCudaTest.codes(model));
        }
        assertTrue(programs.stream().anyMatch(p -> p.source().contains("a thread per result element")), "the convolutions run as GPU kernels");
        assertTrue(programs.stream().noneMatch(p -> p.source().contains("runs on the host")), "no convolution runs on the host");
        // One g++ run for all of them: starting g++ is most of the cost of a small program.
        device.compile(programs);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name() + ": " + c.call() + " on cuda (emulated)", () -> {
            Map<String, Tensor> out = models.get(cases.indexOf(c)).forward(Map.of(), c.inputs());
            assertEquals(List.of(), TorchConv.compare(c, out, TOLERANCE));
            Map<String, Tensor> interp = Modelc.compile("conv.model", c.model()).model("M", Backend.INTERP).forward(c.inputs());
            for (String r : TorchConv.RESULTS) assertArrayEquals(interp.get(r).toDoubleArray(), out.get(r).toDoubleArray(), 0.0, r);
        }));
    }
}
