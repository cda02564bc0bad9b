package dev.modelc.compiler.kernel;

import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    private final int vars;
    private int root = -1;

    private record Key(int node, List<Affine> position) {
    }

    private LoopBuilder(Graph graph, Fusion fusion, int[] bufferOf, int vars, int[] nextId) {
        this.graph = graph;
        this.fusion = fusion;
        this.bufferOf = bufferOf;
        this.vars = vars;
        this.nextId = nextId;
    }

    /** The loop that computes and stores node {@code id} into buffer {@code out}. */
    static Kernel.Loop build(String name, Graph g, Fusion fusion, int[] bufferOf, int id, int out) {
        Node node = g.node(id);
        int[] nextId = {0};
        if (node.op() instanceof Op.Reduce r) {
            Node x = g.node(node.input(0));
            List<Dim> in = x.type().shape().dims();
            List<Dim> outer = new ArrayList<>(), inner = new ArrayList<>();
            for (int a = 0; a < in.size(); a++) (r.axes().contains(a) ? inner : outer).add(in.get(a));
            int vars = in.size();
            // Outer variables are the kept axes in order, then the reduced ones.
            List<Affine> position = new ArrayList<>();
            int o = 0, k = outer.size();
            for (int a = 0; a < in.size(); a++) position.add(Affine.variable(r.axes().contains(a) ? k++ : o++, vars));
            LoopBuilder innerBody = new LoopBuilder(g, fusion, bufferOf, vars, nextId);
            int value = innerBody.at(x.id(), position);
            LoopBuilder epilogue = new LoopBuilder(g, fusion, bufferOf, vars, nextId);
            int acc = epilogue.add(new Let(nextId[0]++, node.type().dtype(), new Expr.Accumulated(), id));
            boolean innerFlat = isFlat(innerBody.lets, inner, outer.size(), vars);
            Kernel.Reduction red = new Kernel.Reduction(r.fn(), inner, innerBody.lets, value, innerFlat);
            List<Let> all = new ArrayList<>(innerBody.lets);
            all.addAll(epilogue.lets);
            return new Kernel.Loop(name, outer, Optional.of(red), epilogue.lets, new Store(out, acc),
                    isFlat(all, outer, 0, vars), node.span());
        }
        List<Dim> outer = node.type().shape().dims();
        int vars = outer.size();
        LoopBuilder body = new LoopBuilder(g, fusion, bufferOf, vars, nextId);
        body.root = id;
        List<Affine> position = new ArrayList<>();
        for (int a = 0; a < vars; a++) position.add(Affine.variable(a, vars));
        int value = body.at(id, position);
        return new Kernel.Loop(name, outer, Optional.empty(), body.lets, new Store(out, value),
                isFlat(body.lets, outer, 0, vars), node.span());
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
        return let.id();
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
        if (id != root && fusion.materialized[id] || isSource(node.op())) {
            return load(id, node.type().shape(), position);
        }
        var dtype = node.type().dtype();
        return switch (node.op()) {
            case Op.Constant c -> add(new Let(nextId[0]++, dtype, new Expr.Constant(c.value(0)), id));
            case Op.Size s -> add(new Let(nextId[0]++, dtype, new Expr.SizeOf(s.dim()), id));
            case Op.Iota i -> add(new Let(nextId[0]++, dtype, new Expr.Position(position.getFirst()), id));
            case Op.Unary u -> {
                int x = at(node.input(0), position);
                yield add(new Let(nextId[0]++, dtype, new Expr.Unary(u.fn(), x), id));
            }
            case Op.Binary b -> {
                int x = at(node.input(0), position);
                int y = at(node.input(1), position);
                yield add(new Let(nextId[0]++, dtype, new Expr.Binary(b.fn(), x, y), id));
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
            // The operand is stored (Fusion sees to it), so the reshape is a read of its buffer.
            case Op.Reshape r -> load(id, node.type().shape(), position);
            default -> throw new IllegalStateException("node %" + id + " (" + node.op().label() + ") cannot be fused");
        };
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
