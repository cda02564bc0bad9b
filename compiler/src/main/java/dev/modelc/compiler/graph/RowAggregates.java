package dev.modelc.compiler.graph;

import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.runtime.train.RowAggregate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which scalars of a model can be evaluated a batch of rows at a time and combined exactly: a
 * forward abstract interpretation of the graph that follows the row axis (axis 0 of every input,
 * the axis training splits) and finds sums and means over it.
 *
 * <p>A value is {@code Fixed} (the same for every batch: params, constants, anything not
 * depending on an input, constant along any axis of the rows' size), {@code Rows} (has the row
 * axis, and its slice for row i depends on row i of the inputs alone), {@code Sum} or {@code Mean}
 * (the batches' values add, or average weighted by rows, to the value on all rows; linear
 * combinations keep them), {@code RowCount} (the number of rows, from {@code size(x, 0)}), or
 * {@code Other}. Anything not proved is {@code Other}, which is always safe.
 */
public final class RowAggregates {
    private sealed interface Kind {
    }

    private record Fixed() implements Kind {
    }

    private record Rows(int axis) implements Kind {
    }

    private record Sum() implements Kind {
    }

    private record Mean() implements Kind {
    }

    private record RowCount() implements Kind {
    }

    private record Other() implements Kind {
    }

    private static final Kind FIXED = new Fixed(), SUM = new Sum(), MEAN = new Mean(), ROW_COUNT = new RowCount(),
            OTHER = new Other();

    private final Graph graph;
    private final Kind[] kinds;
    private final Set<Dim> rowDims = new HashSet<>();
    private final Set<String> rowSymbols = new HashSet<>();

    private RowAggregates(Graph graph) {
        this.graph = graph;
        this.kinds = new Kind[graph.size()];
        for (Node n : graph.inputs()) {
            if (n.type().rank() > 0) {
                Dim d = n.type().shape().dim(0);
                rowDims.add(d);
                rowSymbols.addAll(d.symbols());
            }
        }
        for (Node n : graph.nodes()) kinds[n.id()] = checked(n.type().shape(), kindOf(n));
    }

    /**
     * The rules above assume a value has at most one axis whose size involves the rows, and that
     * it is exactly the rows' size and, for rows, the row axis: a second one ({@code [N, N]}
     * from a broadcast), or one of another size ({@code N - 1} from a slice), would make a value
     * depend on the batch's size in ways they do not follow.
     */
    private Kind checked(Shape shape, Kind k) {
        if (!(k instanceof Fixed || k instanceof Rows)) return k;
        int rowAxes = 0;
        for (int a = 0; a < shape.rank(); a++) {
            Dim d = shape.dim(a);
            if (!mentionsRows(Shape.of(d))) continue;
            if (!rowDims.contains(d) || k instanceof Rows r && r.axis() != a) return OTHER;
            rowAxes++;
        }
        return rowAxes > 1 ? OTHER : k;
    }

    /** How the scalar result node {@code node} of {@code graph} combines over batches of rows. */
    public static RowAggregate of(Graph graph, int node) {
        if (graph.node(node).type().rank() != 0) return RowAggregate.BATCH_MEAN;
        return switch (new RowAggregates(graph).kinds[node]) {
            case Sum s -> RowAggregate.SUM;
            case RowCount c -> RowAggregate.SUM;
            case Mean m -> RowAggregate.MEAN;
            case Fixed f -> RowAggregate.MEAN; // the same on every batch, so any weighted mean of it
            case Rows r -> RowAggregate.BATCH_MEAN;
            case Other o -> RowAggregate.BATCH_MEAN;
        };
    }

    /** How the model's loss combines over batches, or MEAN (unused) when it has none. */
    public static RowAggregate ofLoss(Graph graph) {
        return graph.outputs(Graph.Role.LOSS).stream().findFirst().map(o -> of(graph, o.node())).orElse(RowAggregate.MEAN);
    }

    private Kind in(Node n, int i) {
        return kinds[n.input(i)];
    }

    /** Whether a shape has an axis whose size involves the number of rows. */
    private boolean mentionsRows(Shape s) {
        for (Dim d : s.dims()) {
            for (String sym : d.symbols()) if (rowSymbols.contains(sym)) return true;
        }
        return false;
    }

    private Kind kindOf(Node n) {
        Shape shape = n.type().shape();
        return switch (n.op()) {
            case Op.Input i -> shape.rank() > 0 ? new Rows(0) : FIXED;
            case Op.Param p -> FIXED;
            case Op.Constant c -> FIXED;
            case Op.Random r -> FIXED;
            // A step's draws differ between a batch and all rows.
            case Op.Draw r -> OTHER;
            // Positions along the rows differ between a batch and all rows.
            case Op.Iota i -> mentionsRows(shape) ? OTHER : FIXED;
            case Op.Training m -> FIXED;
            case Op.Size s -> rowDims.contains(s.dim()) ? ROW_COUNT : s.dim().symbols().stream().anyMatch(rowSymbols::contains) ? OTHER : FIXED;
            case Op.Alias a -> in(n, 0);
            case Op.StopGradient s -> in(n, 0);
            case Op.Require r -> in(n, 0);
            case Op.Unary u -> switch (in(n, 0)) {
                case Fixed f -> FIXED;
                case Rows r -> r;
                case Sum s -> u.fn() == dev.modelc.compiler.graph.UnaryFn.NEG ? SUM : OTHER;
                case Mean m -> u.fn() == dev.modelc.compiler.graph.UnaryFn.NEG ? MEAN : OTHER;
                case RowCount c -> OTHER;
                case Other o -> OTHER;
            };
            case Op.Cast c -> {
                Kind k = in(n, 0);
                boolean exact = n.type().dtype().isFloating(); // to an integer would round a combined value
                yield k instanceof Sum || k instanceof Mean || k instanceof RowCount ? (exact ? k : OTHER) : k;
            }
            case Op.Binary b -> binary(b.fn(), in(n, 0), in(n, 1));
            case Op.Where w -> {
                List<Kind> ks = List.of(in(n, 0), in(n, 1), in(n, 2));
                yield rowLocal(ks);
            }
            case Op.Broadcast b -> {
                Kind k = in(n, 0);
                int added = shape.rank() - graph.node(n.input(0)).type().rank();
                yield k instanceof Rows r ? new Rows(r.axis() + added) : k instanceof RowCount ? OTHER : k;
            }
            case Op.Reshape r -> {
                Kind k = in(n, 0);
                if (k instanceof Rows rows) {
                    Shape from = graph.node(n.input(0)).type().shape();
                    // Rows stay rows when they stay axis 0 with the same size: [N, 784] -> [N, 1, 28, 28].
                    yield rows.axis() == 0 && shape.rank() > 0 && shape.dim(0).equals(from.dim(0)) ? rows : OTHER;
                }
                yield k instanceof RowCount ? OTHER : k;
            }
            case Op.Transpose t -> {
                Kind k = in(n, 0);
                if (k instanceof Rows rows) yield new Rows(t.perm().indexOf(rows.axis()));
                yield k instanceof RowCount ? OTHER : k;
            }
            case Op.Slice s -> {
                Kind k = in(n, 0);
                if (k instanceof Rows rows) {
                    Shape from = graph.node(n.input(0)).type().shape();
                    int a = rows.axis();
                    boolean whole = s.starts().get(a).isConstant(0) && s.steps().get(a) == 1 && shape.dim(a).equals(from.dim(a));
                    yield whole ? rows : OTHER;
                }
                yield k instanceof RowCount ? OTHER : k;
            }
            case Op.Pad p -> in(n, 0) instanceof Fixed ? FIXED : OTHER;
            case Op.Concat c -> {
                List<Kind> ks = new ArrayList<>();
                for (int i = 0; i < n.inputs().size(); i++) ks.add(in(n, i));
                Kind k = rowLocal(ks);
                int axis = c.axis() < 0 ? c.axis() + shape.rank() : c.axis();
                yield k instanceof Rows r && r.axis() == axis ? OTHER : k;
            }
            case Op.Reduce r -> reduce(r, in(n, 0), graph.node(n.input(0)).type().shape());
            case Op.ArgReduce a -> {
                Kind k = in(n, 0);
                if (k instanceof Fixed) yield FIXED;
                if (k instanceof Rows rows && a.axis() >= 0 && a.axis() != rows.axis()) {
                    yield new Rows(!a.keepdims() && a.axis() < rows.axis() ? rows.axis() - 1 : rows.axis());
                }
                yield OTHER;
            }
            case Op.Softmax s -> {
                Kind k = in(n, 0);
                if (k instanceof Fixed) yield FIXED;
                int axis = s.axis() < 0 ? s.axis() + shape.rank() : s.axis();
                yield k instanceof Rows rows && axis != rows.axis() ? rows : OTHER;
            }
            case Op.MatMul m -> {
                Shape a = graph.node(n.input(0)).type().shape();
                // A product of fixed values summing over an axis of the rows' size grows with the batch.
                if (in(n, 0) instanceof Fixed && in(n, 1) instanceof Fixed) yield mentionsRows(Shape.of(a.dim(a.rank() - 1))) ? OTHER : FIXED;
                yield matmul(in(n, 0), in(n, 1), a.rank(), graph.node(n.input(1)).type().rank());
            }
            case Op.OneHot o -> in(n, 0) instanceof Rows || in(n, 0) instanceof Fixed ? in(n, 0) : OTHER;
            // Rows of a fixed table picked by rows of indices are rows (the indices' axes come first).
            case Op.IndexSelect i -> in(n, 0) instanceof Fixed && (in(n, 1) instanceof Fixed || in(n, 1) instanceof Rows) ? in(n, 1) : OTHER;
            case Op.Gather gt -> in(n, 0) instanceof Fixed && in(n, 1) instanceof Fixed ? FIXED
                    : in(n, 0) instanceof Rows r && in(n, 1) instanceof Rows ri && r.axis() == ri.axis() && r.axis() != gt.axis() ? r : OTHER;
            case Op.IndexAdd i -> in(n, 0) instanceof Fixed && in(n, 1) instanceof Fixed ? FIXED : OTHER;
            case Op.ScatterAdd sa -> in(n, 0) instanceof Fixed && in(n, 1) instanceof Fixed ? FIXED : OTHER;
            // A convolution (or its input gradient) of rows along axis 0 with a fixed weight is rows:
            // each image's result depends on that image alone. The weight gradient sums over rows.
            case Op.Conv c -> in(n, 0) instanceof Fixed && in(n, 1) instanceof Fixed ? FIXED
                    : c.conv().kind() != dev.modelc.runtime.exec.Convolution.Kind.WEIGHT_GRAD && in(n, 0) instanceof Rows r
                    && r.axis() == 0 && in(n, 1) instanceof Fixed ? r : OTHER;
            // A pool works within the trailing axes: rows along a leading axis stay rows.
            case Op.MaxPool m -> maxPool(n, m.pool().spatial());
        };
    }

    /** A max pool's node: its operands' rows when they share a row axis before the pooled ones. */
    private Kind maxPool(Node n, int spatial) {
        List<Kind> ks = new ArrayList<>();
        for (int i = 0; i < n.inputs().size(); i++) ks.add(in(n, i));
        Kind k = rowLocal(ks);
        return k instanceof Rows r && r.axis() >= n.type().rank() - spatial ? OTHER : k;
    }

    /** Elementwise ops of several operands: rows stay rows when they share the row axis; fixed values ride along. */
    private static Kind rowLocal(List<Kind> ks) {
        Rows rows = null;
        for (Kind k : ks) {
            switch (k) {
                case Fixed f -> { }
                case Rows r -> {
                    if (rows != null && rows.axis() != r.axis()) return OTHER;
                    rows = r;
                }
                default -> {
                    return OTHER;
                }
            }
        }
        return rows != null ? rows : FIXED;
    }

    private static Kind binary(BinaryFn fn, Kind a, Kind b) {
        if ((a instanceof Fixed || a instanceof Rows) && (b instanceof Fixed || b instanceof Rows)) return rowLocal(List.of(a, b));
        return switch (fn) {
            // Means average with weights that add to 1, so a term the same on every batch survives; sums do not.
            case ADD, SUB -> a instanceof Mean && (b instanceof Mean || b instanceof Fixed)
                    || a instanceof Fixed && b instanceof Mean ? MEAN
                    : a instanceof Sum && b instanceof Sum ? SUM : OTHER;
            case MUL -> a instanceof Fixed ? linear(b) : b instanceof Fixed ? linear(a)
                    : a instanceof Mean && b instanceof RowCount || a instanceof RowCount && b instanceof Mean ? SUM : OTHER;
            case DIV -> b instanceof Fixed ? linear(a) : (a instanceof Sum || a instanceof RowCount) && b instanceof RowCount
                    ? (a instanceof RowCount ? FIXED : MEAN) : OTHER;
            default -> OTHER;
        };
    }

    /** A sum or mean scaled by a fixed value stays one. */
    private static Kind linear(Kind k) {
        return k instanceof Sum || k instanceof Mean ? k : k instanceof RowCount ? SUM : OTHER;
    }

    private Kind reduce(Op.Reduce r, Kind k, Shape operand) {
        boolean linear = r.fn() == ReduceFn.SUM || r.fn() == ReduceFn.MEAN;
        List<Integer> axes = new ArrayList<>();
        for (int a : r.axes()) axes.add(a < 0 ? a + operand.rank() : a);
        return switch (k) {
            case Fixed f -> {
                boolean overRows = false;
                for (int a : axes) overRows |= mentionsRows(Shape.of(operand.dim(a)));
                // A fixed value along the rows sums to (rows x value): a sum over rows. Its mean, max and min are itself.
                yield !overRows ? FIXED : switch (r.fn()) {
                    case SUM -> SUM;
                    case MEAN, MAX, MIN -> FIXED;
                    case LOGSUMEXP -> OTHER;
                };
            }
            case Rows rows -> {
                if (!axes.contains(rows.axis())) {
                    int before = 0;
                    for (int a : axes) if (a < rows.axis()) before++;
                    yield new Rows(r.keepdims() ? rows.axis() : rows.axis() - before);
                }
                yield r.fn() == ReduceFn.SUM ? SUM : r.fn() == ReduceFn.MEAN ? MEAN : OTHER;
            }
            case Sum s -> linear ? SUM : OTHER;
            case Mean m -> linear ? MEAN : OTHER;
            case RowCount c -> OTHER;
            case Other o -> OTHER;
        };
    }

    /** {@code [..., n, k] @ [..., k, m]}: rows along a batch axis or {@code n} (left) or {@code m} (right) stay rows. */
    private static Kind matmul(Kind a, Kind b, int rankA, int rankB) {
        if (a instanceof Fixed && b instanceof Fixed) return FIXED;
        if (a instanceof Rows ra && b instanceof Fixed) return ra.axis() <= rankA - 2 ? ra : OTHER; // on k it sums over rows
        if (a instanceof Rows ra && b instanceof Rows rb) {
            if (ra.axis() == rankA - 1 && rb.axis() == rankB - 2) return SUM; // x.T @ y: a sum over rows of their products
            return rankA == rankB && ra.axis() == rb.axis() && ra.axis() < rankA - 2 ? ra : OTHER; // rows on a batch axis
        }
        if (a instanceof Fixed && b instanceof Rows rb) {
            if (rb.axis() == rankB - 1) return new Rows(rankA - 1 >= rankB - 1 ? rankA - 1 : rankB - 1);
            return rb.axis() < rankB - 2 ? rb : OTHER;
        }
        if (b instanceof Fixed && (a instanceof Sum || a instanceof Mean)) return a;
        if (a instanceof Fixed && (b instanceof Sum || b instanceof Mean)) return b;
        return OTHER;
    }
}
