package dev.modelc.runtime;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.DoubleUnaryOperator;

/**
 * An n-dimensional array of one dtype, row-major. Values are stored in the dtype's own Java
 * array (float[] for f32, double[] for f64, int[] for i32, boolean[] for bool), so an f32
 * tensor holds exactly what f32 can hold. Immutable: operations return new tensors.
 *
 * <p>Besides the raw constructors this class has a small convenience API in the style of
 * PyTorch: creation ({@link #zeros}, {@link #randn}, {@link #arange}, {@link #fromArray}),
 * shape changes ({@link #reshape}, {@link #cat}, {@link #transpose}), elementwise arithmetic
 * with NumPy broadcasting, reductions, 2-d {@link #matmul}, and a {@link #toString()} that
 * prints like {@code repr} of a torch tensor. It is simple and exact, not fast: the compiled
 * models do the heavy computing.
 */
public final class Tensor {
    private final DType dtype;
    private final int[] shape;
    private final Object data;

    private Tensor(DType dtype, int[] shape, Object data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    /**
     * Wraps an array of the dtype's storage type (float[], double[], int[] or boolean[]) without
     * copying, for backends and generated code; the caller gives the array up.
     */
    public static Tensor wrap(DType dtype, int[] shape, Object data) {
        int n = numel(shape);
        int length = switch (dtype) {
            case F32 -> ((float[]) data).length;
            case F64 -> ((double[]) data).length;
            case I32 -> ((int[]) data).length;
            case BOOL -> ((boolean[]) data).length;
        };
        if (length != n) throw new IllegalArgumentException(length + " values for shape " + Arrays.toString(shape));
        return new Tensor(dtype, shape, data);
    }

    /** The storage array itself (float[], double[], int[] or boolean[]); callers must not change it. */
    Object data() {
        return data;
    }

    /**
     * The storage array itself, row-major, without copying: float[], double[], int[] or
     * boolean[] by dtype. For backends and generated code, which only read it.
     */
    public Object storage() {
        return data;
    }

    /** A tensor of {@code dtype} with the given values (rounded to f32, truncated to i32, non-zero for bool). */
    public static Tensor of(DType dtype, int[] shape, double[] values) {
        Objects.requireNonNull(dtype, "dtype == null");
        int n = numel(shape);
        if (values.length != n) {
            throw new IllegalArgumentException(values.length + " values for shape " + Arrays.toString(shape));
        }
        Object data = switch (dtype) {
            case F32 -> {
                float[] d = new float[n];
                for (int i = 0; i < n; i++) d[i] = (float) values[i];
                yield d;
            }
            case F64 -> values.clone();
            case I32 -> {
                int[] d = new int[n];
                for (int i = 0; i < n; i++) d[i] = (int) values[i];
                yield d;
            }
            case BOOL -> {
                boolean[] d = new boolean[n];
                for (int i = 0; i < n; i++) d[i] = values[i] != 0;
                yield d;
            }
        };
        return new Tensor(dtype, shape.clone(), data);
    }

    /** An f32 tensor holding a copy of {@code values}. */
    public static Tensor of(float[] values, int... shape) {
        return wrap(DType.F32, shape.clone(), values.clone());
    }

    /** An f64 tensor holding a copy of {@code values}. */
    public static Tensor of(double[] values, int... shape) {
        return wrap(DType.F64, shape.clone(), values.clone());
    }

    /** An i32 tensor holding a copy of {@code values}. */
    public static Tensor of(int[] values, int... shape) {
        return wrap(DType.I32, shape.clone(), values.clone());
    }

    /** A bool tensor holding a copy of {@code values}. */
    public static Tensor of(boolean[] values, int... shape) {
        return wrap(DType.BOOL, shape.clone(), values.clone());
    }

    /** A 0-d tensor holding {@code v}. */
    public static Tensor scalar(DType dtype, double v) {
        return of(dtype, new int[0], new double[] {v});
    }

    /** A tensor of {@code shape} filled with {@code v}. */
    public static Tensor full(DType dtype, int[] shape, double v) {
        double[] d = new double[numel(shape)];
        Arrays.fill(d, v);
        return of(dtype, shape, d);
    }

    /** A tensor of zeros (false for bool). */
    public static Tensor zeros(DType dtype, int... shape) {
        return full(dtype, shape, 0);
    }

    /** A tensor of ones (true for bool). */
    public static Tensor ones(DType dtype, int... shape) {
        return full(dtype, shape, 1);
    }

    /** Standard normal values drawn from {@code gen} in row-major order, like {@code torch.randn}. */
    public static Tensor randn(DType dtype, Generator gen, int... shape) {
        requireFloating("randn", dtype);
        double[] d = new double[numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = gen.nextNormal();
        return of(dtype, shape, d);
    }

    /** Values uniform on [0, 1) drawn from {@code gen} in row-major order, like {@code torch.rand}. */
    public static Tensor rand(DType dtype, Generator gen, int... shape) {
        requireFloating("rand", dtype);
        double[] d = new double[numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = gen.nextUniform();
        if (dtype == DType.F32) {
            // Rounding to f32 may turn a value just below 1 into 1; keep the interval half-open.
            for (int i = 0; i < d.length; i++) if ((float) d[i] >= 1f) d[i] = Math.nextDown(1f);
        }
        return of(dtype, shape, d);
    }

    /** The i32 values 0, 1, ..., end - 1, like {@code torch.arange(end)}. */
    public static Tensor arange(int end) {
        if (end < 0) throw new IllegalArgumentException("arange end must not be negative, got " + end);
        int[] d = new int[end];
        for (int i = 0; i < end; i++) d[i] = i;
        return wrap(DType.I32, new int[] {end}, d);
    }

    /** The values start, start + step, ... up to but excluding end, like {@code torch.arange(start, end, step)}. */
    public static Tensor arange(DType dtype, double start, double end, double step) {
        if (step == 0 || !Double.isFinite(step) || !Double.isFinite(start) || !Double.isFinite(end)) {
            throw new IllegalArgumentException("arange needs finite bounds and a non-zero finite step, got start "
                    + start + ", end " + end + ", step " + step);
        }
        double count = Math.ceil((end - start) / step);
        if (count > Integer.MAX_VALUE) throw new IllegalArgumentException("arange would make " + count + " elements");
        int n = (int) Math.max(0, count);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = start + i * step;
        return of(dtype, new int[] {n}, d);
    }

    /**
     * A tensor copied from a rectangular Java array such as {@code float[][]}, {@code double[]},
     * {@code int[][][]} or {@code boolean[][]}; the dtype follows the element type. Ragged input
     * is refused with an {@link IllegalArgumentException}.
     */
    public static Tensor fromArray(Object array) {
        return NestedArrays.toTensor(array);
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int size(int axis) {
        return shape[axis < 0 ? axis + shape.length : axis];
    }

    public int numel() {
        return numel(shape);
    }

    /** The element at a row-major position, as a double. */
    public double getDouble(int flatIndex) {
        return switch (dtype) {
            case F32 -> ((float[]) data)[flatIndex];
            case F64 -> ((double[]) data)[flatIndex];
            case I32 -> ((int[]) data)[flatIndex];
            case BOOL -> ((boolean[]) data)[flatIndex] ? 1 : 0;
        };
    }

    /** The element at an index, as a double. */
    public double get(int... index) {
        if (index.length != shape.length) throw new IllegalArgumentException("index of rank " + index.length + " for rank " + shape.length);
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) throw new IndexOutOfBoundsException("index " + index[i] + " on axis " + i + " of size " + shape[i]);
            flat = flat * shape[i] + index[i];
        }
        return getDouble(flat);
    }

    /** The single value of a one-element tensor. */
    public double item() {
        if (numel() != 1) throw new IllegalStateException("item() of a tensor with " + numel() + " elements");
        return getDouble(0);
    }

    /** Every value as a double, row-major (a copy). */
    public double[] toDoubleArray() {
        double[] out = new double[numel()];
        for (int i = 0; i < out.length; i++) out[i] = getDouble(i);
        return out;
    }

    /** The same values converted to another dtype. */
    public Tensor to(DType target) {
        return target == dtype ? this : of(target, shape, toDoubleArray());
    }

    /** The same values in a new shape with the same number of elements; one size may be -1 to be inferred. */
    public Tensor reshape(int... newShape) {
        return wrap(dtype, TensorMath.inferShape(shape, newShape), data);
    }

    /** Tensors of one dtype joined along {@code axis} (negative counts from the end), like {@code torch.cat}. */
    public static Tensor cat(int axis, Tensor... tensors) {
        return TensorMath.cat(axis, tensors);
    }

    /** The transpose of a 2-d tensor; 0-d and 1-d tensors come back as they are, like {@code torch.Tensor.t}. */
    public Tensor transpose() {
        return TensorMath.transpose(this);
    }

    /** Same as {@link #transpose()}, spelled as in PyTorch. */
    public Tensor t() {
        return transpose();
    }

    /** Elementwise sum with NumPy broadcasting; both tensors must have the same numeric dtype. */
    public Tensor add(Tensor other) {
        return TensorMath.binary(TensorMath.Op.ADD, this, other);
    }

    /** Elementwise difference with NumPy broadcasting; both tensors must have the same numeric dtype. */
    public Tensor sub(Tensor other) {
        return TensorMath.binary(TensorMath.Op.SUB, this, other);
    }

    /** Elementwise product with NumPy broadcasting; both tensors must have the same numeric dtype. */
    public Tensor mul(Tensor other) {
        return TensorMath.binary(TensorMath.Op.MUL, this, other);
    }

    /** Elementwise quotient with NumPy broadcasting; both tensors must have the same floating dtype. */
    public Tensor div(Tensor other) {
        return TensorMath.binary(TensorMath.Op.DIV, this, other);
    }

    /** A function applied to every value (computed in double, then stored in this dtype), such as {@code Math::sin}. */
    public Tensor map(DoubleUnaryOperator f) {
        double[] d = toDoubleArray();
        for (int i = 0; i < d.length; i++) d[i] = f.applyAsDouble(d[i]);
        return of(dtype, shape, d);
    }

    /** The 2-d matrix product {@code this @ other}; both tensors must have the same numeric dtype. */
    public Tensor matmul(Tensor other) {
        return TensorMath.matmul(this, other);
    }

    /** The sum of all elements as a 0-d tensor (bool counts into i32; i32 overflow is an error). */
    public Tensor sum() {
        return TensorMath.sum(this, null);
    }

    /** The sum along {@code axis} (negative counts from the end), which is removed from the shape. */
    public Tensor sum(int axis) {
        return TensorMath.sum(this, axis);
    }

    /** The mean of all elements of a floating tensor, as a 0-d tensor. */
    public Tensor mean() {
        return TensorMath.mean(this, null);
    }

    /** The mean along {@code axis} of a floating tensor; the axis is removed from the shape. */
    public Tensor mean(int axis) {
        return TensorMath.mean(this, axis);
    }

    /**
     * Whether both tensors have the same shape and every pair of values satisfies
     * {@code |a - b| <= atol + rtol * |b|}, like {@code torch.allclose}; infinities must match
     * exactly and NaN is never close. Dtypes may differ: values are compared as doubles.
     */
    public boolean allClose(Tensor other, double rtol, double atol) {
        if (!Arrays.equals(shape, other.shape)) return false;
        for (int i = 0, n = numel(); i < n; i++) {
            double a = getDouble(i), b = other.getDouble(i);
            if (a == b) continue;
            if (Double.isNaN(a) || Double.isNaN(b) || Double.isInfinite(a) || Double.isInfinite(b)) return false;
            if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) return false;
        }
        return true;
    }

    /** {@link #allClose(Tensor, double, double)} with PyTorch's defaults, rtol 1e-5 and atol 1e-8. */
    public boolean allClose(Tensor other) {
        return allClose(other, 1e-5, 1e-8);
    }

    public static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("negative size in " + Arrays.toString(shape));
            n *= s;
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("too many elements: " + Arrays.toString(shape));
        }
        return (int) n;
    }

    static void requireFloating(String op, DType dtype) {
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException(op + " needs a floating dtype (f32 or f64), got " + dtype);
        }
    }

    /**
     * Same dtype, same shape and the same values, where NaN equals NaN and 0.0 differs from
     * -0.0 (as for {@link Float#equals} and {@link Double#equals}).
     */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Tensor t) || dtype != t.dtype || !Arrays.equals(shape, t.shape)) return false;
        return switch (dtype) {
            case F32 -> Arrays.equals((float[]) data, (float[]) t.data);
            case F64 -> Arrays.equals((double[]) data, (double[]) t.data);
            case I32 -> Arrays.equals((int[]) data, (int[]) t.data);
            case BOOL -> Arrays.equals((boolean[]) data, (boolean[]) t.data);
        };
    }

    @Override
    public int hashCode() {
        int h = switch (dtype) {
            case F32 -> Arrays.hashCode((float[]) data);
            case F64 -> Arrays.hashCode((double[]) data);
            case I32 -> Arrays.hashCode((int[]) data);
            case BOOL -> Arrays.hashCode((boolean[]) data);
        };
        return Objects.hash(dtype, Arrays.hashCode(shape), h);
    }

    /** The tensor as PyTorch's {@code repr} prints it, such as {@code tensor([1, 2], dtype=torch.int32)}. */
    @Override
    public String toString() {
        return TensorFormat.repr(this);
    }
}
