package dev.modelc.testing.properties;

import dev.modelc.api.Model;
import dev.modelc.api.Modelc;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.runtime.Tensor;
import dev.modelc.testing.Bindings;
import dev.modelc.testing.GradCheck;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * conv1d and conv2d differentiated once and twice against finite differences through
 * {@link GradCheck}, over random shapes, strides, paddings, dilations and groups, on the
 * interpreter and the bytecode backend. The input and the weight are both params, and the loss is
 * nonlinear in the result, so the second derivatives differentiate the input and weight gradients
 * (a transposed convolution, a convolution of input and output gradient) again.
 */
class ConvGradientProperties {
    private static final int TRIES = 40;

    @Property(tries = TRIES)
    void convolution(@ForAll @IntRange(min = 1, max = 2) int spatial, @ForAll @IntRange(min = 1, max = 3) int groups,
                     @ForAll long seed) {
        Random r = new Random(seed);
        int n = 1 + r.nextInt(2), c = groups * (1 + r.nextInt(2)), o = groups * (1 + r.nextInt(2));
        int[] kernel = new int[spatial], stride = new int[spatial], padding = new int[spatial], dilation = new int[spatial],
                size = new int[spatial];
        for (int a = 0; a < spatial; a++) {
            kernel[a] = 1 + r.nextInt(3);
            stride[a] = 1 + r.nextInt(3);
            dilation[a] = 1 + r.nextInt(2);
            padding[a] = r.nextInt(3);
            int reach = dilation[a] * (kernel[a] - 1) + 1;
            // the padded input holds the kernel's span at least once, and up to a few strides more
            size[a] = Math.max(1, reach - 2 * padding[a]) + r.nextInt(spatial == 1 ? 6 : 4);
        }
        int[] xs = concat(new int[] {n, c}, size), ws = concat(new int[] {o, c / groups}, kernel);
        String call = "conv" + spatial + "d(x, w, stride = " + list(stride) + ", padding = " + list(padding) + ", dilation = "
                + list(dilation) + ", groups = " + groups + ")";
        String source = """
                model Conv {
                  param x: f64%s = zeros()
                  param w: f64%s = zeros()
                  loss = sum(sin(%s) * %s) + sum(%s ** 3) / 10
                }
                """.formatted(Arrays.toString(xs), Arrays.toString(ws), call, call, call);
        Model model = Modelc.compile("conv.model", source).model("Conv");
        Bindings at = Bindings.of(Map.of(), Map.of("x", uniform(r, xs), "w", uniform(r, ws)));
        for (Backend backend : new Backend[] {Backend.INTERP, Backend.BYTECODE}) {
            GradCheck check = GradCheck.of(model).on(backend);
            check.assertGradients(at);
            check.assertSecondDerivatives(at);
        }
    }

    private static String list(int[] v) {
        return v.length == 1 ? Integer.toString(v[0]) : Arrays.toString(v);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static Tensor uniform(Random r, int... shape) {
        double[] x = new double[Tensor.numel(shape)];
        for (int k = 0; k < x.length; k++) x[k] = r.nextDouble() * 2 - 1;
        return Tensor.of(x, shape);
    }
}
