package dev.modelc.compiler.properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.PlanPrinter;
import dev.modelc.compiler.kernel.Scheduler;
import dev.modelc.compiler.passes.Pipeline;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Several reductions over the same rows ({@code Kernel.Reductions}) on random shapes: two to
 * four outputs, each a sum, mean, max or min over the rows (or over everything) of a random
 * elementwise body, or the product {@code x.T @ r} over the rows, all reading a shared residual
 * {@code r = x @ w.T - y}. They form one pass, and the compiled backends give the interpreter's
 * bits in f32 and f64: at most {@code Parallel.REDUCTION_CHUNK} rows are one chunk, folded in
 * the interpreter's order.
 */
class RowReductionProperties {
    enum Member {
        SUM_ROWS, MEAN_ALL, MAX_ROWS, MIN_ROWS_KEPT, MEAN_ROWS, PRODUCT
    }

    /** What is reduced: the residual, its square, a function of x, or x squared plus the residual's first column. */
    static final List<String> BODIES = List.of("r", "r * r", "sin(x) - 1", "x * x + r[:, 0:1]");

    record Case(DType dtype, int rows, int a, int b, List<Member> members, List<Integer> bodies, long seed) {
        /** No two outputs alike (equal nodes are one node, and one member is no group). */
        boolean distinct() {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < members.size(); i++) {
                if (!seen.add(members.get(i) + (members.get(i) == Member.PRODUCT ? "" : "/" + bodies.get(i)))) return false;
            }
            return true;
        }

        String source() {
            StringBuilder s = new StringBuilder("model M {\n");
            String t = dtype.spelling();
            s.append("  input x: ").append(t).append("[N, ").append(a).append("]\n");
            s.append("  input y: ").append(t).append("[N, ").append(b).append("]\n");
            s.append("  param w: ").append(t).append('[').append(b).append(", ").append(a).append("] = zeros()\n");
            s.append("  r = x @ w.T - y\n");
            for (int i = 0; i < members.size(); i++) {
                String e = BODIES.get(bodies.get(i));
                s.append("  output o").append(i).append(" = ").append(switch (members.get(i)) {
                    case SUM_ROWS -> "sum(" + e + ", axis = 0)";
                    case MEAN_ALL -> "mean(" + e + ")";
                    case MAX_ROWS -> "max(" + e + ", axis = 0)";
                    case MIN_ROWS_KEPT -> "min(" + e + ", axis = 0, keepdims = true)";
                    case MEAN_ROWS -> "mean(" + e + ", axis = 0)";
                    case PRODUCT -> "x.T @ r";
                }).append('\n');
            }
            return s.append("}\n").toString();
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(Arbitraries.of(DType.F32, DType.F64), Arbitraries.integers().between(0, 3000),
                        Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 4),
                        Arbitraries.of(Member.class).list().ofMinSize(2).ofMaxSize(4),
                        Arbitraries.integers().between(0, BODIES.size() - 1).list().ofSize(4),
                        Arbitraries.longs())
                .as(Case::new)
                .filter(Case::distinct);
    }

    private static void agree(Case c, Backend backend) {
        Compilation comp = Compiler.compile(new SourceFile("rows.model", c.source()));
        assertFalse(comp.hasErrors(), comp::render);
        CheckedModel m = comp.program().orElseThrow().models().getFirst();
        KernelPlan plan = Scheduler.schedule("M.forward", Pipeline.optimize(EntryPoint.FORWARD.graph(m.graph()), false));
        // Every output reads only x, y and w: they are one group, whatever their kinds.
        assertEquals(1, plan.kernels().stream().filter(k -> k instanceof Kernel.Reductions).count(),
                () -> c.source() + PlanPrinter.print(plan));
        Random r = new Random(c.seed());
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("x", random(c.dtype(), r, c.rows(), c.a()));
        inputs.put("y", random(c.dtype(), r, c.rows(), c.b()));
        Map<String, Tensor> params = Map.of("w", random(c.dtype(), r, c.b(), c.a()));
        Map<String, Tensor> want = Backend.INTERP.compile(m, null).forward(params, inputs);
        Map<String, Tensor> got = backend.compile(m, null).forward(params, inputs);
        for (String o : want.keySet()) {
            String what = backend.spelling() + ", " + o + " of\n" + c.source() + "rows " + c.rows() + "\n" + PlanPrinter.print(plan);
            assertArrayEquals(want.get(o).shape(), got.get(o).shape(), what);
            double[] x = want.get(o).toDoubleArray(), y = got.get(o).toDoubleArray();
            for (int k = 0; k < x.length; k++) {
                if (Double.doubleToLongBits(x[k]) != Double.doubleToLongBits(y[k])) {
                    fail(what + "\n[" + k + "]: " + x[k] + " from the interpreter, " + y[k]);
                }
            }
        }
    }

    private static Tensor random(DType t, Random r, int... shape) {
        double[] v = new double[Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = r.nextDouble() * 4 - 2;
        return Tensor.of(t, shape, v);
    }

    @Property(tries = 150)
    void bytecodeRowReductionsEqualTheInterpreter(@ForAll("cases") Case c) {
        agree(c, Backend.BYTECODE);
    }

    /** Fewer: each try runs javac. */
    @Property(tries = 15)
    void javaRowReductionsEqualTheInterpreter(@ForAll("cases") Case c) {
        agree(c, Backend.JAVA);
    }
}
