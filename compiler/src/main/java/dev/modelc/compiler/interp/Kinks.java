package dev.modelc.compiler.interp;

import dev.modelc.compiler.graph.BinaryFn;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.graph.ReduceFn;
import dev.modelc.compiler.graph.UnaryFn;
import dev.modelc.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a graph is not smooth: relu, abs and sign (at 0), floor, ceil, trunc and round (at
 * their steps), maximum, minimum and comparisons (where the operands meet), max/min reductions and max pools (where the extreme changes hands). The arguments of
 * these nodes are added to a graph as extra results named {@code kink%<id>}, so one interpreter
 * run gives both the results and what is needed to see how far the point is from every kink
 * ({@link #margin}) and which side of each it is on ({@link #signature}). A finite difference is
 * only meaningful when both of its points are on the same side of every kink as the point.
 *
 * <p>Used by modelc-testing's {@code GradCheck} and by the compiler's own gradient properties
 * (which cannot depend on modelc-testing: it depends on the compiler), so it lives here, once.
 */
public final class Kinks {
    private Kinks() {
    }

    private static final String PREFIX = "kink%";

    public static boolean isKink(Node n) {
        return switch (n.op()) {
            case Op.Unary u -> switch (u.fn()) {
                case RELU, ABS, SIGN, FLOOR, CEIL, ROUND, TRUNC -> true;
                default -> false;
            };
            case Op.Binary b -> switch (b.fn()) {
                case MAX, MIN, LT, LE, GT, GE, EQ, NE -> true;
                default -> false;
            };
            case Op.Reduce r -> r.fn() == ReduceFn.MAX || r.fn() == ReduceFn.MIN;
            case Op.MaxPool m -> true;
            default -> false;
        };
    }

    public static boolean any(Graph g) {
        for (Node n : g.nodes()) if (isKink(n)) return true;
        return false;
    }

    /** {@code g} with the inputs of every kink node as extra results. */
    public static Graph probed(Graph g) {
        List<Graph.Output> outs = new ArrayList<>(g.outputs());
        for (Node n : g.nodes()) {
            if (isKink(n)) for (int in : n.inputs()) outs.add(new Graph.Output(PREFIX + in, Graph.Role.OUTPUT, in));
        }
        return g.withOutputs(outs);
    }

    private static double[] arg(Map<String, Tensor> results, Node n, int i) {
        return results.get(PREFIX + n.input(i)).toDoubleArray();
    }

    /**
     * The smallest distance of a kink argument from its kink at the point {@code results} (of
     * {@link #probed}{@code (g)}) were computed at: |x| for relu, abs and sign; the distance to the nearest step for floor, ceil, trunc and round; |a - b| for
     * maximum, minimum and order comparisons; |extreme - x| for each element of a max or min
     * reduction. Equality tests are left out: only differentiation makes them (where a
     * gradient is exactly zero, where an element is the maximum), and they do not change
     * the value on either side. Distances of exactly zero are skipped too: they come from
     * structure (max(x, x), a padded 0 against a padded 0, a reduction over broadcast copies),
     * where both sides move together; {@link #signature} catches the ties that steps break.
     */
    public static double margin(Graph g, Map<String, Tensor> results, DimBindings dims) {
        double margin = Double.POSITIVE_INFINITY;
        for (Node n : g.nodes()) {
            if (!isKink(n) || n.op() instanceof Op.Binary b && (b.fn() == BinaryFn.EQ || b.fn() == BinaryFn.NE)) {
                continue;
            }
            double[] x = arg(results, n, 0);
            switch (n.op()) {
                case Op.Unary u -> {
                    for (double d : x) margin = closer(margin, Math.abs(d - jump(u.fn(), d)));
                }
                case Op.Binary b -> {
                    double[] y = arg(results, n, 1);
                    for (int k = 0; k < x.length; k++) margin = closer(margin, Math.abs(x[k] - y[k]));
                }
                case Op.Reduce r -> {
                    double[] best = extremes(g, n, r, x, dims);
                    for (int k = 0; k < x.length; k++) margin = closer(margin, Math.abs(best[k] - x[k]));
                }
                case Op.MaxPool m -> margin = Math.min(margin, m.pool().nearestTie(x, dims.eval(g.node(n.input(0)).type().shape())));
                default -> throw new IllegalStateException(n.toString());
            }
        }
        return margin;
    }

    private static double closer(double margin, double d) {
        return d == 0 ? margin : Math.min(margin, d);
    }

    /**
     * Which side of every kink the point is on, as text: the sign of x or a - b, whether
     * a == b for equality tests, whether each element is its group's extreme for reductions.
     */
    public static String signature(Graph g, Map<String, Tensor> results, DimBindings dims) {
        StringBuilder s = new StringBuilder();
        for (Node n : g.nodes()) {
            if (!isKink(n)) continue;
            double[] x = arg(results, n, 0);
            switch (n.op()) {
                case Op.Unary u -> {
                    for (double d : x) {
                        if (steps(u.fn())) s.append(Math.floor(d - jump(u.fn(), 0))).append(',');
                        else s.append(sign(d));
                    }
                }
                case Op.Binary b -> {
                    double[] y = arg(results, n, 1);
                    boolean equality = b.fn() == BinaryFn.EQ || b.fn() == BinaryFn.NE;
                    for (int k = 0; k < x.length; k++) s.append(equality ? (x[k] == y[k] ? '=' : '#') : sign(x[k] - y[k]));
                }
                case Op.Reduce r -> {
                    double[] best = extremes(g, n, r, x, dims);
                    for (int k = 0; k < x.length; k++) s.append(x[k] == best[k] ? '*' : '.');
                }
                case Op.MaxPool m -> {
                    for (int at : m.pool().winners(x, dims.eval(g.node(n.input(0)).type().shape()))) s.append(at).append(',');
                }
                default -> throw new IllegalStateException(n.toString());
            }
            s.append('|');
        }
        return s.toString();
    }

    /** The first kink node whose side differs between two signatures, for messages; -1 when none does. */
    public static int firstDifference(Graph g, String a, String b) {
        String[] pa = a.split("\\|", -1), pb = b.split("\\|", -1);
        int i = 0;
        for (Node n : g.nodes()) {
            if (!isKink(n)) continue;
            if (i >= pa.length || i >= pb.length || !pa[i].equals(pb[i])) return n.id();
            i++;
        }
        return -1;
    }

    /** Whether the function is a staircase (its kinks are at every integer or half-integer). */
    private static boolean steps(UnaryFn fn) {
        return fn == UnaryFn.FLOOR || fn == UnaryFn.CEIL || fn == UnaryFn.ROUND || fn == UnaryFn.TRUNC;
    }

    /** The kink nearest {@code x}: 0 for relu, abs and sign; the nearest integer for floor, ceil, trunc; the nearest half for round. */
    private static double jump(UnaryFn fn, double x) {
        if (!steps(fn)) return 0;
        return fn == UnaryFn.ROUND ? Math.floor(x) + 0.5 : Math.rint(x);
    }

    private static char sign(double d) {
        return d > 0 ? '+' : d < 0 ? '-' : d == 0 ? '0' : '?';
    }

    /** For each element of a max (min) reduction's operand, the max (min) of its group. */
    private static double[] extremes(Graph g, Node n, Op.Reduce r, double[] x, DimBindings dims) {
        int[] shape = dims.eval(g.node(n.input(0)).type().shape());
        int[] group = groups(shape, r.axes());
        boolean max = r.fn() == ReduceFn.MAX;
        Map<Integer, Double> best = new HashMap<>();
        for (int k = 0; k < x.length; k++) best.merge(group[k], x[k], max ? Math::max : Math::min);
        double[] out = new double[x.length];
        for (int k = 0; k < x.length; k++) out[k] = best.get(group[k]);
        return out;
    }

    /** For each element (row-major), the flat index of the group a reduction over {@code axes} puts it in. */
    private static int[] groups(int[] shape, List<Integer> axes) {
        int n = Tensor.numel(shape);
        int[] out = new int[n];
        int[] idx = new int[shape.length];
        for (int k = 0; k < n; k++) {
            int key = 0;
            for (int a = 0; a < shape.length; a++) if (!axes.contains(a)) key = key * shape[a] + idx[a];
            out[k] = key;
            for (int a = shape.length - 1; a >= 0; a--) {
                if (++idx[a] < shape[a]) break;
                idx[a] = 0;
            }
        }
        return out;
    }
}
