package dev.modelc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.autodiff.Autodiff;
import dev.modelc.compiler.graph.Emitter;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.GraphBuilder;
import dev.modelc.compiler.graph.GraphVerifier;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.graph.ReduceFn;
import dev.modelc.compiler.graph.UnaryFn;
import dev.modelc.compiler.interp.Interpreter;
import dev.modelc.compiler.types.Shape;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each stability rewrite, proven necessary: the naive graph (built without the rewriting
 * emitter) gives inf or NaN at inputs where the rewritten one gives the right finite value.
 */
class StabilityRewritesTest {
    private static final TensorType ROW = TensorType.of(DType.F64, Shape.of(1, 3));
    private static final double[] EXTREME = {800, 0, -800};

    /** A graph {@code y = f(x)} built node by node with the builder, so no rewrite applies. */
    private static Graph naive(UnaryFn outer, Op inner, Op middle) {
        GraphBuilder b = new GraphBuilder();
        int x = b.add(new Op.Input("x"), ROW, null);
        int m = middle == null ? x : b.add(middle, ROW, null, x);
        int i = b.add(inner, inner instanceof Op.Reduce ? TensorType.of(DType.F64, Shape.of(1, 1)) : ROW, null, m);
        int y = b.add(new Op.Unary(outer), b.type(i), null, i);
        return GraphVerifier.verify(b.build(List.of(new Graph.Output("y", Graph.Role.OUTPUT, y))));
    }

    private static double[] run(Graph g) {
        return Interpreter.run(g, Map.of("x", Tensor.of(EXTREME, 1, 3)), Interpreter.Precision.F64, 0).get("y").toDoubleArray();
    }

    private static boolean finite(double[] v) {
        return Arrays.stream(v).allMatch(Double::isFinite);
    }

    @Test
    void logOfSoftmaxBecomesLogSoftmax() {
        Graph g = naive(UnaryFn.LOG, new Op.Softmax(1, false), null);
        assertFalse(finite(run(g)), "the naive form should underflow to log(0)");
        double[] fixed = run(StabilityRewrites.run(g));
        assertTrue(finite(fixed));
        assertEquals(0, fixed[0], 1e-12);
        assertEquals(-1600, fixed[2], 1e-9);
    }

    @Test
    void logOfSigmoidBecomesMinusSoftplus() {
        Graph g = naive(UnaryFn.LOG, new Op.Unary(UnaryFn.SIGMOID), null);
        assertFalse(finite(run(g)));
        double[] fixed = run(StabilityRewrites.run(g));
        assertEquals(-800, fixed[2], 1e-9);
        assertEquals(-Math.log(2), fixed[1], 1e-15);
        assertEquals(0, fixed[0], 1e-12);
    }

    @Test
    void logOfSumOfExpBecomesLogsumexp() {
        Graph g = naive(UnaryFn.LOG, new Op.Reduce(ReduceFn.SUM, List.of(1), true), new Op.Unary(UnaryFn.EXP));
        assertFalse(finite(run(g)), "exp(800) should overflow");
        double[] fixed = run(StabilityRewrites.run(g));
        assertEquals(800, fixed[0], 1e-9);
    }

    @Test
    void crossEntropyOnSoftmaxHasTheFusedStableGradient() {
        // loss = -sum(t * log(softmax(z))): built through the emitter, the log becomes log_softmax
        // before differentiation, so dloss/dz = softmax(z) - t even where softmax underflows.
        GraphBuilder b = new GraphBuilder();
        Emitter e = new Emitter(b);
        int z = e.input("z", ROW);
        int t = e.constant(new double[] {0, 0, 1}, ROW);
        int loss = e.neg(e.sum(e.mul(t, e.unary(UnaryFn.LOG, e.softmax(z, 1, false))), List.of(0, 1), false));
        int grad = Autodiff.gradients(e, loss, List.of(z)).getFirst();
        Graph g = GraphVerifier.verify(b.build(List.of(new Graph.Output("loss", Graph.Role.OUTPUT, loss),
                new Graph.Output("g", Graph.Role.OUTPUT, grad))));
        Map<String, Tensor> r = Interpreter.run(g, Map.of("z", Tensor.of(EXTREME, 1, 3)), Interpreter.Precision.F64, 0);
        assertEquals(1600, r.get("loss").item(), 1e-9);
        assertTrue(finite(r.get("g").toDoubleArray()));
        double[] want = {1, 0, -1}; // softmax(z) - t with softmax = (1, 0, 0) to within e^-800
        double[] got = r.get("g").toDoubleArray();
        for (int i = 0; i < 3; i++) assertEquals(want[i], got[i], 1e-12);
    }
}
