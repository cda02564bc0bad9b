package dev.modelc.compiler.properties;

import static org.junit.jupiter.api.Assertions.fail;

import dev.modelc.runtime.plan.PlanRunner;
import dev.modelc.compiler.backend.bytecode.BytecodeModel;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.GraphPrinter;
import dev.modelc.compiler.interp.Interpreter;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.PlanPrinter;
import dev.modelc.compiler.kernel.Scheduler;
import dev.modelc.compiler.properties.ExprPrograms.Program;
import dev.modelc.runtime.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random graphs (a program's value, gradients and Hessian-vector products, optimized as a model
 * is) run through the scheduler and each compiled backend give the interpreter's results bit
 * for bit, in f64. Exact equality is what the design promises: every fused let rounds as the
 * interpreter's node does, reductions fold in the interpreter's order, every element of a
 * matmul sums over k in order, and the rare ops run the interpreter's own reference kernels.
 * (Only the sign of a zero may differ; the comparison treats -0 and 0 as equal.)
 */
class BackendProperties {
    static final int TRIES = 1000;

    @Provide
    Arbitrary<Program> programs() {
        return ExprPrograms.programs();
    }

    @Property(tries = TRIES)
    void bytecodeBackendMatchesTheInterpreter(@ForAll("programs") Program program) {
        Harness t = new Harness(program);
        Map<String, Tensor> at = t.smoothPoint();
        Assume.that(at != null);
        Graph g = dev.modelc.compiler.passes.Pipeline.optimize(t.graph, false);
        KernelPlan plan = Scheduler.schedule("program", g);
        List<Tensor> want = Interpreter.results(g, at, Interpreter.Precision.DECLARED, 0);
        List<Tensor> got;
        try {
            PlanRunner exec = BytecodeModel.compile(plan, false);
            got = exec.run(at, 0);
        } catch (RuntimeException | LinkageError bad) {
            throw new AssertionError("the bytecode backend fails: " + bad + "\n" + t.describe() + PlanPrinter.print(plan), bad);
        }
        compare(g, plan, want, got, t, "bytecode");
    }

    /**
     * The same programs declared f32: every let still rounds like the interpreter's node, but
     * matmuls accumulate in f32 (as BLAS and PyTorch do) where the interpreter sums in f64 and
     * rounds once, so results agree within 1e-4 of the largest result magnitude (at least 1):
     * a k-term f32 dot product is off by about k * 6e-8 relative, and k <= 48 here.
     */
    @Property(tries = TRIES / 2)
    void bytecodeBackendMatchesTheInterpreterInF32(@ForAll("programs") Program program) {
        Harness t = new Harness(program);
        Map<String, Tensor> at = t.smoothPoint();
        Assume.that(at != null);
        Graph g = toF32(dev.modelc.compiler.passes.Pipeline.optimize(t.graph, false));
        KernelPlan plan = Scheduler.schedule("program", g);
        List<Tensor> want = Interpreter.results(g, at, Interpreter.Precision.DECLARED, 0);
        List<Tensor> got = BytecodeModel.compile(plan, false).run(at, 0);
        compareF32(g, plan, want, got, t, "bytecode");
    }

    /**
     * The same in f32 with {@code jdk.incubator.vector} lanes for the flat loops that fit them:
     * exp, sin and friends ({@code LaneMath}) are within 1 ulp of the scalar path, inside the same tolerance.
     */
    @Property(tries = TRIES / 2)
    void bytecodeBackendWithVectorLanesMatchesTheInterpreterInF32(@ForAll("programs") Program program) {
        Assume.that(dev.modelc.compiler.backend.bytecode.VectorLanes.present());
        Harness t = new Harness(program);
        Map<String, Tensor> at = t.smoothPoint();
        Assume.that(at != null);
        Graph g = toF32(dev.modelc.compiler.passes.Pipeline.optimize(t.graph, false));
        KernelPlan plan = Scheduler.schedule("program", g);
        List<Tensor> want = Interpreter.results(g, at, Interpreter.Precision.DECLARED, 0);
        compareF32(g, plan, want, BytecodeModel.compile(plan, true).run(at, 0), t, "bytecode with lanes");
    }

    private static void compareF32(Graph g, KernelPlan plan, List<Tensor> want, List<Tensor> got, Harness t, String backend) {
        double scale = 1;
        for (Tensor w : want) for (double d : w.toDoubleArray()) if (Double.isFinite(d)) scale = Math.max(scale, Math.abs(d));
        for (int i = 0; i < want.size(); i++) {
            double[] x = want.get(i).toDoubleArray(), y = got.get(i).toDoubleArray();
            for (int k = 0; k < x.length; k++) {
                if (x[k] == y[k] || (Double.isNaN(x[k]) && Double.isNaN(y[k]))) continue;
                if (Math.abs(x[k] - y[k]) > 1e-4 * scale) {
                    fail(backend + ", f32, result '" + g.outputs().get(i).name() + "'[" + k + "]: " + x[k] + " from the interpreter, "
                            + y[k] + " from the backend\n" + t.describe() + PlanPrinter.print(plan));
                }
            }
        }
    }

    /** The graph with every f64 node declared f32. */
    static Graph toF32(Graph g) {
        List<dev.modelc.compiler.graph.Node> nodes = g.nodes().stream().map(n -> n.type().dtype() != dev.modelc.runtime.DType.F64 ? n
                : new dev.modelc.compiler.graph.Node(n.id(), n.op(), n.inputs(), n.type().withDType(dev.modelc.runtime.DType.F32), n.span()))
                .toList();
        return new Graph(nodes, g.outputs());
    }

    /**
     * The Java source backend on the same programs (fewer: each try runs javac). Its loops are
     * the bytecode backend's, printed as Java, so it must match the interpreter bit for bit too.
     */
    @Property(tries = 60)
    void javaSourceBackendMatchesTheInterpreter(@ForAll("programs") Program program) {
        Harness t = new Harness(program);
        Map<String, Tensor> at = t.smoothPoint();
        Assume.that(at != null);
        Graph g = dev.modelc.compiler.passes.Pipeline.optimize(t.graph, false);
        // Both through runOutputs, which compiles the graph as a model and so optimizes it again:
        // a second round can rewrite what the first left (a constant factor taken out of a sum
        // whose operand lost its other use), which moves a rounding, so the interpreter must run
        // the same twice-optimized graph (a run of 2026-12-05 drew such a program: log_softmax, exp2
        // and their gradients, g2 one ulp apart).
        List<Tensor> want = dev.modelc.compiler.backend.Backend.INTERP.runOutputs(g, at, null);
        List<Tensor> got;
        try {
            got = dev.modelc.compiler.backend.Backend.JAVA.runOutputs(g, at, null);
        } catch (RuntimeException bad) {
            throw new AssertionError("the java backend fails: " + bad + "\n" + t.describe(), bad);
        }
        compare(g, Scheduler.schedule("program", g), want, got, t, "java");
    }

    /**
     * The two JVM renderers on the same programs declared f32 (fewer: each try runs javac): both
     * render each let as the kernel IR's {@code Arithmetic} says (float arithmetic or
     * {@code Scalars} in f64 rounded once) and call the same library, so the Java source backend
     * gives the bytecode backend's bits, where the f32 matmuls keep both from the interpreter's.
     */
    @Property(tries = 40)
    void javaSourceBackendMatchesTheBytecodeBackendInF32(@ForAll("programs") Program program) {
        Harness t = new Harness(program);
        Map<String, Tensor> at = t.smoothPoint();
        Assume.that(at != null);
        Graph g = toF32(dev.modelc.compiler.passes.Pipeline.optimize(t.graph, false));
        List<Tensor> bytecode = dev.modelc.compiler.backend.Backend.BYTECODE.runOutputs(g, at, null);
        List<Tensor> java = dev.modelc.compiler.backend.Backend.JAVA.runOutputs(g, at, null);
        for (int i = 0; i < bytecode.size(); i++) {
            double[] x = bytecode.get(i).toDoubleArray(), y = java.get(i).toDoubleArray();
            for (int k = 0; k < x.length; k++) {
                if (Double.doubleToLongBits(x[k]) == Double.doubleToLongBits(y[k]) || (Double.isNaN(x[k]) && Double.isNaN(y[k]))) continue;
                fail("f32, result '" + g.outputs().get(i).name() + "'[" + k + "]: " + x[k] + " from the bytecode backend, "
                        + y[k] + " from the java backend\n" + t.describe() + PlanPrinter.print(Scheduler.schedule("program", g)));
            }
        }
    }

    static void compare(Graph g, KernelPlan plan, List<Tensor> want, List<Tensor> got, Harness t, String backend) {
        for (int i = 0; i < want.size(); i++) {
            Tensor a = want.get(i), b = got.get(i);
            String context = backend + ", result '" + g.outputs().get(i).name() + "'";
            if (!Arrays.equals(a.shape(), b.shape()) || a.dtype() != b.dtype()) {
                fail(context + ": " + a.dtype() + Arrays.toString(a.shape()) + " from the interpreter, "
                        + b.dtype() + Arrays.toString(b.shape()) + " from the backend\n" + t.describe() + PlanPrinter.print(plan));
            }
            double[] x = a.toDoubleArray(), y = b.toDoubleArray();
            for (int k = 0; k < x.length; k++) {
                if (x[k] == y[k] || (Double.isNaN(x[k]) && Double.isNaN(y[k]))) continue;
                fail(context + "[" + k + "]: " + x[k] + " from the interpreter, " + y[k] + " from the backend\n"
                        + t.describe() + "optimized:\n" + GraphPrinter.print(g) + PlanPrinter.print(plan));
            }
        }
    }
}
