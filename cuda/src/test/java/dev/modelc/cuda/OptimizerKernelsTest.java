package dev.modelc.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.device.DeviceCode;
import dev.modelc.runtime.device.DeviceKernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optimizers' CUDA C is valid CUDA and fuses nothing: where {@code nvcc} is installed (it
 * needs no GPU), the program compiles to PTX for compute_90 with the NVRTC options, each of its
 * four kernels is in it, and no {@code fma} instruction is (contraction off: every multiply and
 * add rounds on its own, as the host's optimizers do). What the kernels compute is checked under
 * the emulation by {@code cuda-checks}' {@code EmulatedOptimizerTest}.
 */
class OptimizerKernelsTest {
    @Test
    void theProgramNamesAnElementwiseKernelPerOptimizerAndDtype() {
        List<String> names = OptimizerKernels.CODE.kernels().stream().map(k -> ((DeviceKernel.Elementwise) k).function()).toList();
        assertEquals(List.of("mc_sgd_f32", "mc_adam_f32", "mc_sgd_f64", "mc_adam_f64"), names);
        assertEquals(List.of(OptimizerKernels.sgd(DType.F32), OptimizerKernels.adam(DType.F64)), List.of(names.get(0), names.get(3)));
        for (String n : names) assertTrue(OptimizerKernels.CODE.source().contains("__global__ void " + n + "("), n);
        // The element type was substituted everywhere: no template parameter is left.
        assertFalse(OptimizerKernels.CODE.source().matches("(?s).*\\bT\\b.*"), "a T left in the source");
    }

    @Test
    void nvccCompilesItToPtxWithoutFusedMultiplyAdds(@TempDir Path dir) throws IOException, InterruptedException {
        Path nvcc = nvcc();
        assumeTrue(nvcc != null, "no nvcc (looked in CUDA_HOME/bin, /usr/local/cuda/bin and on the PATH): the CUDA C was not compiled");
        Files.writeString(dir.resolve("optimizers.cu"), OptimizerKernels.CODE.source());
        List<String> command = new ArrayList<>(List.of(nvcc.toString(), "-ptx", "-arch=compute_90"));
        command.addAll(DeviceCode.NVRTC_OPTIONS);
        command.add("optimizers.cu");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assumeTrue(p.waitFor(300, TimeUnit.SECONDS), "nvcc did not finish in 300 s");
        assertEquals(0, p.exitValue(), "nvcc failed:\n" + log);
        String ptx = Files.readString(dir.resolve("optimizers.ptx"));
        for (var k : OptimizerKernels.CODE.kernels()) {
            assertTrue(ptx.contains(".entry " + ((DeviceKernel.Elementwise) k).function() + "("), k + " in the PTX");
        }
        assertFalse(ptx.contains("fma."), "a fused multiply-add in the PTX");
        assertTrue(ptx.contains("sqrt.rn.f64"), "the correctly rounded square root");
    }

    private static Path nvcc() {
        List<Path> candidates = new ArrayList<>();
        String home = System.getenv("CUDA_HOME");
        if (home != null) candidates.add(Path.of(home, "bin", "nvcc"));
        candidates.add(Path.of("/usr/local/cuda/bin/nvcc"));
        String path = System.getenv("PATH");
        if (path != null) for (String d : path.split(":")) if (!d.isEmpty()) candidates.add(Path.of(d, "nvcc"));
        return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }
}
