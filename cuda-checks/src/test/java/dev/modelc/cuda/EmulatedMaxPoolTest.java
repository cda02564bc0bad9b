package dev.modelc.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.cuda.CudaKernel;
import dev.modelc.compiler.backend.cuda.DeviceModel;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The max pool's three kernels (the pool, its gradient's scatter, and the select of its second
 * derivative) on the device under the CPU emulation give the interpreter's bits, in f32 and f64,
 * on data full of ties, NaNs and -inf, for windows that tile, overlap with padding (so positions
 * win several windows, whose gradients add), and 1-D.
 */
class EmulatedMaxPoolTest {
    @TempDir
    static Path dir;

    private static final String SOURCE = """
            model Pool {
              input x: DT[2, 3, 4, 6]
              input g: DT[GSHAPE]
              input u: DT[2, 3, 4, 6]
              output y = POOL
              output dx = grad(sum(POOL * g), x)
              output sel = grad(sum(grad(sum(POOL * g), x) * u), g)
            }
            """;

    @Test
    void theThreeKernelsGiveTheInterpretersBits() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        EmulatedDevice device = new EmulatedDevice(dir, 8);
        String[][] cases = {
                {"max_pool2d(x, 2)", "2, 3, 2, 3"},
                {"max_pool2d(x, [3, 2], stride = [1, 2], padding = 1)", "2, 3, 4, 4"},
                {"max_pool1d(x, 3, stride = 1, padding = 1)", "2, 3, 4, 6"},
        };
        Random r = new Random(16);
        for (String[] c : cases) {
            for (DType dtype : new DType[] {DType.F32, DType.F64}) {
                String text = SOURCE.replace("POOL", c[0]).replace("GSHAPE", c[1]).replace("DT", dtype.spelling());
                CheckedModel m = Compiler.compile(new SourceFile("pool.model", text)).program().orElseThrow().models().getFirst();
                DeviceModel model = new DeviceModel(m, null, new CudaSession(device));
                assertTrue(model.programs().stream().flatMap(p -> p.kernels().stream()).noneMatch(k -> k instanceof CudaKernel.Host),
                        "a max pool call left on the host");
                device.compile(EmulatedCudaTest.codes(model));
                int[] gs = java.util.Arrays.stream(c[1].split(", ")).mapToInt(Integer::parseInt).toArray();
                Map<String, Tensor> inputs = Map.of("x", awkward(r, dtype, 2, 3, 4, 6), "g", gaussian(r, dtype, gs),
                        "u", gaussian(r, dtype, 2, 3, 4, 6));
                CompiledModel interp = dev.modelc.compiler.backend.Backend.INTERP.compile(m, null);
                Map<String, Tensor> want = interp.forward(Map.of(), inputs);
                Map<String, Tensor> got = ((CompiledModel) model).forward(Map.of(), inputs);
                for (String o : want.keySet()) {
                    double[] w = want.get(o).toDoubleArray(), d = got.get(o).toDoubleArray();
                    assertEquals(w.length, d.length, o);
                    for (int i = 0; i < w.length; i++) {
                        assertEquals(Double.doubleToLongBits(w[i]), Double.doubleToLongBits(d[i]), o + " of " + c[0] + " in " + dtype + " at " + i);
                    }
                }
            }
        }
    }

    /** Values from {-1, 0, 1, 2}, with a NaN in about one of 8 and -inf in one of 8. */
    private static Tensor awkward(Random r, DType dtype, int... shape) {
        double[] v = new double[Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            int k = r.nextInt(8);
            v[i] = k == 0 ? Double.NaN : k == 1 ? Double.NEGATIVE_INFINITY : r.nextInt(4) - 1;
        }
        return Tensor.of(dtype, shape, v);
    }

    private static Tensor gaussian(Random r, DType dtype, int... shape) {
        double[] v = new double[Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
        return Tensor.of(dtype, shape, v);
    }
}
