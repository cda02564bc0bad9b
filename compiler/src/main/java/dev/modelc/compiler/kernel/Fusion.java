package dev.modelc.compiler.kernel;

import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.graph.ReduceFn;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides which graph nodes get a buffer; every other node is computed inside the loop of each
 * node that uses it (fused). A node gets a buffer when it is a result, when it is not
 * elementwise (matmul, reductions, softmax, ...: each is its own kernel, with its elementwise
 * producers fused into it), when a matmul, library call or reshape needs its operand in memory,
 * or when it would be recomputed in two kernels and recomputing is not cheap (anything with
 * arithmetic beyond what {@link Recomputation} allows in JVM plans). Decided consumers-first, so
 * each node knows which kernels would inline it.
 */
final class Fusion {
    /** Beyond this many kernels even an index-only node is stored rather than recomputed. */
    private static final int MAX_CHEAP_COPIES = 8;

    final boolean[] materialized;
    /**
     * For an elementwise root, the reduction computed inside its loop (its accumulator), or -1:
     * a sum, mean, max or min whose only reader is that loop, reached through elementwise ops
     * only, so the loop needs its value exactly once per iteration ({@code b - lr * sum(g)}).
     */
    final int[] accumulatedBy;
    /** For a matmul operand read transposed in place: the transpose node whose operand is read. */
    final boolean[] transposedInPlace;
    /** The row-reduction groups computed as one pass each ({@link Kernel.Reductions}). */
    final List<RowReductions.Group> groups;
    /** For a member of a group: the group's position in {@link #groups}, else -1. */
    final int[] groupOf;
    /** For each group, the member whose place in the plan its kernel takes. */
    final int[] placedAt;
    /**
     * For an elementwise result computed in the pass of a full reduction (see {@link Merge}): the
     * reduction's node, else -1.
     */
    final int[] mergedInto;
    /** The multi-output loops: each a full reduction and the elementwise results its pass stores. */
    final List<Merge> merges;

    private Fusion(int n, List<RowReductions.Group> groups, List<Merge> merges) {
        materialized = new boolean[n];
        transposedInPlace = new boolean[n];
        accumulatedBy = new int[n];
        java.util.Arrays.fill(accumulatedBy, -1);
        this.groups = List.copyOf(groups);
        placedAt = new int[groups.size()];
        groupOf = new int[n];
        java.util.Arrays.fill(groupOf, -1);
        for (int k = 0; k < groups.size(); k++) for (int m : groups.get(k).members()) groupOf[m] = k;
        this.merges = List.copyOf(merges);
        mergedInto = new int[n];
        java.util.Arrays.fill(mergedInto, -1);
        for (Merge m : merges) for (int e : m.results()) mergedInto[e] = m.reduction();
    }

    /**
     * Fusion by sharing a pass: a reduction of everything to one value ({@code f = sum(q)}) and
     * results over the same positions as its operand ({@code dx}, whose loop reads q and q's
     * producers) are computed in one loop, the reduction's, which stores each result at its
     * position while it folds. Their common producers are then read by one kernel, so they are
     * computed once per position in it rather than stored and loaded back (Smooth's f and df/dx:
     * five loops and about 190 MB of traffic become one loop reading x and writing dx). The
     * reduction folds its values in the same order as alone, and every let is computed as it
     * would be in its own loop, so the results keep their bits. The kernel runs at the place of
     * its last member.
     */
    record Merge(int reduction, List<Integer> results) {
        Merge {
            results = List.copyOf(results);
        }

        int last() {
            return Math.max(reduction, results.stream().mapToInt(Integer::intValue).max().orElse(reduction));
        }

        int first() {
            return Math.min(reduction, results.stream().mapToInt(Integer::intValue).min().orElse(reduction));
        }

        boolean contains(int id) {
            return id == reduction || results.contains(id);
        }
    }

    /** The kernel a stored node is computed in: its group's (named by its last member), its merge's (the reduction's), or its own. */
    private int kernelOf(int id) {
        if (mergedInto[id] >= 0) return mergedInto[id];
        return groupOf[id] < 0 ? id : groups.get(groupOf[id]).last();
    }

    /** The merge whose pass stores or folds node {@code id}, or null. */
    Merge mergeOf(int id) {
        for (Merge m : merges) if (m.contains(id)) return m;
        return null;
    }

    /**
     * The decision for a graph: decided as below, then each fused region that is too large
     * (see {@link #MAX_FUSED_LETS}) is cut by storing some of its nodes, and the graph decided
     * again with those stored, until every region is within the limits. Ordinary models need
     * one round.
     */
    static Fusion decide(Graph g) {
        return decide(g, false);
    }

    /**
     * As {@link #decide(Graph)}; with {@code rowReductions}, reductions over the same rows are
     * grouped into one pass each (see {@link RowReductions}) wherever the plan's order allows:
     * a group is dropped when a kernel between its first and last member would read one of them.
     */
    static Fusion decide(Graph g, boolean rowReductions) {
        return decide(g, rowReductions, Set.of(), Set.of());
    }

    /**
     * As {@link #decide(Graph, boolean)}, leaving out the groups whose first member is in
     * {@code refused} and the merges (JVM plans only, as groups) whose reduction is in
     * {@code refusedMerges}.
     */
    static Fusion decide(Graph g, boolean rowReductions, Set<Integer> refused, Set<Integer> refusedMerges) {
        List<RowReductions.Group> groups = new ArrayList<>(rowReductions ? RowReductions.candidates(g) : List.of());
        groups.removeIf(group -> refused.contains(group.first()));
        List<Merge> merges = new ArrayList<>(rowReductions ? mergeCandidates(g, groups) : List.of());
        merges.removeIf(m -> refusedMerges.contains(m.reduction()));
        while (true) {
            Fusion f = decideWithCuts(g, groups, merges, rowReductions ? Recomputation.of(g) : null);
            int bad = f.misplacedGroup(g);
            if (bad >= 0) {
                groups.remove(bad);
                continue;
            }
            Merge wrong = f.misplacedMerge(g);
            if (wrong == null) return f;
            merges.remove(wrong);
        }
    }

    /**
     * The candidate merges: each full reduction (sum, mean, max or min of every axis of a
     * tensor of rank 1 or more, not in a row-reduction group) with the results of the graph
     * that have its operand's shape and are computed elementwise. Whether one holds is checked
     * once the nodes are decided ({@link #misplacedMerge}); whether its loop is flat, when it is
     * built (the scheduler refuses it otherwise).
     */
    private static List<Merge> mergeCandidates(Graph g, List<RowReductions.Group> groups) {
        Set<Integer> grouped = new HashSet<>();
        for (RowReductions.Group group : groups) grouped.addAll(group.members());
        Set<Integer> outputs = new java.util.LinkedHashSet<>();
        for (Graph.Output o : g.outputs()) outputs.add(o.node());
        Set<Integer> taken = new HashSet<>();
        List<Merge> out = new ArrayList<>();
        for (Node node : g.nodes()) {
            if (!(node.op() instanceof Op.Reduce r) || !isFoldable(r) || grouped.contains(node.id())) continue;
            var operand = g.node(node.input(0)).type().shape();
            if (operand.rank() == 0 || r.axes().size() != operand.rank()) continue;
            List<Integer> results = new ArrayList<>();
            for (int e : outputs) {
                Node en = g.node(e);
                // A reshape result may be a view of its operand's buffer, with no kernel of its own.
                if (e == node.id() || taken.contains(e) || !isPointwise(g, en) || en.op() instanceof Op.Reshape) continue;
                if (!en.type().shape().dims().equals(operand.dims())) continue;
                results.add(e);
            }
            if (results.isEmpty()) continue;
            taken.addAll(results);
            out.add(new Merge(node.id(), results));
        }
        return out;
    }

    /**
     * A merge that does not hold in this decision, or null. It holds when its reduction is a
     * kernel of its own (stored, not folded into another loop), no result is folded into a loop
     * with a reduction of its own, no member depends on another (a result reading the sum
     * needs it before the pass has it), and no kernel between its first and last member reads
     * a member (it would run before the pass, which runs at the place of the last).
     */
    private Merge misplacedMerge(Graph g) {
        for (Merge m : merges) {
            if (!materialized[m.reduction()] || groupOf[m.reduction()] >= 0) return m;
            for (int e : m.results()) if (!materialized[e] || accumulatedBy[e] >= 0 || groupOf[e] >= 0) return m;
            int first = m.first(), last = m.last();
            boolean[] reaches = new boolean[last - first + 1];
            for (int id = first; id <= last; id++) {
                boolean r = false;
                for (int in : g.node(id).inputs()) r |= in >= first && reaches[in - first];
                if (m.contains(id)) {
                    if (r) return m;
                    reaches[id - first] = true;
                } else {
                    if (r && materialized[id]) return m;
                    reaches[id - first] = r;
                }
            }
        }
        return null;
    }

    private static Fusion decideWithCuts(Graph g, List<RowReductions.Group> groups, List<Merge> merges, Recomputation recompute) {
        boolean[] cut = new boolean[g.size()];
        while (true) {
            // Each round stores at least one more node, so this ends; the decision returned is
            // one no cut was needed for (cutting marks the decision it inspects).
            Fusion f = decide(g, cut, groups, merges, recompute);
            if (!f.cutLargeRegions(g, cut)) return f;
        }
    }

    /**
     * Places each group's kernel (sets {@link #placedAt}) and returns a group that fits nowhere,
     * or -1. Kernels run in the order of their nodes; a group's runs where its first member is
     * when every stored value its loop reads comes before that, else where its last member is
     * when no stored node between the two depends on a member (none would read a member before
     * the group has computed it).
     */
    private int misplacedGroup(Graph g) {
        for (int k = 0; k < groups.size(); k++) {
            RowReductions.Group group = groups.get(k);
            int latest = latestRead(g, group);
            if (latest < group.first()) {
                placedAt[k] = group.first();
                continue;
            }
            // A merged pass writes its members where its last member is, which may come after the group's last.
            if (latest > group.last()) return k;
            boolean[] reaches = new boolean[g.size()];
            for (int id = group.first(); id < group.last(); id++) {
                boolean r = groupOf[id] == k;
                for (int in : g.node(id).inputs()) r |= reaches[in];
                reaches[id] = r;
                if (r && groupOf[id] != k && materialized[id]) return k;
            }
            placedAt[k] = group.last();
        }
        return -1;
    }

    /**
     * Where the last stored node (not an input, param or constant) a group's loop reads is
     * written, or -1: its own place, or for a member of a merge, the place of the merge's last
     * member, where the merged pass runs.
     */
    private int latestRead(Graph g, RowReductions.Group group) {
        int latest = -1;
        ArrayDeque<Integer> todo = new ArrayDeque<>();
        Set<Integer> seen = new HashSet<>();
        for (int m : group.members()) todo.addAll(g.node(m).inputs());
        while (!todo.isEmpty()) {
            int id = todo.pop();
            if (!seen.add(id)) continue;
            Node node = g.node(id);
            if (node.op() instanceof Op.Input || node.op() instanceof Op.Param || node.op() instanceof Op.Constant) continue;
            if (materialized[id]) {
                Merge m = mergeOf(id);
                latest = Math.max(latest, m == null ? id : m.last());
                continue;
            }
            todo.addAll(node.inputs());
        }
        return latest;
    }

    private static Fusion decide(Graph g, boolean[] cut, List<RowReductions.Group> groups, List<Merge> merges,
                                 Recomputation recompute) {
        int n = g.size();
        Fusion f = new Fusion(n, groups, merges);
        List<List<Integer>> consumers = new ArrayList<>();
        for (int i = 0; i < n; i++) consumers.add(new ArrayList<>());
        for (Node node : g.nodes()) for (int in : node.inputs()) consumers.get(in).add(node.id());
        boolean[] needsBuffer = new boolean[n];
        for (Graph.Output o : g.outputs()) needsBuffer[o.node()] = true;
        for (int id = 0; id < n; id++) needsBuffer[id] |= cut[id];
        List<Set<Integer>> roots = new ArrayList<>();
        for (int i = 0; i < n; i++) roots.add(null);

        for (int id = n - 1; id >= 0; id--) {
            Node node = g.node(id);
            Set<Integer> kernels = new HashSet<>();
            for (int c : consumers.get(id)) {
                if (f.materialized[c]) kernels.add(f.kernelOf(c));
                else kernels.addAll(roots.get(c));
            }
            // Read by several kernels: stored, unless it only moves data or is cheap enough to
            // compute in each (Recomputation says what that means; JVM plans only).
            boolean shared = kernels.size() > 1 && !(recompute != null && recompute.allows(id, kernels.size()));
            boolean member = f.groupOf[id] >= 0;
            boolean m = needsBuffer[id] || !(isFusible(node.op()) || isSmallContraction(g, node))
                    || (shared && (!isCheap(node.op()) || kernels.size() > MAX_CHEAP_COPIES));
            if (m && !member && !needsBuffer[id] && kernels.size() == 1 && isFoldable(node.op())) {
                int root = kernels.iterator().next();
                if (f.accumulatedBy[root] < 0 && onlyElementwiseUpTo(g, consumers, id, root, f)) {
                    f.accumulatedBy[root] = id;
                    m = false;
                }
            }
            f.materialized[id] = m;
            roots.set(id, m ? Set.of(f.kernelOf(id)) : kernels);
            // A group member reads its operands inside the group's loop, at each row.
            if (member) continue;

            switch (node.op()) {
                case Op.Reshape r when !isUnitReshape(g, node) -> needsBuffer[node.input(0)] = true;
                case Op.MatMul mm when !isSmallContraction(g, node) -> {
                    for (int in : node.inputs()) {
                        if (isLastTwoTranspose(g.node(in))) {
                            f.transposedInPlace[in] = true;
                            needsBuffer[g.node(in).input(0)] = true;
                        } else {
                            needsBuffer[in] = true;
                        }
                    }
                }
                case Op.Reduce r when r.fn() == ReduceFn.LOGSUMEXP -> needsBuffer[node.input(0)] = true;
                case Op.Softmax s -> needsBuffer[node.input(0)] = true;
                case Op.ArgReduce a -> needsBuffer[node.input(0)] = true;
                case Op.Pad p -> needsBuffer[node.input(0)] = true;
                case Op.Concat c -> node.inputs().forEach(in -> needsBuffer[in] = true);
                case Op.OneHot o -> needsBuffer[node.input(0)] = true;
                case Op.IndexSelect i -> node.inputs().forEach(in -> needsBuffer[in] = true);
                case Op.IndexAdd i -> node.inputs().forEach(in -> needsBuffer[in] = true);
                case Op.Gather gt -> node.inputs().forEach(in -> needsBuffer[in] = true);
                case Op.ScatterAdd sa -> node.inputs().forEach(in -> needsBuffer[in] = true);
                case Op.Conv c -> node.inputs().forEach(in -> needsBuffer[in] = true);
                case Op.MaxPool mp -> node.inputs().forEach(in -> needsBuffer[in] = true);
                default -> {
                }
            }
        }
        // A transpose read in place by a matmul needs no loop of its own unless something else uses it.
        for (int id = 0; id < n; id++) {
            if (f.transposedInPlace[id] && !needsBuffer[id]) {
                boolean otherUse = false;
                for (int c : consumers.get(id)) if (!(g.node(c).op() instanceof Op.MatMul)) otherUse = true;
                if (!otherUse) f.materialized[id] = false;
            }
        }
        return f;
    }

    /**
     * The most fused producers one loop may chain (fused depth) and hold (lets, counted with
     * repeats; see {@link #cutLargeRegions}): a 20,000-statement chain of elementwise lets would otherwise be one loop whose
     * building recurses 20,000 deep and whose method passes the JVM's 64 KB code limit (and,
     * long before, the 8,000 bytes the JIT compiles at all). Ordinary models stay far below.
     */
    static final int MAX_FUSED_DEPTH = 64, MAX_FUSED_LETS = 256;

    /**
     * Marks in {@code cut} the nodes to store so that no loop's fused region (the lets inlined
     * into one loop, counted with repeats, so an upper bound) is deeper than
     * {@link #MAX_FUSED_DEPTH} or holds more than {@link #MAX_FUSED_LETS}: producers first, a
     * region that would pass a limit has its largest fused operands stored instead, whose own
     * regions were within it. Returns whether it marked any.
     */
    private boolean cutLargeRegions(Graph g, boolean[] cut) {
        int n = g.size();
        int[] depth = new int[n];
        long[] lets = new long[n];
        boolean added = false;
        for (Node node : g.nodes()) {
            int id = node.id();
            boolean inLoop = isFusible(node.op()) || isSmallContraction(g, node) || isFoldable(node.op());
            if (!inLoop || transposedInPlace[id]) continue;
            while (true) {
                int d = 0, deepest = -1, largest = -1;
                long l = weight(g, node);
                for (int in : node.inputs()) {
                    if (fusedInto(g, in)) {
                        d = Math.max(d, depth[in]);
                        l += lets[in];
                        if (deepest < 0 || depth[in] > depth[deepest]) deepest = in;
                        if (largest < 0 || lets[in] > lets[largest]) largest = in;
                    } else {
                        l += 1;                                    // a load of a stored value
                    }
                }
                if (d + 1 <= MAX_FUSED_DEPTH && l <= MAX_FUSED_LETS || largest < 0) {
                    depth[id] = d + 1;
                    lets[id] = l;
                    break;
                }
                int victim = d + 1 > MAX_FUSED_DEPTH ? deepest : largest;
                cut[victim] = true;
                materialized[victim] = true;                      // for the rest of this pass
                added = true;
            }
        }
        return added;
    }

    /** Whether node {@code id} is computed inside the loops that read it (not stored, not a source). */
    private boolean fusedInto(Graph g, int id) {
        Node node = g.node(id);
        return !materialized[id] && !(node.op() instanceof Op.Input || node.op() instanceof Op.Param
                || node.op() instanceof Op.Constant c && c.size() != 1);
    }

    /** The lets a node adds to a loop: one, or a small contraction's terms written out. */
    private static long weight(Graph g, Node node) {
        if (!isSmallContraction(g, node)) return 1;
        return 1 + 4 * g.node(node.input(0)).type().shape().dims().getLast().constant();
    }

    /** Contractions over at most this many terms are written out inside the loop that reads them. */
    static final int SMALL_CONTRACTION = 8;

    /**
     * A matmul over a few terms ({@code x @ w.T} with 3 features): each result element is a
     * handful of multiply-adds, computed where it is read, so the product is never stored and
     * the bias, the residual and the loss fuse with it.
     */
    static boolean isSmallContraction(Graph g, Node n) {
        if (!(n.op() instanceof Op.MatMul)) return false;
        var a = g.node(n.input(0)).type().shape();
        var k = a.dim(a.rank() - 1);
        return k.isConstant() && k.constant() <= SMALL_CONTRACTION;
    }

    /** A reduction a loop can fold in an inner loop (logsumexp is a library call). */
    private static boolean isFoldable(Op op) {
        return op instanceof Op.Reduce r && r.fn() != ReduceFn.LOGSUMEXP;
    }

    /**
     * Whether every path from {@code id} to the root {@code root} goes through elementwise
     * ops (and unit-axis reshapes) only, all computed inside the root's loop and the root one
     * of them: then the root's loop reads {@code id} once per iteration, at its own position.
     */
    private static boolean onlyElementwiseUpTo(Graph g, List<List<Integer>> consumers, int id, int root, Fusion f) {
        Node r = g.node(root);
        if (!isPointwise(g, r) || f.accumulatedBy[root] >= 0) return false;
        // Every consumer reachable from id short of the root, each visited once (iterative: a
        // long elementwise chain must not recurse once per link).
        ArrayDeque<Integer> todo = new ArrayDeque<>(List.of(id));
        Set<Integer> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            for (int c : consumers.get(todo.pop())) {
                if (c == root || !seen.add(c)) continue;
                if (f.materialized[c] || !isPointwise(g, g.node(c))) return false;
                todo.push(c);
            }
        }
        return true;
    }

    private static boolean isPointwise(Graph g, Node n) {
        return switch (n.op()) {
            case Op.Unary u -> true;
            case Op.Binary b -> true;
            case Op.Where w -> true;
            case Op.Cast c -> true;
            case Op.Alias a -> true;
            case Op.StopGradient s -> true;
            case Op.Require r -> true;
            case Op.Reshape r -> isUnitReshape(g, n);
            default -> false;
        };
    }

    /** A reshape that only adds or removes axes of size 1: positions map without division. */
    static boolean isUnitReshape(Graph g, Node n) {
        if (!(n.op() instanceof Op.Reshape)) return false;
        return nonUnit(g.node(n.input(0)).type().shape().dims()).equals(nonUnit(n.type().shape().dims()));
    }

    static List<dev.modelc.compiler.types.Dim> nonUnit(List<dev.modelc.compiler.types.Dim> dims) {
        return dims.stream().filter(d -> !d.isConstant(1)).toList();
    }

    /** Whether the node can be computed inside another node's loop, one element at a time. */
    static boolean isFusible(Op op) {
        return switch (op) {
            case Op.Unary u -> true;
            case Op.Binary b -> true;
            case Op.Where w -> true;
            case Op.Cast c -> true;
            case Op.Alias a -> true;
            case Op.StopGradient s -> true;
            case Op.Require r -> true;
            case Op.Broadcast b -> true;
            case Op.Transpose t -> true;
            case Op.Slice s -> true;
            case Op.Reshape r -> true;
            case Op.Size s -> true;
            case Op.Iota i -> true;
            case Op.Training m -> true;
            case Op.Constant c -> c.size() == 1;
            case Op.Input i -> false;
            case Op.Param p -> false;
            case Op.Random r -> false;
            case Op.Draw r -> false;
            case Op.Pad p -> false;
            case Op.Concat c -> false;
            case Op.Reduce r -> false;
            case Op.ArgReduce a -> false;
            case Op.Softmax s -> false;
            case Op.MatMul m -> false;
            case Op.OneHot o -> false;
            case Op.IndexSelect i -> false;
            case Op.IndexAdd i -> false;
            case Op.Gather gt -> false;
            case Op.ScatterAdd sa -> false;
            case Op.Conv c -> false;
            case Op.MaxPool m -> false;
        };
    }

    /** Nodes that only move or name data: recomputing them in several loops costs a load, not arithmetic. */
    private static boolean isCheap(Op op) {
        return switch (op) {
            case Op.Alias a -> true;
            case Op.StopGradient s -> true;
            case Op.Require r -> true;
            case Op.Broadcast b -> true;
            case Op.Transpose t -> true;
            case Op.Slice s -> true;
            case Op.Reshape r -> true;
            case Op.Size s -> true;
            case Op.Iota i -> true;
            case Op.Constant c -> true;
            default -> false;
        };
    }

    static boolean isLastTwoTranspose(Node node) {
        if (!(node.op() instanceof Op.Transpose t)) return false;
        List<Integer> p = t.perm();
        int r = p.size();
        if (r < 2) return false;
        for (int i = 0; i < r - 2; i++) if (p.get(i) != i) return false;
        return p.get(r - 2) == r - 1 && p.get(r - 1) == r - 2;
    }
}
