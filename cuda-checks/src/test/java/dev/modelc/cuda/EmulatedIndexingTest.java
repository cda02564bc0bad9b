package dev.modelc.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.cuda.DeviceModel;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.ExecutionError;
import dev.modelc.runtime.model.CompiledModel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row selection on the CUDA backend (a checked kernel; its gradient's scatter-add on host copies) under the
 * CPU emulation: the rows and their accumulated gradient as on the JVM, and an index out of range
 * refused with the same message as the other backends, not read past the table on the device.
 */
class EmulatedIndexingTest {
    @TempDir
    static Path dir;

    private static final Tensor W = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 4, 2);

    @Test
    void rowsTheirGradientAndAnIndexOutOfRange() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        EmulatedDevice device = new EmulatedDevice(dir, 8);
        CheckedModel m = Compiler.compile(new SourceFile("rows.model", """
                model Rows {
                  param w: f64[4, 2] = zeros()
                  input ids: i32[2, 3]
                  output picked = w[ids]
                  loss = sum(w[ids] ** 2)
                }
                """)).program().orElseThrow().models().getFirst();
        DeviceModel model = new DeviceModel(m, null, new CudaSession(device));
        device.compile(EmulatedCudaTest.codes(model));
        CompiledModel cm = model;
        Tensor ids = Tensor.of(new int[] {0, 2, 2, 3, 0, 2}, 2, 3);
        assertArrayEquals(new double[] {1, 2, 5, 6, 5, 6, 7, 8, 1, 2, 5, 6},
                cm.forward(Map.of("w", W), Map.of("ids", ids)).get("picked").toDoubleArray(), 0);
        CompiledModel.Gradients g = cm.lossAndGradients(Map.of("w", W), Map.of("ids", ids));
        assertEquals(306.0, g.loss().item());
        assertArrayEquals(new double[] {4, 8, 0, 0, 30, 36, 14, 16}, g.gradients().get("w").toDoubleArray(), 0);
        Tensor bad = Tensor.of(new int[] {0, 2, 2, 4, 0, 2}, 2, 3);
        ExecutionError e = assertThrows(ExecutionError.class, () -> cm.forward(Map.of("w", W), Map.of("ids", bad)));
        assertEquals("rows.model:4: w[ids]: index 4 at [1, 0] of the indices is out of range for axis 0 of size 4: "
                + "indices run from 0 to 3", e.getMessage());
    }

    /** A constant index on a symbolic axis bound to 0 is refused before any kernel reads the empty input (SymbolicWindowBackendsTest on the JVM). */
    @Test
    void aConstantIndexOnAnEmptySymbolicAxis(@TempDir Path own) {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        // A directory of its own: the emulated libraries are named per device, and a path loaded once stays loaded.
        EmulatedDevice device = new EmulatedDevice(own, 8);
        CheckedModel m = Compiler.compile(new SourceFile("win.model", """
                model Windows {
                  input x: f64[N]
                  output first = x[0] * 2
                  output last = x[-1]
                }
                """)).program().orElseThrow().models().getFirst();
        DeviceModel model = new DeviceModel(m, null, new CudaSession(device));
        device.compile(EmulatedCudaTest.codes(model));
        CompiledModel cm = model;
        Map<String, Tensor> out = cm.forward(Map.of(), Map.of("x", Tensor.of(new double[] {3, 4, 5}, 3)));
        assertEquals(6.0, out.get("first").item());
        assertEquals(5.0, out.get("last").item());
        ExecutionError e = assertThrows(ExecutionError.class, () -> cm.forward(Map.of(), Map.of("x", Tensor.of(new double[0], 0))));
        assertEquals("win.model:3: x[0]: index 0 is out of range for axis 0 of size 0 (it has no elements)", e.getMessage());
    }
}
