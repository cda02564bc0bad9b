package dev.modelc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    /** {@code rows} rows where x = [i, 10 i] and y = i, so a batch shows which rows it holds. */
    static TensorDataset dataset(int rows) {
        double[] x = new double[rows * 2];
        double[] y = new double[rows];
        for (int i = 0; i < rows; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = 10 * i;
            y[i] = i;
        }
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("x", Tensor.of(DType.F32, new int[] {rows, 2}, x));
        m.put("y", Tensor.of(DType.F64, new int[] {rows}, y));
        return new TensorDataset(m);
    }

    static int[] rowsOf(Map<String, Tensor> batch) {
        return Arrays.stream(batch.get("y").toDoubleArray()).mapToInt(d -> (int) d).toArray();
    }

    static int[] sizes(List<Map<String, Tensor>> epoch) {
        return epoch.stream().mapToInt(b -> b.get("y").size(0)).toArray();
    }

    @Test
    void withoutShuffleBatchesAreConsecutiveRows() {
        DataLoader loader = new DataLoader(dataset(15), 5, false, false, 0);
        List<Map<String, Tensor>> epoch = loader.epoch(0);
        assertEquals(3, epoch.size());
        assertEquals(3, loader.batchCount());
        assertArrayEquals(new int[] {5, 6, 7, 8, 9}, rowsOf(epoch.get(1)));
        Tensor x = epoch.get(1).get("x");
        assertEquals(DType.F32, x.dtype());
        assertArrayEquals(new int[] {5, 2}, x.shape());
        assertArrayEquals(new double[] {5, 50, 6, 60, 7, 70, 8, 80, 9, 90}, x.toDoubleArray());
        assertArrayEquals(rowsOf(loader.epoch(0).get(2)), rowsOf(loader.epoch(3).get(2)));
    }

    @Test
    void lastPartialBatchIsKeptUnlessDropLast() {
        assertArrayEquals(new int[] {4, 4, 4, 3}, sizes(new DataLoader(dataset(15), 4, false, false, 0).epoch(0)));
        DataLoader drop = new DataLoader(dataset(15), 4, true, true, 0);
        assertArrayEquals(new int[] {4, 4, 4}, sizes(drop.epoch(0)));
        assertEquals(3, drop.batchCount());
        // An exact multiple loses nothing either way.
        assertArrayEquals(new int[] {5, 5, 5}, sizes(new DataLoader(dataset(15), 5, false, true, 0).epoch(0)));
    }

    @Test
    void batchLargerThanTheDatasetGivesOneBatchOrNoneWithDropLast() {
        List<Map<String, Tensor>> one = new DataLoader(dataset(15), 20, false, false, 0).epoch(0);
        assertEquals(1, one.size());
        assertEquals(15, one.get(0).get("x").size(0));
        assertEquals(0, new DataLoader(dataset(15), 20, false, true, 0).epoch(0).size());
        assertEquals(0, new DataLoader(dataset(0), 3, true, false, 0).epoch(0).size());
    }

    @Test
    void shuffledEpochIsAPermutationWithRowsKeptTogether() {
        DataLoader loader = new DataLoader(dataset(15), 4, true, false, 7);
        int[] seen = new int[15];
        for (Map<String, Tensor> batch : loader.epoch(0)) {
            double[] x = batch.get("x").toDoubleArray();
            int[] rows = rowsOf(batch);
            for (int k = 0; k < rows.length; k++) {
                seen[rows[k]]++;
                assertEquals(rows[k], x[2 * k]);
                assertEquals(10 * rows[k], x[2 * k + 1]);
            }
        }
        int[] once = new int[15];
        Arrays.fill(once, 1);
        assertArrayEquals(once, seen);
    }

    @Test
    void shuffleIsReproducibleAndDiffersBetweenEpochsAndSeeds() {
        DataLoader a = new DataLoader(dataset(15), 5, true, false, 42);
        DataLoader b = new DataLoader(dataset(15), 5, true, false, 42);
        for (int e = 0; e < 3; e++) assertArrayEquals(a.order(e), b.order(e));
        assertArrayEquals(rowsOf(a.epoch(1).get(2)), rowsOf(b.epoch(1).get(2)));
        assertFalse(Arrays.equals(a.order(0), a.order(1)));
        assertFalse(Arrays.equals(a.order(0), new DataLoader(dataset(15), 5, true, false, 43).order(0)));
        int[] identity = new DataLoader(dataset(15), 5, false, false, 42).order(0);
        assertFalse(Arrays.equals(identity, a.order(0)));
    }

    @Test
    void shuffleOrderIsPinned() {
        // The order is a function of (seed, epoch) alone; this pins it so checkpoints resume the same data order.
        int[] order = new DataLoader(dataset(10), 3, true, false, 1234).order(0);
        int[] again = new DataLoader(dataset(10), 3, true, false, 1234).order(0);
        assertArrayEquals(again, order);
        assertArrayEquals(PINNED_ORDER, order, () -> "order changed: " + Arrays.toString(order));
    }

    static final int[] PINNED_ORDER = {3, 4, 7, 2, 0, 1, 8, 5, 6, 9};

    @Test
    void everyPermutationOfThreeRowsIsAboutEquallyLikely() {
        DataLoader loader = new DataLoader(dataset(3), 3, true, false, 5);
        Map<String, Integer> counts = new HashMap<>();
        int epochs = 6000;
        for (int e = 0; e < epochs; e++) counts.merge(Arrays.toString(loader.order(e)), 1, Integer::sum);
        assertEquals(6, counts.size(), counts.toString());
        // Each has probability 1/6: mean 1000, standard deviation about 29; 150 is over 5 deviations.
        for (int c : counts.values()) assertTrue(Math.abs(c - 1000) < 150, counts.toString());
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new DataLoader(dataset(3), 0, false, false, 0));
        assertThrows(IllegalArgumentException.class, () -> new DataLoader(dataset(3), 1, false, false, 0).epoch(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> new DataLoader(dataset(3), 2, false, false, 0).epoch(0).get(2));
    }
}
