package dev.modelc.runtime.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.GeneratedModel;
import dev.modelc.runtime.exec.RangeKernel;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.Size;
import dev.modelc.runtime.model.TensorSpec;
import dev.modelc.runtime.model.TrainConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The by-name adapter (EntryPointModel) over runners, as generated classes use it: names by role, frozen params kept. */
class GeneratedModelTest {
    private static final List<String> SYMBOLS = List.of("N");
    private static final SizeExpr N = SizeExpr.of(Size.symbol("N"), SYMBOLS);
    private static final RangeKernel DOUBLE = (b, d, start, end) -> {
        double[] x = (double[]) b[0], t = (double[]) b[1];
        for (int i = start; i < end; i++) t[i] = 2 * x[i];
    };

    /** {@code t = 2 * w}, given as the loss and as {@code w}'s next value (or its gradient); {@code v} has no rule. */
    private static PlanRunner runner(Plan.Role role) {
        List<Size> n = List.of(Size.symbol("N"));
        List<Plan.Buffer> buffers = List.of(
                new Plan.Buffer(0, "w", Plan.Kind.PARAM, DType.F64, n, List.of(N), -1, null, false),
                new Plan.Buffer(1, "v", Plan.Kind.PARAM, DType.F64, n, List.of(N), -1, null, true),
                new Plan.Buffer(2, "t", Plan.Kind.TEMPORARY, DType.F64, n, List.of(N), 0, null, false));
        Plan plan = new Plan("m", SYMBOLS, buffers, 1,
                List.of(new Step.Loop("k0", 0, new int[] {0, 2}, 2, N, N, SizeExpr.fixed(1), 1, 0, false)),
                List.of(new Plan.Result("loss", Plan.Role.LOSS, 2, List.of(N)), new Plan.Result("w", role, 2, List.of(N))), List.of());
        return new PlanRunner(plan, new JvmTarget(List.of(DOUBLE)));
    }

    private static final class Model extends GeneratedModel {
        Model() {
            super(new Info("M", List.of(), List.of(new TensorSpec("w", DType.F64, List.of(Size.symbol("N"))),
                            new TensorSpec("v", DType.F64, List.of(Size.symbol("N")))), List.of(), true, true, TrainConfig.DEFAULT),
                    null, null, runner(Plan.Role.GRADIENT), runner(Plan.Role.UPDATE), null);
        }
    }

    private static final Tensor W = Tensor.of(new double[] {1, 2}, 2), V = Tensor.of(new double[] {3, 4}, 2);

    @Test
    void anUpdateStepKeepsTheParamsWithoutARule() {
        Map<String, Tensor> params = new java.util.LinkedHashMap<>();
        params.put("w", W);
        params.put("v", V);
        CompiledModel.Step step = new Model().updateStep(params, Map.of());
        assertArrayEquals(new double[] {2, 4}, (double[]) step.loss().storage());
        assertArrayEquals(new double[] {2, 4}, (double[]) step.params().get("w").storage());
        assertSame(V, step.params().get("v"));
        assertEquals(List.of("w", "v"), List.copyOf(step.params().keySet()), "in the order the params came");
    }

    @Test
    void gradientsAreNamedByTheirParamAndTheLossByItsRole() {
        CompiledModel.Gradients g = new Model().lossAndGradients(Map.of("w", W, "v", V), Map.of());
        assertArrayEquals(new double[] {2, 4}, (double[]) g.loss().storage());
        assertEquals(List.of("w"), List.copyOf(g.gradients().keySet()));
    }

    @Test
    void aModelWithoutOutputsForwardsNothingAndOneWithoutInitializersSaysSo() {
        assertEquals(Map.of(), new Model().forward(Map.of(), Map.of()));
        assertEquals("model M has no init entry point",
                assertThrows(IllegalStateException.class, () -> new Model().initialParams(0)).getMessage());
    }
}
