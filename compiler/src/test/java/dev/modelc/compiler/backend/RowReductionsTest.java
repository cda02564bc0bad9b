package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.Scheduler;
import dev.modelc.compiler.passes.Pipeline;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.Parallel;
import dev.modelc.runtime.model.CompiledModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 16's "fewer passes over memory": the regression step's loss, weight-gradient product and
 * bias sums are one {@link Kernel.Reductions}, which reads the rows once, and it gives the
 * interpreter's bits (each accumulator sums its terms in f64 in the interpreter's order) up to
 * {@link Parallel#REDUCTION_CHUNK} rows, in f32 as in f64.
 */
class RowReductionsTest {
    private static final String REGRESSION = """
            model Regression {
              input x: %1$s[N, 3]
              input y: %1$s[N, 2]
              param w: %1$s[2, 3] = [[0.5121, 0.0860, -0.1805], [1.3327, -1.7127, 0.5562]]
              param b: %1$s[2]    = [-0.5312, -1.3984]
              const lr = 1e-5
              preds = x @ w.T + b
              loss = mean((preds - y) ** 2)
              update w = w - lr * grad(loss, w)
              update b = b - lr * grad(loss, b)
            }
            """;

    private static CheckedModel model(String source) {
        Compilation c = Compiler.compile(new SourceFile("rows.model", source));
        assertFalse(c.hasErrors(), c::render);
        return c.program().orElseThrow().models().getFirst();
    }

    private static KernelPlan plan(CheckedModel m, EntryPoint e, boolean rowReductions) {
        return Scheduler.schedule("Regression." + e.methodName(), Pipeline.optimize(e.graph(m.graph()), false), rowReductions);
    }

    private static Tensor random(DType t, long seed, int... shape) {
        Generator g = Generator.of(seed, "rows");
        double[] v = new double[Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = g.nextUniform(-3, 3);
        return Tensor.of(t, shape, v);
    }

    @Test
    void theRegressionStepReadsItsRowsOnce() {
        KernelPlan plan = plan(model(REGRESSION.formatted("f32")), EntryPoint.UPDATE, true);
        List<Kernel> kernels = plan.kernels();
        int x = plan.external().stream().filter(b -> b.name().equals("x")).findFirst().orElseThrow().id();
        assertEquals(1, kernels.stream().filter(k -> k.reads().contains(x)).count(), () -> "x is read by more than one kernel");
        Kernel.Reductions pass = (Kernel.Reductions) kernels.getFirst();
        // the loss (one), x.T @ residual (3 x 2), the bias sums (two)
        assertEquals(List.of(1L, 6L, 2L), pass.accumulators().stream().map(Kernel.Accumulator::buffer).distinct()
                .map(b -> pass.accumulators().stream().filter(a -> a.buffer() == b).count()).toList());
        assertTrue(kernels.stream().noneMatch(k -> k instanceof Kernel.MatMul), "the x.T @ residual product is in the pass");
    }

    /** The seed's step: the pass, then the updates of w and b from its sums as its tail: one kernel, one dispatch a step. */
    @Test
    void theRegressionStepIsOneKernel() {
        KernelPlan plan = plan(model(REGRESSION.formatted("f32")), EntryPoint.UPDATE, true);
        assertEquals(1, plan.kernels().size(), () -> dev.modelc.compiler.kernel.PlanPrinter.print(plan));
        Kernel.Reductions pass = (Kernel.Reductions) plan.kernels().getFirst();
        List<Integer> updates = plan.results().stream().filter(r -> r.output().role() == dev.modelc.compiler.graph.Graph.Role.UPDATE)
                .map(KernelPlan.Result::buffer).toList();
        assertTrue(pass.tail().stream().map(Kernel.Loop::writes).toList().containsAll(updates), "the updates are in the tail");
    }

    @Test
    void devicePlansKeepEachReductionAKernel() {
        KernelPlan plan = plan(model(REGRESSION.formatted("f32")), EntryPoint.UPDATE, false);
        assertTrue(plan.kernels().stream().noneMatch(k -> k instanceof Kernel.Reductions));
        assertEquals(1, plan.kernels().stream().filter(k -> k instanceof Kernel.MatMul).count());
    }

    /** Loss, gradients and the update step on the JVM backends against the interpreter, bit for bit. */
    @ParameterizedTest
    @CsvSource({"f64, 15", "f32, 15", "f64, 1000", "f32, 1000", "f64, 0", "f32, 65536", "f32, 1", "f64, 1", "f32, 0", "f32, 3001"})
    void equalsTheInterpreter(String dtype, int rows) {
        CheckedModel m = model(REGRESSION.formatted(dtype));
        DType t = DType.bySpelling(dtype);
        Map<String, Tensor> batch = Map.of("x", random(t, 1, rows, 3), "y", random(t, 2, rows, 2));
        Map<String, Tensor> params = Map.of("w", random(t, 3, 2, 3), "b", random(t, 4, 2));
        CompiledModel want = Backend.INTERP.compile(m, null);
        for (Backend backend : List.of(Backend.BYTECODE, Backend.JAVA)) {
            CompiledModel got = backend.compile(m, null);
            CompiledModel.Step a = want.updateStep(params, batch), b = got.updateStep(params, batch);
            same(a.loss(), b.loss(), backend + " loss");
            for (String p : List.of("w", "b")) same(a.params().get(p), b.params().get(p), backend + " " + p);
            CompiledModel.Gradients g = want.lossAndGradients(params, batch), h = got.lossAndGradients(params, batch);
            same(g.loss(), h.loss(), backend + " loss");
            for (String p : List.of("w", "b")) same(g.gradients().get(p), h.gradients().get(p), backend + " grad " + p);
        }
    }

    /**
     * Past one chunk of rows the chunks' sums are added in order: not the interpreter's order,
     * so the last bits differ; the relative error of an f64 sum of this length stays far below 1e-12.
     */
    @Test
    void severalChunksAgreeWithinRounding() {
        int rows = 3 * Parallel.REDUCTION_CHUNK + 17;
        CheckedModel m = model(REGRESSION.formatted("f64"));
        Map<String, Tensor> batch = Map.of("x", random(DType.F64, 5, rows, 3), "y", random(DType.F64, 6, rows, 2));
        Map<String, Tensor> params = Map.of("w", random(DType.F64, 7, 2, 3), "b", random(DType.F64, 8, 2));
        CompiledModel.Gradients want = Backend.INTERP.compile(m, null).lossAndGradients(params, batch);
        for (Backend backend : List.of(Backend.BYTECODE, Backend.JAVA)) {
            CompiledModel.Gradients got = backend.compile(m, null).lossAndGradients(params, batch);
            close(want.loss(), got.loss());
            for (String p : List.of("w", "b")) close(want.gradients().get(p), got.gradients().get(p));
        }
    }

    /**
     * Past one chunk the bytecode folds each chunk in a call of its own and the chunks' sums in
     * another, with fused multiply-adds for the f32 products where the hardware has them; the
     * Java source folds the same chunks with a multiply and an add: the same bits, since a
     * product of two floats is exact in f64.
     */
    @Test
    void severalChunksInF32GiveTheJavaSourcesBits() {
        int rows = 2 * Parallel.REDUCTION_CHUNK + 5;
        CheckedModel m = model(REGRESSION.formatted("f32"));
        Map<String, Tensor> batch = Map.of("x", random(DType.F32, 9, rows, 3), "y", random(DType.F32, 10, rows, 2));
        Map<String, Tensor> params = Map.of("w", random(DType.F32, 11, 2, 3), "b", random(DType.F32, 12, 2));
        CompiledModel.Gradients java = Backend.JAVA.compile(m, null).lossAndGradients(params, batch);
        CompiledModel.Gradients bytecode = Backend.BYTECODE.compile(m, null).lossAndGradients(params, batch);
        same(java.loss(), bytecode.loss(), "loss");
        for (String p : List.of("w", "b")) same(java.gradients().get(p), bytecode.gradients().get(p), "grad " + p);
    }

    /**
     * Signed zeros, subnormals, the largest floats, infinities and NaN through the pass: a fused
     * multiply-add of two floats' product rounds as the multiply and the add do, so the bits are
     * the interpreter's (NaN compared as NaN).
     */
    @ParameterizedTest
    @CsvSource({"1", "7"})
    void specialValuesGiveTheInterpretersBits(int rows) {
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_NORMAL, 3e38f, -3e38f, 1e-30f, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.NaN, 1.5f, -2.25f};
        CheckedModel m = model(REGRESSION.formatted("f32"));
        CompiledModel want = Backend.INTERP.compile(m, null), got = Backend.BYTECODE.compile(m, null);
        for (int shift = 0; shift < special.length; shift++) {
            float[] x = new float[rows * 3], y = new float[rows * 2];
            for (int i = 0; i < x.length; i++) x[i] = special[(i + shift) % special.length];
            for (int i = 0; i < y.length; i++) y[i] = special[(3 * i + shift) % special.length];
            Map<String, Tensor> batch = Map.of("x", Tensor.of(x, rows, 3), "y", Tensor.of(y, rows, 2));
            for (Map<String, Tensor> params : List.of(
                    Map.of("w", Tensor.of(new float[] {0f, -0f, 1e-30f, 2f, -3e38f, Float.MIN_VALUE}, 2, 3), "b", Tensor.of(new float[] {-0f, 0f}, 2)),
                    Map.of("w", random(DType.F32, shift, 2, 3), "b", random(DType.F32, 20 + shift, 2)))) {
                CompiledModel.Gradients g = want.lossAndGradients(params, batch), h = got.lossAndGradients(params, batch);
                String what = "rows " + rows + ", shift " + shift + ", w " + params.get("w");
                same(g.loss(), h.loss(), what + ": loss");
                for (String p : List.of("w", "b")) same(g.gradients().get(p), h.gradients().get(p), what + ": grad " + p);
            }
        }
    }

    /** A kernel between two members reads the first: the group runs where its first member is, before it. */
    @Test
    void aGroupRunsBeforeAKernelReadingItsFirstMember() {
        String source = """
                model M {
                  input x: f64[N, 2]
                  output s = sum(x, axis = 0)
                  output t = sum(exp(x) * sum(s), axis = 0)
                  output u = max(x * x, axis = 0)
                }
                """;
        CheckedModel m = model(source);
        Map<String, Tensor> in = Map.of("x", random(DType.F64, 9, 300, 2));
        Map<String, Tensor> want = Backend.INTERP.compile(m, null).forward(Map.of(), in);
        for (Backend backend : List.of(Backend.BYTECODE, Backend.JAVA)) {
            Map<String, Tensor> got = backend.compile(m, null).forward(Map.of(), in);
            for (String o : List.of("s", "t", "u")) same(want.get(o), got.get(o), backend + " " + o);
        }
        KernelPlan plan = Scheduler.schedule("M.forward", Pipeline.optimize(EntryPoint.FORWARD.graph(m.graph()), false));
        assertEquals(1, plan.kernels().stream().filter(k -> k instanceof Kernel.Reductions).count(), () -> dev.modelc.compiler.kernel.PlanPrinter.print(plan));
    }

    /** Four sums of long distinct chains: their pass would pass the JIT's method limit, so each stays a kernel of its own. */
    @Test
    void aPassTooLongForTheJitIsNotFormed() {
        StringBuilder source = new StringBuilder("model M {\n  input x: f64[N, 4]\n");
        for (int k = 1; k <= 4; k++) {
            source.append("  output s").append(k).append(" = sum(").append("sin(cos(".repeat(20)).append("x * ").append(k)
                    .append("))".repeat(20)).append(", axis = 0)\n");
        }
        CheckedModel m = model(source.append("}\n").toString());
        KernelPlan plan = Scheduler.schedule("M.forward", Pipeline.optimize(EntryPoint.FORWARD.graph(m.graph()), false));
        assertTrue(plan.kernels().stream().noneMatch(k -> k instanceof Kernel.Reductions), () -> dev.modelc.compiler.kernel.PlanPrinter.print(plan));
        assertEquals(4, plan.kernels().size());
        Map<String, Tensor> in = Map.of("x", random(DType.F64, 10, 200, 4));
        Map<String, Tensor> want = Backend.INTERP.compile(m, null).forward(Map.of(), in);
        Map<String, Tensor> got = Backend.BYTECODE.compile(m, null).forward(Map.of(), in);
        for (String o : want.keySet()) same(want.get(o), got.get(o), o);
    }

    private static void same(Tensor want, Tensor got, String what) {
        assertArrayEquals(want.shape(), got.shape(), what);
        double[] a = want.toDoubleArray(), b = got.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertEquals(Double.doubleToLongBits(a[i]), Double.doubleToLongBits(b[i]), what + "[" + i + "]: " + a[i] + " vs " + b[i]);
        }
    }

    private static void close(Tensor want, Tensor got) {
        double[] a = want.toDoubleArray(), b = got.toDoubleArray();
        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-12 * Math.max(1, Math.abs(a[i])));
    }
}
