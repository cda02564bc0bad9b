package dev.modelc.runtime.data;

import dev.modelc.runtime.Tensor;
import java.util.Arrays;

/** Row access along axis 0 of row-major tensors: single rows, contiguous slices and gathers by index. */
public final class Rows {
    private Rows() {}

    /** The number of rows of {@code t}, its size on axis 0. */
    public static int count(Tensor t) {
        if (t.rank() == 0) throw new IllegalArgumentException("a scalar has no rows");
        return t.size(0);
    }

    /** Row {@code i} of {@code t}, with axis 0 dropped (as {@code t[i]} in PyTorch). */
    public static Tensor row(Tensor t, int i) {
        int n = count(t);
        if (i < 0 || i >= n) throw new IndexOutOfBoundsException("row " + i + " of a tensor with " + n + " rows");
        int[] shape = t.shape();
        int[] rowShape = Arrays.copyOfRange(shape, 1, shape.length);
        return copy(t, rowShape, new int[] {i});
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) of {@code t}, keeping axis 0 (as {@code t[from:to]}). */
    public static Tensor slice(Tensor t, int from, int to) {
        int n = count(t);
        if (from < 0 || to > n || from > to) {
            throw new IndexOutOfBoundsException("rows " + from + " to " + to + " of a tensor with " + n + " rows");
        }
        int[] indices = new int[to - from];
        for (int k = 0; k < indices.length; k++) indices[k] = from + k;
        return gather(t, indices);
    }

    /** The rows of {@code t} at {@code indices}, in that order, stacked along a new axis 0 of size {@code indices.length}. */
    public static Tensor gather(Tensor t, int[] indices) {
        int n = count(t);
        for (int index : indices) {
            if (index < 0 || index >= n) throw new IndexOutOfBoundsException("row " + index + " of a tensor with " + n + " rows");
        }
        int[] shape = t.shape();
        shape[0] = indices.length;
        return copy(t, shape, indices);
    }

    /** The rows at {@code indices} of {@code t}, copied a row at a time in the dtype's own storage (so every value keeps its bits). */
    private static Tensor copy(Tensor t, int[] shape, int[] indices) {
        int[] full = t.shape();
        int rowSize = Tensor.numel(Arrays.copyOfRange(full, 1, full.length));
        Object from = t.storage();
        if (consecutive(indices)) {
            // A slice (an evaluation's batch, an unshuffled epoch's): one copy of a known array type,
            // which the JIT allocates without zeroing it first, rather than zeroed and then written.
            int start = indices.length == 0 ? 0 : indices[0] * rowSize, end = start + indices.length * rowSize;
            Object rows = switch (from) {
                case float[] f -> Arrays.copyOfRange(f, start, end);
                case double[] d -> Arrays.copyOfRange(d, start, end);
                case int[] i -> Arrays.copyOfRange(i, start, end);
                case boolean[] b -> Arrays.copyOfRange(b, start, end);
                default -> null;
            };
            if (rows != null) return Tensor.wrap(t.dtype(), shape, rows);
        }
        Object to = java.lang.reflect.Array.newInstance(from.getClass().getComponentType(), indices.length * rowSize);
        for (int k = 0; k < indices.length; k++) System.arraycopy(from, indices[k] * rowSize, to, k * rowSize, rowSize);
        return Tensor.wrap(t.dtype(), shape, to);
    }

    /** Whether {@code indices} count up by one. */
    private static boolean consecutive(int[] indices) {
        for (int k = 1; k < indices.length; k++) if (indices[k] != indices[k - 1] + 1) return false;
        return true;
    }
}
