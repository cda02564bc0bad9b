package dev.modelc.runtime;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;

/** Copies rectangular nested Java arrays ({@code float[][]}, {@code int[][][]}, ...) into tensors. */
final class NestedArrays {
    private NestedArrays() {}

    static Tensor toTensor(Object array) {
        if (array == null) throw new IllegalArgumentException("fromArray needs an array, got null");
        Class<?> c = array.getClass();
        if (!c.isArray()) throw new IllegalArgumentException("fromArray needs an array, got " + c.getName());
        int rank = 0;
        while (c.isArray()) {
            c = c.getComponentType();
            rank++;
        }
        DType dtype;
        if (c == float.class) dtype = DType.F32;
        else if (c == double.class) dtype = DType.F64;
        else if (c == int.class) dtype = DType.I32;
        else if (c == boolean.class) dtype = DType.BOOL;
        else throw new IllegalArgumentException("fromArray supports arrays of float, double, int and boolean, got elements of type " + c.getName());

        // The shape is read along the first row at every depth; once a size is 0, the deeper sizes are 0 too.
        int[] shape = new int[rank];
        Object a = array;
        for (int d = 0; d < rank; d++) {
            if (a == null) throw new IllegalArgumentException("an improper shape: null sub-array at index " + zeros(d));
            shape[d] = Array.getLength(a);
            a = shape[d] > 0 && d + 1 < rank ? Array.get(a, 0) : null;
            if (shape[d] == 0) break;
        }
        Object out = TensorMath.newStorage(dtype, Tensor.numel(shape));
        copy(array, 0, shape, new ArrayList<>(), out, new int[1]);
        return Tensor.wrap(dtype, shape, out);
    }

    private static void copy(Object a, int depth, int[] shape, List<Integer> path, Object out, int[] pos) {
        if (a == null) throw new IllegalArgumentException("an improper shape: null sub-array at index " + path);
        int len = Array.getLength(a);
        if (len != shape[depth]) {
            throw new IllegalArgumentException("an improper shape: expected length " + shape[depth] + " at axis " + depth
                    + " but the sub-array at index " + path + " has length " + len + " (nested arrays must be rectangular)");
        }
        if (depth == shape.length - 1) {
            System.arraycopy(a, 0, out, pos[0], len);
            pos[0] += len;
            return;
        }
        for (int i = 0; i < len; i++) {
            path.add(i);
            copy(Array.get(a, i), depth + 1, shape, path, out, pos);
            path.removeLast();
        }
    }

    private static String zeros(int n) {
        List<Integer> z = new ArrayList<>();
        for (int i = 0; i < n; i++) z.add(0);
        return z.toString();
    }
}
