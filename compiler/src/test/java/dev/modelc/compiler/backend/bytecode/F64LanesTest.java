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
import dev.modelc.compiler.interp.Interpreter;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.PlanPrinter;
import dev.modelc.compiler.kernel.Scheduler;
import dev.modelc.compiler.passes.Pipeline;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * f64 loops on vector lanes ({@code DoubleVector}): flat loops, rows and a merged pass's values.
 * Exact operations give the interpreter's bits, lanes and scalar tail alike (odd lengths). An
 * f64 loop with a {@code CLOSE} function (exp, sin, cos, ...: lanes have them in f32 only,
 * within an ulp, not {@code Math}'s bits), one mixing f32 and f64, or one with floor, ceil, round or trunc (composed of
 * f32 operations on lanes) runs scalar, so f64 results keep the interpreter's bits.
 */
class F64LanesTest {
    private static Graph graph(String source) {
        Compilation c = Compiler.compile(new SourceFile("f64.model", source));
        assertFalse(c.hasErrors(), c::render);
        return Pipeline.optimize(EntryPoint.FORWARD.graph(c.program().orElseThrow().models().getFirst().graph()), false);
    }

    private static KernelPlan plan(Graph g) {
        return Scheduler.schedule("M.forward", g);
    }

    /** Special values and random ones, {@code n} of them. */
    private static double[] samples(int n, long seed) {
        List<Double> v = new ArrayList<>(List.of(0.0, -0.0, 0.5, -0.5, 1.5, -2.5, 1e-310, -Double.MIN_VALUE, Double.MAX_VALUE,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 3.0, -7.25));
        Random r = new Random(seed);
        while (v.size() < n) v.add(v.size() % 5 == 0 ? Double.longBitsToDouble(r.nextLong()) : r.nextGaussian() * 4);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = v.get(i);
        return out;
    }

    private static Kernel.Loop only(KernelPlan p) {
        assertEquals(1, p.kernels().size(), () -> PlanPrinter.print(p));
        return (Kernel.Loop) p.kernels().getFirst();
    }

    /** Exact operations and masks on f64 lanes: the interpreter's bits, with lanes and without, at odd lengths. */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "x * y + x / (1.0 + y * y); 1037",
            "where(x > y, sqrt(abs(x)), -y) - maximum(x, 0.5); 1",
            "relu(x) * f64(y < 0.25) + minimum(x, y); 17",
            "where(isnan(x), 0.0, x) + where(isfinite(y), y, 1.0); 1037",
    })
    void exactF64LanesGiveTheInterpretersBits(String expression, int n) {
        assumeTrue(VectorLanes.present(), "the JVM runs without jdk.incubator.vector");
        Graph g = graph("""
                model M {
                  input x: f64[N]
                  input y: f64[N]
                  output z = %s
                }
                """.formatted(expression));
        KernelPlan p = plan(g);
        assertTrue(VectorLanes.fits(only(p), p), () -> PlanPrinter.print(p));
        assertEquals(DType.F64, VectorLanes.laneType(only(p), p));
        double[] xs = samples(n, 3), ys = samples(n, 4);
        Map<String, Tensor> in = Map.of("x", Tensor.of(xs, n), "y", Tensor.of(ys, n));
        double[] want = Interpreter.results(g, in, Interpreter.Precision.DECLARED, 0).getFirst().toDoubleArray();
        for (boolean lanes : new boolean[] {true, false}) {
            double[] got = BytecodeModel.compile(p, lanes).run(in, 0).getFirst().toDoubleArray();
            for (int i = 0; i < n; i++) {
                int at = i;
                assertEquals(Double.doubleToLongBits(want[i]), Double.doubleToLongBits(got[i]),
                        () -> expression + " at x = " + xs[at] + ", y = " + ys[at] + (lanes ? " on lanes" : " scalar") + ": " + want[at] + " wanted, " + got[at]);
            }
        }
    }

    /** An f64 row loop ({@code x + b} over {@code [B, F]}, {@code b} broadcast per vector) on lanes: the interpreter's bits. */
    @Test
    void f64RowsRunOnLanes() {
        assumeTrue(VectorLanes.present(), "the JVM runs without jdk.incubator.vector");
        Graph g = graph("""
                model M {
                  input x: f64[B, 37]
                  input b: f64[37]
                  output y = relu(x * 2.0 + b)
                }
                """);
        KernelPlan p = plan(g);
        assertTrue(VectorLanes.fitsRows(CollapsedAxes.of(only(p)), p), () -> PlanPrinter.print(p));
        int rows = 5;
        Map<String, Tensor> in = Map.of("x", Tensor.of(samples(rows * 37, 8), rows, 37), "b", Tensor.of(samples(37, 9), 37));
        double[] want = Interpreter.results(g, in, Interpreter.Precision.DECLARED, 0).getFirst().toDoubleArray();
        double[] got = BytecodeModel.compile(p, true).run(in, 0).getFirst().toDoubleArray();
        for (int i = 0; i < want.length; i++) assertEquals(Double.doubleToLongBits(want[i]), Double.doubleToLongBits(got[i]), "at " + i);
    }

    /**
     * A merged pass in f64 of exact operations on lanes: f folded in order in f64 as the scalar
     * pass folds it, dx from the same values, so both are the interpreter's bits (f up to one
     * reduction chunk; past it the chunked sum's); lengths past one chunk and one vector, odd.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 15, 30_011, 200_003})
    void anExactMergedPassInF64OnLanesGivesTheInterpretersBits(int n) {
        assumeTrue(VectorLanes.present(), "the JVM runs without jdk.incubator.vector");
        Graph g = graph("""
                model M {
                  input x: f64[N]
                  output f = sum(sqrt(1 + x * x) * x / (1 + x * x))
                  output dx = grad(f, x)
                }
                """);
        KernelPlan p = plan(g);
        assertTrue(VectorLanes.fitsFold(only(p), p), () -> PlanPrinter.print(p));
        assertSameBits(g, p, n);
    }

    /**
     * Smooth in f64 (exp, sin, cos) stays scalar: lanes' transcendental functions
     * ({@code LaneMath}) are f32 and within an ulp, not {@code Math}'s bits, which f64 results promise.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 15, 30_011})
    void smoothInF64RunsScalarWithTheInterpretersBits(int n) {
        Graph g = graph("""
                model M {
                  input x: f64[N]
                  output f = sum(exp(sin(x)) * x / (1 + x * x))
                  output dx = grad(f, x)
                }
                """);
        KernelPlan p = plan(g);
        for (Kernel k : p.kernels()) {
            if (k instanceof Kernel.Loop l) {
                assertFalse(VectorLanes.fits(l, p) || VectorLanes.fitsFold(l, p), () -> PlanPrinter.print(p));
            }
        }
        assertSameBits(g, p, n);
    }

    private static void assertSameBits(Graph g, KernelPlan p, int n) {
        Random r = new Random(n);
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) xs[i] = r.nextDouble() * 8 - 4;
        Map<String, Tensor> in = Map.of("x", Tensor.of(xs, n));
        List<Tensor> want = Interpreter.results(g, in, Interpreter.Precision.DECLARED, 0);
        List<Tensor> got = BytecodeModel.compile(p, true).run(in, 0);
        double f = want.getFirst().item();
        if (n <= Parallel.REDUCTION_CHUNK) {
            assertEquals(Double.doubleToLongBits(f), Double.doubleToLongBits(got.getFirst().item()), "f");
        } else {
            // Past one chunk the sum is folded chunk by chunk (language.md): the last bits may differ.
            assertEquals(f, got.getFirst().item(), 1e-13 * Math.max(1, Math.abs(f)) * Math.sqrt(n), "f");
        }
        double[] w = want.get(1).toDoubleArray(), d = got.get(1).toDoubleArray();
        for (int i = 0; i < n; i++) {
            int at = i;
            assertEquals(Double.doubleToLongBits(w[i]), Double.doubleToLongBits(d[i]), () -> "dx at x = " + xs[at]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "input x: f64[N]\n output y = floor(x) * 2.0",
            "input x: f64[N]\n input y: f32[N]\n output z = x * f64(y)",
    })
    void mixedOrIntegralF64LoopsRunScalar(String body) {
        KernelPlan p = plan(graph("model M {\n " + body + "\n}\n"));
        for (Kernel k : p.kernels()) {
            if (k instanceof Kernel.Loop l) assertFalse(VectorLanes.fits(l, p), () -> PlanPrinter.print(p));
        }
    }
}
