package dev.modelc.compiler.backend.bytecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.UnaryFn;
import dev.modelc.compiler.interp.Interpreter;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.PlanPrinter;
import dev.modelc.compiler.kernel.Scheduler;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The op table's {@link UnaryFn.Lanes#EXACT} functions on vector lanes give the interpreter's
 * bits, zeros' signs included, at the values where an emulation would slip (halves, the 2^23
 * boundary, subnormals, infinities, NaN) and at random bit patterns; the others run scalar.
 */
class ExactLanesTest {
    private record Compiled(Graph graph, KernelPlan plan) {
    }

    private static Compiled compile(String expression) {
        Compilation c = Compiler.compile(new SourceFile("lanes.model", """
                model Lanes {
                  input x: f32[N]
                  output y = %s
                }
                """.formatted(expression)));
        assertFalse(c.hasErrors(), c::render);
        CheckedModel m = c.program().orElseThrow().models().getFirst();
        Graph g = EntryPoint.FORWARD.graph(m.graph());
        return new Compiled(g, Scheduler.schedule("Lanes.forward", g));
    }

    static Stream<UnaryFn> exact() {
        return Arrays.stream(UnaryFn.values()).filter(f -> f.lanes() == UnaryFn.Lanes.EXACT);
    }

    @ParameterizedTest
    @MethodSource("exact")
    void exactLanesGiveTheInterpretersBits(UnaryFn fn) {
        onLanesAsTheInterpreter(fn.spelling() + "(x)");
    }

    /** Masks: chosen between by {@code where}, or stored as bools. */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "where(isnan(x), 0.0, x)",
            "where(isfinite(x), floor(x) * 2.0, -x)",
            "isfinite(round(x) / x)",
            "where(x > 0.5, x, -x)",
            "x * f32(x > 0.0)",
            "x >= -1.0",
            "where(x != x, 0.0, x)",
            "f32(x == 0.0) + f32(x < 1.5) * 2.0 - f32(x <= -0.5)",
            "where(abs(x) > 1.0, minimum(x, 1.0), relu(x))",
    })
    void masksGiveTheInterpretersBits(String expression) {
        onLanesAsTheInterpreter(expression);
    }

    private static void onLanesAsTheInterpreter(String expression) {
        assumeTrue(VectorLanes.present(), "the JVM runs without jdk.incubator.vector");
        Compiled c = compile(expression);
        Kernel.Loop loop = c.plan().kernels().stream().filter(k -> k instanceof Kernel.Loop)
                .map(k -> (Kernel.Loop) k).findFirst().orElseThrow();
        assertEquals(1, c.plan().kernels().size(), () -> PlanPrinter.print(c.plan()));
        assertTrue(VectorLanes.fits(loop, c.plan()), () -> expression + " runs on lanes\n" + PlanPrinter.print(c.plan()));
        String fn = expression;
        float[] xs = samples();
        Map<String, Tensor> in = Map.of("x", Tensor.of(xs, xs.length));
        double[] want = Interpreter.results(c.graph(), in, Interpreter.Precision.DECLARED, 0).getFirst().toDoubleArray();
        double[] got = BytecodeModel.compile(c.plan(), true).run(in, 0).getFirst().toDoubleArray();
        for (int i = 0; i < xs.length; i++) {
            int w = Float.floatToIntBits((float) want[i]), g = Float.floatToIntBits((float) got[i]);
            int at = i;
            assertEquals(w, g, () -> fn + " at x = " + xs[at] + ": " + (float) want[at] + " from the interpreter, " + (float) got[at] + " on lanes");
        }
    }

    /**
     * relu's derivative, {@code g * f32(x > 0)}: the backward loop of a relu layer runs on lanes
     * (a comparison as a mask, the mask made 0 or 1) and gives the interpreter's bits.
     */
    @org.junit.jupiter.api.Test
    void reluBackwardRunsOnLanes() {
        assumeTrue(VectorLanes.present(), "the JVM runs without jdk.incubator.vector");
        Compilation c = Compiler.compile(new SourceFile("lanes.model", """
                model Lanes {
                  input x: f32[N]
                  input g: f32[N]
                  output dx = grad(sum(relu(x) * g), x)
                }
                """));
        assertFalse(c.hasErrors(), c::render);
        Graph g = EntryPoint.FORWARD.graph(c.program().orElseThrow().models().getFirst().graph());
        KernelPlan plan = Scheduler.schedule("Lanes.forward", g);
        assertEquals(1, plan.kernels().size(), () -> PlanPrinter.print(plan));
        assertTrue(VectorLanes.fits((Kernel.Loop) plan.kernels().getFirst(), plan), () -> PlanPrinter.print(plan));
        float[] xs = samples(), gs = new float[xs.length];
        for (int i = 0; i < xs.length; i++) gs[i] = xs[(i * 7 + 3) % xs.length];
        Map<String, Tensor> in = Map.of("x", Tensor.of(xs, xs.length), "g", Tensor.of(gs, gs.length));
        double[] want = Interpreter.results(g, in, Interpreter.Precision.DECLARED, 0).getFirst().toDoubleArray();
        double[] got = BytecodeModel.compile(plan, true).run(in, 0).getFirst().toDoubleArray();
        for (int i = 0; i < xs.length; i++) {
            int at = i;
            assertEquals(Float.floatToIntBits((float) want[i]), Float.floatToIntBits((float) got[i]),
                    () -> "dx at x = " + xs[at] + ", g = " + gs[at] + ": " + (float) want[at] + " wanted, " + (float) got[at] + " on lanes");
        }
    }

    @ParameterizedTest
    @EnumSource(value = UnaryFn.class, names = {"ASIN", "ATAN", "RSQRT", "LOG2", "ERF"})
    void functionsWhoseLanesWouldDifferRunScalar(UnaryFn fn) {
        Compiled c = compile(fn.spelling() + "(x)");
        for (Kernel k : c.plan().kernels()) {
            if (k instanceof Kernel.Loop l) assertFalse(VectorLanes.fits(l, c.plan()), () -> fn + " has no lanes");
        }
    }

    /** Special values, halves, the 2^23 boundary, subnormals and random bits: 1,037 of them, so the scalar tail runs too. */
    private static float[] samples() {
        List<Float> v = new ArrayList<>(List.of(0f, -0f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 0.49999997f, -0.49999997f,
                1f, -1f, 0.7f, -0.7f, 3.3f, -3.3f, 8388607.5f, -8388607.5f, 8388608f, -8388608f, 8388609f, 4194303.75f,
                -4194303.25f, 16777215f, 16777216f, 1e-45f, -1e-45f, Float.MIN_NORMAL, -Float.MIN_NORMAL, Float.MAX_VALUE,
                -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0xffc00001)));
        Random r = new Random(6);
        while (v.size() < 600) v.add(Float.intBitsToFloat(r.nextInt()));
        while (v.size() < 1037) v.add((float) (r.nextGaussian() * 20));
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) out[i] = v.get(i);
        return out;
    }
}
