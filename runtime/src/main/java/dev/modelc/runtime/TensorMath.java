package dev.modelc.runtime;

import java.util.Arrays;

/** The arithmetic and shape operations behind {@link Tensor}'s convenience API: plain loops, exact, not fast. */
final class TensorMath {
    private TensorMath() {}

    enum Op {
        ADD("add"), SUB("sub"), MUL("mul"), DIV("div");

        final String name;

        Op(String name) {
            this.name = name;
        }
    }

    /** The shape {@code requested} with its one -1 resolved so that it holds as many elements as {@code from}. */
    static int[] inferShape(int[] from, int[] requested) {
        int n = Tensor.numel(from);
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < requested.length; i++) {
            if (requested[i] == -1) {
                if (inferred >= 0) throw new IllegalArgumentException("reshape to " + Arrays.toString(requested) + ": only one size can be -1");
                inferred = i;
            } else if (requested[i] < 0) {
                throw new IllegalArgumentException("reshape to " + Arrays.toString(requested) + ": invalid size " + requested[i]);
            } else {
                known *= requested[i];
            }
        }
        int[] out = requested.clone();
        if (inferred >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException("reshape to " + Arrays.toString(requested) + " is invalid for " + n + " elements");
            }
            out[inferred] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException("reshape to " + Arrays.toString(requested) + " is invalid for " + n + " elements");
        }
        return out;
    }

    static Tensor binary(Op op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op.name + " needs tensors of the same dtype, got " + a.dtype() + " and " + b.dtype()
                    + "; convert one with to(DType)");
        }
        DType dt = a.dtype();
        if (dt == DType.BOOL) throw new IllegalArgumentException(op.name + " is not defined on bool tensors");
        if (op == Op.DIV && dt == DType.I32) {
            throw new IllegalArgumentException("div needs f32 or f64 tensors, got i32; convert with to(DType.F32) first");
        }
        int[] outShape = broadcastShape(op, a.shape(), b.shape());
        int n = Tensor.numel(outShape);
        int[] ia = sourceIndices(outShape, a.shape());
        int[] ib = sourceIndices(outShape, b.shape());
        Object out = switch (dt) {
            case F32 -> {
                float[] x = (float[]) a.data(), y = (float[]) b.data(), r = new float[n];
                for (int i = 0; i < n; i++) {
                    float u = x[ia[i]], v = y[ib[i]];
                    r[i] = switch (op) {
                        case ADD -> u + v;
                        case SUB -> u - v;
                        case MUL -> u * v;
                        case DIV -> u / v;
                    };
                }
                yield r;
            }
            case F64 -> {
                double[] x = (double[]) a.data(), y = (double[]) b.data(), r = new double[n];
                for (int i = 0; i < n; i++) {
                    double u = x[ia[i]], v = y[ib[i]];
                    r[i] = switch (op) {
                        case ADD -> u + v;
                        case SUB -> u - v;
                        case MUL -> u * v;
                        case DIV -> u / v;
                    };
                }
                yield r;
            }
            case I32 -> {
                int[] x = (int[]) a.data(), y = (int[]) b.data(), r = new int[n];
                for (int i = 0; i < n; i++) {
                    int u = x[ia[i]], v = y[ib[i]];
                    r[i] = switch (op) {
                        case ADD -> u + v;
                        case SUB -> u - v;
                        case MUL -> u * v;
                        case DIV -> throw new AssertionError("i32 div is refused above");
                    };
                }
                yield r;
            }
            case BOOL -> throw new AssertionError("bool is refused above");
        };
        return Tensor.wrap(dt, outShape, out);
    }

    /** NumPy's broadcast of two shapes: aligned at the right, each pair of sizes equal or one of them 1. */
    static int[] broadcastShape(Op op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int sa = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int sb = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (sa != sb && sa != 1 && sb != 1) {
                throw new IllegalArgumentException(op.name + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " cannot be broadcast (sizes " + sa + " and " + sb + " at axis " + i + " of the result)");
            }
            out[i] = sa == 1 ? sb : sa;
        }
        return out;
    }

    /** For each row-major position of {@code out}, the position in a tensor of shape {@code in} that broadcasts to it. */
    private static int[] sourceIndices(int[] out, int[] in) {
        int n = Tensor.numel(out);
        int rank = out.length, offset = rank - in.length;
        int[] strides = new int[rank]; // 0 where the input is broadcast
        int s = 1;
        for (int i = in.length - 1; i >= 0; i--) {
            strides[i + offset] = in[i] == 1 ? 0 : s;
            s *= in[i];
        }
        int[] result = new int[n];
        int[] counter = new int[rank];
        int pos = 0;
        for (int k = 0; k < n; k++) {
            result[k] = pos;
            for (int d = rank - 1; d >= 0; d--) {
                if (++counter[d] < out[d]) {
                    pos += strides[d];
                    break;
                }
                pos -= strides[d] * (counter[d] - 1);
                counter[d] = 0;
            }
        }
        return result;
    }

    static Tensor cat(int axis, Tensor... tensors) {
        if (tensors.length == 0) throw new IllegalArgumentException("cat needs at least one tensor");
        Tensor first = tensors[0];
        int rank = first.rank();
        if (rank == 0) throw new IllegalArgumentException("cat cannot join 0-d tensors; reshape them to [1] first");
        int ax = normalizeAxis("cat", axis, rank);
        int[] outShape = first.shape();
        outShape[ax] = 0;
        for (int k = 0; k < tensors.length; k++) {
            Tensor t = tensors[k];
            if (t.dtype() != first.dtype()) {
                throw new IllegalArgumentException("cat needs tensors of the same dtype, got " + first.dtype() + " and "
                        + t.dtype() + " (tensor " + k + ")");
            }
            if (t.rank() != rank) {
                throw new IllegalArgumentException("cat needs tensors of the same rank, got shapes " + Arrays.toString(first.shape())
                        + " and " + Arrays.toString(t.shape()) + " (tensor " + k + ")");
            }
            for (int d = 0; d < rank; d++) {
                if (d != ax && t.size(d) != first.size(d)) {
                    throw new IllegalArgumentException("cat along axis " + ax + ": shapes " + Arrays.toString(first.shape()) + " and "
                            + Arrays.toString(t.shape()) + " differ at axis " + d + " (tensor " + k + ")");
                }
            }
            outShape[ax] = Math.addExact(outShape[ax], t.size(ax));
        }
        int outer = 1;
        for (int d = 0; d < ax; d++) outer *= outShape[d];
        int inner = 1;
        for (int d = ax + 1; d < rank; d++) inner *= outShape[d];
        Object out = newStorage(first.dtype(), Tensor.numel(outShape));
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (Tensor t : tensors) {
                int chunk = t.size(ax) * inner;
                System.arraycopy(t.data(), o * chunk, out, pos, chunk);
                pos += chunk;
            }
        }
        return Tensor.wrap(first.dtype(), outShape, out);
    }

    static Tensor transpose(Tensor t) {
        if (t.rank() < 2) return t;
        if (t.rank() > 2) throw new IllegalArgumentException("transpose needs a tensor of rank 2 at most, got shape " + Arrays.toString(t.shape()));
        int rows = t.size(0), cols = t.size(1);
        Object src = t.data(), out = newStorage(t.dtype(), rows * cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                System.arraycopy(src, i * cols + j, out, j * rows + i, 1);
            }
        }
        return Tensor.wrap(t.dtype(), new int[] {cols, rows}, out);
    }

    static Tensor matmul(Tensor a, Tensor b) {
        if (a.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException("matmul needs 2-d tensors, got shapes " + Arrays.toString(a.shape()) + " and "
                    + Arrays.toString(b.shape()));
        }
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException("matmul needs tensors of the same dtype, got " + a.dtype() + " and " + b.dtype()
                    + "; convert one with to(DType)");
        }
        if (a.dtype() == DType.BOOL) throw new IllegalArgumentException("matmul is not defined on bool tensors");
        int n = a.size(0), k = a.size(1), m = b.size(1);
        if (b.size(0) != k) {
            throw new IllegalArgumentException("matmul shapes " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape())
                    + " do not line up: " + k + " columns against " + b.size(0) + " rows");
        }
        DType dt = a.dtype();
        Object out = newStorage(dt, Tensor.numel(new int[] {n, m}));
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                if (dt == DType.I32) {
                    int[] x = (int[]) a.data(), y = (int[]) b.data();
                    int s = 0; // wraps on overflow, as i32 arithmetic does
                    for (int p = 0; p < k; p++) s += x[i * k + p] * y[p * m + j];
                    ((int[]) out)[i * m + j] = s;
                } else {
                    double s = 0; // f32 accumulates in double and rounds once
                    for (int p = 0; p < k; p++) s += a.getDouble(i * k + p) * b.getDouble(p * m + j);
                    if (dt == DType.F32) ((float[]) out)[i * m + j] = (float) s;
                    else ((double[]) out)[i * m + j] = s;
                }
            }
        }
        return Tensor.wrap(dt, new int[] {n, m}, out);
    }

    static Tensor sum(Tensor t, Integer axis) {
        DType outType = t.dtype() == DType.BOOL ? DType.I32 : t.dtype();
        return reduce(t, axis, outType, false);
    }

    static Tensor mean(Tensor t, Integer axis) {
        Tensor.requireFloating("mean", t.dtype());
        return reduce(t, axis, t.dtype(), true);
    }

    /** Sums (or means) over one axis or, when {@code axis} is null, over everything; accumulates in double or long. */
    private static Tensor reduce(Tensor t, Integer axis, DType outType, boolean mean) {
        int[] shape = t.shape();
        int outer, len, inner;
        int[] outShape;
        if (axis == null) {
            outer = 1;
            len = t.numel();
            inner = 1;
            outShape = new int[0];
        } else {
            if (t.rank() == 0) throw new IllegalArgumentException((mean ? "mean" : "sum") + " along an axis needs a tensor of rank 1 or more");
            int ax = normalizeAxis(mean ? "mean" : "sum", axis, t.rank());
            outer = 1;
            for (int d = 0; d < ax; d++) outer *= shape[d];
            len = shape[ax];
            inner = 1;
            for (int d = ax + 1; d < shape.length; d++) inner *= shape[d];
            outShape = new int[shape.length - 1];
            for (int d = 0, j = 0; d < shape.length; d++) if (d != ax) outShape[j++] = shape[d];
        }
        Object out = newStorage(outType, outer * inner);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int at = o * inner + i;
                if (outType == DType.I32) {
                    long s = 0;
                    for (int p = 0; p < len; p++) s += (long) t.getDouble((o * len + p) * inner + i);
                    if (s != (int) s) throw new ArithmeticException("sum " + s + " does not fit in i32");
                    ((int[]) out)[at] = (int) s;
                } else {
                    double s = 0;
                    for (int p = 0; p < len; p++) s += t.getDouble((o * len + p) * inner + i);
                    if (mean) s /= len;
                    if (outType == DType.F32) ((float[]) out)[at] = (float) s;
                    else ((double[]) out)[at] = s;
                }
            }
        }
        return Tensor.wrap(outType, outShape, out);
    }

    static int normalizeAxis(String op, int axis, int rank) {
        if (axis < -rank || axis >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for rank " + rank);
        }
        return axis < 0 ? axis + rank : axis;
    }

    static Object newStorage(DType dtype, int n) {
        return switch (dtype) {
            case F32 -> new float[n];
            case F64 -> new double[n];
            case I32 -> new int[n];
            case BOOL -> new boolean[n];
        };
    }
}
