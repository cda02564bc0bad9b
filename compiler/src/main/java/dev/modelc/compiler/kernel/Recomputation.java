package dev.modelc.compiler.kernel;

import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.graph.UnaryFn;
import java.util.HashSet;
import java.util.Set;

/**
 * Which elementwise nodes read by several kernels {@link Fusion} computes in each of them
 * rather than storing once (fusion by recomputation), and why that is bounded:
 * <ul>
 *   <li><b>cheap</b>: at most {@link #MAX_LETS} functions in the region recomputed (the node and
 *       its producers up to what is stored, counted with repeats), each of them exact
 *       ({@code + - * /}, {@code maximum}, {@code minimum}, comparisons, {@code where}, casts
 *       and the unary functions lanes compute exactly: neg, abs, square, reciprocal, relu,
 *       floor, ...): no transcendental ever runs twice, and an exact function gives the same bits
 *       in a scalar loop and on vector lanes, so every kernel sees the value a stored copy would
 *       have held;</li>
 *   <li><b>no more memory</b>: the region reads at most one stored tensor (scalars and
 *       constants aside), so a kernel that recomputes it loads at most as many bytes as it would
 *       load reading the stored copy, and the producing kernel's store and the slot are saved
 *       ({@code 1 + x * x}, read by a quotient and by its derivative);</li>
 *   <li><b>few copies</b>: at most {@link #MAX_KERNELS} kernels recompute it.</li>
 * </ul>
 * The estimate takes every fusible producer as recomputed with it, an upper bound: a producer
 * stored for other reasons only makes the region smaller. JVM plans only (as row reductions and
 * merged passes): device plans keep their loops as the CUDA goldens pin them.
 */
final class Recomputation {
    /** The most functions one recomputed region holds. */
    static final int MAX_LETS = 4;
    /** The most kernels that recompute one node. */
    static final int MAX_KERNELS = 4;

    private final long[] cost;
    /** The stored tensor the node's region reads, or -1 for none, -2 for several. */
    private final int[] leaf;

    private Recomputation(Graph g) {
        int n = g.size();
        cost = new long[n];
        leaf = new int[n];
        for (Node node : g.nodes()) {
            int id = node.id();
            Op op = node.op();
            if (!isExact(op)) {
                cost[id] = -1;
                leaf[id] = id;
                continue;
            }
            long c = isFunction(op) ? 1 : 0;
            Set<Integer> leaves = new HashSet<>();
            for (int in : node.inputs()) {
                Node input = g.node(in);
                if (isScalar(input.op())) continue;
                if (cost[in] < 0) {
                    leaves.add(in);                     // stored (a source, or not recomputable)
                    continue;
                }
                c += cost[in];
                if (leaf[in] == -2) leaves.add(-2);
                else if (leaf[in] >= 0) leaves.add(leaf[in]);
            }
            cost[id] = Math.min(c, Integer.MAX_VALUE);
            leaf[id] = leaves.isEmpty() ? -1 : leaves.size() == 1 ? leaves.iterator().next() : -2;
        }
    }

    static Recomputation of(Graph g) {
        return new Recomputation(g);
    }

    /** Whether node {@code id}, read by {@code kernels} kernels, is computed in each of them. */
    boolean allows(int id, int kernels) {
        return kernels <= MAX_KERNELS && cost[id] >= 1 && cost[id] <= MAX_LETS && leaf[id] != -2;
    }

    private static boolean isScalar(Op op) {
        return op instanceof Op.Constant c && c.size() == 1 || op instanceof Op.Size;
    }

    private static boolean isFunction(Op op) {
        return op instanceof Op.Unary || op instanceof Op.Binary || op instanceof Op.Where || op instanceof Op.Cast;
    }

    /** Elementwise and exact: the same bits in every loop that computes it (see the class comment). */
    private static boolean isExact(Op op) {
        return switch (op) {
            case Op.Unary u -> u.fn().lanes() == UnaryFn.Lanes.EXACT;
            case Op.Binary b -> switch (b.fn()) {
                case ADD, SUB, MUL, DIV, MAX, MIN, LT, LE, GT, GE, EQ, NE, AND, OR -> true;
                case POW -> false;
            };
            case Op.Where w -> true;
            case Op.Cast c -> true;
            case Op.Alias a -> true;
            case Op.StopGradient s -> true;
            // Not broadcasts, transposes or slices: read in a loop over another shape they
            // would make it step other than flat, which costs more than a load.
            case Op.Constant c -> c.size() == 1;
            case Op.Size s -> true;
            default -> false;
        };
    }
}
