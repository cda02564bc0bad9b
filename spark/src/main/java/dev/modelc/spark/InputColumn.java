package dev.modelc.spark;

import dev.modelc.runtime.DType;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * Where one model input's rows come from: the DataFrame columns {@code columns}, read as a row of
 * {@code rowShape} in {@code dtype}. {@code array}: one array column holding each row's values
 * (a vector, or an image as a fixed-size flat array, row-major); otherwise one numeric column per
 * value of the row, in order (an input of one value per row reads one column).
 */
record InputColumn(String input, DType dtype, int[] rowShape, List<String> columns, boolean array) implements Serializable {
    InputColumn {
        columns = List.copyOf(columns);
        rowShape = rowShape.clone();
    }

    /** The values in one row. */
    int rowSize() {
        int n = 1;
        for (int d : rowShape) n *= d;
        return n;
    }

    /** {@code f32[N, 3]}: the input's type as the model declares it (with the floating dtype trained in). */
    String type(String rows) {
        StringBuilder sb = new StringBuilder(dtype.spelling()).append('[').append(rows);
        for (int d : rowShape) sb.append(", ").append(d);
        return sb.append(']').toString();
    }

    @Override
    public String toString() {
        return input + " <- " + columns + (array ? " (array)" : "") + " " + dtype.spelling() + Arrays.toString(rowShape);
    }
}
