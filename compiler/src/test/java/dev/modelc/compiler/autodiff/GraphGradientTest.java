package dev.modelc.compiler.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.modelc.compiler.graph.BinaryFn;
import dev.modelc.compiler.graph.Emitter;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.GraphBuilder;
import dev.modelc.compiler.graph.GraphVerifier;
import dev.modelc.compiler.graph.ReduceFn;
import dev.modelc.compiler.graph.UnaryFn;
import dev.modelc.compiler.interp.Interpreter;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Differentiation on hand-built graphs, checked against central finite differences in f64.
 * Step 1e-5: truncation error ~h^2 f''' ~ 1e-10, rounding ~1e-16/h ~ 1e-11; tolerance 1e-6
 * relative leaves a wide margin while still catching any wrong rule.
 */
class GraphGradientTest {
    private static final Dim N = Dim.symbol("N");
    private static final TensorType X = TensorType.of(DType.F64, Shape.of(N, Dim.of(3)));
    private static final double[] POINT = {0.3, -1.2, 2.0, 0.7, 1.5, -0.4};
    private static final int[] SHAPE = {2, 3};

    /** Builds a scalar function of x. */
    @FunctionalInterface
    interface Body {
        int build(Emitter e, int x);
    }

    private record Built(Graph graph, int y, int g) {
    }

    private static Built build(Body body, boolean second) {
        GraphBuilder gb = new GraphBuilder();
        Emitter e = new Emitter(gb);
        int x = e.input("x", X);
        int y = body.build(e, x);
        int g = Autodiff.gradients(e, y, List.of(x)).getFirst();
        int out = g;
        if (second) {
            // Hessian-vector product: d/dx <grad f(x), v> with v = x's own values' signs pattern
            int v = e.input("v", X);
            int dot = e.sum(e.mul(g, v), List.of(0, 1), false);
            out = Autodiff.gradients(e, dot, List.of(x)).getFirst();
        }
        Graph graph = GraphVerifier.verify(gb.build(List.of(
                new Graph.Output("y", Graph.Role.OUTPUT, y), new Graph.Output("g", Graph.Role.OUTPUT, g),
                new Graph.Output("out", Graph.Role.OUTPUT, out))));
        return new Built(graph, y, out);
    }

    private static Map<String, Tensor> run(Graph g, double[] x, double[] v) {
        return Interpreter.run(g, Map.of("x", Tensor.of(x, SHAPE), "v", Tensor.of(v, SHAPE)), Interpreter.Precision.F64, 0);
    }

    private static void check(Body body) {
        Graph graph = build(body, false).graph();
        double[] v = new double[POINT.length];
        double[] grad = run(graph, POINT, v).get("g").toDoubleArray();
        double h = 1e-5;
        for (int i = 0; i < POINT.length; i++) {
            double[] plus = POINT.clone(), minus = POINT.clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (run(graph, plus, v).get("y").item() - run(graph, minus, v).get("y").item()) / (2 * h);
            assertEquals(fd, grad[i], 1e-6 * Math.max(1, Math.abs(fd)), "d/dx[" + i + "]\n" + graph);
        }
    }

    /** Hessian-vector products against finite differences of the gradient. */
    private static void checkSecond(Body body) {
        Graph graph = build(body, true).graph();
        double[] v = {1, -0.5, 0.25, 2, 0, -1};
        double[] hv = run(graph, POINT, v).get("out").toDoubleArray();
        double h = 1e-5;
        double[] plus = POINT.clone(), minus = POINT.clone();
        for (int i = 0; i < POINT.length; i++) {
            plus[i] += h * v[i];
            minus[i] -= h * v[i];
        }
        double[] gp = run(graph, plus, v).get("g").toDoubleArray(), gm = run(graph, minus, v).get("g").toDoubleArray();
        for (int i = 0; i < POINT.length; i++) {
            double fd = (gp[i] - gm[i]) / (2 * h);
            assertEquals(fd, hv[i], 1e-5 * Math.max(1, Math.abs(fd)), "(Hv)[" + i + "]");
        }
    }

    private static int all(Emitter e, int x) {
        return e.sum(x, List.of(0, 1), false);
    }

    private static int c(Emitter e, double v) {
        return e.full(v, DType.F64, Shape.SCALAR);
    }

    private static final Body CHAIN = (e, x) -> {
        // sum(exp(sin(x)) * x / (1 + x*x)) + mean(sqrt(abs(x) + 1))
        int a = e.div(e.mul(e.unary(UnaryFn.EXP, e.unary(UnaryFn.SIN, x)), x), e.add(c(e, 1), e.mul(x, x)));
        int b = e.reduce(ReduceFn.MEAN, e.unary(UnaryFn.SQRT, e.add(e.unary(UnaryFn.ABS, x), c(e, 1))), List.of(0, 1), false);
        return e.add(all(e, a), b);
    };

    @Test
    void elementwiseChain() {
        check(CHAIN);
        checkSecond(CHAIN);
    }

    @Test
    void everyUnaryFunction() {
        for (UnaryFn fn : List.of(UnaryFn.NEG, UnaryFn.EXP, UnaryFn.LOG1P, UnaryFn.SQUARE, UnaryFn.SIN, UnaryFn.COS,
                UnaryFn.TANH, UnaryFn.SIGMOID, UnaryFn.SOFTPLUS, UnaryFn.RELU, UnaryFn.ABS)) {
            Body b = (e, x) -> all(e, e.mul(e.unary(fn, e.scale(0.7, e.add(x, c(e, 0.05)))), x));
            check(b);
            if (fn != UnaryFn.RELU && fn != UnaryFn.ABS) checkSecond(b);
        }
        Body logs = (e, x) -> all(e, e.add(e.unary(UnaryFn.LOG, e.mul(x, x)),
                e.unary(UnaryFn.RECIPROCAL, e.add(e.mul(x, x), c(e, 1)))));
        check(logs);
        checkSecond(logs);
    }

    @Test
    void broadcastingReductionsAndShapes() {
        Body b = (e, x) -> {
            int w = e.full(0.5, DType.F64, Shape.of(3));
            int col = e.reduce(ReduceFn.MEAN, x, List.of(1), true);                 // [N, 1]
            int z = e.mul(e.add(x, w), e.sub(x, col));                              // broadcast both ways
            int t = e.transpose(z, List.of(1, 0));                                   // [3, N]
            int r = e.reshape(t, Shape.of(N.times(Dim.of(3))));
            int m = e.reduce(ReduceFn.MAX, e.reshape(x, Shape.of(N.times(Dim.of(3)))), List.of(0), false);
            int lse = e.reduce(ReduceFn.LOGSUMEXP, x, List.of(1), false);
            return e.add(e.add(e.sum(e.unary(UnaryFn.SIN, r), List.of(0), false), m), e.sum(lse, List.of(0), false));
        };
        check(b);
        checkSecond(b);
    }

    @Test
    void softmaxMatmulSliceConcat() {
        Body b = (e, x) -> {
            int s = e.softmax(x, 1, false);
            int ls = e.softmax(x, 0, true);
            int w = e.constant(new double[] {1, 2, -1, 0.5, 0.3, -2}, TensorType.of(DType.F64, Shape.of(3, 2)));
            int mm = e.matmul(x, w);                                                  // [N, 2]
            int sl = e.slice(x, List.of(Dim.of(0), Dim.of(1)), List.of(1L, 1L), Shape.of(N, Dim.of(2)));
            int cat = e.concat(List.of(sl, mm), 1);                                    // [N, 4]
            int where = e.where(e.binary(BinaryFn.GT, x, c(e, 0)), e.mul(x, x), e.neg(x));
            int mx = e.binary(BinaryFn.MAX, x, e.scale(0.5, e.unary(UnaryFn.COS, x)));
            int p = e.binary(BinaryFn.POW, e.add(e.mul(x, x), c(e, 1)), e.scale(0.5, e.add(x, c(e, 3))));
            return e.add(e.add(e.add(all(e, e.mul(s, x)), all(e, ls)), all(e, e.unary(UnaryFn.TANH, cat))),
                    e.add(all(e, e.add(where, mx)), all(e, p)));
        };
        check(b);
        checkSecond(b);
    }

    @Test
    void stopGradientAndUnreachableInputsGiveNoGradient() {
        GraphBuilder gb = new GraphBuilder();
        Emitter e = new Emitter(gb);
        int x = e.input("x", X);
        int z = e.input("z", X);
        int y = e.sum(e.unary(UnaryFn.EXP, z), List.of(0, 1), false);
        assertNull(Autodiff.gradients(e, y, List.of(x)).getFirst());
        int s = e.sum(e.mul(e.stopGradient(x), z), List.of(0, 1), false);
        assertNull(Autodiff.gradients(e, s, List.of(x)).getFirst());
    }

    @Test
    void maskedSqrtAndLogDoNotPoisonTheGradient() {
        // where(x > 0, sqrt(x), 0) at x <= 0: the naive rule gives 0 * (1 / (2 sqrt x)) = NaN.
        Body b = (e, x) -> all(e, e.where(e.binary(BinaryFn.GT, x, c(e, 0)),
                e.add(e.unary(UnaryFn.SQRT, x), e.unary(UnaryFn.LOG, x)), e.full(0, X)));
        Graph graph = build(b, false).graph();
        double[] g = run(graph, new double[] {-1, 0, 4, -2, 1, 0}, new double[6]).get("g").toDoubleArray();
        for (double v : g) assertFalse(Double.isNaN(v), "NaN in " + java.util.Arrays.toString(g));
        assertEquals(0.25 + 0.25, g[2], 1e-12);
        assertEquals(0, g[0]);
    }

    @Test
    void aLongChainDifferentiatesWithoutRecursion() {
        GraphBuilder gb = new GraphBuilder();
        Emitter e = new Emitter(gb);
        int x = e.input("x", X);
        int a = x;
        for (int i = 0; i < 20_000; i++) a = e.add(e.scale(0.999, a), e.unary(UnaryFn.SIN, x));
        int y = all(e, a);
        int g = Autodiff.gradients(e, y, List.of(x)).getFirst();
        Graph graph = GraphVerifier.verify(gb.build(List.of(new Graph.Output("g", Graph.Role.OUTPUT, g))));
        double[] grad = Interpreter.run(graph, Map.of("x", Tensor.of(POINT, SHAPE)), Interpreter.Precision.F64, 0)
                .get("g").toDoubleArray();
        // y = sum(x * 0.999^n + sin(x) * sum_k 0.999^k): dy/dx = 0.999^n + cos(x) * (1 - 0.999^n) / 0.001
        double decay = Math.pow(0.999, 20_000);
        for (int i = 0; i < POINT.length; i++) {
            double want = decay + Math.cos(POINT[i]) * (1 - decay) / 0.001;
            assertEquals(want, grad[i], 1e-9 * Math.abs(want) + 1e-9);
        }
    }
}
