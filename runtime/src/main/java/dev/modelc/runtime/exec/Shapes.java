package dev.modelc.runtime.exec;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.SizeBinder;
import java.util.Arrays;

/**
 * Checks generated code makes at its boundary: the tensors it is given have the declared shapes
 * (symbolic sizes bound from the first tensor that has them alone on an axis: {@link SizeBinder}'s
 * rule, unrolled by the generator into straight-line code so that a call allocates nothing to
 * bind), and their storage in the declared dtype. Errors are {@link ExecutionError}s naming the
 * tensor and both shapes.
 */
public final class Shapes {
    private Shapes() {
    }

    /** Axis {@code axis} of {@code t}, after checking that its rank is {@code rank}: how a symbolic size is bound. */
    public static int size(String kind, String name, Tensor t, int rank, int axis) {
        present(kind, name, t);
        if (t.rank() != rank) {
            throw new ExecutionError(kind + " '" + name + "' must have rank " + rank + ", found shape " + Arrays.toString(t.shape()));
        }
        return t.shape()[axis];
    }

    /** Axis {@code axis} of {@code t} as {@link #size} gives it, or -1 when {@code t} was not given. */
    public static int sizeIfGiven(String kind, String name, Tensor t, int rank, int axis) {
        return t == null ? -1 : size(kind, name, t, rank, axis);
    }

    /**
     * A symbolic size bound only by size witnesses (tensors no kernel reads, kept for their
     * sizes): the first of {@code sizes} that was given (not -1), else an error naming what
     * would have bound it ({@code sources}, empty when nothing can).
     */
    public static int bound(String symbol, String sources, int... sizes) {
        for (int s : sizes) if (s >= 0) return s;
        throw new ExecutionError(SizeBinder.notBound(symbol, sources));
    }

    /** {@link #check} for a size witness, which may be left out. */
    public static void checkIfGiven(String kind, String name, Tensor t, int... dims) {
        if (t != null) check(kind, name, t, dims);
    }

    /**
     * Fails unless {@code value} fits in an int: generated kernels hold element counts, loop
     * extents and positions in ints, which would wrap around past 2^31 - 1 and give wrong numbers.
     *
     * @param what the quantity and where it comes from ({@code m.model:3: axis 2 of the sum over [N, 3, 3000000000]})
     */
    public static void indexable(String what, long value) {
        if (value > Integer.MAX_VALUE) throw tooLarge(what, value);
    }

    /** The error for a quantity past what an int holds ({@code value} Long.MAX_VALUE when it overflowed a long too). */
    public static ExecutionError tooLarge(String what, long value) {
        return new ExecutionError(what + " is " + (value == Long.MAX_VALUE ? "more than 2^63" : Long.toString(value))
                + ", more than " + Integer.MAX_VALUE + ", the largest size compiled kernels index (Java arrays and loop counters are ints)");
    }

    /** Fails unless {@code t} has exactly the shape {@code dims}. */
    public static void check(String kind, String name, Tensor t, int... dims) {
        present(kind, name, t);
        if (!Arrays.equals(t.shape(), dims)) {
            throw new ExecutionError(kind + " '" + name + "' must have shape " + Arrays.toString(dims) + ", found "
                    + Arrays.toString(t.shape()));
        }
    }

    private static void present(String kind, String name, Tensor t) {
        if (t == null) throw new ExecutionError("no value for " + kind + " '" + name + "'");
    }

    public static float[] f32(Tensor t) {
        return (float[]) t.to(DType.F32).storage();
    }

    public static double[] f64(Tensor t) {
        return (double[]) t.to(DType.F64).storage();
    }

    public static int[] i32(Tensor t) {
        return (int[]) t.to(DType.I32).storage();
    }

    public static boolean[] bool(Tensor t) {
        return (boolean[]) t.to(DType.BOOL).storage();
    }

    /** A result: the first numel(shape) elements of {@code storage}, copied (storage is reused by later calls). */
    public static Tensor result(DType dtype, int[] shape, Object storage) {
        int n = Tensor.numel(shape);
        Object out = java.lang.reflect.Array.newInstance(storage.getClass().getComponentType(), n);
        System.arraycopy(storage, 0, out, 0, n);
        return Tensor.wrap(dtype, shape, out);
    }
}
