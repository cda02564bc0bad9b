package dev.modelc.runtime;

import java.util.Arrays;
import java.util.Objects;

/**
 * An n-dimensional array of one dtype, row-major. Values are stored in the dtype's own Java
 * array (float[] for f32, double[] for f64, int[] for i32, boolean[] for bool), so an f32
 * tensor holds exactly what f32 can hold. Immutable: operations return new tensors.
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

    public static Tensor of(float[] values, int... shape) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) d[i] = values[i];
        return of(DType.F32, shape, d);
    }

    public static Tensor of(double[] values, int... shape) {
        return of(DType.F64, shape, values);
    }

    public static Tensor of(int[] values, int... shape) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) d[i] = values[i];
        return of(DType.I32, shape, d);
    }

    public static Tensor scalar(DType dtype, double v) {
        return of(dtype, new int[0], new double[] {v});
    }

    /** A tensor of {@code shape} filled with {@code v}. */
    public static Tensor full(DType dtype, int[] shape, double v) {
        double[] d = new double[numel(shape)];
        Arrays.fill(d, v);
        return of(dtype, shape, d);
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

    public static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("negative size in " + Arrays.toString(shape));
            n *= s;
        }
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("too many elements: " + Arrays.toString(shape));
        return (int) n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && Arrays.equals(toDoubleArray(), t.toDoubleArray());
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.hashCode(toDoubleArray()));
    }

    @Override
    public String toString() {
        return "Tensor(" + dtype + Arrays.toString(shape) + ")";
    }
}
