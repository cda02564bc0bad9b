package dev.modelc.compiler.properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.modelc.compiler.autodiff.Autodiff;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.backend.bytecode.BytecodeModel;
import dev.modelc.compiler.graph.Emitter;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.GraphBuilder;
import dev.modelc.compiler.graph.GraphPrinter;
import dev.modelc.compiler.graph.ReduceFn;
import dev.modelc.compiler.graph.UnaryFn;
import dev.modelc.compiler.interp.Interpreter;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.PlanPrinter;
import dev.modelc.compiler.kernel.Scheduler;
import dev.modelc.compiler.passes.Pipeline;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.compiler.types.TensorType;
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
 * Sums (and means, maxima, minima) over random axes of broadcast products, and their gradients (sums over the broadcast
 * axes, with kept axes around them), on the compiled backends against the interpreter, bit for
 * bit in f64. {@link BackendProperties} keeps every axis at most 8 long and most at 2 or 3; here
 * axes run up to 7 in up to four dimensions, so every mix of unrolled short loops (at most 4
 * iterations) and real loops, in the kept and in the reduced axes, is reached: issue 12's
 * verification failure lived in exactly such a mix.
 */
class ReductionProperties {
    /** What is summed: the product of the two operands, its square, their sum, or the product transposed. */
    enum Body {
        PRODUCT, SQUARED_PRODUCT, SUM, TRANSPOSED_PRODUCT
    }

    /**
     * {@code a} has shape {@code dims}; {@code b} the same with the axes {@code unitInB} set to 1
     * and the first {@code dropInB} axes left out (broadcast along both); the result reduces the
     * body with {@code fn} over the axes {@code reduced} (all of them when none is chosen),
     * keeping them or not.
     */
    record Case(List<Integer> dims, List<Boolean> unitInB, int dropInB, Body body, ReduceFn fn, List<Boolean> reduced,
                boolean keepdims, int seed) {
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<List<Boolean>> flags = Arbitraries.of(true, false).list().ofSize(4);
        return Combinators.combine(
                Arbitraries.integers().between(1, 7).list().ofMinSize(1).ofMaxSize(4),
                flags, Arbitraries.integers().between(0, 3), Arbitraries.of(Body.class),
                Arbitraries.of(ReduceFn.SUM, ReduceFn.MEAN, ReduceFn.MAX, ReduceFn.MIN), flags,
                Arbitraries.of(true, false), Arbitraries.integers().between(0, 1 << 20))
                .as(Case::new);
    }

    /** The graph: results {@code s} (the reduction), {@code ga} and {@code gb} (gradients of sum(s * v)). */
    private static Graph build(Case c) {
        int rank = c.dims().size();
        List<Dim> da = new ArrayList<>(), db = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            da.add(Dim.of(c.dims().get(i)));
            if (i >= Math.min(c.dropInB(), rank - 1)) db.add(Dim.of(c.unitInB().get(i) ? 1 : c.dims().get(i)));
        }
        Emitter e = new Emitter(new GraphBuilder());
        int a = e.input("a", TensorType.of(DType.F64, new Shape(da)));
        int b = e.input("b", TensorType.of(DType.F64, new Shape(db)));
        int body = switch (c.body()) {
            case PRODUCT -> e.mul(a, b);
            case SQUARED_PRODUCT -> e.unary(UnaryFn.SQUARE, e.mul(a, b));
            case SUM -> e.add(a, b);
            case TRANSPOSED_PRODUCT -> {
                List<Integer> perm = new ArrayList<>();
                for (int i = rank - 1; i >= 0; i--) perm.add(i);
                yield e.transpose(e.mul(a, b), perm);
            }
        };
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < rank; i++) if (c.reduced().get(i)) axes.add(i);
        if (axes.isEmpty()) for (int i = 0; i < rank; i++) axes.add(i);
        int s = e.reduce(c.fn(), body, axes, c.keepdims());
        int v = e.input("v", e.type(s));
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < e.shape(s).rank(); i++) all.add(i);
        int y = e.sum(e.mul(s, v), all, false);
        List<Integer> g = Autodiff.gradients(e, y, List.of(a, b));
        return e.builder().build(List.of(new Graph.Output("s", Graph.Role.OUTPUT, s),
                new Graph.Output("ga", Graph.Role.OUTPUT, g.get(0)), new Graph.Output("gb", Graph.Role.OUTPUT, g.get(1))));
    }

    private static Map<String, Tensor> values(Graph g, int seed) {
        Random r = new Random(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var n : g.nodes()) {
            if (!(n.op() instanceof dev.modelc.compiler.graph.Op.Input in)) continue;
            int[] shape = ExprPrograms.dims(n.type().shape());
            double[] x = new double[Tensor.numel(shape)];
            for (int k = 0; k < x.length; k++) x[k] = r.nextDouble() * 2 - 1;
            out.put(in.name(), Tensor.of(x, shape));
        }
        return out;
    }

    private static void agree(Case c, Backend backend) {
        Graph g = Pipeline.optimize(build(c), false);
        Map<String, Tensor> at = values(g, c.seed());
        List<Tensor> want = Interpreter.results(g, at, Interpreter.Precision.DECLARED, 0);
        KernelPlan plan = Scheduler.schedule("reduction", g);
        List<Tensor> got;
        try {
            got = backend == Backend.BYTECODE ? BytecodeModel.compile(plan, false).run(at, 0) : backend.runOutputs(g, at, null);
        } catch (RuntimeException | LinkageError bad) {
            throw new AssertionError(backend.spelling() + " fails on " + c + ": " + bad + "\n" + GraphPrinter.print(g)
                    + PlanPrinter.print(plan), bad);
        }
        for (int i = 0; i < want.size(); i++) {
            String what = backend.spelling() + ", " + g.outputs().get(i).name() + " of " + c + "\n" + PlanPrinter.print(plan);
            assertArrayEquals(want.get(i).shape(), got.get(i).shape(), what);
            double[] x = want.get(i).toDoubleArray(), y = got.get(i).toDoubleArray();
            for (int k = 0; k < x.length; k++) if (x[k] != y[k]) fail(what + "\n[" + k + "]: " + x[k] + " from the interpreter, " + y[k]);
        }
    }

    @Property(tries = 400)
    void bytecodeSumsEqualTheInterpreter(@ForAll("cases") Case c) {
        agree(c, Backend.BYTECODE);
    }

    /** Fewer: each try runs javac. */
    @Property(tries = 25)
    void javaSumsEqualTheInterpreter(@ForAll("cases") Case c) {
        agree(c, Backend.JAVA);
    }
}
