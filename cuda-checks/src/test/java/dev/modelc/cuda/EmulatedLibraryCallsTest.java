package dev.modelc.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.cuda.CudaKernel;
import dev.modelc.compiler.backend.cuda.CudaProgram;
import dev.modelc.compiler.backend.cuda.DeviceModel;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.cuda.check.BackendComparison;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library calls with a thread per output element on the device (logsumexp over several axes,
 * pad as the gradient of strided slices, concat as stack's) under the CPU emulation, against the
 * interpreter in f32 and f64 (BackendComparison's tolerances: the device's exp and log may differ
 * in the last bit), at symbolic sizes that make uneven grids; and logsumexp's special values, which
 * must be exactly the interpreter's.
 */
class EmulatedLibraryCallsTest {
    @TempDir
    static Path dir;
    private static EmulatedDevice device;

    @BeforeAll
    static void device() {
        device = new EmulatedDevice(dir, 8);
    }

    private static final String SOURCE = """
            model Calls {
              input x: f64[N, 3, 4]
              param w: f64[3, 4] = randn()
              output lse = logsumexp(x * w, axis = [0, 2], keepdims = true)
              output stacked = stack(x[0], w, x[-1], axis = 1)
              loss = sum(logsumexp(x * w, axis = [0, 2])) + sum(tanh(w[1:, ::3]) * 3) + sum((x * w)[1:, :, 1::2] ** 2) +
                sum(stack(w, w * 2, axis = 0) ** 2)
            }
            """;

    private static CheckedModel model() {
        return Compiler.compile(new SourceFile("calls.model", SOURCE)).program().orElseThrow().models().getFirst();
    }

    @Test
    void logsumexpPadAndConcatRunOnTheDeviceLikeTheInterpreter() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        CheckedModel m = model();
        for (DType floating : new DType[] {DType.F32, DType.F64}) {
            DeviceModel model = new DeviceModel(m, floating, new CudaSession(device));
            List<CudaProgram> programs = model.programs();
            // None of the three is left on the host: each entry point's calls are device kernels
            // (but the initializer's draw from the JVM's generator).
            for (CudaProgram p : programs) {
                for (CudaKernel k : p.kernels()) {
                    boolean draw = k.kernel() instanceof Kernel.Call c && c.op() instanceof Op.Random;
                    assertTrue(draw || !(k instanceof CudaKernel.Host), p.name() + ": " + k.kernel() + " runs on the host");
                }
            }
            assertTrue(programs.stream().flatMap(p -> p.kernels().stream()).filter(k -> k instanceof CudaKernel.PerOutput).count() >= 3,
                    "logsumexp, pad and concat kernels");
            device.compile(EmulatedCudaTest.codes(model));
            for (int n : new int[] {1, 5, 37}) {
                assertEquals(List.of(), BackendComparison.compare(m, model, floating, n), floating + " N=" + n);
            }
        }
    }

    /**
     * One-hot, row selection and gather check their indices on the device: the values are the
     * interpreter's, and an index out of range (set in the kernel's error word) is refused with
     * the bytecode backend's message, word for word, through the host's Library.
     */
    @Test
    void indexedCallsRunOnTheDeviceAndRefuseBadIndicesWithTheJvmsMessage() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        CheckedModel m = Compiler.compile(new SourceFile("indexed.model", """
                model Indexed {
                  input y: i32[N]
                  input ids: i32[N, 2]
                  param t: f64[4, 3] = randn()
                  output hot = one_hot(y, classes = 4)
                  output rows = t[ids]
                  output picked = gather(t[y], ids, axis = 1)
                }
                """)).program().orElseThrow().models().getFirst();
        DeviceModel model = new DeviceModel(m, null, new CudaSession(device));
        assertTrue(model.programs().stream().flatMap(p -> p.kernels().stream()).filter(k -> k instanceof CudaKernel.Checked).count() >= 3,
                "one-hot, row selection and gather kernels");
        device.compile(EmulatedCudaTest.codes(model));
        CompiledModel jvm = dev.modelc.compiler.backend.Backend.BYTECODE.compile(m, null);
        Map<String, Tensor> params = jvm.initialParams(3);
        Tensor y = Tensor.of(new int[] {3, 0, 2}, 3), ids = Tensor.of(new int[] {0, 2, 1, 1, 2, 0}, 3, 2);
        Map<String, Tensor> want = jvm.forward(params, Map.of("y", y, "ids", ids));
        Map<String, Tensor> got = ((CompiledModel) model).forward(params, Map.of("y", y, "ids", ids));
        for (String k : want.keySet()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(want.get(k).toDoubleArray(), got.get(k).toDoubleArray(), 0, k);
        }
        for (Map<String, Tensor> bad : List.of(Map.of("y", Tensor.of(new int[] {3, 4, 2}, 3), "ids", ids),
                Map.of("y", y, "ids", Tensor.of(new int[] {0, 2, 1, -1, 2, 0}, 3, 2)),
                Map.of("y", y, "ids", Tensor.of(new int[] {0, 2, 1, 1, 3, 0}, 3, 2)))) {
            String expected = org.junit.jupiter.api.Assertions.assertThrows(dev.modelc.runtime.exec.ExecutionError.class,
                    () -> jvm.forward(params, bad)).getMessage();
            String actual = org.junit.jupiter.api.Assertions.assertThrows(dev.modelc.runtime.exec.ExecutionError.class,
                    () -> ((CompiledModel) model).forward(params, bad)).getMessage();
            assertEquals(expected, actual);
        }
        // After a refused call the error word is clear again: good indices run as before.
        assertEquals(want.get("picked").toDoubleArray()[1], ((CompiledModel) model).forward(params, Map.of("y", y, "ids", ids))
                .get("picked").toDoubleArray()[1]);
    }

    @Test
    void logsumexpOfInfinitiesAndNaNIsTheInterpreters() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        CheckedModel m = Compiler.compile(new SourceFile("lse.model", """
                model Lse {
                  input x: f64[4, 3]
                  output y = logsumexp(x, axis = 1)
                }
                """)).program().orElseThrow().models().getFirst();
        DeviceModel model = new DeviceModel(m, null, new CudaSession(device));
        device.compile(EmulatedCudaTest.codes(model));
        double inf = Double.POSITIVE_INFINITY;
        Tensor x = Tensor.of(new double[] {-inf, -inf, -inf, inf, 1, 2, Double.NaN, 0, 1, 1000, 1000, -1000}, 4, 3);
        CompiledModel want = dev.modelc.compiler.backend.Backend.INTERP.compile(m, null);
        double[] expected = want.forward(Map.of(), Map.of("x", x)).get("y").toDoubleArray();
        double[] got = ((CompiledModel) model).forward(Map.of(), Map.of("x", x)).get("y").toDoubleArray();
        assertEquals(-inf, expected[0]);
        assertEquals(inf, expected[1]);
        assertTrue(Double.isNaN(expected[2]));
        assertEquals(-inf, got[0]);
        assertEquals(inf, got[1]);
        assertTrue(Double.isNaN(got[2]));
        assertEquals(expected[3], got[3], 1e-12 * Math.abs(expected[3]));
    }
}
