package dev.modelc.runtime.exec;

import java.util.Arrays;
import java.util.List;

/**
 * Reference implementations of the graph's ops over row-major f64 arrays: plain loops with
 * index arithmetic, written for clarity rather than speed. The interpreter (the oracle) runs on
 * them; compiled backends call them through {@link Library} for the rare ops they do not
 * generate loops for (softmax, pad, concat, argmax, ...).
 */
public final class Reference {
    /** The reductions {@link #reduce} knows (the graph's {@code ReduceFn}, by name). */
    public enum Reduction { SUM, MEAN, MAX, MIN, LOGSUMEXP }

    private Reference() {
    }

    public static int numel(int[] shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    public static int[] strides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= shape[i];
        }
        return st;
    }

    /** Stretches {@code x} of shape {@code from} to {@code to} (NumPy rules). */
    public static double[] broadcast(double[] x, int[] from, int[] to) {
        int n = numel(to);
        double[] out = new double[n];
        int lead = to.length - from.length;
        int[] fromStrides = strides(from);
        int[] src = new int[to.length];
        for (int i = 0; i < to.length; i++) {
            src[i] = i < lead || from[i - lead] == 1 ? 0 : fromStrides[i - lead];
        }
        int[] idx = new int[to.length];
        int off = 0;
        for (int k = 0; k < n; k++) {
            out[k] = x[off];
            for (int ax = to.length - 1; ax >= 0; ax--) {
                idx[ax]++;
                off += src[ax];
                if (idx[ax] < to[ax]) break;
                off -= src[ax] * idx[ax];
                idx[ax] = 0;
            }
        }
        return out;
    }

    public static double[] transpose(double[] x, int[] shape, List<Integer> perm) {
        int r = shape.length;
        int[] outShape = new int[r];
        for (int i = 0; i < r; i++) outShape[i] = shape[perm.get(i)];
        int[] inStrides = strides(shape);
        int[] src = new int[r];
        for (int i = 0; i < r; i++) src[i] = inStrides[perm.get(i)];
        return gather(x, outShape, src, 0);
    }

    /** Reads {@code out[idx] = x[base + sum(idx[i] * src[i])]} over {@code outShape}. */
    public static double[] gather(double[] x, int[] outShape, int[] src, int base) {
        int n = numel(outShape);
        double[] out = new double[n];
        int[] idx = new int[outShape.length];
        int off = base;
        for (int k = 0; k < n; k++) {
            out[k] = x[off];
            for (int ax = outShape.length - 1; ax >= 0; ax--) {
                idx[ax]++;
                off += src[ax];
                if (idx[ax] < outShape[ax]) break;
                off -= src[ax] * idx[ax];
                idx[ax] = 0;
            }
        }
        return out;
    }

    public static double[] slice(double[] x, int[] shape, long[] starts, long[] steps, int[] outShape) {
        int[] st = strides(shape);
        int base = 0;
        int[] src = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (outShape[i] > 0 && (starts[i] < 0 || starts[i] + (outShape[i] - 1) * steps[i] >= shape[i])) {
                throw new ExecutionError("slice from " + starts[i] + " with " + outShape[i] + " elements and step " + steps[i]
                        + " is out of bounds for axis " + i + " of size " + shape[i]);
            }
            base += (int) starts[i] * st[i];
            src[i] = (int) steps[i] * st[i];
        }
        return numel(outShape) == 0 ? new double[0] : gather(x, outShape, src, base);
    }

    public static double[] pad(double[] x, int[] shape, long[] starts, long[] steps, int[] outShape) {
        double[] out = new double[numel(outShape)];
        int[] st = strides(outShape);
        int n = numel(shape);
        int[] idx = new int[shape.length];
        for (int k = 0; k < n; k++) {
            int off = 0;
            for (int i = 0; i < shape.length; i++) off += (int) (starts[i] + idx[i] * steps[i]) * st[i];
            out[off] = x[k];
            for (int ax = shape.length - 1; ax >= 0; ax--) {
                if (++idx[ax] < shape[ax]) break;
                idx[ax] = 0;
            }
        }
        return out;
    }

    public static double[] concat(List<double[]> parts, List<int[]> shapes, int axis, int[] outShape) {
        double[] out = new double[numel(outShape)];
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= outShape[i];
        for (int i = axis + 1; i < outShape.length; i++) inner *= outShape[i];
        int outRow = outShape[axis] * inner;
        int offset = 0;
        for (int p = 0; p < parts.size(); p++) {
            int row = shapes.get(p)[axis] * inner;
            for (int o = 0; o < outer; o++) System.arraycopy(parts.get(p), o * row, out, o * outRow + offset, row);
            offset += row;
        }
        return out;
    }

    /** Maps each input position to its output position when {@code axes} are reduced away (kept as size 1). */
    private static int[] reduceTargets(int[] shape, List<Integer> axes) {
        int[] outStrides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            outStrides[i] = axes.contains(i) ? 0 : s;
            if (!axes.contains(i)) s *= shape[i];
        }
        int n = numel(shape);
        int[] target = new int[n];
        int[] idx = new int[shape.length];
        int off = 0;
        for (int k = 0; k < n; k++) {
            target[k] = off;
            for (int ax = shape.length - 1; ax >= 0; ax--) {
                idx[ax]++;
                off += outStrides[ax];
                if (idx[ax] < shape[ax]) break;
                off -= outStrides[ax] * idx[ax];
                idx[ax] = 0;
            }
        }
        return target;
    }

    public static double[] reduce(Reduction fn, double[] x, int[] shape, List<Integer> axes, int outSize) {
        int[] target = reduceTargets(shape, axes);
        double[] out = new double[outSize];
        switch (fn) {
            case SUM, MEAN -> {
                for (int k = 0; k < x.length; k++) out[target[k]] += x[k];
                if (fn == Reduction.MEAN) {
                    double count = outSize == 0 ? 1 : (double) x.length / outSize;
                    for (int i = 0; i < out.length; i++) out[i] /= count;
                }
            }
            case MAX, MIN -> {
                boolean max = fn == Reduction.MAX;
                Arrays.fill(out, max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
                for (int k = 0; k < x.length; k++) {
                    double v = x[k], o = out[target[k]];
                    if (Double.isNaN(v) || Double.isNaN(o)) out[target[k]] = Double.NaN;
                    else out[target[k]] = max ? Math.max(o, v) : Math.min(o, v);
                }
            }
            case LOGSUMEXP -> {
                double[] m = reduce(Reduction.MAX, x, shape, axes, outSize);
                for (int k = 0; k < x.length; k++) {
                    double mk = m[target[k]];
                    if (!Double.isInfinite(mk)) out[target[k]] += Math.exp(x[k] - mk);
                }
                for (int i = 0; i < out.length; i++) out[i] = Double.isInfinite(m[i]) ? m[i] : m[i] + Math.log(out[i]);
            }
        }
        return out;
    }

    /** Whether {@code v} beats the current best {@code b}: NaN beats everything, as in NumPy and PyTorch (first NaN wins). */
    private static boolean beats(boolean max, double v, double b) {
        if (Double.isNaN(b)) return false;
        if (Double.isNaN(v)) return true;
        return max ? v > b : v < b;
    }

    public static double[] argReduce(boolean max, double[] x, int[] shape, int axis) {
        if (axis < 0) {
            if (x.length == 0) throw new ExecutionError("argmax/argmin of an empty tensor");
            int best = 0;
            for (int k = 1; k < x.length; k++) if (beats(max, x[k], x[best])) best = k;
            return new double[] {best};
        }
        if (shape[axis] == 0 && x.length == 0 && shape.length > 0) {
            int others = 1;
            for (int i = 0; i < shape.length; i++) if (i != axis) others *= shape[i];
            if (others > 0) throw new ExecutionError("argmax/argmin along an empty axis " + axis);
        }
        int outer = 1, inner = 1, len = shape[axis];
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.length; i++) inner *= shape[i];
        double[] out = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int best = 0;
                for (int i = 1; i < len; i++) {
                    double v = x[(o * len + i) * inner + in], b = x[(o * len + best) * inner + in];
                    if (beats(max, v, b)) best = i;
                }
                out[o * inner + in] = best;
            }
        }
        return out;
    }

    /** softmax or log_softmax along an axis, shifted by the maximum so large inputs do not overflow. */
    public static double[] softmax(double[] x, int[] shape, int axis, boolean log) {
        int outer = 1, inner = 1, len = shape[axis];
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.length; i++) inner *= shape[i];
        double[] out = new double[x.length];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                double m = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < len; i++) m = Math.max(m, x[(o * len + i) * inner + in]);
                double sum = 0;
                for (int i = 0; i < len; i++) sum += Math.exp(x[(o * len + i) * inner + in] - m);
                for (int i = 0; i < len; i++) {
                    int k = (o * len + i) * inner + in;
                    out[k] = log ? x[k] - m - Math.log(sum) : Math.exp(x[k] - m) / sum;
                }
            }
        }
        return out;
    }

    /** {@code [..., n, k] @ [..., k, m]} with equal batch axes. */
    public static double[] matmul(double[] a, int[] sa, double[] b, int[] sb) {
        int r = sa.length;
        int n = sa[r - 2], k = sa[r - 1], m = sb[r - 1];
        int batch = 1;
        for (int i = 0; i < r - 2; i++) batch *= sa[i];
        double[] out = new double[batch * n * m];
        for (int bt = 0; bt < batch; bt++) {
            int ao = bt * n * k, bo = bt * k * m, oo = bt * n * m;
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < k; p++) {
                    double av = a[ao + i * k + p];
                    for (int j = 0; j < m; j++) out[oo + i * m + j] += av * b[bo + p * m + j];
                }
            }
        }
        return out;
    }

    /** Class indices to one-hot rows of {@code classes} columns. */
    public static double[] oneHot(double[] labels, long classes) {
        double[] out = new double[(int) (labels.length * classes)];
        for (int k = 0; k < labels.length; k++) {
            long label = (long) labels[k];
            if (label < 0 || label >= classes) {
                throw new ExecutionError("class label " + label + " is out of range for " + classes + " classes");
            }
            out[(int) (k * classes + label)] = 1;
        }
        return out;
    }

    /**
     * {@code t[ids]}: the rows of {@code table} (shape {@code ts}, rows along axis 0) that the
     * indices name, in the indices' order; the result has shape {@code ids.shape + ts[1:]}.
     */
    public static double[] indexSelect(double[] table, int[] ts, double[] ids, int[] is, String what) {
        int rows = ts[0], inner = numel(Arrays.copyOfRange(ts, 1, ts.length));
        double[] out = new double[ids.length * inner];
        for (int k = 0; k < ids.length; k++) {
            int row = checkedIndex(ids, k, is, rows, 0, what);
            System.arraycopy(table, row * inner, out, k * inner, inner);
        }
        return out;
    }

    /** The adjoint of {@link #indexSelect}: each row of {@code g} added into zeros of shape {@code os} at the row its index names. */
    public static double[] indexAdd(double[] g, double[] ids, int[] is, int[] os, String what) {
        int rows = os[0], inner = numel(Arrays.copyOfRange(os, 1, os.length));
        double[] out = new double[numel(os)];
        for (int k = 0; k < ids.length; k++) {
            int row = checkedIndex(ids, k, is, rows, 0, what);
            for (int j = 0; j < inner; j++) out[row * inner + j] += g[k * inner + j];
        }
        return out;
    }

    /**
     * {@code torch.gather(x, axis, idx)}: {@code out[p] = x[p with axis replaced by idx[p]]} for
     * every position {@code p} of {@code idx}, which has x's rank and no larger a size on any other axis.
     */
    public static double[] gather(double[] x, int[] xs, double[] idx, int[] is, int axis, String what) {
        double[] out = new double[idx.length];
        int[] strides = strides(xs);
        for (int k = 0; k < idx.length; k++) out[k] = x[gatherOffset(k, idx, is, xs, strides, axis, what)];
        return out;
    }

    /** The adjoint of {@link #gather}: {@code g} (idx's shape) added into zeros of shape {@code os} at the positions gather reads. */
    public static double[] scatterAdd(double[] g, double[] idx, int[] is, int axis, int[] os, String what) {
        double[] out = new double[numel(os)];
        int[] strides = strides(os);
        for (int k = 0; k < idx.length; k++) out[gatherOffset(k, idx, is, os, strides, axis, what)] += g[k];
        return out;
    }

    /** The offset in x (shape {@code xs}) that position {@code k} of the indices reads. */
    private static int gatherOffset(int k, double[] idx, int[] is, int[] xs, int[] strides, int axis, String what) {
        int offset = 0, rest = k;
        for (int a = is.length - 1; a >= 0; a--) {
            int p = rest % is[a];
            rest /= is[a];
            offset += (a == axis ? checkedIndex(idx, k, is, xs[axis], axis, what) : p) * strides[a];
        }
        return offset;
    }

    /**
     * Index {@code k} of {@code ids} (shape {@code is}), refused unless it lies in {@code [0, size)}:
     * negative indices are not counted from the end, as in {@code F.embedding} and {@code torch.gather}.
     */
    private static int checkedIndex(double[] ids, int k, int[] is, int size, int axis, String what) {
        double v = ids[k];
        if (v >= 0 && v < size) return (int) v;
        int[] at = new int[is.length];
        for (int a = is.length - 1, rest = k; a >= 0; a--) {
            at[a] = rest % is[a];
            rest /= is[a];
        }
        throw new ExecutionError(what + ": index " + (long) v + (is.length == 0 ? "" : " at " + Arrays.toString(at) + " of the indices")
                + " is out of range for axis " + axis + " of size " + size + (size == 0 ? " (it has no elements)" : ": indices run from 0 to " + (size - 1)));
    }

    /**
     * {@code size} draws from the generator stream {@code stream} of {@code seed}: normal(a, b)
     * or uniform on [a, b). The values depend only on the seed and the stream's name.
     */
    public static double[] random(boolean normal, double a, double b, long seed, String stream, int size) {
        dev.modelc.runtime.Generator gen = dev.modelc.runtime.Generator.of(seed, stream);
        double[] out = new double[size];
        for (int k = 0; k < size; k++) out[k] = normal ? a + b * gen.nextNormal() : gen.nextUniform(a, b);
        return out;
    }

    /**
     * {@code size} elements of step draw {@code site} under the step key {@code key}
     * ({@link dev.modelc.runtime.Philox}): element k is a function of (key, site, k) alone.
     * Uniform on [0, 1) with 24 random bits when {@code single} (the values are exact floats,
     * never rounded up to 1) and 53 otherwise; or standard normal by Box-Muller in f64, rounded
     * to the dtype by the caller.
     */
    public static double[] draw(boolean normal, int site, long key, boolean single, int size) {
        double[] out = new double[size];
        for (int k = 0; k < size; k++) {
            int[] w = dev.modelc.runtime.Philox.element(key, site, k);
            out[k] = normal ? dev.modelc.runtime.Philox.normal(w)
                    : single ? dev.modelc.runtime.Philox.uniform24(w) : dev.modelc.runtime.Philox.uniform53(w);
        }
        return out;
    }
}
