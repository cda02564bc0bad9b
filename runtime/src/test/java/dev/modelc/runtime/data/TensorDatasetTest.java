package dev.modelc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TensorDatasetTest {
    static Tensor range(DType dtype, int... shape) {
        double[] v = new double[Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = i;
        return Tensor.of(dtype, shape, v);
    }

    static TensorDataset xy(int rows) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("x", range(DType.F32, rows, 3));
        m.put("y", range(DType.I32, rows));
        return new TensorDataset(m);
    }

    @Test
    void sizeNamesAndRows() {
        TensorDataset ds = xy(5);
        assertEquals(5, ds.size());
        assertEquals(List.of("x", "y"), ds.names());
        Map<String, Tensor> row = ds.row(2);
        assertArrayEquals(new int[] {3}, row.get("x").shape());
        assertArrayEquals(new double[] {6, 7, 8}, row.get("x").toDoubleArray());
        assertArrayEquals(new int[0], row.get("y").shape());
        assertEquals(2, row.get("y").item());
        assertEquals(DType.I32, row.get("y").dtype());
    }

    @Test
    void sliceKeepsAxisZeroAsInTheTutorial() {
        Map<String, Tensor> first3 = xy(5).slice(0, 3);
        assertArrayEquals(new int[] {3, 3}, first3.get("x").shape());
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, first3.get("x").toDoubleArray());
        assertArrayEquals(new double[] {0, 1, 2}, first3.get("y").toDoubleArray());
        assertArrayEquals(new int[] {0, 3}, xy(5).slice(4, 4).get("x").shape());
        assertThrows(IndexOutOfBoundsException.class, () -> xy(5).slice(3, 6));
        assertThrows(IndexOutOfBoundsException.class, () -> xy(5).slice(3, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> xy(5).row(5));
    }

    @Test
    void gatherTakesRowsOfHigherRankTensorsInTheOrderGiven() {
        Tensor t = range(DType.F64, 4, 2, 2);
        Tensor g = Rows.gather(t, new int[] {3, 0, 3});
        assertArrayEquals(new int[] {3, 2, 2}, g.shape());
        assertArrayEquals(new double[] {12, 13, 14, 15, 0, 1, 2, 3, 12, 13, 14, 15}, g.toDoubleArray());
        assertThrows(IndexOutOfBoundsException.class, () -> Rows.gather(t, new int[] {4}));
        assertThrows(IllegalArgumentException.class, () -> Rows.gather(Tensor.scalar(DType.F64, 1), new int[] {0}));
    }

    @Test
    void mismatchedLeadingDimensionNamesBothTensors() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("inputs", range(DType.F32, 15, 3));
        m.put("targets", range(DType.F32, 14, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TensorDataset(m));
        assertEquals("dataset tensors differ in rows: \"inputs\" has 15 but \"targets\" has 14", e.getMessage());
    }

    @Test
    void emptyAndScalarColumnsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TensorDataset(Map.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TensorDataset(Map.of("s", Tensor.scalar(DType.F32, 1))));
        assertEquals("dataset tensor \"s\" is a scalar; it needs an axis 0 of rows", e.getMessage());
    }
}
