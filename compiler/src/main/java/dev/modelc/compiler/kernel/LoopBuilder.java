package dev.modelc.compiler.kernel;

import dev.modelc.compiler.graph.BinaryFn;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.graph.ReduceFn;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.modelc.runtime.DType;

/**
 * Builds the loop of one stored node: the node's value at the loop's position, with every
 * fused producer inlined as lets. A producer is asked for at a position given per axis as an
 * {@link Affine} of the loop variables; broadcasts, transposes, slices and reshapes only
 * rewrite that position, and stored nodes become loads at it.
 */
final class LoopBuilder {
    private final Graph graph;
    private final Fusion fusion;
    private final int[] bufferOf;
    private final List<Let> lets = new ArrayList<>();
    private final Map<Key, Integer> memo = new HashMap<>();
    private final int[] nextId;
    /** Every let's dtype by id, shared with the reduction's body builder (ids are shared too). */
    private final Map<Integer, DType> dtypes;
    private final int vars;
    private int root = -1;
    /** The reduction this loop folds (the root, or the one Fusion gave it), -1 for none; built on first use. */
    private int folded = -1;
    private int outerRank;
    private Kernel.Reduction reduction;
    /** The node the loop's reduction folds and the let holding its value, once folded. */
    private int reducedNode = -1, reducedLet = -1;
    /** The builder of the reduction's body and the position it computes the operand at, once folded. */
    private LoopBuilder innerBody;
    private List<Affine> innerPosition;
    /** Stored nodes this builder computes rather than loads: the results of a merged pass ({@link Fusion.Merge}). */
    private final java.util.Set<Integer> computedHere = new java.util.HashSet<>();

    private record Key(int node, List<Affine> position) {
    }

    private LoopBuilder(Graph graph, Fusion fusion, int[] bufferOf, int vars, int[] nextId, Map<Integer, DType> dtypes) {
        this.dtypes = dtypes;
        this.graph = graph;
        this.fusion = fusion;
        this.bufferOf = bufferOf;
        this.vars = vars;
        this.nextId = nextId;
    }

    /** The loop that computes and stores node {@code id} into buffer {@code out}. */
    static Kernel.Loop build(String name, Graph g, Fusion fusion, int[] bufferOf, int id, int out) {
        Node node = g.node(id);
        int folded = node.op() instanceof Op.Reduce ? id : fusion.accumulatedBy[id];
        List<Dim> outer;
        List<Affine> position = new ArrayList<>();
        int innerRank = folded < 0 ? 0 : ((Op.Reduce) g.node(folded).op()).axes().size();
        if (folded == id) {
            // A reduction stored as it is: the loops run over the kept axes.
            Op.Reduce r = (Op.Reduce) node.op();
            List<Dim> in = g.node(node.input(0)).type().shape().dims();
            outer = new ArrayList<>();
            for (int a = 0; a < in.size(); a++) if (!r.axes().contains(a)) outer.add(in.get(a));
            int vars = outer.size() + innerRank, o = 0;
            for (int a = 0; a < in.size(); a++) {
                if (!r.axes().contains(a)) position.add(Affine.variable(o++, vars));
                else if (r.keepdims()) position.add(Affine.constant(Dim.of(0), vars));
            }
        } else {
            outer = node.type().shape().dims();
            int vars = outer.size() + innerRank;
            for (int a = 0; a < outer.size(); a++) position.add(Affine.variable(a, vars));
        }
        int vars = outer.size() + innerRank;
        int[] nextId = {0};
        LoopBuilder body = new LoopBuilder(g, fusion, bufferOf, vars, nextId, new HashMap<>());
        body.root = id;
        body.folded = folded;
        body.outerRank = outer.size();
        int value = body.at(id, position);
        Fusion.Merge merge = fusion.mergeOf(id);
        if (merge != null && merge.reduction() == id) body.storeEach(merge.results());
        List<Let> all = new ArrayList<>(body.lets);
        if (body.reduction != null) all.addAll(body.reduction.body());
        return new Kernel.Loop(name, outer, Optional.ofNullable(body.reduction), body.lets, new Store(out, value),
                isFlat(all, outer, 0, vars), node.span());
    }

    /**
     * The one pass of a row-reduction group ({@link RowReductions}): a loop over the rows
     * (variable 0 of 1) whose body computes every member's terms at each row, every other axis
     * at a constant position, so the members' shared operands are computed once per position.
     */
    static Kernel.Reductions reductions(String name, Graph g, Fusion fusion, int[] bufferOf, RowReductions.Group group) {
        int[] nextId = {0};
        LoopBuilder body = new LoopBuilder(g, fusion, bufferOf, 1, nextId, new HashMap<>());
        Affine row = Affine.variable(0, 1);
        List<Kernel.Accumulator> accumulators = new ArrayList<>();
        for (int id : group.members()) {
            Node node = g.node(id);
            int out = bufferOf[id];
            switch (node.op()) {
                case Op.Reduce r -> {
                    List<Dim> in = g.node(node.input(0)).type().shape().dims();
                    int rowAxis = r.axes().stream().mapToInt(Integer::intValue).min().orElseThrow();
                    List<Integer> kept = new ArrayList<>(), reduced = new ArrayList<>();
                    for (int a = 0; a < in.size(); a++) {
                        if (a == rowAxis) continue;
                        (r.axes().contains(a) ? reduced : kept).add(a);
                    }
                    Dim count = Dim.of(1);
                    for (int a : r.axes()) count = count.times(in.get(a));
                    long outputs = product(in, kept), terms = product(in, reduced);
                    for (long e = 0; e < outputs; e++) {
                        List<Integer> lets = new ArrayList<>();
                        for (long t = 0; t < terms; t++) {
                            List<Affine> p = new ArrayList<>();
                            for (int a = 0; a < in.size(); a++) p.add(a == rowAxis ? row : Affine.constant(Dim.of(0), 1));
                            place(p, in, kept, e);
                            place(p, in, reduced, t);
                            lets.add(body.at(node.input(0), p));
                        }
                        accumulators.add(new Kernel.Accumulator(r.fn(), lets, out, e, count));
                    }
                }
                case Op.MatMul m -> {
                    // Each element sums a[i, p] * b[p, j] over the rows p, products in f64: the interpreter's terms.
                    Node a = g.node(node.input(0)), b = g.node(node.input(1));
                    long n = a.type().shape().dim(0).constant(), cols = b.type().shape().dim(1).constant();
                    for (long i = 0; i < n; i++) {
                        for (long j = 0; j < cols; j++) {
                            Affine ai = Affine.constant(Dim.of(i), 1), bj = Affine.constant(Dim.of(j), 1);
                            int x = body.wide(body.at(a.id(), List.of(ai, row)), a, node);
                            int y = body.wide(body.at(b.id(), List.of(row, bj)), b, node);
                            int prod = body.add(new Let(nextId[0]++, DType.F64, body.binary(BinaryFn.MUL, DType.F64, x, y), id));
                            accumulators.add(new Kernel.Accumulator(ReduceFn.SUM, List.of(prod), out, i * cols + j,
                                    a.type().shape().dim(1)));
                        }
                    }
                }
                default -> throw new IllegalStateException("node %" + id + " (" + node.op().label() + ") is not a row reduction");
            }
        }
        return new Kernel.Reductions(name, group.rows(), body.lets, accumulators, List.of(), g.node(group.first()).span());
    }

    private static long product(List<Dim> dims, List<Integer> axes) {
        long p = 1;
        for (int a : axes) p *= dims.get(a).constant();
        return p;
    }

    /** Sets the positions of {@code axes} (constant sizes) to row-major position {@code flat} among them. */
    private static void place(List<Affine> p, List<Dim> dims, List<Integer> axes, long flat) {
        for (int k = axes.size() - 1; k >= 0; k--) {
            long size = dims.get(axes.get(k)).constant();
            p.set(axes.get(k), Affine.constant(Dim.of(flat % size), 1));
            flat /= size;
        }
    }

    /**
     * Whether the loops over {@code dims} (variables {@code first}...) can run as one flat loop:
     * every load moves with exactly the row-major stride of the loop position or not at all, and
     * no let uses the position as a number.
     */
    private static boolean isFlat(List<Let> lets, List<Dim> dims, int first, int vars) {
        if (dims.isEmpty()) return true;
        List<Affine> pos = new ArrayList<>();
        for (int a = 0; a < vars; a++) pos.add(Affine.variable(a, vars));
        Affine own = Affine.flat(pos.subList(first, first + dims.size()), dims, vars);
        for (Let l : lets) {
            switch (l.expr()) {
                case Expr.Load ld -> {
                    List<Dim> mine = ld.index().coefs().subList(first, first + dims.size());
                    boolean still = mine.stream().allMatch(d -> d.isConstant(0));
                    if (!still && !mine.equals(own.coefs().subList(first, first + dims.size()))) return false;
                }
                case Expr.Position p -> {
                    return false;
                }
                default -> {
                }
            }
        }
        return true;
    }

    private int add(Let let) {
        lets.add(let);
        dtypes.put(let.id(), let.dtype());
        return let.id();
    }

    private DType dtypeOf(int let) {
        return dtypes.get(let);
    }

    /** {@code fn(a, b)} giving a {@code result} let, with the arithmetic {@link Arithmetic} decides. */
    private Expr.Binary binary(BinaryFn fn, DType result, int a, int b) {
        return new Expr.Binary(fn, a, b, Arithmetic.of(fn, result, dtypeOf(a), dtypeOf(b)));
    }

    /** The let holding node {@code id}'s value at {@code position} (one affine per axis of the node). */
    private int at(int id, List<Affine> position) {
        Key key = new Key(id, position);
        Integer known = memo.get(key);
        if (known != null) return known;
        int let = compute(id, position);
        memo.put(key, let);
        return let;
    }

    private int compute(int id, List<Affine> position) {
        Node node = graph.node(id);
        if (id != root && fusion.materialized[id] && !computedHere.contains(id) || isSource(node.op())) {
            return load(id, node.type().shape(), position);
        }
        var dtype = node.type().dtype();
        if (id == folded) return fold(node, position);
        return switch (node.op()) {
            case Op.Constant c -> add(new Let(nextId[0]++, dtype, new Expr.Constant(c.value(0)), id));
            case Op.Size s -> add(new Let(nextId[0]++, dtype, new Expr.SizeOf(s.dim()), id));
            case Op.Iota i -> add(new Let(nextId[0]++, dtype, new Expr.Position(position.getFirst()), id));
            case Op.Training m -> throw new IllegalStateException("training reached the scheduler: the graph was not specialized to a mode");
            case Op.Unary u -> {
                int x = at(node.input(0), position);
                yield add(new Let(nextId[0]++, dtype, new Expr.Unary(u.fn(), x, Arithmetic.of(u.fn(), dtype, dtypeOf(x))), id));
            }
            case Op.Binary b -> {
                int x = at(node.input(0), position);
                int y = at(node.input(1), position);
                yield add(new Let(nextId[0]++, dtype, binary(b.fn(), dtype, x, y), id));
            }
            case Op.Where w -> {
                int m = at(node.input(0), position);
                int a = at(node.input(1), position);
                int c = at(node.input(2), position);
                yield add(new Let(nextId[0]++, dtype, new Expr.Select(m, a, c), id));
            }
            case Op.Cast c -> {
                int x = at(node.input(0), position);
                yield add(new Let(nextId[0]++, dtype, new Expr.Convert(x), id));
            }
            case Op.Alias a -> at(node.input(0), position);
            case Op.StopGradient s -> at(node.input(0), position);
            case Op.Require r -> at(node.input(0), position); // checked by the plan when the sizes are bound
            case Op.Broadcast b -> {
                Shape from = graph.node(node.input(0)).type().shape();
                Shape to = node.type().shape();
                int lead = to.rank() - from.rank();
                List<Affine> p = new ArrayList<>();
                for (int a = 0; a < from.rank(); a++) {
                    boolean stretched = from.dim(a).isConstant(1) && !to.dim(a + lead).isConstant(1);
                    p.add(stretched ? Affine.constant(Dim.of(0), vars) : position.get(a + lead));
                }
                yield at(node.input(0), p);
            }
            case Op.Transpose t -> {
                Affine[] p = new Affine[t.perm().size()];
                for (int i = 0; i < p.length; i++) p[t.perm().get(i)] = position.get(i);
                yield at(node.input(0), List.of(p));
            }
            case Op.Slice s -> {
                List<Affine> p = new ArrayList<>();
                for (int a = 0; a < position.size(); a++) {
                    p.add(position.get(a).times(Dim.of(s.steps().get(a))).plus(s.starts().get(a)));
                }
                yield at(node.input(0), p);
            }
            case Op.MatMul m -> contraction(node, position);
            case Op.Reshape r -> {
                if (!Fusion.isUnitReshape(graph, node)) {
                    // The operand is stored (Fusion sees to it), so the reshape is a read of its buffer.
                    yield load(id, node.type().shape(), position);
                }
                // Only axes of size 1 come or go: the other axes keep their positions, in order.
                List<Dim> from = graph.node(node.input(0)).type().shape().dims();
                List<Affine> moving = new ArrayList<>();
                List<Dim> to = node.type().shape().dims();
                for (int a = 0; a < to.size(); a++) if (!to.get(a).isConstant(1)) moving.add(position.get(a));
                List<Affine> p = new ArrayList<>();
                int next = 0;
                for (Dim d : from) p.add(d.isConstant(1) ? Affine.constant(Dim.of(0), vars) : moving.get(next++));
                yield at(node.input(0), p);
            }
            default -> throw new IllegalStateException("node %" + id + " (" + node.op().label() + ") cannot be fused");
        };
    }

    /**
     * A small matmul's element at {@code position}: {@code sum over p of a[.., i, p] * b[.., p, j]}
     * written out term by term in f64 from 0, in order, then rounded once: what the interpreter
     * computes, bit for bit.
     */
    private int contraction(Node node, List<Affine> position) {
        Node a = graph.node(node.input(0)), b = graph.node(node.input(1));
        int r = position.size();
        long k = a.type().shape().dim(r - 1).constant();
        int acc = add(new Let(nextId[0]++, DType.F64, new Expr.Constant(0), node.id()));
        for (long p = 0; p < k; p++) {
            Affine at = Affine.constant(Dim.of(p), vars);
            List<Affine> pa = new ArrayList<>(position.subList(0, r - 1));
            pa.add(at);
            List<Affine> pb = new ArrayList<>(position.subList(0, r - 2));
            pb.add(at);
            pb.add(position.get(r - 1));
            int x = wide(at(a.id(), pa), a, node), y = wide(at(b.id(), pb), b, node);
            int prod = add(new Let(nextId[0]++, DType.F64, binary(BinaryFn.MUL, DType.F64, x, y), node.id()));
            acc = add(new Let(nextId[0]++, DType.F64, binary(BinaryFn.ADD, DType.F64, acc, prod), node.id()));
        }
        if (node.type().dtype() == DType.F64) return acc;
        return add(new Let(nextId[0]++, node.type().dtype(), new Expr.Convert(acc), node.id()));
    }

    /** Let {@code let} (node {@code of}'s value) as an f64 let. */
    private int wide(int let, Node of, Node user) {
        if (of.type().dtype() == DType.F64) return let;
        return add(new Let(nextId[0]++, DType.F64, new Expr.Convert(let), user.id()));
    }

    /**
     * The loop's reduction, folded in an inner loop over the reduced axes at {@code position}
     * (the node's output axes); its value is the {@link Expr.Accumulated} let.
     */
    private int fold(Node node, List<Affine> position) {
        // Fusion lets a loop accumulate one reduction, read only through elementwise ops and
        // unit reshapes, so at the loop's own position on every path; a second path (x and a
        // unit reshape of x, both added in) spells that position differently, but it is the same value.
        if (reduction != null && node.id() == reducedNode) return reducedLet;
        if (reduction != null) throw new IllegalStateException("a second reduction in the loop of %" + root);
        Op.Reduce r = (Op.Reduce) node.op();
        Node x = graph.node(node.input(0));
        List<Dim> in = x.type().shape().dims();
        List<Dim> inner = new ArrayList<>();
        List<Affine> p = new ArrayList<>();
        int k = outerRank, o = 0;
        for (int a = 0; a < in.size(); a++) {
            if (r.axes().contains(a)) {
                inner.add(in.get(a));
                p.add(Affine.variable(k++, vars));
                if (r.keepdims()) o++;
            } else {
                p.add(position.get(o++));
            }
        }
        LoopBuilder body = new LoopBuilder(graph, fusion, bufferOf, vars, nextId, dtypes);
        int value = body.at(x.id(), p);
        innerBody = body;
        innerPosition = p;
        reduction = new Kernel.Reduction(r.fn(), inner, body.lets, value, isFlat(body.lets, inner, outerRank, vars));
        reducedNode = node.id();
        reducedLet = add(new Let(nextId[0]++, node.type().dtype(), new Expr.Accumulated(), node.id()));
        return reducedLet;
    }

    /**
     * Computes {@code results} (stored nodes with the reduction's operand's shape) in the
     * reduction's body at its position, sharing the lets already there, and stores each there.
     */
    private void storeEach(List<Integer> results) {
        LoopBuilder in = innerBody;
        in.computedHere.addAll(results);
        List<Store> stores = new ArrayList<>();
        for (int e : results) stores.add(new Store(bufferOf[e], in.at(e, innerPosition)));
        reduction = new Kernel.Reduction(reduction.fn(), reduction.inner(), in.lets, reduction.value(),
                isFlat(in.lets, reduction.inner(), outerRank, vars), stores);
    }

    private static boolean isSource(Op op) {
        return op instanceof Op.Input || op instanceof Op.Param || (op instanceof Op.Constant c && c.size() != 1);
    }

    private int load(int id, Shape shape, List<Affine> position) {
        Node node = graph.node(id);
        if (node.op() instanceof Op.Constant c && c.size() == 1) {
            return add(new Let(nextId[0]++, node.type().dtype(), new Expr.Constant(c.value(0)), id));
        }
        int buffer = bufferOf[id];
        if (buffer < 0) throw new IllegalStateException("node %" + id + " (" + node.op().label() + ") has no buffer");
        Affine index = Affine.flat(position, shape.dims(), vars);
        return add(new Let(nextId[0]++, node.type().dtype(), new Expr.Load(buffer, index), id));
    }
}
