package dev.modelc.compiler.backend.bytecode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.interp.Interpreter;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.PlanPrinter;
import dev.modelc.compiler.kernel.Scheduler;
import dev.modelc.compiler.passes.Pipeline;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fusion's merged passes ({@code Fusion.Merge}): a full reduction and the results over its
 * operand's positions computed in one loop. The reduction folds in the order it folds alone
 * (chunks of 65,536 in order, each in order, in f64), so the merged plan gives the bits of the
 * plan without merges (device plans are scheduled that way) and of the interpreter.
 */
class MergedPassTest {
    private static final String SMOOTH = """
            model Smooth {
              input x: %s[N]
              output f = sum(exp(sin(x)) * x / (1 + x * x))
              output dx = grad(f, x)
            }
            """;

    private static Graph graph(String source) {
        Compilation c = Compiler.compile(new SourceFile("merged.model", source));
        assertFalse(c.hasErrors(), c::render);
        CheckedModel m = c.program().orElseThrow().models().getFirst();
        return Pipeline.optimize(EntryPoint.FORWARD.graph(m.graph()), false);
    }

    private static Tensor random(DType d, long seed, int n) {
        Generator g = Generator.of(seed, "merged");
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = g.nextUniform(-4, 4);
        return Tensor.of(d, new int[] {n}, v);
    }

    private static void sameBits(Tensor want, Tensor got, String what) {
        assertArrayEquals(want.shape(), got.shape(), what);
        double[] w = want.toDoubleArray(), g = got.toDoubleArray();
        for (int i = 0; i < w.length; i++) {
            int at = i;
            assertEquals(Double.doubleToLongBits(w[i]), Double.doubleToLongBits(g[i]),
                    () -> what + " at " + at + ": " + w[at] + " wanted, " + g[at] + " got");
        }
    }

    @Test
    void smoothIsOneLoopReadingXAndWritingDx() {
        KernelPlan plan = Scheduler.schedule("Smooth.forward", graph(SMOOTH.formatted("f32")));
        assertEquals(1, plan.kernels().size(), () -> PlanPrinter.print(plan));
        Kernel.Loop pass = (Kernel.Loop) plan.kernels().getFirst();
        assertTrue(pass.isSplittable(), () -> PlanPrinter.print(plan));
        Kernel.Reduction r = pass.reduction().orElseThrow();
        assertEquals(1, r.each().size());
        int x = plan.buffers().stream().filter(b -> b.name().equals("x")).findFirst().orElseThrow().id();
        assertEquals(List.of(x), pass.reads());
        assertEquals(2, pass.written().size());
        // The device plan keeps the loops apart (its renderer has no stores per position).
        KernelPlan device = Scheduler.schedule("Smooth.forward", graph(SMOOTH.formatted("f32")), false);
        assertTrue(device.kernels().size() > 1, () -> PlanPrinter.print(device));
        for (Kernel k : device.kernels()) {
            if (k instanceof Kernel.Loop l) assertTrue(l.reduction().map(red -> red.each().isEmpty()).orElse(true));
        }
    }

    /** Several chunks and a partial last one: the bits of the interpreter's f32 and f64, scalar, on both JVM backends. */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void mergedPassGivesTheBitsOfThePlanWithoutIt(DType dtype) {
        Graph g = graph(SMOOTH.formatted(dtype.name().toLowerCase()));
        Map<String, Tensor> in = Map.of("x", random(dtype, 3, 3 * 65_536 + 4_099));
        KernelPlan merged = Scheduler.schedule("Smooth.forward", g), apart = Scheduler.schedule("Smooth.forward", g, false);
        assertEquals(1, merged.kernels().size());
        List<Tensor> want = BytecodeModel.compile(apart, false).run(in, 0);
        List<Tensor> got = BytecodeModel.compile(merged, false).run(in, 0);
        List<Tensor> interp = Interpreter.results(g, in, Interpreter.Precision.DECLARED, 0);
        List<Tensor> java = Backend.JAVA.runOutputs(g, in, null);
        for (int i = 0; i < want.size(); i++) {
            String name = merged.results().get(i).output().name();
            sameBits(want.get(i), got.get(i), name + " merged against apart");
            if (name.equals("dx")) {
                sameBits(interp.get(i), got.get(i), name + " against the interpreter");
                sameBits(interp.get(i), java.get(i), name + " on the java backend against the interpreter");
            }
        }
        // The sum: chunks in order on bytecode; one in-order pass on the interpreter and the
        // java backend, so those two agree, and bytecode within rounding of the chunking.
        sameBits(interp.getFirst(), java.getFirst(), "f on the java backend");
        double f = interp.getFirst().item();
        assertEquals(f, got.getFirst().item(), Math.abs(f) * (dtype == DType.F32 ? 1e-6 : 1e-12), "f");
    }

    /**
     * On lanes the pass computes its values as the elementwise loops do (the same vector
     * operations per element) and folds them one by one in order, so with one chunk and one
     * task it gives the plan without merges bit for bit; past that, within f32's tolerance of
     * the interpreter.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 15, 30_011, 200_003})
    void onLanesAsTheLoopsApart(int n) {
        assumeTrue(VectorLanes.present(), "the JVM runs without jdk.incubator.vector");
        Graph g = graph(SMOOTH.formatted("f32"));
        Map<String, Tensor> in = Map.of("x", random(DType.F32, 5, n));
        KernelPlan merged = Scheduler.schedule("Smooth.forward", g), apart = Scheduler.schedule("Smooth.forward", g, false);
        assertTrue(VectorLanes.fitsFold((Kernel.Loop) merged.kernels().getFirst(), merged), () -> PlanPrinter.print(merged));
        List<Tensor> got = BytecodeModel.compile(merged, true).run(in, 0);
        if (n < 32_768) {
            List<Tensor> want = BytecodeModel.compile(apart, true).run(in, 0);
            for (int i = 0; i < want.size(); i++) sameBits(want.get(i), got.get(i), merged.results().get(i).output().name() + " n=" + n);
        }
        List<Tensor> interp = Interpreter.results(g, in, Interpreter.Precision.DECLARED, 0);
        double f = interp.getFirst().item();
        assertEquals(f, got.getFirst().item(), 1e-4 * Math.max(1, Math.abs(f)), "f");
        double[] w = interp.get(1).toDoubleArray(), d = got.get(1).toDoubleArray();
        for (int i = 0; i < w.length; i++) {
            int at = i;
            assertEquals(w[i], d[i], 1e-4 * Math.max(1, Math.abs(w[i])), () -> "dx at " + at);
        }
    }

    /** A result that reads the reduction cannot share its pass; nor can one read at other positions (not flat). */
    @ParameterizedTest
    @ValueSource(strings = {
            "input x: f64[N]\n output m = mean(x)\n output y = x - mean(x)",
            "input x: f64[4, 4]\n output s = sum(x * 2.0)\n output y = x.T * 2.0",
            "input x: f64[N]\n output s = max(exp(x))\n output y = exp(x) + 1.0",
    })
    void mergesOnlyWhereTheyHold(String body) {
        Graph g = graph("model M {\n " + body + "\n}\n");
        KernelPlan plan = Scheduler.schedule("M.forward", g);
        long merged = plan.kernels().stream().filter(k -> k instanceof Kernel.Loop l
                && l.reduction().map(r -> !r.each().isEmpty()).orElse(false)).count();
        assertEquals(body.contains("max(") ? 1 : 0, merged, () -> PlanPrinter.print(plan));
        int n = 70_001;
        Tensor x = body.contains("[4, 4]") ? Tensor.of(DType.F64, new int[] {4, 4}, random(DType.F64, 9, 16).toDoubleArray())
                : random(DType.F64, 9, n);
        Map<String, Tensor> in = Map.of("x", x);
        List<Tensor> want = Interpreter.results(g, in, Interpreter.Precision.DECLARED, 0);
        List<Tensor> got = BytecodeModel.compile(plan, false).run(in, 0);
        for (int i = 0; i < want.size(); i++) {
            String name = plan.results().get(i).output().name();
            // Sums fold 65,536-element chunks in order on bytecode, so they (and what reads
            // them) agree with the interpreter's one pass within rounding; the rest bit for bit.
            if (want.get(i).shape().length == 0 || body.contains("mean")) {
                double[] w = want.get(i).toDoubleArray(), d = got.get(i).toDoubleArray();
                for (int k = 0; k < w.length; k++) assertEquals(w[k], d[k], 1e-12 * Math.max(1, Math.abs(w[k])), name);
            } else {
                sameBits(want.get(i), got.get(i), name);
            }
        }
    }

    /**
     * A merged pass runs where its last member is: a row-reduction group that reads a member
     * must run after it, even when the group's first member comes earlier in the graph (the
     * group is otherwise placed there). Here {@code e} is merged with {@code r}'s sum and the
     * group {@code s}, {@code b} reads {@code e}; run twice with different inputs so that a
     * group reading its slot before the pass writes it cannot pass on the previous run's values.
     */
    @Test
    void aGroupReadingAMergedResultRunsAfterThePass() {
        Graph g = graph("""
                model M {
                  input x: f64[N, 5, 4]
                  input z: f64[N, 3]
                  output e = exp(x)
                  output s = sum(z, axis = 0)
                  output r = sum(x * x)
                  output b = sum(e, axis = [0, 2])
                }
                """);
        KernelPlan plan = Scheduler.schedule("M.forward", g);
        var model = BytecodeModel.compile(plan, false);
        for (long seed : new long[] {5, 6}) {
            Generator gen = Generator.of(seed, "merged");
            double[] xv = new double[100 * 20], zv = new double[100 * 3];
            for (int i = 0; i < xv.length; i++) xv[i] = gen.nextUniform(-2, 2);
            for (int i = 0; i < zv.length; i++) zv[i] = gen.nextUniform(-2, 2);
            Map<String, Tensor> in = Map.of("x", Tensor.of(DType.F64, new int[] {100, 5, 4}, xv),
                    "z", Tensor.of(DType.F64, new int[] {100, 3}, zv));
            List<Tensor> want = Interpreter.results(g, in, Interpreter.Precision.DECLARED, 0);
            List<Tensor> got = model.run(in, 0);
            for (int i = 0; i < want.size(); i++) {
                String name = plan.results().get(i).output().name();
                double[] w = want.get(i).toDoubleArray(), d = got.get(i).toDoubleArray();
                for (int k = 0; k < w.length; k++) {
                    int at = k;
                    assertEquals(w[k], d[k], 1e-12 * Math.max(1, Math.abs(w[k])),
                            () -> name + " at " + at + " (seed " + seed + "):\n" + PlanPrinter.print(plan));
                }
            }
        }
    }
}
