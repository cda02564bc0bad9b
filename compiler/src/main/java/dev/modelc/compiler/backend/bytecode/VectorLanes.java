package dev.modelc.compiler.backend.bytecode;

import dev.modelc.compiler.graph.BinaryFn;
import dev.modelc.compiler.graph.UnaryFn;
import dev.modelc.compiler.kernel.Expr;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.Let;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Lanes;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * When a loop may also run on {@code jdk.incubator.vector} lanes: the module must be in the
 * boot layer (the JVM started with {@code --add-modules jdk.incubator.vector}; the {@code modelc}
 * launcher does so for train and predict unless {@code MODELC_VECTOR=0}), and the loop must be a flat loop of one
 * floating dtype, f32 or f64 ({@link #laneType}), made of loads, constants and functions lanes
 * have (the op table says which: {@link UnaryFn#lanes()}). + - * / max min and the
 * {@link UnaryFn.Lanes#EXACT} functions (sqrt, neg, abs, floor, round, ...) give the
 * interpreter's bits. exp, log, log1p, sin, cos and tanh ({@link UnaryFn.Lanes#CLOSE}) are
 * {@code dev.modelc.runtime.exec.LaneMath}'s, copied into the loop ({@link LaneMathInliner}):
 * within 1 ulp of {@code (float) Math.exp(x)}, and the same bits interpreted or compiled, on
 * any machine, lanes or the loop's scalar remainder (which calls their scalar twins), so an f32
 * run is deterministic; a loop whose copies would pass {@link #LANE_MATH_BYTES} runs scalar.
 * Floor, ceil, round and trunc are composed of f32 operations ({@code LoopCompiler.integral}),
 * and {@code LaneMath} is f32 only, so f64 loops with them run scalar, keeping the
 * interpreter's bits.
 */
public final class VectorLanes {
    private VectorLanes() {
    }

    private static final Set<BinaryFn> BINARY = Set.of(BinaryFn.ADD, BinaryFn.SUB, BinaryFn.MUL, BinaryFn.DIV,
            BinaryFn.MAX, BinaryFn.MIN);
    /**
     * Comparisons of two f32 values, as masks: IEEE comparisons, exact (NaN compares unequal and
     * unordered, as Java's operators, which {@code Scalars.lt} ... use on the widened values).
     */
    /**
     * The functions {@code LoopCompiler.integral} composes of exact f32 operations (its constant
     * is f32's 2^23): f64 loops that use them stay scalar.
     */
    private static final Set<UnaryFn> INTEGRAL = Set.of(UnaryFn.FLOOR, UnaryFn.CEIL, UnaryFn.ROUND, UnaryFn.TRUNC);

    /**
     * The most bytes of code the copies of {@code LaneMath}'s functions may add to one loop
     * ({@link LaneMathInliner#size}: 212 for exp, 291 for log, 436 for sin or cos, 672 for log1p, 839 for tanh): HotSpot never compiles a
     * method of over 8,000 bytes, and a loop of Vector API calls left to the interpreter is many
     * times slower than the scalar loop. A loop past it runs scalar.
     */
    static final int LANE_MATH_BYTES = 4000;

    static final Set<BinaryFn> COMPARE = Set.of(BinaryFn.LT, BinaryFn.LE, BinaryFn.GT, BinaryFn.GE, BinaryFn.EQ, BinaryFn.NE);

    /** Whether this JVM can run vector lanes (and the {@code modelc.vector} property does not turn them off): {@link Lanes#current()}. */
    public static boolean available() {
        return Lanes.current().on();
    }

    /** Whether the vector module is in this JVM, whatever the property says. */
    public static boolean present() {
        return ModuleLayer.boot().findModule(Lanes.MODULE).isPresent();
    }

    /**
     * Whether the loop can be written with lanes: f32 lets of functions lanes have, and bool lets
     * that are masks ({@code isnan}, {@code isfinite} of an f32), read by a {@code where} or stored
     * into a bool buffer.
     */
    static boolean fits(Kernel.Loop loop, KernelPlan plan) {
        if (!loop.flat() || loop.reduction().isPresent() || loop.outer().isEmpty()) return false;
        DType lane = laneType(loop.body(), plan);
        DType stored = plan.buffer(loop.store().buffer()).dtype();
        if (stored != lane && stored != DType.BOOL) return false;
        Set<Integer> masks = new HashSet<>();
        if (!fits(loop.body(), plan, masks, lane)) return false;
        return masks.contains(loop.store().value()) == (stored == DType.BOOL);
    }

    /**
     * The dtype of a loop's lanes: f64 when its body computes or loads f64 values (an f64 model,
     * or {@code --dtype f64}), else f32. A body mixing the two has no lanes ({@link #fits} finds
     * a let or a load of the other dtype).
     */
    static DType laneType(List<Let> lets, KernelPlan plan) {
        for (Let l : lets) {
            if (l.dtype() == DType.F64) return DType.F64;
            if (l.expr() instanceof Expr.Load ld && plan.buffer(ld.buffer()).dtype() == DType.F64) return DType.F64;
        }
        return DType.F32;
    }

    /** The dtype of the loop's lanes ({@link #laneType(List, KernelPlan)} of its body, or of its reduction's). */
    static DType laneType(Kernel.Loop loop, KernelPlan plan) {
        return laneType(loop.reduction().isPresent() && loop.isSplittable() ? loop.reduction().get().body() : loop.body(), plan);
    }

    /**
     * Whether a loop over several axes that is not flat can run on lanes along its last axis
     * (the bias and relu of {@code relu(x @ w + b)} over {@code [B, F]}, {@code b} read at the
     * column): every load moves with the last axis one element at a time (a vector of adjacent
     * values) or not at all (one value broadcast), the body as {@link #fits} asks, and the last
     * axis symbolic or at least {@link #ROW} long, so a row holds a whole vector or more of the
     * preferred species on AVX-512 (16 floats).
     */
    static boolean fitsRows(Kernel.Loop loop, KernelPlan plan) {
        if (loop.flat() || loop.reduction().isPresent() || loop.outer().size() < 2) return false;
        var last = loop.outer().getLast();
        if (last.isConstant() && last.constant() < ROW) return false;
        DType lane = laneType(loop.body(), plan);
        DType stored = plan.buffer(loop.store().buffer()).dtype();
        if (stored != lane && stored != DType.BOOL) return false;
        int v = loop.outer().size() - 1;
        for (Let l : loop.body()) {
            if (l.expr() instanceof Expr.Load ld && !(ld.index().coefs().get(v).isConstant(0) || ld.index().coefs().get(v).isConstant(1))) {
                return false;
            }
        }
        Set<Integer> masks = new HashSet<>();
        if (!fits(loop.body(), plan, masks, lane)) return false;
        return masks.contains(loop.store().value()) == (stored == DType.BOOL);
    }

    /** The shortest constant last axis {@link #fitsRows} takes. */
    static final int ROW = 16;

    /**
     * Whether a full reduction's pass can compute its values on lanes ({@link #fits} for its
     * body; its stores per position into f32 buffers), each vector's values then folded one by
     * one in order, in f64, as the scalar pass folds them: so the order of the sum is the same,
     * and the values are those lanes give in an elementwise loop. Only when the body computes
     * something (a plain sum of a buffer gains nothing from lanes).
     */
    static boolean fitsFold(Kernel.Loop loop, KernelPlan plan) {
        if (!loop.isSplittable()) return false;
        Kernel.Reduction r = loop.reduction().orElseThrow();
        DType lane = laneType(r.body(), plan);
        Set<Integer> masks = new HashSet<>();
        if (!fits(r.body(), plan, masks, lane)) return false;
        boolean computes = r.body().stream().anyMatch(l -> l.expr() instanceof Expr.Unary || l.expr() instanceof Expr.Binary
                || l.expr() instanceof Expr.Select);
        if (!computes || masks.contains(r.value()) || dtypeOf(r.body(), r.value()) != lane) return false;
        for (var each : r.each()) {
            if (plan.buffer(each.buffer()).dtype() != lane || masks.contains(each.value())) return false;
        }
        return true;
    }

    private static DType dtypeOf(List<Let> lets, int id) {
        for (Let l : lets) if (l.id() == id) return l.dtype();
        return null;
    }

    /**
     * Whether every let has lanes, and the copies of {@code LaneMath}'s functions fit in
     * {@link #LANE_MATH_BYTES}; collects the bool lets (masks) into {@code masks}.
     */
    private static boolean fits(List<Let> lets, KernelPlan plan, Set<Integer> masks, DType lane) {
        Set<Integer> known = new HashSet<>();   // the lets with lanes so far: all vectors of the lane type but the masks
        int laneMathBytes = 0;
        for (Let l : lets) {
            if (l.expr() instanceof Expr.Unary u && LaneMathInliner.FUNCTIONS.contains(u.fn())) laneMathBytes += LaneMathInliner.size(u.fn());
        }
        if (laneMathBytes > LANE_MATH_BYTES) return false;
        for (Let l : lets) {
            boolean ok = switch (l.dtype()) {
                case F32, F64 -> l.dtype() == lane && switch (l.expr()) {
                    case Expr.Load ld -> plan.buffer(ld.buffer()).dtype() == lane;
                    case Expr.Constant c -> true;
                    case Expr.SizeOf s -> true;
                    // f64 takes only the exact functions: LaneMath's exp, sin, ... are f32 and
                    // within an ulp, where f64 results promise the interpreter's bits (Math's).
                    case Expr.Unary u -> u.fn().lanes() != UnaryFn.Lanes.NONE && !masks.contains(u.x())
                            && (lane == DType.F32 || (u.fn().lanes() == UnaryFn.Lanes.EXACT && !INTEGRAL.contains(u.fn())));
                    case Expr.Binary b -> BINARY.contains(b.fn()) && !masks.contains(b.a()) && !masks.contains(b.b());
                    case Expr.Select w -> masks.contains(w.mask()) && !masks.contains(w.a()) && !masks.contains(w.b());
                    case Expr.Position p -> false;
                    // A mask made 0 or 1 (relu's derivative, g * f32(x > 0)): exact.
                    case Expr.Convert c -> masks.contains(c.x());
                    case Expr.Accumulated a -> false;
                };
                case BOOL -> switch (l.expr()) {
                    case Expr.Unary u -> u.fn().givesBool() && u.fn().lanes() != UnaryFn.Lanes.NONE && !masks.contains(u.x());
                    case Expr.Binary b -> COMPARE.contains(b.fn()) && !masks.contains(b.a()) && !masks.contains(b.b())
                            && known.contains(b.a()) && known.contains(b.b());
                    default -> false;
                };
                case I32 -> false;
            };
            if (!ok) return false;
            if (l.dtype() == DType.BOOL) masks.add(l.id());
            known.add(l.id());
        }
        return true;
    }
}
