package dev.modelc.compiler.check;

import dev.modelc.compiler.check.Value.Tensor;
import dev.modelc.compiler.graph.Emitter;
import dev.modelc.compiler.graph.ReduceFn;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.exec.MaxPool;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code max_pool1d/2d(x, kernel, stride = kernel, padding = 0)} and {@code avg_pool1d/2d},
 * PyTorch's {@code F.max_pool*d} and {@code F.avg_pool*d} (with {@code count_include_pad}) on the
 * trailing one or two axes.
 *
 * <p>Max pooling is one graph op, {@code Op.MaxPool} (the runtime's {@link MaxPool}): each
 * window's first maximum (a running {@code v > best || isnan(v)} over its offsets in row-major
 * order, padding read as -inf, as in PyTorch's CPU kernel), and its gradient the op that adds
 * the upstream gradient at those positions, whose own derivative reads at them again: every
 * backend runs each as one pass over the input. Lowered to the graph's elementwise ops instead
 * (a running {@code where} over strided slices, as it once was), the fused loop that masks each
 * window recomputed the window's maximum at every position of it, 4 times for a 2 x 2 pool.
 *
 * <p>Average pooling is lowered to ops the graph already has: the input padded, one strided
 * {@code slice} per window offset summed (or, when the windows tile the input, a mean over the
 * split axes), so every backend runs it as one fused loop and its derivatives (of any order)
 * come from those ops' rules.
 */
final class Pooling {
    /**
     * The most offsets a window may have: each is a slice of its own in an average pool's graph
     * (a max pool's op has no such cost, but keeps the one limit the language states for both).
     */
    static final long MAX_WINDOW = 1024;

    private Pooling() {
    }

    static void define() {
        for (String name : List.of("max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d")) {
            Builtins.define(name, Signature.of("x", "kernel").keywords("stride", "padding"),
                    s -> pool(s, name.startsWith("max"), name.endsWith("2d") ? 2 : 1));
        }
    }

    private static Value pool(Site s, boolean max, int axes) {
        Tensor x = s.floating("x");
        long[] kernel = window(s, "kernel", axes, null, 1);
        if (x == null || kernel == null) return Value.POISON;
        long[] stride = window(s, "stride", axes, kernel, 1);
        long[] padding = window(s, "padding", axes, new long[axes], 0);
        if (stride == null || padding == null) return Value.POISON;
        long area = 1;
        for (long k : kernel) area = area > MAX_WINDOW || k > MAX_WINDOW ? MAX_WINDOW + 1 : area * k;
        if (area > MAX_WINDOW) {
            return s.fail("kernel", "the window of " + s.name + " holds " + (axes == 2 ? kernel[0] + " x " + kernel[1] : kernel[0])
                    + " values, more than the " + MAX_WINDOW + " modelc reads per output", "a pool reads each offset of its window "
                    + "as a slice of its own; for a global pool, take max(x, axis = ...) or mean(x, axis = ...)");
        }
        Shape shape = x.type().shape();
        int rank = shape.rank();
        if (rank < axes) {
            return s.fail("x", s.name + " pools the last " + (axes == 1 ? "axis" : "two axes") + ", but " + x.type()
                    + " has " + (rank == 0 ? "none" : "only one"), axes == 1 ? "a scalar has nothing to pool"
                    : "for a sequence use max_pool1d or avg_pool1d; unsqueeze(x, axis = 0) adds an axis");
        }
        List<Dim> out = new ArrayList<>(shape.dims());
        List<Dim> padded = new ArrayList<>(shape.dims());
        for (int j = 0; j < axes; j++) {
            int axis = rank - axes + j;
            long k = kernel[j], st = stride[j], p = padding[j];
            if (p > k / 2) {
                return s.fail("padding", s.name + "'s padding " + p + " is more than half its kernel " + k
                                + (axes == 2 ? " (on axis " + axis + ")" : ""),
                        "PyTorch refuses it too: padding may be at most kernel / 2, rounded down, so every window holds a value");
            }
            Dim size = shape.dim(axis);
            Dim span = size.plus(Dim.of(2 * p - k));
            padded.set(axis, size.plus(Dim.of(2 * p)));
            if (span.isConstant()) {
                if (span.constant() < 0) {
                    return s.fail("kernel", "the window of " + s.name + " does not fit: kernel " + k + " on axis " + axis
                                    + " of " + x.type() + ", whose size is " + size.constant()
                                    + (p == 0 ? "" : " (" + (size.constant() + 2 * p) + " with padding " + p + ")"),
                            "the kernel may be at most the padded size; PyTorch refuses it too");
                }
                out.set(axis, Dim.of(Math.floorDiv(span.constant(), st) + 1));
                continue;
            }
            Dim steps = st == 1 ? span : span.dividedBy(Dim.of(st));
            if (steps == null) {
                return s.fail("stride", s.name + " with stride " + st + " on axis " + axis + " of " + x.type()
                                + " gives (" + span + ") / " + st + " + 1 windows, which is not a size modelc can name",
                        "a symbolic spatial size needs stride 1 (or a size the stride divides); give that axis a fixed size");
            }
            out.set(axis, steps.plus(Dim.of(1)));
        }
        TensorType t = x.type().weak() ? TensorType.weakFloat(shape) : x.type();
        DType d = Lowering.natural(t);
        Emitter e = s.at();
        int v = s.lowering().as(x, d);
        Shape outShape = new Shape(out);
        if (max) {
            // The kernel is at most MAX_WINDOW and the padding half of it; a stride past an int's
            // range is past every axis's padded size too (sizes are ints), so it means one window
            // from the start, as the largest int stride does.
            long[] clamped = stride.clone();
            for (int j = 0; j < axes; j++) clamped[j] = Math.min(clamped[j], Integer.MAX_VALUE);
            MaxPool pool = new MaxPool(MaxPool.Kind.MAX, ints(kernel), ints(clamped), ints(padding));
            return new Tensor(t.withShape(outShape), x.constant(), null, e.maxPool(pool, v, outShape));
        }
        List<Dim> split = tiles(shape, kernel, stride, padding, outShape);
        if (split != null) {
            int tiled = tiledMean(e, v, kernel, new Shape(split));
            return new Tensor(t.withShape(outShape), x.constant(), null, tiled);
        }
        if (padding[0] != 0 || padding[axes - 1] != 0) {
            List<Dim> starts = new ArrayList<>(Collections.nCopies(rank, Dim.of(0)));
            for (int j = 0; j < axes; j++) starts.set(rank - axes + j, Dim.of(padding[j]));
            v = e.pad(v, starts, Collections.nCopies(rank, 1L), new Shape(padded));
        }
        List<Long> steps = new ArrayList<>(Collections.nCopies(rank, 1L));
        for (int j = 0; j < axes; j++) steps.set(rank - axes + j, stride[j]);
        int result = -1;
        for (long offset = 0; offset < area; offset++) {
            List<Dim> starts = new ArrayList<>(Collections.nCopies(rank, Dim.of(0)));
            long rest = offset;
            for (int j = axes - 1; j >= 0; j--) {
                starts.set(rank - axes + j, Dim.of(rest % kernel[j]));
                rest /= kernel[j];
            }
            int w = e.slice(v, starts, steps, outShape);
            result = result < 0 ? w : e.add(result, w);
        }
        result = e.div(result, e.full(area, d, Shape.SCALAR));
        return new Tensor(t.withShape(outShape), x.constant(), null, result);
    }

    /**
     * When the windows tile the input (stride = kernel, no padding, each pooled size a multiple
     * of the kernel), the input's shape with each pooled axis split in two, {@code [.., H / kh,
     * kh, W / kw, kw]}: a reshape that is only a way of reading, over which a pool is a reduction
     * whose gradient is one broadcast (the slices' would be a pad per offset). Null otherwise.
     */
    private static List<Dim> tiles(Shape shape, long[] kernel, long[] stride, long[] padding, Shape out) {
        int axes = kernel.length, lead = shape.rank() - axes;
        List<Dim> split = new ArrayList<>(shape.dims().subList(0, lead));
        for (int j = 0; j < axes; j++) {
            if (stride[j] != kernel[j] || padding[j] != 0 || !out.dim(lead + j).times(Dim.of(kernel[j])).equals(shape.dim(lead + j))) {
                return null;
            }
            split.add(out.dim(lead + j));
            split.add(Dim.of(kernel[j]));
        }
        return split;
    }

    /** The axes of the windows in the split shape of {@link #tiles}. */
    private static List<Integer> windowAxes(int rank, int axes) {
        List<Integer> out = new ArrayList<>();
        for (int j = 0; j < axes; j++) out.add(rank - 2 * axes + 2 * j + 1);
        return out;
    }

    /** A tiled average pool: the mean over the window axes, summed in row-major order as the slices would be. */
    private static int tiledMean(Emitter e, int v, long[] kernel, Shape split) {
        return e.reduce(ReduceFn.MEAN, e.reshape(v, split), windowAxes(split.rank(), kernel.length), false);
    }

    private static List<Integer> ints(long[] v) {
        List<Integer> out = new ArrayList<>();
        for (long x : v) out.add(Math.toIntExact(x));
        return out;
    }

    /**
     * The constant {@code arg} as one value per pooled axis: an int (the same on each) or, for
     * 2-D, a list of two; {@code fallback} when absent. Each value must be at least {@code least}.
     */
    private static long[] window(Site s, String arg, int axes, long[] fallback, long least) {
        if (!s.has(arg)) return fallback;
        Arguments.Bound b = s.args.get(arg);
        List<Dim> given = b.value() instanceof Tensor t && t.constant() && t.type().rank() <= 1 && t.type().dtype() == DType.I32
                ? Folding.sizes(t.known()) : null;
        boolean scalar = b.value() instanceof Tensor t && t.type().rank() == 0;
        boolean fits = given != null && (scalar ? given.size() == 1 : given.size() == axes) && given.stream().allMatch(Dim::isConstant);
        if (!fits) {
            return fail(s, arg, "argument '" + arg + "' of '" + s.name + "' must be a constant int"
                    + (axes == 2 ? " or a list of two ints" : "") + ", found " + b.expr().span().text());
        }
        long[] out = new long[axes];
        for (int j = 0; j < axes; j++) {
            out[j] = given.get(given.size() == 1 ? 0 : j).constant();
            if (out[j] < least) {
                return fail(s, arg, "the " + arg + " of '" + s.name + "' must be " + (least == 0 ? "0 or more" : "at least " + least)
                        + ", found " + out[j]);
            }
        }
        return out;
    }

    private static long[] fail(Site s, String arg, String message) {
        s.fail(arg, message);
        return null;
    }
}
