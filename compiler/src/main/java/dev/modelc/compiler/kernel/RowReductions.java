package dev.modelc.compiler.kernel;

import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.graph.ReduceFn;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.runtime.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which reductions fold over the same rows and so share one pass ({@link Kernel.Reductions}): a
 * sum, mean, max or min whose first reduced axis is the rows and whose other axes are a few
 * constant ones, and a matmul whose contraction is over the rows with a small constant result
 * ({@code x.T @ g} with 3 features). A regression step's loss, weight-gradient product and bias
 * sums are one group: the residual they all read is then computed inside that one loop instead
 * of being stored and read three times.
 */
final class RowReductions {
    /** Rows of at most this many (a constant) are not worth a shared pass. */
    static final long FEW_ROWS = 64;
    /** The most result elements one member may have, and terms per row per element. */
    static final long MAX_OUTPUTS = 16, MAX_TERMS = 16;
    /** The most terms per row of a whole group (accumulators times their terms), to keep the loop's method small. */
    static final long MAX_GROUP_TERMS = 64;

    /** A group: its members in graph order; the kernel runs where the last one is. */
    record Group(Dim rows, List<Integer> members) {
        Group {
            members = List.copyOf(members);
        }

        int last() {
            return members.getLast();
        }

        int first() {
            return members.getFirst();
        }
    }

    private RowReductions() {
    }

    /** The candidate groups of a graph (two members at least, none depending on another), before fusion. */
    static List<Group> candidates(Graph g) {
        Map<Dim, List<Integer>> byRows = new LinkedHashMap<>();
        Map<Dim, Long> terms = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            Dim rows = rowsOf(g, n);
            if (rows == null) continue;
            long t = terms(g, n);
            if (terms.getOrDefault(rows, 0L) + t > MAX_GROUP_TERMS) continue;
            terms.merge(rows, t, Long::sum);
            byRows.computeIfAbsent(rows, k -> new ArrayList<>()).add(n.id());
        }
        List<Group> out = new ArrayList<>();
        for (var e : byRows.entrySet()) {
            List<Integer> independent = independent(g, e.getValue());
            if (independent.size() >= 2) out.add(new Group(e.getKey(), independent));
        }
        return out;
    }

    /** The members, dropping each that depends on an earlier kept one (its value would not be ready). */
    private static List<Integer> independent(Graph g, List<Integer> members) {
        boolean[] reaches = new boolean[g.size()];
        List<Integer> kept = new ArrayList<>();
        int next = 0;
        for (Node n : g.nodes()) {
            boolean r = false;
            for (int in : n.inputs()) r |= reaches[in];
            if (next < members.size() && members.get(next) == n.id()) {
                next++;
                if (r) continue;
                kept.add(n.id());
                r = true;
            }
            reaches[n.id()] = r;
        }
        return kept;
    }

    /** The rows a node folds over as a group member, or null when it is not one. */
    static Dim rowsOf(Graph g, Node n) {
        if (!isFloating(n.type().dtype())) return null;
        return switch (n.op()) {
            case Op.Reduce r when r.fn() != ReduceFn.LOGSUMEXP -> {
                Shape in = g.node(n.input(0)).type().shape();
                if (r.axes().isEmpty()) yield null;
                int row = r.axes().stream().mapToInt(Integer::intValue).min().orElseThrow();
                long outputs = 1, terms = 1;
                for (int a = 0; a < in.rank(); a++) {
                    if (a == row) continue;
                    if (!in.dim(a).isConstant()) yield null;
                    if (r.axes().contains(a)) terms *= in.dim(a).constant();
                    else outputs *= in.dim(a).constant();
                }
                yield outputs <= MAX_OUTPUTS && terms <= MAX_TERMS && outputs > 0 && terms > 0 && isMany(in.dim(row)) ? in.dim(row) : null;
            }
            case Op.MatMul m when !Fusion.isSmallContraction(g, n) -> {
                Shape a = g.node(n.input(0)).type().shape(), b = g.node(n.input(1)).type().shape();
                if (a.rank() != 2) yield null;
                Dim rows = a.dim(1), rn = a.dim(0), rm = b.dim(1);
                boolean small = rn.isConstant() && rm.isConstant() && rn.constant() * rm.constant() <= MAX_OUTPUTS
                        && rn.constant() * rm.constant() > 0;
                yield small && isMany(rows) ? rows : null;
            }
            default -> null;
        };
    }

    /** Terms per row a member adds to its group: its accumulators times each one's terms. */
    static long terms(Graph g, Node n) {
        return switch (n.op()) {
            case Op.Reduce r -> {
                Shape in = g.node(n.input(0)).type().shape();
                int row = r.axes().stream().mapToInt(Integer::intValue).min().orElseThrow();
                long t = 1;
                for (int a = 0; a < in.rank(); a++) if (a != row) t *= in.dim(a).constant();
                yield t;
            }
            default -> n.type().shape().numel().constant();
        };
    }

    private static boolean isMany(Dim rows) {
        return !rows.isConstant() || rows.constant() > FEW_ROWS;
    }

    private static boolean isFloating(DType t) {
        return t == DType.F32 || t == DType.F64;
    }
}
