package dev.modelc.compiler.backend.bytecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.UnaryFn;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.PlanPrinter;
import dev.modelc.compiler.kernel.Scheduler;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.LaneMath;
import dev.modelc.runtime.plan.PlanRunner;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * exp, log, log1p, sin, cos and tanh in f32 loops on lanes ({@code LaneMath}, copied into the
 * loop by {@link LaneMathInliner}): the first call, run by the interpreter, and the calls after
 * C2 compiled the loop give the same bits (with the Vector API's {@code lanewise(EXP)} they did
 * not: {@code Math} per lane until C2, its SVML stubs after), every element the bits of
 * {@code LaneMath}'s scalar twin, lanes and the loop's scalar remainder alike.
 */
class LaneMathLoopsTest {
    /** Elements per call: whole vectors and a remainder on any vector width up to 16. */
    private static final int N = 1024 + 7;

    private static Graph graph(String expression) {
        Compilation c = Compiler.compile(new SourceFile("lanemath.model", """
                model Lanes {
                  input x: f32[N]
                  output y = %s
                }
                """.formatted(expression)));
        assertFalse(c.hasErrors(), c::render);
        return EntryPoint.FORWARD.graph(c.program().orElseThrow().models().getFirst().graph());
    }

    private static float twin(UnaryFn fn, float x) {
        return switch (fn) {
            case EXP -> LaneMath.exp(x);
            case LOG -> LaneMath.log(x);
            case LOG1P -> LaneMath.log1p(x);
            case SIN -> LaneMath.sin(x);
            case COS -> LaneMath.cos(x);
            case TANH -> LaneMath.tanh(x);
            default -> throw new IllegalArgumentException(fn.toString());
        };
    }

    @ParameterizedTest
    @EnumSource(value = UnaryFn.class, names = {"EXP", "LOG", "LOG1P", "SIN", "COS", "TANH"})
    void coldAndCompiledGiveTheSameBits(UnaryFn fn) {
        assumeTrue(VectorLanes.present(), "the JVM runs without jdk.incubator.vector");
        Graph g = graph(fn.spelling() + "(x)");
        KernelPlan plan = Scheduler.schedule("Lanes.forward", g);
        assertEquals(1, plan.kernels().size(), () -> PlanPrinter.print(plan));
        assertTrue(VectorLanes.fits((Kernel.Loop) plan.kernels().getFirst(), plan), () -> PlanPrinter.print(plan));
        Random r = new Random(fn.ordinal());
        float[] xs = new float[N];
        for (int i = 0; i < N; i++) xs[i] = (float) (r.nextDouble() * 20 - 10);
        xs[3] = -0f;
        xs[N - 1] = Float.NaN;
        Map<String, Tensor> in = Map.of("x", Tensor.of(xs, N));
        PlanRunner m = BytecodeModel.compile(plan, true);
        double[] cold = m.run(in, 0).getFirst().toDoubleArray();
        for (int i = 0; i < N; i++) {
            int at = i;
            assertEquals(Float.floatToRawIntBits(twin(fn, xs[i])), Float.floatToRawIntBits((float) cold[i]),
                    () -> fn + "(" + xs[at] + ") at " + at + ": " + (float) cold[at] + " cold, " + twin(fn, xs[at]) + " from the twin");
        }
        double[] warm = null;
        for (int call = 0; call < 3000; call++) warm = m.run(in, 0).getFirst().toDoubleArray();
        for (int i = 0; i < N; i++) {
            int at = i;
            double[] w = warm;
            assertEquals(Double.doubleToRawLongBits(cold[i]), Double.doubleToRawLongBits(w[i]),
                    () -> fn + "(" + xs[at] + ") at " + at + ": " + cold[at] + " cold, " + w[at] + " compiled");
        }
    }

    /** A fused loop of three functions: each within 1 ulp of the scalar path, so the result within a few ulps of its scale. */
    @Test
    void aFusedLoopStaysCloseToTheScalarPath() {
        assumeTrue(VectorLanes.present(), "the JVM runs without jdk.incubator.vector");
        Graph g = graph("exp(x) * sin(x) + cos(x)");
        KernelPlan plan = Scheduler.schedule("Lanes.forward", g);
        assertTrue(VectorLanes.fits((Kernel.Loop) plan.kernels().getFirst(), plan), () -> PlanPrinter.print(plan));
        Random r = new Random(5);
        float[] xs = new float[N];
        for (int i = 0; i < N; i++) xs[i] = (float) (r.nextDouble() * 6 - 3);
        double[] got = BytecodeModel.compile(plan, true).run(Map.of("x", Tensor.of(xs, N)), 0).getFirst().toDoubleArray();
        DoubleUnaryOperator f32 = x -> (float) x;
        for (int i = 0; i < N; i++) {
            float x = xs[i];
            float e = (float) Math.exp(x), s = (float) Math.sin(x), c = (float) Math.cos(x);
            // Each function within 1 ulp, then * and + in f32: within a few ulps of the result's scale.
            float want = e * s + c;
            double scale = Math.abs(e * s) + Math.abs(c);
            assertEquals(want, f32.applyAsDouble(got[i]), 4 * Math.ulp((float) scale), "at x = " + x);
        }
    }
}
