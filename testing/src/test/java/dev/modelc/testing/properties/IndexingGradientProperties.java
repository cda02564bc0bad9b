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
 * Row selection ({@code w[ids]}) and {@code gather} differentiated once and twice against finite
 * differences through {@link GradCheck}, on random shapes and random indices that repeat (so the
 * scatter-adds of the gradients accumulate), on the interpreter and the bytecode backend. The
 * losses are nonlinear in the selected values, so the Hessian-vector products differentiate the
 * scatter-add again.
 */
class IndexingGradientProperties {
    private static final int TRIES = 60;

    @Property(tries = TRIES)
    void rowSelection(@ForAll @IntRange(min = 1, max = 6) int rows, @ForAll @IntRange(min = 1, max = 3) int dim,
                      @ForAll @IntRange(min = 1, max = 2) int idsRank, @ForAll @IntRange(min = 1, max = 4) int idsSize,
                      @ForAll long seed) {
        Random r = new Random(seed);
        int[] idsShape = new int[idsRank];
        Arrays.fill(idsShape, idsSize);
        idsShape[0] = 1 + r.nextInt(idsSize + 2);
        String source = """
                model Rows {
                  param w: f64[%d, %d] = zeros()
                  param v: f64[%d] = zeros()
                  input ids: i32%s
                  loss = sum(sin(w[ids]) * w[ids] * v) + sum(w[ids] ** 3) / 10
                }
                """.formatted(rows, dim, dim, Arrays.toString(idsShape));
        Map<String, Tensor> params = Map.of("w", uniform(r, rows, dim), "v", uniform(r, dim));
        check(source, "Rows", Map.of("ids", indices(r, rows, idsShape)), params);
    }

    @Property(tries = TRIES)
    void gather(@ForAll @IntRange(min = 1, max = 4) int a, @ForAll @IntRange(min = 1, max = 4) int b,
                @ForAll @IntRange(min = 0, max = 1) int axis, @ForAll @IntRange(min = 1, max = 5) int along,
                @ForAll long seed) {
        Random r = new Random(seed);
        int[] xs = {a, b};
        int[] is = xs.clone();
        is[axis] = along;
        // On the other axis the indices may be shorter than x.
        is[1 - axis] = 1 + r.nextInt(xs[1 - axis]);
        String source = """
                model Gather {
                  param x: f64[%d, %d] = zeros()
                  input idx: i32%s
                  loss = sum(cos(gather(x, idx, axis = %d)) * gather(x, idx, axis = %d) ** 2)
                }
                """.formatted(a, b, Arrays.toString(is), axis, axis);
        check(source, "Gather", Map.of("idx", indices(r, xs[axis], is)), Map.of("x", uniform(r, a, b)));
    }

    private static void check(String source, String name, Map<String, Tensor> inputs, Map<String, Tensor> params) {
        Model model = Modelc.compile(name.toLowerCase() + ".model", source).model(name);
        Bindings at = Bindings.of(inputs, params);
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

    /** Indices in [0, size), drawn with repeats. */
    private static Tensor indices(Random r, int size, int... shape) {
        int[] ids = new int[Tensor.numel(shape)];
        for (int k = 0; k < ids.length; k++) ids[k] = r.nextInt(size);
        return Tensor.of(ids, shape);
    }
}
