package dev.modelc.runtime.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.RangeKernel;
import dev.modelc.runtime.model.Size;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which results a runner lends inside {@link LentGradients#during}, and that every other result is still a copy. */
class LentGradientsTest {
    private static final List<String> SYMBOLS = List.of("N");
    private static final SizeExpr N = SizeExpr.of(Size.symbol("N"), SYMBOLS);
    private static final SizeExpr SQUARE = SizeExpr.of(Size.parse("N*N"), SYMBOLS);

    private static Plan.Buffer buffer(int id, String name, Plan.Kind kind, int slot, SizeExpr size) {
        return new Plan.Buffer(id, name, kind, DType.F64, List.of(Size.symbol("N")), List.of(size), slot, null, false);
    }

    /**
     * {@code g = 2 * x} (slot 0) and {@code h = 3 * x} (slot 1), returned as the gradients
     * {@code a} (g), {@code b} (g again), {@code c} (x itself: an input) and {@code d} (h), and as
     * the output {@code o} (h); with {@code sharedSlot}, h's slot also holds an N*N temporary.
     */
    private static PlanRunner runner(boolean sharedSlot) {
        List<Plan.Buffer> buffers = List.of(
                buffer(0, "x", Plan.Kind.INPUT, -1, N),
                buffer(1, "g", Plan.Kind.TEMPORARY, 0, N),
                buffer(2, "h", Plan.Kind.TEMPORARY, 1, N),
                buffer(3, "big", Plan.Kind.TEMPORARY, sharedSlot ? 1 : 2, SQUARE));
        List<Step> steps = List.of(
                new Step.Loop("k0", 0, new int[] {0, 1, 2}, 1, N, N, SizeExpr.fixed(1), 1, 0, false));
        List<Plan.Result> results = List.of(
                new Plan.Result("a", Plan.Role.GRADIENT, 1, List.of(N)),
                new Plan.Result("b", Plan.Role.GRADIENT, 1, List.of(N)),
                new Plan.Result("c", Plan.Role.GRADIENT, 0, List.of(N)),
                new Plan.Result("d", Plan.Role.GRADIENT, 2, List.of(N)),
                new Plan.Result("o", Plan.Role.OUTPUT, 2, List.of(N)));
        RangeKernel kernel = (b, d, start, end) -> {
            double[] x = (double[]) b[0], g = (double[]) b[1], h = (double[]) b[2];
            for (int i = start; i < end; i++) {
                g[i] = 2 * x[i];
                h[i] = 3 * x[i];
            }
        };
        return new PlanRunner(new Plan("m.gradients", SYMBOLS, buffers, sharedSlot ? 2 : 3, steps, results, List.of()), new JvmTarget(List.of(kernel)));
    }

    @Test
    void insideAStepAGradientInASlotOfItsOwnIsTheSlotItself() {
        PlanRunner r = runner(false);
        Tensor x = Tensor.of(new double[] {1, 2}, 2);
        List<Tensor> out = LentGradients.during(() -> r.run(Map.of("x", x), 0));
        Object g = r.bind(Map.of("x", x), false).storage(1), h = r.bind(Map.of("x", x), false).storage(2);
        assertSame(g, out.get(0).storage());
        assertSame(h, out.get(3).storage());
        // The same buffer twice: the second is a copy, so no two tensors share an array.
        assertNotSame(g, out.get(1).storage());
        // An input returned as a gradient, and an output, are copied as always.
        assertNotSame(x.storage(), out.get(2).storage());
        assertNotSame(h, out.get(4).storage());
        assertArrayEquals(new double[] {2, 4}, (double[]) out.get(0).storage());
        assertArrayEquals(new double[] {2, 4}, (double[]) out.get(1).storage());
        assertArrayEquals(new double[] {1, 2}, (double[]) out.get(2).storage());
        assertArrayEquals(new double[] {3, 6}, (double[]) out.get(3).storage());
        assertArrayEquals(new double[] {3, 6}, (double[]) out.get(4).storage());
        // Lent: the next run writes the same arrays.
        List<Tensor> next = LentGradients.during(() -> r.run(Map.of("x", Tensor.of(new double[] {5, 7}, 2)), 0));
        assertSame(g, next.get(0).storage());
        assertArrayEquals(new double[] {10, 14}, (double[]) out.get(0).storage());
    }

    @Test
    void outsideAStepAndInASharedSlotGradientsAreCopies() {
        PlanRunner r = runner(false);
        Tensor x = Tensor.of(new double[] {1, 2}, 2);
        List<Tensor> out = r.run(Map.of("x", x), 0);
        assertNotSame(r.bind(Map.of("x", x), false).storage(1), out.get(0).storage());
        assertArrayEquals(new double[] {2, 4}, (double[]) out.get(0).storage());

        // h's slot holds N*N = 4 elements: the 2 of the gradient d are copied out.
        PlanRunner shared = runner(true);
        List<Tensor> lent = LentGradients.during(() -> shared.run(Map.of("x", x), 0));
        assertSame(shared.bind(Map.of("x", x), false).storage(1), lent.get(0).storage());
        assertNotSame(shared.bind(Map.of("x", x), false).storage(2), lent.get(3).storage());
        assertArrayEquals(new double[] {3, 6}, (double[]) lent.get(3).storage());
    }
}
