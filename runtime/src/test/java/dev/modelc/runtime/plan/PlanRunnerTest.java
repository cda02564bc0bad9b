package dev.modelc.runtime.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.ExecutionError;
import dev.modelc.runtime.exec.RangeKernel;
import dev.modelc.runtime.model.Size;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A hand-built plan (no compiler) run by the one runner: binding, slots, steps, limits, and its messages. */
class PlanRunnerTest {
    private static final List<String> SYMBOLS = List.of("N");
    private static final SizeExpr N = SizeExpr.of(Size.symbol("N"), SYMBOLS);

    private static Plan.Buffer buffer(int id, String name, Plan.Kind kind, int slot, boolean witness) {
        return new Plan.Buffer(id, name, kind, DType.F64, List.of(Size.symbol("N")), List.of(N), slot, null, witness);
    }

    /** {@code t = 2 * x; p = softmax(t)}, with a size witness {@code n: [N]}, and the limit {@code N*N} for a fake temporary. */
    private static Plan plan() {
        List<Plan.Buffer> buffers = List.of(
                buffer(0, "x", Plan.Kind.INPUT, -1, false),
                buffer(1, "n", Plan.Kind.INPUT, -1, true),
                buffer(2, "t2", Plan.Kind.TEMPORARY, 0, false),
                buffer(3, "t3", Plan.Kind.TEMPORARY, 1, false));
        List<Step> steps = List.of(
                new Step.Loop("k0", 0, new int[] {0, 2}, 2, N, N, SizeExpr.fixed(1), 1, 0, false),
                new Step.Call("k1", new LibraryCall.Softmax(0, false), new int[] {2}, List.of(List.of(N)), 3, List.of(N)));
        List<Plan.Result> results = List.of(new Plan.Result("t", Plan.Role.OUTPUT, 2, List.of(N)),
                new Plan.Result("p", Plan.Role.OUTPUT, 3, List.of(N)));
        SizeExpr square = SizeExpr.of(Size.parse("N*N"), SYMBOLS);
        List<Plan.Limit> limits = List.of(new Plan.Limit("m.model:2: the number of elements of a value of shape [N, N]", square,
                List.of(), List.of()));
        return new Plan("m.forward", SYMBOLS, buffers, 2, steps, results, limits);
    }

    private static final RangeKernel DOUBLE = (b, d, start, end) -> {
        double[] x = (double[]) b[0], t = (double[]) b[1];
        for (int i = start; i < end; i++) t[i] = 2 * x[i];
    };

    private static PlanRunner runner() {
        return new PlanRunner(plan(), new JvmTarget(List.of(DOUBLE)));
    }

    private static Tensor vector(double... v) {
        return Tensor.of(v, v.length);
    }

    @Test
    void runsTheStepsInOrderAndCopiesTheResultsOut() {
        List<Tensor> out = runner().run(Map.of("x", vector(0, Math.log(3))), 0);
        assertArrayEquals(new double[] {0, 2 * Math.log(3)}, (double[]) out.get(0).storage());
        assertArrayEquals(new double[] {0.1, 0.9}, (double[]) out.get(1).storage(), 1e-15);
    }

    @Test
    void aPlanReadFromItsTextRunsTheSame() {
        String text = PlanText.write(plan());
        assertEquals(text, PlanText.write(PlanText.read(text)));
        List<Tensor> out = new PlanRunner(PlanText.read(text), new JvmTarget(List.of(DOUBLE))).run(Map.of("x", vector(0, Math.log(3))), 0);
        assertArrayEquals(new double[] {0.1, 0.9}, (double[]) out.get(1).storage(), 1e-15);
        assertEquals("plan text line 2: cannot read 'symbol N'",
                assertThrows(IllegalArgumentException.class, () -> PlanText.read("plan m\nsymbol N\n")).getMessage());
    }

    @Test
    void slotsAreReusedWhileTheSizesStayAndFreshBindingsHaveTheirOwn() {
        PlanRunner r = runner();
        Object first = r.bind(Map.of("x", vector(1, 2)), false).storage(2);
        assertSame(first, r.bind(Map.of("x", vector(3, 4)), false).storage(2));
        assertNotSame(first, r.bind(Map.of("x", vector(3, 4)), true).storage(2));
        Object other = r.bind(Map.of("x", vector(1, 2, 3)), false).storage(2);
        assertNotSame(first, other);
        assertEquals(3, ((double[]) other).length);
    }

    @Test
    void aBoundPlanRunsOnReboundStorage() {
        PlanRunner.Bound b = runner().bind(Map.of("x", vector(1, 2)), true);
        b.rebind(0, new double[] {5, 6});
        b.run(0);
        assertArrayEquals(new double[] {10, 12}, (double[]) b.storage(2));
        assertArrayEquals(new int[] {2}, b.shape(2));
        assertEquals("%2 is not an input or param", assertThrows(IllegalArgumentException.class, () -> b.rebind(2, null)).getMessage());
    }

    @Test
    void aSizeWitnessMayBeLeftOutButNotTheInputsTheStepsRead() {
        assertEquals(2, runner().run(Map.of("x", vector(1, 2)), 0).get(0).numel());
        assertEquals("no value for input 'x'", message(Map.of("n", vector(1, 2))));
    }

    @Test
    void sizeErrorsNameBothTensorsAndBothSizes() {
        assertEquals("dimension N is 2 in 'x' but 3 in 'n' (axis 0 of shape [3])", message(Map.of("x", vector(1, 2), "n", vector(1, 2, 3))));
        assertEquals("dimension N is not bound by the values given: give a value for 'x' [N] or 'n' [N]", message(Map.of()));
        assertEquals("'x' must have shape [N] (rank 1), found shape [1, 2]",
                message(Map.of("x", Tensor.of(new double[] {1, 2}, 1, 2))));
    }

    @Test
    void indexLimitsAreCheckedWhenSizesAreBound() {
        assertEquals("m.model:2: the number of elements of a value of shape [N, N] is 2500000000, more than 2147483647,"
                + " the largest size compiled kernels index (Java arrays and loop counters are ints)",
                message(Map.of("n", Tensor.of(new double[50_000], 50_000))));
    }

    private static String message(Map<String, Tensor> values) {
        return assertThrows(ExecutionError.class, () -> runner().run(values, 0)).getMessage();
    }
}
