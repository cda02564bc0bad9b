package dev.modelc.compiler.properties;

import dev.modelc.compiler.graph.BinaryFn;
import dev.modelc.compiler.graph.Emitter;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.GraphBuilder;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.graph.ReduceFn;
import dev.modelc.compiler.graph.UnaryFn;
import dev.modelc.compiler.types.Broadcast;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Random well-typed f64 expression graphs, generated as plain data and built deterministically.
 *
 * <p>A {@link Program} is a list of input shapes (indices into {@link #SHAPES}), a list of
 * {@link Step}s (an op kind, three operand selectors and two parameters, all small ints), a few
 * extra values summed into the result, and a seed for the input values. jqwik shrinks that data
 * (shorter lists, smaller ints, earlier enum constants), and {@link #build} turns any such data
 * into a valid graph: operand selectors count back from the newest value modulo the number of
 * values, parameters are taken modulo whatever range they select from, operands whose shapes do
 * not fit are adapted (see {@link Builder#fit}), and a step whose result would leave the size
 * limits is skipped. So every shrunk description still builds.
 *
 * <p>Smoothness by construction: every value carries a bound on its magnitude, and values over
 * {@link #RESCALE_ABOVE} are multiplied by a power of two to come back under it, so exponentials
 * and powers cannot overflow and slopes stay moderate. Functions with poles or a restricted
 * domain only ever see safe arguments: log(x^2 + c), log1p(x^2), sqrt(x^2 + c), 1/(c + x^2),
 * a / (c + b^2), (c + a^2)^b with c >= 0.5. The functions with kinks (relu, abs, sign, maximum,
 * minimum, comparisons in a where mask, max/min reductions) are kept: the properties check, at
 * the point they evaluate, that every kink argument is a clear distance from its kink and that
 * no finite-difference step crosses one (see {@link dev.modelc.compiler.interp.Kinks}), and choose other input values
 * otherwise.
 */
final class ExprPrograms {
    private ExprPrograms() {
    }

    /** Input shapes: scalars, vectors, matrices, rank-3, with size-1 axes for broadcasting. */
    static final List<Shape> SHAPES = List.of(
            Shape.SCALAR, Shape.of(3), Shape.of(2, 3), Shape.of(2, 1), Shape.of(1, 3), Shape.of(4), Shape.of(2, 2),
            Shape.of(3, 1, 2), Shape.of(2, 1, 3), Shape.of(1), Shape.of(4, 3), Shape.of(2, 3, 1), Shape.of(3, 2),
            Shape.of(2, 2, 3));

    static final int MAX_RANK = 3;
    static final int MAX_DIM = 8;
    static final int MAX_NUMEL = 48;
    static final double RESCALE_ABOVE = 4;

    /** What one step does; the first constants are the simplest, as shrinking prefers them. */
    enum Kind {
        NEG, ADD, SUB, MUL, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQUARE, EXP, LOG, LOG1P, SQRT, RECIPROCAL,
        RELU, ABS, SIGN, DIV, POW, MAXIMUM, MINIMUM, WHERE, REDUCE, SOFTMAX, MATMUL, TRANSPOSE, RESHAPE,
        BROADCAST, SLICE, PAD, CONCAT, CONSTANT, RAW_LOG, ERF, ATAN, ASIN, ACOS, SINH, COSH, LOG2, EXP2, RSQRT,
        // The step's draws (last, so shrinking prefers programs without them): dropout(v, 1/2) and v + randn_like(v) / 4.
        DROPOUT, NOISE
    }

    /** One op: operands are picked by {@code a, b, c} (0 = the newest value), {@code p, q} choose attributes. */
    record Step(Kind kind, int a, int b, int c, int p, int q) {
        @Override
        public String toString() {
            return kind + "(" + a + "," + b + "," + c + ";" + p + "," + q + ")";
        }
    }

    /** A whole program: inputs x0.. of the given shapes, the steps, extra summands, and the value seed. */
    record Program(List<Integer> inputs, List<Step> steps, List<Integer> extra, int seed) {
        @Override
        public String toString() {
            return "Program[inputs=" + inputs.stream().map(i -> SHAPES.get(i).toString()).collect(Collectors.joining(", ", "(", ")"))
                    + " steps=" + steps + " extra=" + extra + " seed=" + seed + "]";
        }
    }

    static Arbitrary<Program> programs() {
        Arbitrary<Integer> small = Arbitraries.integers().between(0, 999);
        Arbitrary<Integer> selector = Arbitraries.integers().between(0, 9);
        Arbitrary<Step> step = Combinators.combine(Arbitraries.of(Kind.class), selector, selector, selector, small, small)
                .as(Step::new);
        return Combinators.combine(
                Arbitraries.integers().between(0, SHAPES.size() - 1).list().ofMinSize(1).ofMaxSize(3),
                step.list().ofMinSize(1).ofMaxSize(12),
                selector.list().ofMaxSize(2),
                Arbitraries.integers().between(0, 1 << 20))
                .as(Program::new)
                .withoutEdgeCases();
    }

    /** The built forward graph: input nodes (x0, x1, ...), their types, and the scalar result {@code y}. */
    record Built(Program program, GraphBuilder builder, Emitter emitter, List<Integer> inputs,
                 List<TensorType> inputTypes, int y) {
        /** The forward part alone (every node up to y), with y as the one result. */
        Graph forward() {
            return new Graph(builder.build(List.of()).nodes().subList(0, y + 1),
                    List.of(new Graph.Output("y", Graph.Role.OUTPUT, y)));
        }
    }

    static Built build(Program p) {
        return new Builder(p).run();
    }

    static long numel(Shape s) {
        return s.numel().constant();
    }

    static int[] dims(Shape s) {
        int[] out = new int[s.rank()];
        for (int i = 0; i < out.length; i++) out[i] = (int) s.dim(i).constant();
        return out;
    }

    static boolean withinLimits(Shape s) {
        if (s.rank() > MAX_RANK || numel(s) > MAX_NUMEL) return false;
        for (Dim d : s.dims()) if (d.constant() > MAX_DIM || d.constant() < 1) return false;
        return true;
    }

    /** A value under construction: its node and a bound on its magnitude. */
    private record Val(int id, double bound) {
    }

    private static final class Builder {
        private final Program program;
        private final GraphBuilder gb = new GraphBuilder();
        private final Emitter e = new Emitter(gb);
        private final List<Val> values = new ArrayList<>();
        /** The next draw's site: each draw its own, as lowering numbers them. */
        private int draws;

        Builder(Program program) {
            this.program = program;
        }

        Built run() {
            List<Integer> inputs = new ArrayList<>();
            List<TensorType> types = new ArrayList<>();
            for (int i = 0; i < program.inputs().size(); i++) {
                TensorType t = TensorType.of(DType.F64, SHAPES.get(program.inputs().get(i)));
                int id = e.input("x" + i, t);
                inputs.add(id);
                types.add(t);
                values.add(new Val(id, 2));
            }
            for (Step s : program.steps()) {
                Val v = step(s);
                if (v != null) values.add(rescale(v));
            }
            int y = sumAll(values.getLast().id());
            for (int sel : program.extra()) y = e.add(y, sumAll(pick(sel).id()));
            return new Built(program, gb, e, inputs, types, y);
        }

        private Val pick(int sel) {
            return values.get(values.size() - 1 - sel % values.size());
        }

        private Shape shape(Val v) {
            return e.shape(v.id());
        }

        private int c(double v) {
            return e.full(v, DType.F64, Shape.SCALAR);
        }

        private int sumAll(int id) {
            List<Integer> axes = new ArrayList<>();
            for (int i = 0; i < e.shape(id).rank(); i++) axes.add(i);
            return e.sum(id, axes, false);
        }

        /** Multiplies by a power of two (exact) so the bound is at most {@code limit}. */
        private Val shrinkTo(Val v, double limit) {
            if (v.bound() <= limit) return v;
            int k = (int) Math.ceil(Math.log(v.bound() / limit) / Math.log(2));
            double f = Math.scalb(1.0, -k);
            return new Val(e.scale(f, v.id()), v.bound() * f);
        }

        private Val rescale(Val v) {
            return shrinkTo(v, RESCALE_ABOVE);
        }

        private int square(Val v, int q) {
            return q % 2 == 0 ? e.unary(UnaryFn.SQUARE, v.id()) : e.mul(v.id(), v.id());
        }

        private static final double[] OFFSETS = {0.5, 1, 2};

        /**
         * {@code x} reshaped to {@code target}: flattened, repeated by concatenation if too short,
         * sliced (from {@code start}, with step 1 or 2) if too long, reshaped.
         */
        private Val fit(Val x, Shape target, int choice) {
            long n = numel(shape(x)), want = numel(target);
            int flat = e.reshape(x.id(), Shape.of(n));
            if (n < want) {
                int reps = (int) ((want + n - 1) / n);
                flat = e.concat(Collections.nCopies(reps, flat), 0);
                n *= reps;
            }
            if (n > want) {
                long step = choice % 2 == 1 && (want - 1) * 2 < n ? 2 : 1;
                long room = n - ((want - 1) * step + 1);
                long start = (choice / 2) % (room + 1);
                flat = e.slice(flat, List.of(Dim.of(start)), List.of(step), Shape.of(want));
            }
            return new Val(e.reshape(flat, target), x.bound());
        }

        /** {@code w} as it is if it broadcasts with {@code v} within the limits, else fitted to v's shape. */
        private Val compatible(Val v, Val w, int choice) {
            if (Broadcast.shapes(shape(v), shape(w)) instanceof Broadcast.Result.Ok ok && withinLimits(ok.shape())) return w;
            return fit(w, shape(v), choice);
        }

        private Val unary(UnaryFn fn, Val v, double bound) {
            return new Val(e.unary(fn, v.id()), bound);
        }

        private Val step(Step s) {
            Val v = pick(s.a()), w = pick(s.b()), u = pick(s.c());
            int p = s.p(), q = s.q();
            double bv = v.bound();
            double off = OFFSETS[p % OFFSETS.length];
            return switch (s.kind()) {
                case ERF -> unary(UnaryFn.ERF, v, 1);
                case ATAN -> unary(UnaryFn.ATAN, v, 1.6);
                case ASIN -> unary(UnaryFn.ASIN, new Val(e.scale(0.9, e.unary(UnaryFn.TANH, v.id())), 0.9), 1.2);
                case ACOS -> unary(UnaryFn.ACOS, new Val(e.scale(0.9, e.unary(UnaryFn.TANH, v.id())), 0.9), 3.2);
                case SINH -> unary(UnaryFn.SINH, shrinkTo(v, 2), Math.sinh(Math.min(bv, 2)));
                case COSH -> unary(UnaryFn.COSH, shrinkTo(v, 2), Math.cosh(Math.min(bv, 2)));
                case LOG2 -> new Val(e.unary(UnaryFn.LOG2, e.add(square(v, q), c(off))), Math.max(Math.abs(Math.log(off)), Math.log(bv * bv + off)) * 1.5);
                case EXP2 -> unary(UnaryFn.EXP2, shrinkTo(v, 2), 4);
                case RSQRT -> new Val(e.unary(UnaryFn.RSQRT, e.add(square(v, q), c(off))), 1 / Math.sqrt(off));
                case NEG -> unary(UnaryFn.NEG, v, bv);
                case DROPOUT -> {
                    int draw = e.draw(false, draws++, TensorType.of(DType.F64, shape(v)));
                    yield new Val(e.mul(v.id(), e.where(e.binary(BinaryFn.GE, draw, c(0.5)), c(2), c(0))), 2 * bv);
                }
                // |randn| <= sqrt(-2 ln 2^-53) < 8.6 for the 53-bit uniforms Box-Muller takes.
                case NOISE -> new Val(e.add(v.id(), e.scale(0.25, e.draw(true, draws++, TensorType.of(DType.F64, shape(v))))), bv + 2.15);
                case SIN -> unary(UnaryFn.SIN, v, 1);
                case COS -> unary(UnaryFn.COS, v, 1);
                case TANH -> unary(UnaryFn.TANH, v, 1);
                case SIGMOID -> unary(UnaryFn.SIGMOID, v, 1);
                case SOFTPLUS -> unary(UnaryFn.SOFTPLUS, v, bv + 1);
                case SQUARE -> unary(UnaryFn.SQUARE, v, bv * bv);
                case RELU -> unary(UnaryFn.RELU, v, bv);
                case ABS -> unary(UnaryFn.ABS, v, bv);
                case EXP -> {
                    Val x = shrinkTo(v, 2);
                    yield unary(UnaryFn.EXP, x, Math.exp(x.bound()));
                }
                case LOG -> new Val(e.unary(UnaryFn.LOG, e.add(square(v, q), c(off))),
                        Math.max(Math.abs(Math.log(off)), Math.log(bv * bv + off)));
                case LOG1P -> new Val(e.unary(UnaryFn.LOG1P, square(v, q)), Math.log1p(bv * bv));
                case SQRT -> new Val(e.unary(UnaryFn.SQRT, e.add(square(v, q), c(off))), Math.sqrt(bv * bv + off));
                case RECIPROCAL -> new Val(e.unary(UnaryFn.RECIPROCAL, e.add(c(off), square(v, q))), 1 / off);
                case SIGN -> {
                    Val x = compatible(v, w, q);
                    yield new Val(e.mul(e.unary(UnaryFn.SIGN, v.id()), x.id()), x.bound());
                }
                case ADD, SUB, MUL, MAXIMUM, MINIMUM -> {
                    Val x = compatible(v, w, q);
                    BinaryFn fn = switch (s.kind()) {
                        case ADD -> BinaryFn.ADD;
                        case SUB -> BinaryFn.SUB;
                        case MUL -> BinaryFn.MUL;
                        case MAXIMUM -> BinaryFn.MAX;
                        default -> BinaryFn.MIN;
                    };
                    double bound = switch (fn) {
                        case ADD, SUB -> bv + x.bound();
                        case MUL -> bv * x.bound();
                        default -> Math.max(bv, x.bound());
                    };
                    yield new Val(p % 2 == 0 ? e.binary(fn, v.id(), x.id()) : e.binary(fn, x.id(), v.id()), bound);
                }
                case DIV -> {
                    Val x = compatible(v, w, q);
                    yield new Val(e.div(v.id(), e.add(c(off), square(x, q / 2))), bv / off);
                }
                case POW -> {
                    if (q % 3 == 0) {
                        // an integer power of any base: x ** 2 becomes square(x) in simplification, x ** 1 becomes x
                        double k = new double[] {2, 1, 3}[p % 3];
                        Val x = shrinkTo(v, 2);
                        yield new Val(e.binary(BinaryFn.POW, x.id(), c(k)), Math.pow(x.bound(), k));
                    }
                    Val x = shrinkTo(compatible(v, w, q / 3), 1.5);
                    int base = e.add(c(off), square(v, q / 3));
                    double hi = bv * bv + off;
                    yield new Val(e.binary(BinaryFn.POW, base, x.id()),
                            Math.max(Math.pow(hi, x.bound()), Math.pow(off, -x.bound())));
                }
                case WHERE -> {
                    // where(mask, v, u') with mask v > w', v < t or w' >= v, broadcast to a common shape
                    Val x = compatible(v, w, q);
                    int mask = switch (q % 3) {
                        case 0 -> e.binary(BinaryFn.GT, v.id(), x.id());
                        case 1 -> e.binary(BinaryFn.LT, v.id(), c(new double[] {0, 0.5, -0.5}[p % 3]));
                        default -> e.binary(BinaryFn.GE, x.id(), v.id());
                    };
                    Shape ms = e.shape(mask);
                    Val other = compatible(new Val(mask, 1), u, p);
                    if (!(Broadcast.shapes(ms, shape(other)) instanceof Broadcast.Result.Ok ok2) || !withinLimits(ok2.shape())) {
                        yield null;
                    }
                    yield new Val(p % 2 == 0 ? e.where(mask, v.id(), other.id()) : e.where(mask, other.id(), v.id()),
                            Math.max(bv, other.bound()));
                }
                case REDUCE -> {
                    ReduceFn fn = ReduceFn.values()[p % ReduceFn.values().length];
                    boolean keep = (p / ReduceFn.values().length) % 2 == 1;
                    Shape sh = shape(v);
                    List<Integer> axes = new ArrayList<>();
                    long count = 1;
                    for (int i = 0; i < sh.rank(); i++) {
                        if ((q >> i & 1) == 1) {
                            axes.add(i);
                            count *= sh.dim(i).constant();
                        }
                    }
                    if (axes.isEmpty() && sh.rank() > 0) {
                        axes.add(sh.rank() - 1);
                        count = sh.dim(sh.rank() - 1).constant();
                    }
                    double bound = switch (fn) {
                        case SUM -> bv * count;
                        case MEAN, MAX, MIN -> bv;
                        case LOGSUMEXP -> bv + Math.log(count);
                    };
                    yield new Val(e.reduce(fn, v.id(), axes, keep), bound);
                }
                case SOFTMAX -> {
                    Val x = shape(v).rank() == 0 ? new Val(e.reshape(v.id(), Shape.of(1)), bv) : v;
                    int rank = shape(x).rank();
                    int axis = p % rank;
                    boolean log = q % 2 == 1;
                    double bound = log ? 2 * bv + Math.log(shape(x).dim(axis).constant()) : 1;
                    yield new Val(e.softmax(x.id(), axis, log), bound);
                }
                case MATMUL -> matmul(v, w, p, q);
                case TRANSPOSE -> {
                    int rank = shape(v).rank();
                    if (rank < 2) yield null;
                    List<List<Integer>> perms = permutations(rank);
                    yield new Val(e.transpose(v.id(), perms.get(1 + p % (perms.size() - 1))), bv);
                }
                case RESHAPE -> {
                    List<Shape> targets = factorizations(numel(shape(v)));
                    targets.remove(shape(v));
                    if (targets.isEmpty()) yield null;
                    yield new Val(e.reshape(v.id(), targets.get(p % targets.size())), bv);
                }
                case BROADCAST -> {
                    Shape sh = shape(v);
                    List<Dim> out = new ArrayList<>();
                    for (int i = 0; i < sh.rank(); i++) {
                        out.add(sh.dim(i).isConstant(1) && (q >> i & 1) == 0 ? Dim.of(2 + p % 2) : sh.dim(i));
                    }
                    if (q % 5 == 4 || out.equals(sh.dims())) out.addFirst(Dim.of(2 + (p / 2) % 2));
                    Shape to = new Shape(out);
                    if (!withinLimits(to)) yield null;
                    yield new Val(e.broadcast(v.id(), to), bv);
                }
                case SLICE -> {
                    Shape sh = shape(v);
                    if (sh.rank() == 0) yield null;
                    int axis = p % sh.rank();
                    long n = sh.dim(axis).constant();
                    long step = n >= 3 && q % 2 == 1 ? 2 : 1;
                    long maxLen = (n - 1) / step + 1;
                    long len = 1 + (q / 2) % maxLen;
                    long room = n - ((len - 1) * step + 1);
                    long start = (q / 7) % (room + 1);
                    List<Dim> starts = new ArrayList<>();
                    List<Long> steps = new ArrayList<>();
                    for (int i = 0; i < sh.rank(); i++) {
                        starts.add(Dim.of(i == axis ? start : 0));
                        steps.add(i == axis ? step : 1);
                    }
                    yield new Val(e.slice(v.id(), starts, steps, sh.with(axis, Dim.of(len))), bv);
                }
                case PAD -> {
                    Shape sh = shape(v);
                    if (sh.rank() == 0) yield null;
                    int axis = p % sh.rank();
                    long n = sh.dim(axis).constant();
                    long before = q % 3, step = 1 + (q / 3) % 2, after = (q / 6) % 2;
                    Shape to = sh.with(axis, Dim.of(before + (n - 1) * step + 1 + after));
                    if (!withinLimits(to)) yield null;
                    List<Dim> starts = new ArrayList<>();
                    List<Long> steps = new ArrayList<>();
                    for (int i = 0; i < sh.rank(); i++) {
                        starts.add(Dim.of(i == axis ? before : 0));
                        steps.add(i == axis ? step : 1);
                    }
                    yield new Val(e.pad(v.id(), starts, steps, to), bv);
                }
                case CONCAT -> {
                    Val x = shape(v).rank() == 0 ? new Val(e.reshape(v.id(), Shape.of(1)), bv) : v;
                    Shape sh = shape(x);
                    int axis = p % sh.rank();
                    Val other = fit(w, sh.with(axis, Dim.of(1 + q % 2)), q / 2);
                    Shape to = sh.with(axis, sh.dim(axis).plus(shape(other).dim(axis)));
                    if (!withinLimits(to)) yield null;
                    List<Integer> parts = (q / 4) % 2 == 0 ? List.of(x.id(), other.id()) : List.of(other.id(), x.id());
                    yield new Val(e.concat(parts, axis), Math.max(bv, other.bound()));
                }
                case CONSTANT -> {
                    // a constant of v's shape; what depends only on constants is folded at compile time
                    Shape sh = shape(v);
                    Random r = new Random(p * 1000L + q);
                    double[] vals = new double[(int) numel(sh)];
                    for (int i = 0; i < vals.length; i++) vals[i] = Math.round((r.nextDouble() * 2 - 1) * 8) / 8.0;
                    yield new Val(e.constant(vals, TensorType.of(DType.F64, sh)), 1);
                }
                case RAW_LOG -> rawLog(v, p, q);
            };
        }

        /**
         * log(softmax(v)), log(sigmoid(v)) or log(sum(exp(v))), built node by node past the
         * emitter (which would rewrite them), so the stability pass has work to do.
         */
        private Val rawLog(Val v, int p, int q) {
            Val x = shrinkTo(v, 2);
            Shape sh = shape(x);
            TensorType t = TensorType.of(DType.F64, sh);
            switch (q % 3) {
                case 0 -> {
                    if (sh.rank() == 0) return null;
                    int axis = p % sh.rank();
                    int sm = gb.add(new Op.Softmax(axis, false), t, null, x.id());
                    return new Val(gb.add(new Op.Unary(UnaryFn.LOG), t, null, sm), 2 * x.bound() + Math.log(sh.dim(axis).constant()));
                }
                case 1 -> {
                    int sg = gb.add(new Op.Unary(UnaryFn.SIGMOID), t, null, x.id());
                    return new Val(gb.add(new Op.Unary(UnaryFn.LOG), t, null, sg), x.bound() + 1);
                }
                default -> {
                    if (sh.rank() == 0) return null;
                    List<Integer> axes = new ArrayList<>();
                    for (int i = 0; i < sh.rank(); i++) if ((p >> i & 1) == 1) axes.add(i);
                    if (axes.isEmpty()) axes.add(0);
                    boolean keep = (p >> 3 & 1) == 1;
                    int ex = gb.add(new Op.Unary(UnaryFn.EXP), t, null, x.id());
                    List<Dim> out = new ArrayList<>();
                    long count = 1;
                    for (int i = 0; i < sh.rank(); i++) {
                        if (!axes.contains(i)) out.add(sh.dim(i));
                        else {
                            count *= sh.dim(i).constant();
                            if (keep) out.add(Dim.of(1));
                        }
                    }
                    TensorType rt = TensorType.of(DType.F64, new Shape(out));
                    int sum = gb.add(new Op.Reduce(ReduceFn.SUM, axes, keep), rt, null, ex);
                    return new Val(gb.add(new Op.Unary(UnaryFn.LOG), rt, null, sum), x.bound() + Math.log(count));
                }
            }
        }

        /**
         * Canonical {@code [..., n, k] @ [..., k, m]}: a vector v becomes a row [1, k] (and the
         * result goes back to [m]), a scalar [1, 1]; the right operand is w fitted to
         * [..., k, m] or, by choice, v's own transpose (a Gram matrix).
         */
        private Val matmul(Val v, Val w, int p, int q) {
            Shape sh = shape(v);
            int a = v.id();
            boolean vector = sh.rank() <= 1;
            if (sh.rank() == 0) a = e.reshape(a, Shape.of(1, 1));
            else if (sh.rank() == 1) a = e.reshape(a, Shape.of(1, sh.dim(0).constant()));
            Shape sa = e.shape(a);
            int r = sa.rank();
            long k = sa.dim(r - 1).constant();
            Val right;
            if (q % 4 == 3 && r >= 2) {
                right = new Val(e.transposeLast(a), v.bound());
            } else {
                long m = 1 + p % 3;
                right = fit(w, sa.with(r - 2, Dim.of(k)).with(r - 1, Dim.of(m)), q / 4);
            }
            int out = e.matmul(a, right.id());
            if (!withinLimits(e.shape(out))) return null;
            if (vector) out = e.reshape(out, Shape.of(e.shape(out).dim(r - 1).constant()));
            return new Val(out, v.bound() * right.bound() * k);
        }
    }

    static List<List<Integer>> permutations(int n) {
        List<List<Integer>> out = new ArrayList<>();
        permute(new ArrayList<>(), n, out);
        return out;
    }

    private static void permute(List<Integer> prefix, int n, List<List<Integer>> out) {
        if (prefix.size() == n) {
            out.add(List.copyOf(prefix));
            return;
        }
        for (int i = 0; i < n; i++) {
            if (prefix.contains(i)) continue;
            prefix.add(i);
            permute(prefix, n, out);
            prefix.removeLast();
        }
    }

    /** Every shape of rank 1 to 3 within the limits with {@code n} elements, in a fixed order. */
    static List<Shape> factorizations(long n) {
        List<Shape> out = new ArrayList<>();
        if (n <= MAX_DIM) out.add(Shape.of(n));
        for (long a = 1; a <= MAX_DIM; a++) {
            if (n % a != 0) continue;
            if (n / a <= MAX_DIM) out.add(Shape.of(a, n / a));
            for (long b = 1; b <= MAX_DIM; b++) {
                if ((n / a) % b != 0) continue;
                long c = n / a / b;
                if (c <= MAX_DIM) out.add(Shape.of(a, b, c));
            }
        }
        return out;
    }
}
