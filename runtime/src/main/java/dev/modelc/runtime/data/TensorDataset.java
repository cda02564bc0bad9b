package dev.modelc.runtime.data;

import dev.modelc.runtime.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Named tensors that share their leading dimension, read row by row along axis 0, as PyTorch's
 * {@code TensorDataset(inputs, targets)} but with each tensor named (such as {@code x} and {@code y}).
 */
public final class TensorDataset {
    private final Map<String, Tensor> columns;
    private final int size;

    /** A dataset of {@code columns}, kept in the map's order; every tensor must have the same size on axis 0. */
    public TensorDataset(Map<String, Tensor> columns) {
        if (columns.isEmpty()) throw new IllegalArgumentException("a dataset needs at least one tensor");
        Map<String, Tensor> copy = new LinkedHashMap<>();
        String first = null;
        int rows = -1;
        for (Map.Entry<String, Tensor> e : columns.entrySet()) {
            Tensor t = e.getValue();
            if (t == null) throw new IllegalArgumentException("dataset tensor \"" + e.getKey() + "\" is null");
            if (t.rank() == 0) {
                throw new IllegalArgumentException("dataset tensor \"" + e.getKey() + "\" is a scalar; it needs an axis 0 of rows");
            }
            if (first == null) {
                first = e.getKey();
                rows = t.size(0);
            } else if (t.size(0) != rows) {
                throw new IllegalArgumentException("dataset tensors differ in rows: \"" + first + "\" has " + rows
                        + " but \"" + e.getKey() + "\" has " + t.size(0));
            }
            copy.put(e.getKey(), t);
        }
        this.columns = Collections.unmodifiableMap(copy);
        this.size = rows;
    }

    /** The number of rows (every tensor's size on axis 0), as {@code len(dataset)}. */
    public int size() {
        return size;
    }

    /** The names of the tensors, in order. */
    public List<String> names() {
        return List.copyOf(columns.keySet());
    }

    /** The whole tensors by name (unmodifiable, in order). */
    public Map<String, Tensor> columns() {
        return columns;
    }

    /** Row {@code i} of every tensor, with axis 0 dropped, as {@code dataset[i]}. */
    public Map<String, Tensor> row(int i) {
        checkRow(i);
        return map(t -> Rows.row(t, i));
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) of every tensor, axis 0 kept, as {@code dataset[from:to]}. */
    public Map<String, Tensor> slice(int from, int to) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException("rows " + from + " to " + to + " of a dataset with " + size + " rows");
        }
        return map(t -> Rows.slice(t, from, to));
    }

    /** The rows at {@code indices}, in that order, of every tensor, stacked along axis 0: one batch. */
    public Map<String, Tensor> gather(int[] indices) {
        for (int i : indices) checkRow(i);
        return map(t -> Rows.gather(t, indices));
    }

    private void checkRow(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException("row " + i + " of a dataset with " + size + " rows");
    }

    private Map<String, Tensor> map(UnaryOperator<Tensor> f) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        columns.forEach((name, t) -> out.put(name, f.apply(t)));
        return Collections.unmodifiableMap(out);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TensorDataset(").append(size).append(" rows");
        columns.forEach((name, t) -> sb.append(", ").append(name).append(": ").append(t));
        return sb.append(')').toString();
    }
}
