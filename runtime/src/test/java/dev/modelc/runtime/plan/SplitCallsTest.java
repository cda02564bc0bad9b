package dev.modelc.runtime.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.Parallel;
import dev.modelc.runtime.exec.RangeKernel;
import dev.modelc.runtime.model.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How {@link JvmTarget} calls a split reduction's kernel ({@code s = sum(x)} folded in chunks):
 * the chunks then the fold of their partials (two calls), or, for a target of the compiler's
 * kernels ({@link JvmTarget#of}) and a reduction of one chunk, the one call
 * {@link RangeKernel#ONE_CHUNK}; a target built with the constructor, as classes generated
 * before that call existed are, always makes two.
 */
class SplitCallsTest {
    private static final List<String> SYMBOLS = List.of("N");
    private static final SizeExpr N = SizeExpr.of(Size.symbol("N"), SYMBOLS);

    private static Plan plan() {
        List<Plan.Buffer> buffers = List.of(
                new Plan.Buffer(0, "x", Plan.Kind.INPUT, DType.F64, List.of(Size.symbol("N")), List.of(N), -1, null, false),
                new Plan.Buffer(1, "s", Plan.Kind.TEMPORARY, DType.F64, List.of(), List.of(), 0, null, false));
        List<Step> steps = List.of(new Step.Loop("k0", 0, new int[] {0, 1}, 1, SizeExpr.fixed(1), SizeExpr.fixed(1), N, 1, 1, true));
        return new Plan("m.forward", SYMBOLS, buffers, 1, steps, List.of(new Plan.Result("s", Plan.Role.OUTPUT, 1, List.of())),
                List.of());
    }

    /** A sum folded in chunks as generated kernels fold it, recording each call's start and end. */
    private static RangeKernel sum(List<String> calls) {
        return (b, d, start, end) -> {
            calls.add(start + ".." + end);
            double[] x = (double[]) b[0], s = (double[]) b[1], partials = (double[]) b[2];
            if (start == -1) {
                double acc = 0;
                for (int c = 0; c < end; c++) acc += partials[c];
                s[0] = acc;
                return;
            }
            for (int c = Math.max(start, 0); c < end; c++) {
                double acc = 0;
                for (int i = c * Parallel.REDUCTION_CHUNK; i < Math.min(x.length, (c + 1) * Parallel.REDUCTION_CHUNK); i++) acc += x[i];
                if (start == RangeKernel.ONE_CHUNK) s[0] = acc;
                else partials[c] = acc;
            }
        };
    }

    /**
     * {@code calls}: the kernel's calls in order, for one chunk; past one, the chunks' calls may
     * run on several threads in any order, so only the last call (the fold) is pinned.
     */
    @ParameterizedTest
    @CsvSource({"7, true, -2..1", "7, false, 0..1 -1..1", "1, true, -2..1", "65536, true, -2..1", "65536, false, 0..1 -1..1",
            "0, true, -2..1", "65537, true, -1..2", "196613, false, -1..4"})
    void oneChunkIsOneCallWhereTheKernelsKnowIt(int n, boolean compilers, String calls) {
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        JvmTarget target = compilers ? JvmTarget.of(List.of(sum(seen))) : new JvmTarget(List.of(sum(seen)));
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = i % 5;
        double want = 0;
        for (double v : x) want += v;
        List<Tensor> out = new PlanRunner(plan(), target).run(Map.of("x", Tensor.of(x, n)), 0);
        assertEquals(want, out.getFirst().getDouble(0));
        if (n <= Parallel.REDUCTION_CHUNK) {
            assertEquals(calls, String.join(" ", seen));
        } else {
            assertEquals(calls, seen.getLast());
            assertEquals(false, seen.contains("-2..1"), () -> "" + seen);
        }
    }
}
