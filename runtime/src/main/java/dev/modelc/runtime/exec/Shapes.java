package dev.modelc.runtime.exec;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.Arrays;

/**
 * Checks and copies at the boundary of compiled code: a tensor of a fixed shape (the params a
 * typed class is given), a quantity past what kernels index, a result copied out of a reused
 * slot. Binding symbolic sizes is {@code model.SizeBinder}'s, through {@code plan.PlanRunner}.
 * Errors are {@link ExecutionError}s naming the tensor and both shapes.
 */
public final class Shapes {
    private Shapes() {
    }

    /** The error for a quantity past what an int holds ({@code value} Long.MAX_VALUE when it overflowed a long too). */
    public static ExecutionError tooLarge(String what, long value) {
        return new ExecutionError(what + " is " + (value == Long.MAX_VALUE ? "more than 2^63" : Long.toString(value))
                + ", more than " + Integer.MAX_VALUE + ", the largest size compiled kernels index (Java arrays and loop counters are ints)");
    }

    /** Fails unless {@code t} has exactly the shape {@code dims}. */
    public static void check(String kind, String name, Tensor t, int... dims) {
        if (t == null) throw new ExecutionError("no value for " + kind + " '" + name + "'");
        if (!Arrays.equals(t.shape(), dims)) {
            throw new ExecutionError(kind + " '" + name + "' must have shape " + Arrays.toString(dims) + ", found "
                    + Arrays.toString(t.shape()));
        }
    }

    /** A result: the first numel(shape) elements of {@code storage}, copied (storage is reused by later calls). */
    public static Tensor result(DType dtype, int[] shape, Object storage) {
        int n = Tensor.numel(shape);
        Object out = java.lang.reflect.Array.newInstance(storage.getClass().getComponentType(), n);
        System.arraycopy(storage, 0, out, 0, n);
        return Tensor.wrap(dtype, shape, out);
    }
}
