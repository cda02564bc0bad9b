package dev.modelc.compiler.autodiff;

import dev.modelc.compiler.graph.BinaryFn;
import dev.modelc.compiler.graph.Emitter;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.graph.UnaryFn;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * One vector-Jacobian product per op: given a node and the gradient {@code g} of the result
 * (same shape as the node), the gradient of each input (null where none flows). Every rule
 * builds ordinary nodes, so rules compose into higher derivatives.
 *
 * <p>Where a derivative is infinite or undefined at points a {@code where} may have masked out
 * (sqrt and log at 0, division by 0), the rule multiplies "safely": a zero upstream gradient
 * gives zero, not {@code 0 * inf = NaN}, so a masked branch cannot poison the result.
 */
final class VjpRules {
    private VjpRules() {
    }

    static List<Integer> vjp(Emitter e, Node n, int g, IntPredicate wanted) {
        int x = n.inputs().isEmpty() ? -1 : n.input(0);
        int y = n.id();
        return switch (n.op()) {
            case Op.Input i -> List.of();
            case Op.Param p -> List.of();
            case Op.Constant c -> List.of();
            case Op.Size s -> List.of();
            case Op.Iota i -> List.of();
            case Op.Training m -> List.of();
            case Op.Random r -> List.of();
            // A draw depends on no operand: nothing flows back (bernoulli's p and rand_like's x get zero, as in PyTorch).
            case Op.Draw r -> List.of();
            case Op.StopGradient s -> none(1);
            case Op.Alias a -> one(g);
            case Op.Require r -> one(g);
            case Op.ArgReduce a -> none(1);
            case Op.OneHot o -> none(1);
            case Op.Unary u -> one(u.fn().vjp(e, x, y, g));          // the rule is in the op table
            case Op.Binary bin -> binary(e, bin.fn(), n.input(0), n.input(1), y, g, wanted);
            // where(m, a, b): the gradient goes to the branch that was taken.
            case Op.Where w -> {
                int zero = e.full(0, e.type(g));
                yield Arrays.asList(null, e.where(n.input(0), g, zero), e.where(n.input(0), zero, g));
            }
            case Op.Cast c -> one(e.cast(g, e.dtype(x)));
            case Op.Broadcast b -> one(e.sumTo(g, e.shape(x)));
            case Op.Reshape r -> one(e.reshape(g, e.shape(x)));
            case Op.Transpose t -> one(e.transpose(g, inverse(t.perm())));
            case Op.Slice s -> one(e.pad(g, s.starts(), s.steps(), e.shape(x)));
            case Op.Pad p -> one(e.slice(g, p.starts(), p.steps(), e.shape(x)));
            case Op.Concat c -> concat(e, n, c.axis(), g);
            case Op.Reduce r -> one(reduce(e, r, x, y, g));
            // Row selection and gather are linear in their table; each adjoint is a scatter-add into
            // zeros (repeated indices accumulate), whose own adjoint is the selection again.
            case Op.IndexSelect i -> Arrays.asList(e.indexAdd(g, n.input(1), e.shape(x)), null);
            case Op.IndexAdd i -> Arrays.asList(e.indexSelect(g, n.input(1)), null);
            case Op.Gather gt -> Arrays.asList(e.scatterAdd(g, n.input(1), gt.axis(), e.shape(x)), null);
            case Op.ScatterAdd sa -> Arrays.asList(e.gather(g, n.input(1), sa.axis()), null);
            case Op.Conv c -> conv(e, c.conv(), n, g, wanted);
            case Op.MaxPool m -> maxPool(e, m.pool(), n, g, wanted);
            case Op.Softmax s -> one(softmax(e, s, y, g));
            // C = A @ B: dA = dC @ B^T, dB = A^T @ dC (batched over leading axes).
            case Op.MatMul m -> matmul(e, n, g, wanted);
        };
    }

    /**
     * C = A @ B: dA = dC @ B^T, dB = A^T @ dC. Where a rank-2 operand is itself a transpose (a
     * Linear layer's {@code x @ w.T}), its adjoint is transposed again on its way to the
     * transposed matrix, so it is built as a transposed product instead, {@code dB = (dC^T @ A)^T}
     * (and {@code dA = (B @ dC^T)^T}): simplification cancels the two transposes and w's gradient
     * is one product written in w's layout, with no transposing copy of w's size after it (a
     * strided pass that took a sixth of the quickstart's epoch). Each element sums the same terms
     * in the same order, only the factors of each term swapped, so the values are the same bits
     * wherever a product sums each element in k order (f64 everywhere, and f32 on the vector and
     * scalar dot loops); one f32 path differs in the last bits: a tall product with few results
     * ({@code Library.splitK}, at most 64 results over 32,768 rows or more) pairs its columns,
     * and swapping the operands changes which result falls in the unpaired last column, which
     * sums with another count of running sums (f32's documented product tolerance still holds).
     * A small matrix (at most {@link #SMALL_ADJOINT} elements, a regression's weight) keeps
     * {@code x.T @ g}: the scheduler folds that product into the pass over the rows that computes
     * the loss and the bias gradient ({@code kernel.RowReductions}), transpose included.
     */
    private static List<Integer> matmul(Emitter e, Node n, int g, IntPredicate wanted) {
        int a = n.input(0), b = n.input(1);
        Integer da = null, db = null;
        if (wanted.test(0)) {
            da = isLargeTranspose(e, a, b) ? e.transposeLast(e.matmul(b, e.transposeLast(g))) : e.matmul(g, e.transposeLast(b));
        }
        if (wanted.test(1)) {
            db = isLargeTranspose(e, b, a) ? e.transposeLast(e.matmul(e.transposeLast(g), a)) : e.matmul(e.transposeLast(a), g);
        }
        return Arrays.asList(da, db);
    }

    /** The most elements of a transposed operand whose adjoint stays a transposed product (kernel.RowReductions' MAX_OUTPUTS). */
    static final long SMALL_ADJOINT = 16;

    /** Whether {@code x} is a transposed matrix of more than {@link #SMALL_ADJOINT} elements, in a product of matrices. */
    private static boolean isLargeTranspose(Emitter e, int x, int other) {
        Shape s = e.shape(x);
        if (s.rank() != 2 || e.shape(other).rank() != 2 || !(e.builder().node(x).op() instanceof Op.Transpose)) return false;
        return s.numel().isConstant() && s.numel().constant() > SMALL_ADJOINT;
    }

    /**
     * The three convolutions are each other's adjoints: y = conv(x, w) gives dx = input_grad(dy, w),
     * dw = weight_grad(x, dy); dx = input_grad(g, w) gives dg = conv(h, w), dw = weight_grad(h, g);
     * dw = weight_grad(x, g) gives dx = input_grad(g, h), dg = conv(x, h) (h the incoming gradient).
     */
    private static List<Integer> conv(Emitter e, dev.modelc.runtime.exec.Convolution c, Node n, int h, IntPredicate wanted) {
        int a = n.input(0), b = n.input(1);
        return switch (c.kind()) {
            case FORWARD -> Arrays.asList(wanted.test(0) ? e.convInputGrad(c, h, b, e.shape(a)) : null,
                    wanted.test(1) ? e.convWeightGrad(c, a, h, e.shape(b)) : null);
            case INPUT_GRAD -> Arrays.asList(wanted.test(0) ? e.conv(c, h, b) : null,
                    wanted.test(1) ? e.convWeightGrad(c, h, a, e.shape(b)) : null);
            case WEIGHT_GRAD -> Arrays.asList(wanted.test(0) ? e.convInputGrad(c, b, h, e.shape(a)) : null,
                    wanted.test(1) ? e.conv(c, a, h) : null);
        };
    }

    /**
     * Nothing flows to x through a max pool (its winners do not move away from ties); the moved
     * value's gradient is the other of the pair SCATTER/SELECT, each the other's adjoint:
     * y = max_pool(x) gives dx = scatter(x, h); dx = scatter(x, g) gives dg = select(x, h);
     * y = select(x, u) gives du = scatter(x, h) (h the incoming gradient).
     */
    private static List<Integer> maxPool(Emitter e, dev.modelc.runtime.exec.MaxPool p, Node n, int h, IntPredicate wanted) {
        int x = n.input(0);
        return switch (p.kind()) {
            case MAX -> one(e.maxPoolScatter(p, x, h));
            case SCATTER -> Arrays.asList(null, wanted.test(1) ? e.maxPoolSelect(p, x, h, e.shape(n.input(1))) : null);
            case SELECT -> Arrays.asList(null, wanted.test(1) ? e.maxPoolScatter(p, x, h) : null);
        };
    }

    private static List<Integer> one(int g) {
        return List.of(g);
    }

    private static List<Integer> none(int arity) {
        return Arrays.asList(new Integer[arity]);
    }

    private static int c(Emitter e, double v, int like) {
        return e.full(v, e.dtype(like), Shape.SCALAR);
    }

    private static List<Integer> binary(Emitter e, BinaryFn fn, int a, int b, int y, int g, IntPredicate wanted) {
        Shape sa = e.shape(a), sb = e.shape(b);
        return switch (fn) {
            case ADD -> Arrays.asList(g, g);
            case SUB -> Arrays.asList(g, wanted.test(1) ? e.neg(g) : null);
            case MUL -> Arrays.asList(wanted.test(0) ? e.mul(g, b) : null, wanted.test(1) ? e.mul(g, a) : null);
            // d(a/b) = 1/b, -a/b^2 = -y/b
            case DIV -> Arrays.asList(
                    wanted.test(0) ? e.safeMul(g, e.unary(UnaryFn.RECIPROCAL, b)) : null,
                    wanted.test(1) ? e.safeMul(g, e.neg(e.div(y, b))) : null);
            // d(a^b) = b a^(b-1), a^b log a (taken as 0 where a = 0, as PyTorch does)
            // (a constant power >= 1 has a finite derivative everywhere: no guard needed; a power of
            // exactly 0 has derivative 0, even at a = 0 where b a^(b-1) would be 0 * inf, as in PyTorch)
            case POW -> Arrays.asList(
                    wanted.test(0) ? (e.fill(b) >= 1
                            ? e.mul(g, e.mul(b, e.binary(BinaryFn.POW, a, e.sub(b, c(e, 1, b)))))
                            : e.where(e.binary(BinaryFn.EQ, b, c(e, 0, b)), e.full(0, e.type(g)),
                                    e.safeMul(g, e.mul(b, e.binary(BinaryFn.POW, a, e.sub(b, c(e, 1, b))))))) : null,
                    wanted.test(1) ? e.where(e.binary(BinaryFn.EQ, a, c(e, 0, a)), e.full(0, e.type(g)),
                            e.safeMul(g, e.mul(y, e.unary(UnaryFn.LOG, a)))) : null);
            // maximum/minimum: the larger (smaller) side gets the gradient; ties split it in half.
            case MAX, MIN -> {
                BinaryFn wins = fn == BinaryFn.MAX ? BinaryFn.GT : BinaryFn.LT;
                int ga = e.add(e.cast(e.binary(wins, a, b), e.dtype(g)),
                        e.scale(0.5, e.cast(e.binary(BinaryFn.EQ, a, b), e.dtype(g))));
                yield Arrays.asList(e.mul(g, ga), e.mul(g, e.sub(c(e, 1, g), ga)));
            }
            case LT, LE, GT, GE, EQ, NE, AND, OR -> Arrays.asList(null, null);
        };
    }

    private static List<Integer> concat(Emitter e, Node n, int axis, int g) {
        List<Integer> out = new ArrayList<>();
        Dim start = Dim.of(0);
        Shape gs = e.shape(g);
        for (int in : n.inputs()) {
            Shape s = e.shape(in);
            List<Dim> starts = new ArrayList<>();
            List<Long> steps = new ArrayList<>();
            for (int i = 0; i < gs.rank(); i++) {
                starts.add(i == axis ? start : Dim.of(0));
                steps.add(1L);
            }
            out.add(e.slice(g, starts, steps, s));
            start = start.plus(s.dim(axis));
        }
        return out;
    }

    private static int reduce(Emitter e, Op.Reduce r, int x, int y, int g) {
        Shape xs = e.shape(x);
        Shape kept = keptShape(xs, r.axes());
        int gk = e.broadcast(e.reshape(g, kept), xs);
        return switch (r.fn()) {
            case SUM -> gk;
            case MEAN -> {
                Dim count = Dim.of(1);
                for (int a : r.axes()) count = count.times(xs.dim(a));
                yield e.div(gk, e.size(count, e.dtype(x)));
            }
            // Ties split the gradient evenly, as the language reference says.
            case MAX, MIN -> {
                int mask = e.cast(e.binary(BinaryFn.EQ, x, e.broadcast(e.reshape(y, kept), xs)), e.dtype(x));
                int ties = e.broadcast(e.sum(mask, r.axes(), true), xs);
                yield e.div(e.mul(gk, mask), ties);
            }
            // d logsumexp = softmax = exp(x - lse)
            case LOGSUMEXP -> e.mul(gk, e.unary(UnaryFn.EXP, e.sub(x, e.broadcast(e.reshape(y, kept), xs))));
        };
    }

    private static int softmax(Emitter e, Op.Softmax s, int y, int g) {
        List<Integer> axis = List.of(s.axis());
        Shape ys = e.shape(y);
        if (s.log()) {
            // d log_softmax: g - softmax * sum(g)
            int total = e.broadcast(e.sum(g, axis, true), ys);
            return e.sub(g, e.mul(e.unary(UnaryFn.EXP, y), total));
        }
        // d softmax: s * (g - sum(g * s))
        int dot = e.broadcast(e.sum(e.mul(g, y), axis, true), ys);
        return e.mul(y, e.sub(g, dot));
    }

    /** The shape of a reduction's result with keepdims. */
    static Shape keptShape(Shape s, List<Integer> axes) {
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < s.rank(); i++) out.add(axes.contains(i) ? Dim.of(1) : s.dim(i));
        return new Shape(out);
    }

    private static List<Integer> inverse(List<Integer> perm) {
        Integer[] inv = new Integer[perm.size()];
        for (int i = 0; i < perm.size(); i++) inv[perm.get(i)] = i;
        return List.of(inv);
    }
}
