package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.ExecutionError;
import dev.modelc.runtime.model.CompiledModel;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * conv1d, conv2d and the prelude's Conv2d on every JVM backend: hand-computed values and
 * gradients, symbolic lengths bound at run time (and one too short refused), and an f32 network
 * of LeNet's shape whose loss and gradients, computed on the compiled backends as f32 matrix
 * products ({@code Im2Col}), agree with the interpreter's f64-accumulated loops within f32 rounding.
 */
class ConvBackendsTest {
    private static CompiledModel compile(Backend backend, String source) {
        Compilation c = Compiler.compile(new SourceFile("conv.model", source));
        assertFalse(c.hasErrors(), c::render);
        CheckedModel m = c.program().orElseThrow().models().getFirst();
        return backend.compile(m, null);
    }

    private static final String DIFF = """
            model Diff {
              input x: f64[1, 1, L]
              param w: f64[1, 1, 3] = zeros()
              output y = conv1d(x, w)
              loss = sum(conv1d(x, w) * conv1d(x, w)) / 2
            }
            """;

    /**
     * w = [1, 0, -1] on x = [1, 2, 4, 8, 16] gives x[i] - x[i + 2] = [-3, -6, -12]; the loss
     * sum(y^2)/2 has gradient dw[k] = sum_i y[i] x[i + k] = [-3 - 12 - 48, -6 - 24 - 96, -12 - 48 - 192].
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void aDifferenceFilterAndItsWeightGradient(Backend backend) {
        CompiledModel m = compile(backend, DIFF);
        Map<String, Tensor> params = Map.of("w", Tensor.of(new double[] {1, 0, -1}, 1, 1, 3));
        Map<String, Tensor> inputs = Map.of("x", Tensor.of(new double[] {1, 2, 4, 8, 16}, 1, 1, 5));
        Tensor y = m.forward(params, inputs).get("y");
        assertArrayEquals(new int[] {1, 1, 3}, y.shape());
        assertArrayEquals(new double[] {-3, -6, -12}, y.toDoubleArray());
        CompiledModel.Gradients g = m.lossAndGradients(params, inputs);
        assertEquals((9 + 36 + 144) / 2.0, g.loss().toDoubleArray()[0]);
        assertArrayEquals(new double[] {-63, -126, -252}, g.gradients().get("w").toDoubleArray());
        // the symbolic length binds again at another size
        Tensor longer = m.forward(params, Map.of("x", Tensor.of(new double[] {0, 1, 0, 1, 0, 1, 0}, 1, 1, 7))).get("y");
        assertArrayEquals(new double[] {0, 0, 0, 0, 0}, longer.toDoubleArray());
        ExecutionError e = assertThrows(ExecutionError.class,
                () -> m.forward(params, Map.of("x", Tensor.of(new double[] {1, 2}, 1, 1, 2))));
        assertEquals("conv1d: the input's size 2 on axis 2 (padded by 0 on both sides) is smaller than the kernel's span 3", e.getMessage());
    }

    /**
     * A 2x2 input, a 2x2 kernel of ones, padding 1, stride 2: the four output positions each see
     * one corner of the input: [[1, 2], [3, 4]]. The input gradient of sum(y) is then the kernel
     * tap each input position meets, 1 everywhere; with two groups the second channel convolves with its own kernel.
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void strideTwoPaddingOneAndGroups(Backend backend) {
        CompiledModel m = compile(backend, """
                model Corners {
                  input x: f64[1, 2, 2, 2]
                  param w: f64[2, 1, 2, 2] = zeros()
                  output y = conv2d(x, w, stride = 2, padding = 1, groups = 2)
                  loss = sum(conv2d(x, w, stride = 2, padding = 1, groups = 2))
                }
                """);
        Map<String, Tensor> params = Map.of("w", Tensor.of(new double[] {1, 1, 1, 1, 10, 0, 0, 0}, 2, 1, 2, 2));
        Map<String, Tensor> inputs = Map.of("x", Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 2, 2, 2));
        Tensor y = m.forward(params, inputs).get("y");
        assertArrayEquals(new int[] {1, 2, 2, 2}, y.shape());
        // channel 1's kernel keeps its top-left tap only, which meets the input at output (1, 1): 10 * 8
        assertArrayEquals(new double[] {1, 2, 3, 4, 0, 0, 0, 80}, y.toDoubleArray());
        CompiledModel.Gradients g = m.lossAndGradients(params, inputs);
        // dw[o, 0, kh, kw] = the input position tap (kh, kw) meets, summed over the outputs: one corner each
        assertArrayEquals(new double[] {4, 3, 2, 1, 8, 7, 6, 5}, g.gradients().get("w").toDoubleArray());
    }

    /** LeNet's first two layers in f32 on a batch of 3: loss and gradients within 1e-4 of the largest value of the interpreter's. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"BYTECODE", "JAVA"})
    void anF32NetworkAgreesWithTheInterpreterWithinF32Rounding(Backend backend) {
        String source = """
                model LeNet {
                  input x: f32[N, 1, 28, 28]
                  input y: f32[N, 16, 10, 10]
                  c1 = Conv2d(1, 6, 5, padding = 2)
                  c2 = Conv2d(6, 16, 5)
                  h = relu(c1(x))[:, :, 0:28:2, 0:28:2]
                  loss = mean((tanh(c2(h)) - y) ** 2) + mean(conv2d(h, c2.weight, stride = 2, dilation = 2) ** 2)
                }
                """;
        Random r = new Random(14);
        Map<String, Tensor> params = Map.of("c1.weight", uniform(r, 6, 1, 5, 5), "c1.bias", uniform(r, 6),
                "c2.weight", uniform(r, 16, 6, 5, 5), "c2.bias", uniform(r, 16));
        Map<String, Tensor> inputs = Map.of("x", uniform(r, 3, 1, 28, 28), "y", uniform(r, 3, 16, 10, 10));
        CompiledModel.Gradients want = compile(Backend.INTERP, source).lossAndGradients(params, inputs);
        CompiledModel.Gradients got = compile(backend, source).lossAndGradients(params, inputs);
        close(want.loss(), got.loss(), "loss");
        for (String p : params.keySet()) close(want.gradients().get(p), got.gradients().get(p), p);
    }

    private static void close(Tensor want, Tensor got, String what) {
        assertEquals(DType.F32, got.dtype(), what);
        double[] w = want.toDoubleArray(), g = got.toDoubleArray();
        double scale = 0;
        for (double v : w) scale = Math.max(scale, Math.abs(v));
        assertTrue(scale > 0, what);
        for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], g[i], 1e-4 * scale, what + "[" + i + "]");
        }
    }

    @Test
    void theF32PathIsNotTheInterpreters() {
        // the check above would pass vacuously if the compiled backends ran the f64 loops too: they round differently
        String source = """
                model One {
                  input x: f32[2, 3, 9, 9]
                  param w: f32[4, 3, 3, 3] = zeros()
                  output y = conv2d(x, w)
                }
                """;
        Random r = new Random(5);
        Map<String, Tensor> params = Map.of("w", uniform(r, 4, 3, 3, 3));
        Map<String, Tensor> inputs = Map.of("x", uniform(r, 2, 3, 9, 9));
        double[] interp = compile(Backend.INTERP, source).forward(params, inputs).get("y").toDoubleArray();
        double[] bytecode = compile(Backend.BYTECODE, source).forward(params, inputs).get("y").toDoubleArray();
        int differ = 0;
        for (int i = 0; i < interp.length; i++) if (interp[i] != bytecode[i]) differ++;
        assertTrue(differ > 0, "f32 sums round differently from f64 sums somewhere in " + interp.length + " values");
    }

    private static Tensor uniform(Random r, int... shape) {
        float[] x = new float[Tensor.numel(shape)];
        for (int k = 0; k < x.length; k++) x[k] = r.nextFloat() * 2 - 1;
        return Tensor.of(x, shape);
    }
}
