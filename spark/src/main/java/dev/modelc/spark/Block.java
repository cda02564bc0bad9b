package dev.modelc.spark;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * One partition's rows as the model's input tensors: rows {@code first} to
 * {@code first + rows - 1} of the data set (row numbers in the DataFrame's order, which is the
 * order the batches are drawn in), each input's values row-major in its dtype's array. Blocks are
 * built once and cached by Spark; each step gathers its batch's rows from them.
 */
final class Block implements Serializable {
    private final long first;
    private final int rows;
    private final List<InputColumn> inputs;
    /** Per input, float[], double[], int[] or boolean[] of rows * rowSize values. */
    private final List<Object> values;
    private transient TensorDataset dataset;

    private Block(long first, int rows, List<InputColumn> inputs, List<Object> values) {
        this.first = first;
        this.rows = rows;
        this.inputs = inputs;
        this.values = values;
    }

    long first() {
        return first;
    }

    int rows() {
        return rows;
    }

    /** The block's rows as a data set (built on first use, then kept with the cached block). */
    TensorDataset dataset() {
        if (dataset == null) {
            Map<String, Tensor> columns = new LinkedHashMap<>();
            for (int i = 0; i < inputs.size(); i++) {
                InputColumn c = inputs.get(i);
                int[] shape = new int[c.rowShape().length + 1];
                shape[0] = rows;
                System.arraycopy(c.rowShape(), 0, shape, 1, c.rowShape().length);
                columns.put(c.input(), Tensor.wrap(c.dtype(), shape, values.get(i)));
            }
            dataset = new TensorDataset(columns);
        }
        return dataset;
    }

    /**
     * The block of one partition's rows, each paired with its row number by {@code zipWithIndex}.
     * The columns hold no nulls and arrays have the row's size: {@link DataCheck} made sure.
     */
    static Block of(Iterator<Tuple2<Row, Long>> it, List<InputColumn> inputs) {
        List<Row> rowList = new ArrayList<>();
        long first = -1;
        while (it.hasNext()) {
            Tuple2<Row, Long> t = it.next();
            if (first < 0) first = t._2();
            rowList.add(t._1());
        }
        int n = rowList.size();
        List<Object> values = new ArrayList<>();
        int field = 0;
        for (InputColumn c : inputs) {
            int size = c.rowSize();
            Object array = switch (c.dtype()) {
                case F32 -> new float[n * size];
                case F64 -> new double[n * size];
                case I32 -> new int[n * size];
                case BOOL -> new boolean[n * size];
            };
            for (int r = 0; r < n; r++) {
                Row row = rowList.get(r);
                if (c.array()) {
                    List<Object> list = row.getList(field);
                    for (int j = 0; j < size; j++) put(array, c.dtype(), r * size + j, list.get(j));
                } else {
                    for (int j = 0; j < size; j++) put(array, c.dtype(), r * size + j, row.get(field + j));
                }
            }
            values.add(array);
            field += c.array() ? 1 : size;
        }
        return new Block(first, n, List.copyOf(inputs), values);
    }

    /** One value, converted as modelc's CSV reader converts: through double for the floating dtypes. */
    private static void put(Object array, DType dtype, int i, Object v) {
        switch (dtype) {
            case F32 -> ((float[]) array)[i] = (float) ((Number) v).doubleValue();
            case F64 -> ((double[]) array)[i] = ((Number) v).doubleValue();
            case I32 -> ((int[]) array)[i] = ((Number) v).intValue();
            case BOOL -> ((boolean[]) array)[i] = (Boolean) v;
        }
    }
}
