package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.PlanPrinter;
import dev.modelc.compiler.kernel.Scheduler;
import dev.modelc.compiler.passes.Pipeline;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 16, a Linear layer's weight gradient: with w stored {@code [out, in]} and used as
 * {@code x @ w.T}, w's gradient is one product written in w's layout ({@code g.T @ x}), with no
 * loop transposing a matrix of w's size after it (such a pass took a sixth of the quickstart's
 * epoch), and the JVM backends give the interpreter's bits in f64, the bias and the layer below
 * included: the product sums the same terms in the same order.
 */
class LinearWeightGradientTest {
    private static final String MLP = """
            model Mlp {
              input x: %1$s[N, 20]
              input y: %1$s[N, 3]
              param w1: %1$s[8, 20] = uniform(-1, 1)
              param b1: %1$s[8] = uniform(-1, 1)
              param w2: %1$s[3, 8] = uniform(-1, 1)
              param b2: %1$s[3] = uniform(-1, 1)
              h = tanh(x @ w1.T + b1)
              loss = mean((h @ w2.T + b2 - y) ** 2)
            }
            """;
    private static final List<String> PARAMS = List.of("w1", "b1", "w2", "b2");

    private static CheckedModel model(String dtype) {
        Compilation c = Compiler.compile(new SourceFile("mlp.model", MLP.formatted(dtype)));
        assertFalse(c.hasErrors(), c::render);
        return c.program().orElseThrow().models().getFirst();
    }

    @Test
    void theWeightGradientIsOneProductInTheWeightsLayout() {
        KernelPlan plan = Scheduler.schedule("Mlp.lossAndGradients",
                Pipeline.optimize(EntryPoint.GRADIENTS.graph(model("f32").graph()), false));
        for (String w : List.of("w1", "w2")) {
            int gradient = plan.results().stream()
                    .filter(r -> r.output().name().equals(w) && r.output().role() == Graph.Role.GRADIENT)
                    .findFirst().orElseThrow().buffer();
            Kernel writer = plan.kernels().stream().filter(k -> k.written().contains(gradient)).findFirst().orElseThrow();
            // g.T @ x: the incoming gradient read transposed in place, the layer's input as it is.
            Kernel.MatMul product = assertInstanceOf(writer, () -> w + "'s gradient is written by " + PlanPrinter.print(plan));
            assertTrue(product.transA() && !product.transB(), () -> PlanPrinter.print(plan));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 64, 300})
    void everyJvmBackendGivesTheInterpretersGradientBitsInF64(int rows) {
        CheckedModel m = model("f64");
        Map<String, Tensor> batch = Map.of("x", random(1, rows, 20), "y", random(2, rows, 3));
        Map<String, Tensor> params = Map.of("w1", random(3, 8, 20), "b1", random(4, 8), "w2", random(5, 3, 8), "b2", random(6, 3));
        CompiledModel.Gradients want = Backend.INTERP.compile(m, null).lossAndGradients(params, batch);
        for (Backend backend : List.of(Backend.BYTECODE, Backend.JAVA)) {
            CompiledModel.Gradients got = backend.compile(m, null).lossAndGradients(params, batch);
            same(want.loss(), got.loss(), backend + " loss");
            for (String p : PARAMS) same(want.gradients().get(p), got.gradients().get(p), backend + " grad " + p);
        }
    }

    private static Kernel.MatMul assertInstanceOf(Kernel k, java.util.function.Supplier<String> message) {
        assertTrue(k instanceof Kernel.MatMul, message);
        return (Kernel.MatMul) k;
    }

    private static Tensor random(long seed, int... shape) {
        Generator g = Generator.of(seed, "linear");
        double[] v = new double[Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = g.nextUniform(-2, 2);
        return Tensor.of(DType.F64, shape, v);
    }

    private static void same(Tensor want, Tensor got, String what) {
        assertArrayEquals(want.shape(), got.shape(), what);
        double[] a = want.toDoubleArray(), b = got.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertEquals(Double.doubleToLongBits(a[i]), Double.doubleToLongBits(b[i]), what + "[" + i + "]: " + a[i] + " vs " + b[i]);
        }
    }
}
