package dev.modelc.compiler.kernel;

import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.graph.ReduceFn;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns an optimized graph into a {@link KernelPlan}: {@link Fusion} picks the nodes that get
 * buffers, each of those becomes one kernel (a fused loop, a matmul or a library call) in graph
 * order, and the {@link BufferPlanner} packs the temporaries into shared slots.
 */
public final class Scheduler {
    private Scheduler() {
    }

    /** The plan the JVM backends run: reductions over the same rows share one pass ({@link Kernel.Reductions}). */
    public static KernelPlan schedule(String name, Graph g) {
        return schedule(name, g, true);
    }

    /**
     * The plan with or without {@link Kernel.Reductions}: the CUDA renderer has no kernel for
     * several accumulators (its reductions are a shared-memory tree per result element), so
     * device plans keep each reduction a kernel of its own.
     */
    public static KernelPlan schedule(String name, Graph g, boolean rowReductions) {
        // A pass too long for the JIT is refused and the plan scheduled again without it (rare: a few at most).
        Set<Integer> refused = new HashSet<>(), refusedMerges = new HashSet<>();
        while (true) {
            KernelPlan plan = schedule(name, g, rowReductions, refused, refusedMerges);
            if (plan != null) return plan;
        }
    }

    /**
     * The most lets a {@link Kernel.Reductions} holds, its tail's included: the JIT compiles no
     * method past 8,000 bytes of bytecode, and an interpreted pass would be far slower than the
     * kernels it replaces.
     */
    static final int MAX_PASS_LETS = 512;

    /**
     * The plan, or null after adding to {@code refused} the first member of a group whose pass is
     * too long, or to {@code refusedMerges} the reduction of a merge whose loop is not flat.
     */
    private static KernelPlan schedule(String name, Graph g, boolean rowReductions, Set<Integer> refused,
                                       Set<Integer> refusedMerges) {
        Fusion fusion = Fusion.decide(g, rowReductions, refused, refusedMerges);
        int[] bufferOf = new int[g.size()];
        Arrays.fill(bufferOf, -1);
        List<Buffer> buffers = new ArrayList<>();
        for (Node node : g.nodes()) {
            int id = node.id();
            Buffer.Kind kind;
            String bufferName;
            double[] values = null;
            switch (node.op()) {
                case Op.Input i -> {
                    kind = Buffer.Kind.INPUT;
                    bufferName = i.name();
                }
                case Op.Param p -> {
                    kind = Buffer.Kind.PARAM;
                    bufferName = p.path();
                }
                case Op.Constant c when c.size() != 1 -> {
                    kind = Buffer.Kind.CONSTANT;
                    bufferName = "c" + id;
                    values = c.values();
                }
                case Op.Reshape r when bufferOf[node.input(0)] >= 0 -> {
                    // A view: the operand is stored and has the same elements.
                    bufferOf[id] = bufferOf[node.input(0)];
                    continue;
                }
                default -> {
                    if (!fusion.materialized[id]) continue;
                    kind = Buffer.Kind.TEMP;
                    bufferName = "t" + id;
                }
            }
            bufferOf[id] = buffers.size();
            buffers.add(new Buffer(buffers.size(), bufferName, node.type().dtype(), node.type().shape(), kind, values, -1));
        }

        List<Kernel> kernels = new ArrayList<>();
        for (Node node : g.nodes()) {
            int id = node.id();
            if (bufferOf[id] < 0 || !fusion.materialized[id]) continue;
            Buffer out = buffers.get(bufferOf[id]);
            boolean view = node.op() instanceof Op.Reshape && bufferOf[id] == bufferOf[node.input(0)];
            if (out.kind() != Buffer.Kind.TEMP || view) continue;
            String kname = "k" + kernels.size();
            if (fusion.groupOf[id] >= 0) {
                // A group's one pass runs where Fusion placed it, the place of its first or its last member.
                int k = fusion.groupOf[id];
                if (fusion.placedAt[k] == id) {
                    Kernel.Reductions pass = LoopBuilder.reductions(kname, g, fusion, bufferOf, fusion.groups.get(k));
                    if (pass.body().size() > MAX_PASS_LETS) {
                        refused.add(fusion.groups.get(k).first());
                        return null;
                    }
                    kernels.add(pass);
                }
                continue;
            }
            Fusion.Merge merge = fusion.mergeOf(id);
            if (merge != null) {
                // A multi-output loop runs at the place of its last member; its pass must run as
                // one flat loop (chunks on all cores), else the merge is refused.
                if (merge.last() != id) continue;
                Kernel.Loop pass = LoopBuilder.build(kname, g, fusion, bufferOf, merge.reduction(), bufferOf[merge.reduction()]);
                if (!pass.isSplittable()) {
                    refusedMerges.add(merge.reduction());
                    return null;
                }
                kernels.add(pass);
                continue;
            }
            kernels.add(switch (node.op()) {
                case Op.MatMul m when !Fusion.isSmallContraction(g, node) -> matmul(kname, g, node, bufferOf, fusion);
                case Op.Reduce r when r.fn() == ReduceFn.LOGSUMEXP -> call(kname, g, node, bufferOf);
                case Op.Softmax s -> call(kname, g, node, bufferOf);
                case Op.ArgReduce a -> call(kname, g, node, bufferOf);
                case Op.Pad p -> call(kname, g, node, bufferOf);
                case Op.Concat c -> call(kname, g, node, bufferOf);
                case Op.OneHot o -> call(kname, g, node, bufferOf);
                case Op.IndexSelect i -> call(kname, g, node, bufferOf);
                case Op.IndexAdd i -> call(kname, g, node, bufferOf);
                case Op.Gather gt -> call(kname, g, node, bufferOf);
                case Op.ScatterAdd sa -> call(kname, g, node, bufferOf);
                case Op.Conv c -> call(kname, g, node, bufferOf);
                case Op.MaxPool m -> call(kname, g, node, bufferOf);
                case Op.Random r -> call(kname, g, node, bufferOf);
                case Op.Draw r -> call(kname, g, node, bufferOf);
                default -> LoopBuilder.build(kname, g, fusion, bufferOf, id, bufferOf[id]);
            });
        }

        if (rowReductions) kernels = withTails(kernels);

        List<KernelPlan.Result> results = new ArrayList<>();
        Set<Integer> resultBuffers = new HashSet<>();
        for (Graph.Output o : g.outputs()) {
            int b = bufferOf[o.node()];
            if (b < 0) throw new IllegalStateException("result " + o.name() + " (node %" + o.node() + ") has no buffer");
            results.add(new KernelPlan.Result(o, b, g.node(o.node()).type().shape()));
            resultBuffers.add(b);
        }
        buffers = BufferPlanner.assign(buffers, kernels, resultBuffers);
        int slots = buffers.stream().mapToInt(Buffer::slot).max().orElse(-1) + 1;
        LinkedHashSet<String> symbols = new LinkedHashSet<>();
        for (Buffer b : buffers) if (b.isExternal()) for (Dim d : b.shape().dims()) symbols.addAll(d.symbols());
        return new KernelPlan(name, List.copyOf(symbols), buffers, kernels, results, slots, SliceWindow.of(g), SizeRequirement.of(g));
    }

    /** A loop of at most this many elements (constant), with no reduction, may run in the tail of the pass before it. */
    static final int TAIL_ELEMENTS = 64;

    /**
     * Each {@link Kernel.Reductions} with the small loops that follow it as its tail (see
     * {@link Kernel.Reductions#tail}), and the kernels renamed in order ({@code k0}, {@code k1},
     * ...; a tail loop {@code k0.1}, {@code k0.2}, ...).
     */
    private static List<Kernel> withTails(List<Kernel> kernels) {
        List<Kernel> out = new ArrayList<>();
        for (int i = 0; i < kernels.size(); i++) {
            Kernel k = kernels.get(i);
            if (!(k instanceof Kernel.Reductions r)) {
                out.add(renamed(k, "k" + out.size()));
                continue;
            }
            String name = "k" + out.size();
            List<Kernel.Loop> tail = new ArrayList<>();
            int lets = r.body().size();
            while (i + 1 < kernels.size() && kernels.get(i + 1) instanceof Kernel.Loop l && isSmall(l)
                    && lets + unrolled(l) <= MAX_PASS_LETS) {
                lets += unrolled(l);
                tail.add((Kernel.Loop) renamed(l, name + "." + (tail.size() + 1)));
                i++;
            }
            out.add(((Kernel.Reductions) renamed(r, name)).followedBy(tail));
        }
        return out;
    }

    /** A small loop's lets if its loops were written out (at most what the bytecode unrolls). */
    private static int unrolled(Kernel.Loop l) {
        long elements = 1;
        for (Dim d : l.outer()) elements *= d.constant();
        return (int) (l.body().size() * Math.min(elements, 4));
    }

    private static boolean isSmall(Kernel.Loop l) {
        if (l.reduction().isPresent()) return false;
        long elements = 1;
        for (Dim d : l.outer()) {
            if (!d.isConstant()) return false;
            elements *= d.constant();
        }
        return elements <= TAIL_ELEMENTS;
    }

    private static Kernel renamed(Kernel k, String name) {
        return switch (k) {
            case Kernel.Loop l -> new Kernel.Loop(name, l.outer(), l.reduction(), l.body(), l.store(), l.flat(), l.span());
            case Kernel.MatMul m -> new Kernel.MatMul(name, m.a(), m.b(), m.out(), m.batch(), m.n(), m.k(), m.m(), m.transA(),
                    m.transB(), m.dtype(), m.span());
            case Kernel.Call c -> new Kernel.Call(name, c.op(), c.inputs(), c.inputShapes(), c.out(), c.outShape(), c.span());
            case Kernel.Reductions r -> new Kernel.Reductions(name, r.rows(), r.body(), r.accumulators(), r.tail(), r.span());
        };
    }

    private static Kernel matmul(String name, Graph g, Node node, int[] bufferOf, Fusion fusion) {
        int[] operands = new int[2];
        boolean[] trans = new boolean[2];
        for (int i = 0; i < 2; i++) {
            Node in = g.node(node.input(i));
            // Read a transposed operand in place unless it was stored for another reader anyway.
            if (fusion.transposedInPlace[in.id()] && !fusion.materialized[in.id()]) {
                operands[i] = bufferOf[in.input(0)];
                trans[i] = true;
            } else {
                operands[i] = bufferOf[in.id()];
            }
        }
        Shape a = g.node(node.input(0)).type().shape();
        Shape b = g.node(node.input(1)).type().shape();
        int r = a.rank();
        Dim batch = Dim.of(1);
        for (int i = 0; i < r - 2; i++) batch = batch.times(a.dim(i));
        return new Kernel.MatMul(name, operands[0], operands[1], bufferOf[node.id()], batch,
                a.dim(r - 2), a.dim(r - 1), b.dim(r - 1), trans[0], trans[1], node.type().dtype(), node.span());
    }

    private static Kernel call(String name, Graph g, Node node, int[] bufferOf) {
        List<Integer> inputs = new ArrayList<>();
        List<Shape> shapes = new ArrayList<>();
        for (int in : node.inputs()) {
            inputs.add(bufferOf[in]);
            shapes.add(g.node(in).type().shape());
        }
        return new Kernel.Call(name, node.op(), inputs, shapes, bufferOf[node.id()], node.type().shape(), node.span());
    }
}
