package dev.modelc.compiler.passes;

import dev.modelc.compiler.graph.BinaryFn;
import dev.modelc.compiler.graph.Emitter;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.graph.ReduceFn;
import dev.modelc.compiler.graph.UnaryFn;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Identities that shrink the graph without changing any value, NaN and infinity included
 * (so no {@code x * 0 -> 0}). Each rule is one case, with the identity as its comment. Run it
 * on a differentiated graph: {@code stop_gradient} has done its work there and becomes the
 * identity.
 */
public final class AlgebraicSimplification {
    private AlgebraicSimplification() {
    }

    public static Graph run(Graph g) {
        return Rewrite.apply(g, AlgebraicSimplification::simplify);
    }

    private static boolean isFill(Emitter e, int id, double v) {
        return e.builder().node(id).op() instanceof Op.Constant c && c.size() == 1 && Double.compare(c.value(0), v) == 0;
    }

    private static Node node(Emitter e, int id) {
        return e.builder().node(id);
    }

    static Integer simplify(Node n, List<Integer> in, Emitter e) {
        return switch (n.op()) {
            case Op.Binary b -> binary(b, in.get(0), in.get(1), e);
            case Op.Unary u -> {
                Node x = node(e, in.getFirst());
                if (u.fn() == UnaryFn.NEG && x.op() instanceof Op.Unary v && v.fn() == UnaryFn.NEG) {
                    yield x.input(0);                                                  // -(-x) -> x
                }
                yield null;
            }
            case Op.Where w -> {
                if (in.get(1).equals(in.get(2))) yield in.get(1);                      // where(m, x, x) -> x
                if (node(e, in.getFirst()).op() instanceof Op.Constant c && c.size() == 1) {
                    yield c.value(0) != 0 ? in.get(1) : in.get(2);                     // where(true, a, b) -> a; where(false, a, b) -> b
                }
                yield null;
            }
            case Op.StopGradient s -> in.getFirst();                                   // stop_gradient(x) -> x, after differentiation
            case Op.Alias a -> in.getFirst();                                          // alias(x) -> x, after differentiation
            case Op.Require r -> null;                                                 // kept: the plan checks it
            case Op.Cast c -> node(e, in.getFirst()).type().dtype() == n.type().dtype() ? in.getFirst() : null;
            case Op.Reshape r -> {
                Node x = node(e, in.getFirst());
                if (x.type().shape().equals(n.type().shape())) yield in.getFirst();   // reshape to the same shape -> x
                if (x.op() instanceof Op.Reshape) yield e.reshape(x.input(0), n.type().shape()); // reshape(reshape(x)) -> reshape(x)
                if (x.op() instanceof Op.Constant c && c.size() == 1) yield e.full(c.value(0), n.type());
                yield null;
            }
            case Op.Broadcast bc -> {
                Node x = node(e, in.getFirst());
                if (x.type().shape().equals(n.type().shape())) yield in.getFirst();
                if (x.op() instanceof Op.Broadcast) yield e.broadcast(x.input(0), n.type().shape()); // broadcast(broadcast(x)) -> broadcast(x)
                if (x.op() instanceof Op.Constant c && c.size() == 1) yield e.full(c.value(0), n.type()); // broadcast(fill v) -> fill v
                yield null;
            }
            case Op.Transpose t -> {
                Node x = node(e, in.getFirst());
                if (x.op() instanceof Op.Transpose inner) {                             // transpose(transpose(x, p), q) -> transpose(x, p[q])
                    List<Integer> composed = new ArrayList<>();
                    for (int q : t.perm()) composed.add(inner.perm().get(q));
                    yield e.transpose(x.input(0), composed);
                }
                yield null;
            }
            case Op.Reduce r -> {
                Integer x = sumOfBroadcast(n, r, in.getFirst(), e);
                yield x != null ? x : scaledReduction(r, in.getFirst(), e);
            }
            case Op.MatMul m -> scaledProduct(in, e);
            default -> null;
        };
    }

    /** The scalar a node merely repeats (a broadcast scalar or a fill), or null. */
    private static Integer scalarSource(Emitter e, int id) {
        Node n = node(e, id);
        if (n.type().isScalar()) return id;
        if (n.op() instanceof Op.Broadcast && node(e, n.input(0)).type().isScalar()) return n.input(0);
        if (n.op() instanceof Op.Constant c && c.size() == 1) return e.full(c.value(0), n.type().withShape(Shape.SCALAR));
        return null;
    }

    // Written as ifs, not ?: chains: a chain mixing int and null unboxes the null.
    private static Integer binary(Op.Binary b, int x, int y, Emitter e) {
        Integer sx = scalarSource(e, x), sy = scalarSource(e, y);
        if (sx != null && sy != null && !node(e, x).type().isScalar()) {
            return e.broadcast(e.binary(b.fn(), sx, sy), node(e, x).type().shape());  // f(bcast a, bcast b) -> bcast f(a, b)
        }
        switch (b.fn()) {
            case ADD -> {
                if (isFill(e, y, 0)) return x;                                        // x + 0 -> x
                if (isFill(e, x, 0)) return y;                                        // 0 + x -> x
                if (node(e, y).op() instanceof Op.Unary u && u.fn() == UnaryFn.NEG) {
                    return e.sub(x, node(e, y).input(0));                             // x + (-y) -> x - y
                }
            }
            case SUB -> {
                if (isFill(e, y, 0)) return x;                                        // x - 0 -> x
                if (isFill(e, x, 0)) return e.neg(y);                                 // 0 - y -> -y
            }
            case MUL -> {
                if (isFill(e, y, 1)) return x;                                        // x * 1 -> x
                if (isFill(e, x, 1)) return y;                                        // 1 * x -> x
                if (isFill(e, y, -1)) return e.neg(x);                                // x * -1 -> -x
                if (isFill(e, x, -1)) return e.neg(y);                                // -1 * x -> -x
            }
            case DIV -> {
                if (isFill(e, y, 1)) return x;                                        // x / 1 -> x
            }
            case POW -> {
                if (isFill(e, y, 1)) return x;                                        // x ** 1 -> x
                if (isFill(e, y, 2)) return e.unary(UnaryFn.SQUARE, x);               // x ** 2 -> square(x)
            }
            default -> {
            }
        }
        return null;
    }

    /**
     * A scalar factor of a matmul operand moves to the product: {@code a @ (s * b)} ->
     * {@code (a @ b) * s}. A gradient scaled by {@code 2 / numel} is then scaled once per result
     * element rather than once per row, and the scaled copy need not be stored. (The result
     * rounds differently, by an ulp or so, like any reassociation.)
     */
    private static Integer scaledProduct(List<Integer> in, Emitter e) {
        for (int i = 0; i < 2; i++) {
            Node operand = node(e, in.get(i));
            if (!(operand.op() instanceof Op.Binary b) || b.fn() != BinaryFn.MUL) continue;
            for (int side = 0; side < 2; side++) {
                Integer factor = scalarSource(e, operand.input(side));
                if (factor == null || node(e, operand.input(1 - side)).type().isScalar()) continue;
                int other = operand.input(1 - side);
                int product = i == 0 ? e.matmul(other, in.get(1)) : e.matmul(in.get(0), other);
                return e.mul(product, factor);
            }
        }
        return null;
    }

    /** {@code sum(s * x)} -> {@code sum(x) * s} and the same for mean, for a scalar {@code s}. */
    private static Integer scaledReduction(Op.Reduce r, int input, Emitter e) {
        if (r.fn() != ReduceFn.SUM && r.fn() != ReduceFn.MEAN) return null;
        Node x = node(e, input);
        if (!(x.op() instanceof Op.Binary b) || b.fn() != BinaryFn.MUL) return null;
        for (int side = 0; side < 2; side++) {
            Integer factor = scalarSource(e, x.input(side));
            if (factor == null || node(e, x.input(1 - side)).type().isScalar()) continue;
            return e.mul(e.reduce(r.fn(), x.input(1 - side), r.axes(), r.keepdims()), factor);
        }
        return null;
    }

    /**
     * A reduction of a broadcast over at least the stretched axes reduces the operand instead:
     * sum(broadcast(x)) -> sum(x over the other reduced axes) * (number of copies); mean, max
     * and min of a known, nonzero number of copies are those of x. Every gradient of a
     * broadcast-then-reduce makes the pattern, and a broadcast can make a virtual tensor far
     * larger than memory (or than an int can index: [N, 3, 3e9] from [N, 3, 1]) that the
     * reduction then never visits.
     */
    private static Integer sumOfBroadcast(Node n, Op.Reduce r, int input, Emitter e) {
        Node b = node(e, input);
        if (r.fn() == ReduceFn.LOGSUMEXP || !(b.op() instanceof Op.Broadcast)) return null;
        Shape from = node(e, b.input(0)).type().shape(), to = b.type().shape();
        int lead = to.rank() - from.rank();
        Dim copies = Dim.of(1);
        List<Integer> operandAxes = new ArrayList<>();
        for (int i = 0; i < to.rank(); i++) {
            boolean stretched = i < lead || (from.dim(i - lead).isConstant(1) && !to.dim(i).isConstant(1));
            boolean reduced = r.axes().contains(i);
            if (stretched && !reduced) return null;
            if (stretched) copies = copies.times(to.dim(i));
            if (reduced && i >= lead) operandAxes.add(i - lead);
        }
        // Over no copies at all a mean is NaN and a max -inf whatever x is: only a known number of copies.
        if (r.fn() != ReduceFn.SUM && !(copies.isConstant() && copies.constant() > 0)) return null;
        int x = e.reshape(e.reduce(r.fn(), b.input(0), operandAxes, r.keepdims()), n.type().shape());
        return r.fn() != ReduceFn.SUM || copies.isConstant(1) ? x : e.mul(x, e.size(copies, n.type().dtype()));
    }
}
