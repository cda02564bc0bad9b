package dev.modelc.compiler.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.ExecutionError;
import dev.modelc.runtime.model.CompiledModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Random conv1d and conv2d models, with any geometry (zero or negative strides, kernels past the
 * input, groups that do not divide, symbolic lengths with stride 2), either refused with
 * diagnostics or run on every JVM backend at random lengths, too short ones included: each run
 * ends in values equal to the interpreter's or in an {@link ExecutionError} on every backend,
 * never in another exception.
 */
class ConvRunFuzzTest {
    private static final Backend[] BACKENDS = {Backend.INTERP, Backend.BYTECODE, Backend.JAVA};

    @Property(tries = 60)
    void convolutionsCheckAndRunOrFailAlike(@ForAll @IntRange(min = 1, max = 2) int spatial,
                                            @ForAll @IntRange(min = 1, max = 4) int kernel,
                                            @ForAll boolean symbolic,
                                            @ForAll boolean wild,
                                            @ForAll long seed) {
        Random r = new Random(seed);
        // A wild draw may be refused (stride 0, padding -1, groups 0 or not dividing); a tame one is
        // well typed unless the kernel outgrows the input.
        int stride = wild ? r.nextInt(5) - 1 : 1 + (symbolic ? 0 : r.nextInt(3));
        int padding = wild ? r.nextInt(4) - 1 : r.nextInt(3);
        int dilation = wild ? r.nextInt(3) : 1 + r.nextInt(2);
        int groups = wild ? r.nextInt(4) : 1 + r.nextInt(2);
        int c = Math.max(1, groups) * (1 + r.nextInt(2)), o = Math.max(1, groups) * (1 + r.nextInt(2));
        int wc = wild ? 1 + r.nextInt(c) : c / Math.max(1, groups);
        String length = symbolic ? "L" : Integer.toString(1 + r.nextInt(6));
        String xType = spatial == 1 ? "[N, " + c + ", " + length + "]" : "[N, " + c + ", " + length + ", 5]";
        String wType = spatial == 1 ? "[" + o + ", " + wc + ", " + kernel + "]" : "[" + o + ", " + wc + ", " + kernel + ", 2]";
        String call = "conv" + spatial + "d(x, w, stride = " + stride + ", padding = " + padding + ", dilation = " + dilation
                + ", groups = " + groups + ")";
        String source = """
                model Fuzz {
                  input x: f64%s
                  param w: f64%s = zeros()
                  output y = %s
                  loss = sum(tanh(%s))
                }
                """.formatted(xType, wType, call, call);
        Compilation compiled = FuzzSupport.compileSafely(source);
        if (compiled.hasErrors()) {
            assertTrue(compiled.render().contains("error:"), compiled::render);
            Statistics.label("outcome").collect("refused");
            return;
        }
        CheckedModel m = compiled.program().orElseThrow().models().getFirst();
        int n = r.nextInt(3);
        int l = symbolic ? r.nextInt(7) : Integer.parseInt(length);
        int[] xs = spatial == 1 ? new int[] {n, c, l} : new int[] {n, c, l, 5};
        int[] ws = spatial == 1 ? new int[] {o, wc, kernel} : new int[] {o, wc, kernel, 2};
        Map<String, Tensor> inputs = Map.of("x", uniform(r, xs));
        Map<String, Tensor> params = Map.of("w", uniform(r, ws));
        List<String> outcomes = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (Backend b : BACKENDS) {
            CompiledModel cm = b.compile(m, null);
            try {
                CompiledModel.Gradients g = cm.lossAndGradients(params, inputs);
                outcomes.add("ok");
                values.add(concat(g.loss().toDoubleArray(), g.gradients().get("w").toDoubleArray()));
            } catch (ExecutionError e) {
                assertFalse(e.getMessage().isBlank(), source);
                outcomes.add("error");
                values.add(null);
            }
        }
        Statistics.label("outcome").collect(outcomes.getFirst());
        String at = source + " at " + Arrays.toString(xs);
        assertEquals(outcomes.getFirst(), outcomes.get(1), at);
        assertEquals(outcomes.getFirst(), outcomes.get(2), at);
        if (values.getFirst() != null) {
            // f64: the compiled backends run the interpreter's loops and sums
            for (int i = 1; i < values.size(); i++) assertArrayEquals(values.getFirst(), values.get(i), 0.0, at);
        }
    }

    /**
     * In f32 the compiled backends run the convolutions as matrix products ({@code Im2Col}), which
     * sum in f32 in another order than the interpreter's f64 loops: loss and gradients agree
     * within 1e-4 of the largest value, over random geometries (padding past the kernel included,
     * so whole windows read only zeros).
     */
    @Property(tries = 40)
    void f32ConvolutionsAgreeWithTheInterpreterWithinF32Rounding(@ForAll @IntRange(min = 1, max = 2) int spatial,
                                                                 @ForAll long seed) {
        Random r = new Random(seed);
        int groups = 1 + r.nextInt(3), c = groups * (1 + r.nextInt(2)), o = groups * (1 + r.nextInt(3)), n = 1 + r.nextInt(3);
        int[] kernel = new int[spatial], stride = new int[spatial], padding = new int[spatial], dilation = new int[spatial],
                size = new int[spatial];
        for (int a = 0; a < spatial; a++) {
            kernel[a] = 1 + r.nextInt(4);
            stride[a] = 1 + r.nextInt(3);
            dilation[a] = 1 + r.nextInt(2);
            padding[a] = r.nextInt(4);
            size[a] = Math.max(1, dilation[a] * (kernel[a] - 1) + 1 - 2 * padding[a]) + r.nextInt(6);
        }
        String geometry = ", stride = " + list(stride) + ", padding = " + list(padding) + ", dilation = " + list(dilation)
                + ", groups = " + groups + ")";
        int[] xs = spatial == 1 ? new int[] {n, c, size[0]} : new int[] {n, c, size[0], size[1]};
        int[] ws = spatial == 1 ? new int[] {o, c / groups, kernel[0]} : new int[] {o, c / groups, kernel[0], kernel[1]};
        String source = """
                model F32 {
                  param x: f32%s = zeros()
                  param w: f32%s = zeros()
                  loss = sum(sin(conv%dd(x, w%s))
                }
                """.formatted(Arrays.toString(xs), Arrays.toString(ws), spatial, geometry);
        Compilation compiled = FuzzSupport.compileSafely(source);
        assertFalse(compiled.hasErrors(), compiled::render);
        CheckedModel m = compiled.program().orElseThrow().models().getFirst();
        Map<String, Tensor> params = Map.of("x", uniformF32(r, xs), "w", uniformF32(r, ws));
        CompiledModel.Gradients want = Backend.INTERP.compile(m, null).lossAndGradients(params, Map.of());
        for (Backend b : new Backend[] {Backend.BYTECODE, Backend.JAVA}) {
            CompiledModel.Gradients got = b.compile(m, null).lossAndGradients(params, Map.of());
            // The loss sums sines, each at most 1 in magnitude, which can cancel to near zero: its
            // rounding is set by the terms, so its scale is at least 1 (seen: 5.18e-5 against
            // 5.17e-5, from a 1-ulp difference in one sine, failed a tolerance relative to the sum).
            close(want.loss(), got.loss(), 1, source);
            close(want.gradients().get("x"), got.gradients().get("x"), source);
            close(want.gradients().get("w"), got.gradients().get("w"), source);
        }
    }

    private static void close(Tensor want, Tensor got, String what) {
        close(want, got, 0, what);
    }

    /** Within 1e-4 of the largest value of {@code want}, or of {@code floor} where that is larger. */
    private static void close(Tensor want, Tensor got, double floor, String what) {
        double[] w = want.toDoubleArray(), g = got.toDoubleArray();
        double scale = floor;
        for (double v : w) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < w.length; i++) assertEquals(w[i], g[i], 1e-4 * Math.max(scale, 1e-30), what + "[" + i + "]");
    }

    private static String list(int[] v) {
        return v.length == 1 ? Integer.toString(v[0]) : Arrays.toString(v);
    }

    private static Tensor uniformF32(Random r, int... shape) {
        float[] x = new float[Tensor.numel(shape)];
        for (int k = 0; k < x.length; k++) x[k] = r.nextFloat() * 2 - 1;
        return Tensor.of(x, shape);
    }

    private static Tensor uniform(Random r, int... shape) {
        double[] x = new double[Tensor.numel(shape)];
        for (int k = 0; k < x.length; k++) x[k] = r.nextDouble() * 2 - 1;
        return Tensor.of(x, shape);
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
