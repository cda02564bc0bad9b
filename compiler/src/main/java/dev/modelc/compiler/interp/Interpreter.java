package dev.modelc.compiler.interp;

import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.graph.SizeSymbols;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.Reference;
import dev.modelc.runtime.exec.Scalars;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference interpreter: runs any graph node by node, the oracle every backend is tested
 * against. It computes in f64 and, in {@link Precision#DECLARED} mode, rounds each f32 node's
 * result to f32, so an f32 model sees f32 rounding after every op (PyTorch's CPU f32 kernels
 * may accumulate differently inside one op, e.g. in a matmul, hence tolerances, not equality).
 */
public final class Interpreter {
    /** Which arithmetic floating nodes get. */
    public enum Precision {
        /** Each node in its own dtype: f32 results are rounded to f32. */
        DECLARED,
        /** Every floating node in f64, whatever it was declared as (for reference comparisons). */
        F64,
        /** Every floating node rounded to f32, whatever it was declared as. */
        F32
    }

    private Interpreter() {
    }

    /**
     * Runs the graph on values for its inputs and params (by name and path); returns every named
     * result. Random initializers draw from {@code seed}, keyed by the result's name.
     */
    public static Map<String, Tensor> run(Graph g, Map<String, Tensor> values, Precision precision, long seed) {
        List<Tensor> results = results(g, values, precision, seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < results.size(); i++) {
            Graph.Output o = g.outputs().get(i);
            String key = switch (o.role()) {
                case OUTPUT -> o.name();
                case LOSS -> "loss";
                case GRADIENT -> "grad:" + o.name();
                case UPDATE -> "update:" + o.name();
                case INITIAL -> "init:" + o.name();
                case STATE -> "state:" + o.name();
            };
            out.put(key, results.get(i));
        }
        return out;
    }

    /** The value of each of the graph's results, in the order of {@link Graph#outputs()}. */
    public static List<Tensor> results(Graph g, Map<String, Tensor> values, Precision precision, long seed) {
        double[][] vals = evaluate(g, values, precision, seed);
        List<Tensor> out = new ArrayList<>();
        DimBindings dims = DimBindings.of(g, values);
        for (Graph.Output o : g.outputs()) {
            Node n = g.node(o.node());
            DType d = !n.type().isFloating() ? n.type().dtype()
                    : switch (precision) {
                        case DECLARED -> n.type().dtype();
                        case F64 -> DType.F64;
                        case F32 -> DType.F32;
                    };
            out.add(Tensor.of(d, dims.eval(n.type().shape()), vals[o.node()]));
        }
        return out;
    }

    /** Evaluates every node. */
    static double[][] evaluate(Graph g, Map<String, Tensor> values, Precision precision, long seed) {
        DimBindings dims = DimBindings.of(g, values);
        int n = g.size();
        double[][] v = new double[n][];
        int[][] shapes = new int[n][];
        boolean[] witness = SizeSymbols.witnesses(g);
        for (Node node : g.nodes()) {
            // A size witness no one reads needs no value: it was only there to bind sizes.
            if (witness[node.id()] && !values.containsKey(SizeSymbols.binder(node).orElseThrow())) continue;
            if (node.op() instanceof Op.Slice s) window(node, s, shapes[node.input(0)], dims);
            if (node.op() instanceof Op.Require r) {
                dev.modelc.runtime.exec.Shapes.require(r.what(), dims.eval(r.count()), r.atLeast(), shapes[node.input(0)]);
            }
            int[] shape = shape(node, dims);
            shapes[node.id()] = shape;
            double[] r = compute(node, v, shapes, shape, values, dims, seed);
            if (r.length != Reference.numel(shape)) {
                throw new IllegalStateException("node %" + node.id() + " (" + node.op().label() + ") computed "
                        + r.length + " values for shape " + java.util.Arrays.toString(shape));
            }
            round(r, node.type().dtype(), precision);
            v[node.id()] = r;
        }
        return v;
    }

    /**
     * A node's shape under the bound sizes; every value is held whole, so one of more than
     * 2^31 - 1 elements (a broadcast a reduction does not simplify away) is refused, naming it.
     */
    private static int[] shape(Node node, DimBindings dims) {
        long numel = 1;
        for (var d : node.type().shape().dims()) {
            long v = dims.eval(d);
            if (v < 0) {
                // A size that shrinks with the input (a convolution's L - 2) under sizes too small for it.
                throw new EvaluationError((node.span() == null ? "" : node.span() + ": ") + "size " + d + " = " + v + " is out of range"
                        + " for the value of " + node.op().label() + " (shape " + node.type().shape() + ")");
            }
            numel = v < 0 || numel > Long.MAX_VALUE / Math.max(1, v) ? Long.MAX_VALUE : numel * v;
        }
        if (numel > Integer.MAX_VALUE) {
            throw new EvaluationError((node.span() == null ? "" : node.span() + ": ") + "the value of " + node.op().label()
                    + " has shape " + node.type().shape() + ": " + (numel == Long.MAX_VALUE ? "more than 2^63" : Long.toString(numel))
                    + " elements, more than the " + Integer.MAX_VALUE + " the interpreter holds in one array");
        }
        return dims.eval(node.type().shape());
    }

    private static void round(double[] r, DType d, Precision p) {
        switch (d) {
            case F32, F64 -> {
                boolean toF32 = p == Precision.F32 || (p == Precision.DECLARED && d == DType.F32);
                if (toF32) for (int i = 0; i < r.length; i++) r[i] = (float) r[i];
            }
            case I32 -> {
                // Wrap around like two's-complement int32 (as NumPy and PyTorch do), not saturate.
                for (int i = 0; i < r.length; i++) r[i] = Scalars.wrapI32(r[i]);
            }
            case BOOL -> {
                for (int i = 0; i < r.length; i++) r[i] = r[i] != 0 ? 1 : 0;
            }
        }
    }

    private static double[] compute(Node node, double[][] v, int[][] shapes, int[] shape,
                                    Map<String, Tensor> values, DimBindings dims, long seed) {
        int size = Reference.numel(shape);
        double[] x = node.inputs().isEmpty() ? null : v[node.input(0)];
        int[] xs = node.inputs().isEmpty() ? null : shapes[node.input(0)];
        return switch (node.op()) {
            case Op.Input i -> bound(values, i.name(), "input", shape);
            case Op.Param p -> bound(values, p.path(), "param", shape);
            case Op.Constant c -> {
                double[] out = new double[size];
                for (int k = 0; k < size; k++) out[k] = c.value(k);
                yield out;
            }
            case Op.Size s -> new double[] {dims.eval(s.dim())};
            case Op.Training m -> throw new IllegalStateException("training reached the interpreter: the graph was not specialized to a mode");
            case Op.Iota i -> {
                double[] out = new double[size];
                for (int k = 0; k < size; k++) out[k] = k;
                yield out;
            }
            case Op.Random r -> Reference.random(r.distribution() == Op.Random.Distribution.NORMAL, r.a(), r.b(),
                    seed, r.stream(), size);
            case Op.Draw r -> Reference.draw(r.normal(), r.site(), seed, node.type().dtype() == DType.F32, size);
            case Op.Unary u -> {
                double[] out = new double[size];
                for (int k = 0; k < size; k++) out[k] = u.fn().apply(x[k]);
                yield out;
            }
            case Op.Binary b -> {
                double[] y = v[node.input(1)];
                double[] out = new double[size];
                for (int k = 0; k < size; k++) out[k] = b.fn().apply(x[k], y[k]);
                yield out;
            }
            case Op.Where w -> {
                double[] a = v[node.input(1)], c = v[node.input(2)];
                double[] out = new double[size];
                for (int k = 0; k < size; k++) out[k] = x[k] != 0 ? a[k] : c[k];
                yield out;
            }
            case Op.Cast c -> {
                double[] out = x.clone();
                if (node.type().dtype() == DType.I32) for (int k = 0; k < size; k++) out[k] = Scalars.toI32(out[k]);
                yield out;
            }
            case Op.StopGradient s -> x.clone();
            case Op.Alias a -> x.clone();
            case Op.Require r -> x.clone(); // checked before the shape is taken, as every plan checks it
            case Op.Reshape r -> x.clone();
            case Op.Broadcast b -> Reference.broadcast(x, xs, shape);
            case Op.Transpose t -> Reference.transpose(x, xs, t.perm());
            case Op.Slice s -> Reference.slice(x, xs, starts(s.starts(), dims), steps(s.steps()), shape);
            case Op.Pad p -> Reference.pad(x, xs, starts(p.starts(), dims), steps(p.steps()), shape);
            case Op.Concat c -> {
                List<double[]> parts = new ArrayList<>();
                List<int[]> partShapes = new ArrayList<>();
                for (int in : node.inputs()) {
                    parts.add(v[in]);
                    partShapes.add(shapes[in]);
                }
                yield Reference.concat(parts, partShapes, c.axis(), shape);
            }
            case Op.Reduce r -> Reference.reduce(Reference.Reduction.valueOf(r.fn().name()), x, xs, r.axes(), size);
            case Op.ArgReduce a -> Reference.argReduce(a.max(), x, xs, a.axis());
            case Op.Softmax s -> Reference.softmax(x, xs, s.axis(), s.log());
            case Op.MatMul m -> Reference.matmul(x, xs, v[node.input(1)], shapes[node.input(1)]);
            case Op.OneHot o -> Reference.oneHot(x, o.classes());
            case Op.IndexSelect i -> Reference.indexSelect(x, xs, v[node.input(1)], shapes[node.input(1)], indexing(node));
            case Op.IndexAdd i -> Reference.indexAdd(x, v[node.input(1)], shapes[node.input(1)], shape, indexing(node));
            case Op.Gather gt -> Reference.gather(x, xs, v[node.input(1)], shapes[node.input(1)], gt.axis(), indexing(node));
            case Op.Conv c -> c.conv().reference(x, xs, v[node.input(1)], shapes[node.input(1)], shape);
            case Op.MaxPool m -> m.pool().reference(x, xs, node.inputs().size() > 1 ? v[node.input(1)] : null);
            case Op.ScatterAdd sa -> Reference.scatterAdd(x, v[node.input(1)], shapes[node.input(1)], sa.axis(), shape, indexing(node));
        };
    }

    /** A constant index or slice on a symbolic axis is refused here, as every plan refuses it, before its shape is taken. */
    private static void window(Node node, Op.Slice s, int[] operand, DimBindings dims) {
        for (int axis = 0; axis < operand.length; axis++) {
            dev.modelc.runtime.exec.Shapes.window(indexing(node), axis, dims.eval(s.starts().get(axis)), s.steps().get(axis),
                    dims.eval(node.type().shape().dim(axis)), operand[axis]);
        }
    }

    private static String indexing(Node node) {
        return dev.modelc.compiler.graph.IndexSite.describe(node.span());
    }

    private static double[] bound(Map<String, Tensor> values, String name, String what, int[] shape) {
        Tensor t = values.get(name);
        if (t == null) throw new EvaluationError("no value for " + what + " '" + name + "'");
        if (!java.util.Arrays.equals(t.shape(), shape)) {
            throw new EvaluationError(what + " '" + name + "' must have shape " + java.util.Arrays.toString(shape)
                    + ", found " + java.util.Arrays.toString(t.shape()));
        }
        return t.toDoubleArray();
    }

    private static long[] starts(List<dev.modelc.compiler.types.Dim> starts, DimBindings dims) {
        long[] out = new long[starts.size()];
        for (int i = 0; i < out.length; i++) out[i] = dims.eval(starts.get(i));
        return out;
    }

    private static long[] steps(List<Long> steps) {
        long[] out = new long[steps.size()];
        for (int i = 0; i < out.length; i++) out[i] = steps.get(i);
        return out;
    }
}
