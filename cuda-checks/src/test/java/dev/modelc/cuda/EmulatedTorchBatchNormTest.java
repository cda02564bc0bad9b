package dev.modelc.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.compiler.backend.cuda.DeviceModel;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.reference.TorchBatchNorm;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.device.DeviceCode;
import dev.modelc.runtime.model.ModalModel;
import dev.modelc.runtime.model.Mode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA backend's BatchNorm1d and BatchNorm2d against PyTorch's, from libtorch, in both modes
 * (training steps with their running statistics, then an evaluation), in f64, as the compiler's
 * {@code TorchBatchNormTest} checks the JVM backends: each mode's program rendered as CUDA C and
 * run under {@link EmulatedDevice}. Skipped without g++.
 */
class EmulatedTorchBatchNormTest {
    @TempDir
    static Path dir;

    @TestFactory
    Stream<DynamicTest> batchNormMatchesPyTorchInBothModesUnderTheEmulation() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        EmulatedDevice device = new EmulatedDevice(dir, 8);
        List<TorchBatchNorm.Case> cases = TorchBatchNorm.load().cases();
        List<ModalModel> models = new ArrayList<>();
        List<DeviceCode> programs = new ArrayList<>();
        for (TorchBatchNorm.Case c : cases) {
            CheckedModel m = TorchBatchNorm.checked(c);
            // The two programs, as Backend.CUDA builds them for a model with modes.
            DeviceModel evaluation = new DeviceModel(m.inMode(Mode.EVALUATION), DType.F64, new CudaSession(device));
            DeviceModel training = new DeviceModel(m.inMode(Mode.TRAINING), DType.F64, new CudaSession(device));
            programs.addAll(EmulatedCudaTest.codes(evaluation));
            programs.addAll(EmulatedCudaTest.codes(training));
            models.add(new ModalModel(evaluation, training, Mode.EVALUATION));
        }
        // One g++ run for all of them: starting g++ is most of the cost of a small program.
        device.compile(programs);
        return java.util.stream.IntStream.range(0, cases.size()).mapToObj(i -> DynamicTest.dynamicTest(
                cases.get(i).name() + " on cuda (emulated)", () -> assertEquals(List.of(), TorchBatchNorm.compare(cases.get(i), models.get(i)))));
    }

    /**
     * A training batch with one value per channel is refused on the device as on the JVM: the
     * runner checks the plan's requirement when it binds the sizes, before any kernel runs.
     */
    @org.junit.jupiter.api.Test
    void oneValuePerChannelIsRefusedUnderTheEmulation(@TempDir Path own) {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        // A folder of its own: the libraries are named lib0, lib1, ... per device, and a path loaded once stays loaded.
        EmulatedDevice device = new EmulatedDevice(own, 8);
        TorchBatchNorm.Case c = TorchBatchNorm.load().cases().stream().filter(k -> k.shape().length == 3).findFirst().orElseThrow();
        DeviceModel training = new DeviceModel(TorchBatchNorm.checked(c).inMode(Mode.TRAINING), DType.F64, new CudaSession(device));
        device.compile(EmulatedCudaTest.codes(training));
        java.util.Map<String, dev.modelc.runtime.Tensor> params = new java.util.LinkedHashMap<>();
        params.put("bn.weight", dev.modelc.runtime.Tensor.of(c.weight(), 3));
        params.put("bn.bias", dev.modelc.runtime.Tensor.of(c.bias(), 3));
        params.put("bn.running_mean", dev.modelc.runtime.Tensor.zeros(DType.F64, 3));
        params.put("bn.running_var", dev.modelc.runtime.Tensor.ones(DType.F64, 3));
        dev.modelc.runtime.Tensor one = dev.modelc.runtime.Tensor.of(new double[] {1, 2, 3}, 1, 3, 1);
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.modelc.runtime.exec.ExecutionError.class,
                () -> training.lossAndGradients(params, java.util.Map.of("x", one, "wout", one)));
        assertEquals("bn.model:5: bn(x): Expected more than 1 value per channel when training, got input size [1, 3, 1]", e.getMessage());
    }
}
