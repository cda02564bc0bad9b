package dev.modelc.testing.properties;

import dev.modelc.api.Model;
import dev.modelc.api.Modelc;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.runtime.Tensor;
import dev.modelc.testing.Bindings;
import dev.modelc.testing.GradCheck;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Max and average pooling, prod, cumsum and einsum differentiated once and twice against finite
 * differences through {@link GradCheck}, over random shapes, kernels, strides and paddings (at most
 * half the kernel; a third of them windows that tile the input, which modelc pools as a reduction),
 * on the interpreter and the bytecode backend. Each loss is nonlinear in the
 * op's result, so the Hessian-vector products differentiate the op's gradient again (for a max
 * pool: the scatter to the argmax positions; GradCheck keeps its differences on one side of every
 * comparison, so near-ties do not count against it). prod's operands hold exact zeros (one or
 * more per row), where its gradient is the product of the others.
 */
class PoolingGradientProperties {
    private static final int TRIES = 40;

    @Property(tries = TRIES)
    void pool2d(@ForAll boolean max, @ForAll @IntRange(min = 1, max = 3) int kh, @ForAll @IntRange(min = 1, max = 3) int kw,
                @ForAll @IntRange(min = 1, max = 3) int sh, @ForAll @IntRange(min = 1, max = 3) int sw, @ForAll long seed) {
        Random r = new Random(seed);
        int ph = r.nextInt(kh / 2 + 1), pw = r.nextInt(kw / 2 + 1);
        int h = Math.max(1, kh - 2 * ph) + r.nextInt(4), w = Math.max(1, kw - 2 * pw) + r.nextInt(4), c = 1 + r.nextInt(2);
        if (r.nextInt(3) == 0) {
            // Windows that tile the input, which modelc pools as a reduction over split axes.
            sh = kh;
            sw = kw;
            ph = 0;
            pw = 0;
            h = kh * (1 + r.nextInt(3));
            w = kw * (1 + r.nextInt(3));
        }
        String call = "%s(x, [%d, %d], stride = [%d, %d], padding = [%d, %d])".formatted(max ? "max_pool2d" : "avg_pool2d", kh, kw, sh, sw, ph, pw);
        check("x: f64[2, %d, %d, %d]".formatted(c, h, w), call, Map.of("x", uniform(r, 2, c, h, w)));
    }

    @Property(tries = TRIES)
    void pool1d(@ForAll boolean max, @ForAll @IntRange(min = 1, max = 4) int k, @ForAll @IntRange(min = 1, max = 3) int s,
                @ForAll long seed) {
        Random r = new Random(seed);
        int p = r.nextInt(k / 2 + 1), l = Math.max(1, k - 2 * p) + r.nextInt(5);
        if (r.nextInt(3) == 0) {
            s = k;
            p = 0;
            l = k * (1 + r.nextInt(3));
        }
        String call = "%s(x, %d, stride = %d, padding = %d)".formatted(max ? "max_pool1d" : "avg_pool1d", k, s, p);
        check("x: f64[3, %d]".formatted(l), call, Map.of("x", uniform(r, 3, l)));
    }

    @Property(tries = TRIES)
    void prodWithZeros(@ForAll @IntRange(min = 1, max = 3) int rows, @ForAll @IntRange(min = 0, max = 7) int n,
                       @ForAll @IntRange(min = 0, max = 1) int axis, @ForAll long seed) {
        Random r = new Random(seed);
        Tensor x = uniform(r, rows, n);
        double[] v = x.toDoubleArray();
        for (int i = 0; i < v.length; i++) if (r.nextInt(4) == 0) v[i] = 0;
        check("x: f64[%d, %d]".formatted(rows, n), "prod(x, axis = %d)".formatted(axis), Map.of("x", Tensor.of(v, rows, n)));
    }

    @Property(tries = TRIES)
    void cumsum(@ForAll @IntRange(min = 1, max = 4) int a, @ForAll @IntRange(min = 1, max = 6) int b,
                @ForAll @IntRange(min = -2, max = 1) int axis, @ForAll long seed) {
        Random r = new Random(seed);
        check("x: f64[%d, %d]".formatted(a, b), "cumsum(x, axis = %d)".formatted(axis), Map.of("x", uniform(r, a, b)));
    }

    private static final List<String> EQUATIONS = List.of("ij,jk->ik", "ij,kj", "ij->ji", "ii", "ii->i", "ij,ij->i", "i,j->ij",
            "ij,jk,kl->il", "ij->", "ijk,ikj->j", "ij,ji->");

    @Property(tries = TRIES)
    void einsum(@ForAll @IntRange(min = 0, max = 10) int which, @ForAll @IntRange(min = 1, max = 3) int n, @ForAll long seed) {
        Random r = new Random(seed);
        String equation = EQUATIONS.get(which);
        // Every letter is n long; operand k is row k of one param, its first n^rank values in shape [n, ..., n].
        String[] terms = equation.split("->")[0].split(",");
        StringBuilder call = new StringBuilder("einsum(\"" + equation + "\"");
        for (int k = 0; k < terms.length; k++) {
            int rank = terms[k].length();
            List<String> dims = java.util.Collections.nCopies(rank, Integer.toString(n));
            call.append(", reshape(x[%d, 0:%d], [%s])".formatted(k, (int) Math.pow(n, rank), String.join(", ", dims)));
        }
        call.append(")");
        int size = n * n * n;
        check("x: f64[%d, %d]".formatted(terms.length, size), call.toString(), Map.of("x", uniform(r, terms.length, size)));
    }

    /** The loss {@code sum(sin(y) * y)} of {@code y = call}, differentiated once and twice. */
    private static void check(String param, String call, Map<String, Tensor> params) {
        String source = """
                model P {
                  param %s = zeros()
                  y = %s
                  loss = sum(sin(y) * y)
                }
                """.formatted(param, call);
        Model model = Modelc.compile("p.model", source).model("P");
        Bindings at = Bindings.of(Map.of(), params);
        for (Backend backend : new Backend[] {Backend.INTERP, Backend.BYTECODE}) {
            GradCheck check = GradCheck.of(model).on(backend);
            check.assertGradients(at);
            check.assertSecondDerivatives(at);
        }
    }

    private static Tensor uniform(Random r, int... shape) {
        double[] x = new double[Tensor.numel(shape)];
        for (int k = 0; k < x.length; k++) x[k] = r.nextDouble() * 4 - 2;
        return Tensor.of(x, shape);
    }
}
