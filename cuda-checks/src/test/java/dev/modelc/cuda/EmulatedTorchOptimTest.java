package dev.modelc.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.compiler.backend.cuda.DeviceModel;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.reference.TorchOptim;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.device.DeviceCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA backend trained by modelc's Trainer against PyTorch's runs under AdamW, the schedules
 * and clip_grad_norm, from libtorch, in f64, as the compiler's {@code TorchOptimTest} checks the
 * JVM backends: the model's loss and gradients rendered as CUDA C and run under
 * {@link EmulatedDevice}, the optimizer, schedule and clipping on the host as the Trainer runs
 * them. Skipped without g++.
 */
class EmulatedTorchOptimTest {
    @TempDir
    static Path dir;

    @TestFactory
    Stream<DynamicTest> trainingMatchesPyTorchUnderTheEmulation() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        EmulatedDevice device = new EmulatedDevice(dir, 8);
        TorchOptim reference = TorchOptim.load();
        List<TorchOptim.Run> runs = reference.runs();
        List<CheckedModel> checked = new ArrayList<>();
        List<DeviceModel> models = new ArrayList<>();
        List<DeviceCode> programs = new ArrayList<>();
        for (TorchOptim.Run run : runs) {
            CheckedModel m = TorchOptim.checked(run);
            DeviceModel model = new DeviceModel(m, DType.F64, new CudaSession(device));
            programs.addAll(EmulatedCudaTest.codes(model));
            checked.add(m);
            models.add(model);
        }
        // One g++ run for all of them (the runs differ only in their train blocks, so their programs are one).
        device.compile(programs);
        return IntStream.range(0, runs.size()).mapToObj(i -> DynamicTest.dynamicTest(runs.get(i).name() + " on cuda (emulated)",
                () -> assertEquals(List.of(), reference.compare(runs.get(i), models.get(i),
                        TorchOptim.options(checked.get(i).signature().train().orElseThrow())))));
    }
}
