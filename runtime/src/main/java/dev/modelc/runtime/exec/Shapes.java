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

    /**
     * Fails unless {@code count}, a size of a tensor of {@code shape}, is at least {@code atLeast}
     * (batch norm's values per channel in a training batch): {@code what, got input size [1, 3]}, as
     * PyTorch words it. The interpreter and every plan check it when the sizes are bound.
     *
     * @param what the error's start, naming the call ({@code m.model:6: bn(x): Expected more than 1 value per channel when training})
     */
    public static void require(String what, long count, long atLeast, long[] shape) {
        if (count < atLeast) throw new ExecutionError(what + ", got input size " + java.util.Arrays.toString(shape));
    }

    /** {@link #require(String, long, long, long[])} with the shape as ints (the interpreter's). */
    public static void require(String what, long count, long atLeast, int[] shape) {
        require(what, count, atLeast, java.util.Arrays.stream(shape).asLongStream().toArray());
    }

    /**
     * Fails unless a window of {@code length} elements from {@code start}, every {@code step}, fits
     * axis {@code axis} of {@code size} (and {@code length} is not negative): a constant index or
     * slice ({@code x[0]}, {@code x[2:5]}) on an axis whose size is symbolic is only checked once
     * the size is bound. The interpreter and every plan word it the same way.
     *
     * @param what the indexing, as the index errors name it ({@code m.model:3: x[0]})
     */
    public static void window(String what, int axis, long start, long step, long length, long size) {
        if (length < 0) {
            throw new ExecutionError(what + ": the slice starts at " + start + ", past its end, on axis " + axis + " of size " + size
                    + " (" + length + " elements; slices are never clamped)");
        }
        if (length == 0 || (start >= 0 && start + (length - 1) * step < size)) return;
        if (length == 1) {
            throw new ExecutionError(what + ": index " + start + " is out of range for axis " + axis + " of size " + size
                    + (size == 0 ? " (it has no elements)" : ": indices run from 0 to " + (size - 1)));
        }
        throw new ExecutionError(what + ": the slice takes positions " + start + " to " + (start + (length - 1) * step)
                + (step == 1 ? "" : " (every " + step + ")") + " of axis " + axis + ", which has size " + size
                + " (slices are never clamped)");
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
        // Arrays.copyOf of a known array type: the JIT allocates the copy without zeroing it first
        // (a reflective allocation then arraycopy writes it twice: a training step's gradients,
        // 2.7 MB for the quickstart, 450 us a step against 393 on one thread).
        Object out = switch (storage) {
            case float[] f -> Arrays.copyOf(f, n);
            case double[] d -> Arrays.copyOf(d, n);
            case int[] i -> Arrays.copyOf(i, n);
            case boolean[] b -> Arrays.copyOf(b, n);
            default -> {
                Object o = java.lang.reflect.Array.newInstance(storage.getClass().getComponentType(), n);
                System.arraycopy(storage, 0, o, 0, n);
                yield o;
            }
        };
        return Tensor.wrap(dtype, shape, out);
    }
}
