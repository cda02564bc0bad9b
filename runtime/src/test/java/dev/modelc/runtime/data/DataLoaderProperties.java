package dev.modelc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.runtime.Tensor;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class DataLoaderProperties {
    @Property(tries = 300)
    void anEpochVisitsEachRowAtMostOnceInBatchesOfTheRightSizes(
            @ForAll @IntRange(min = 0, max = 60) int rows,
            @ForAll @IntRange(min = 1, max = 70) int batchSize,
            @ForAll boolean shuffle,
            @ForAll boolean dropLast,
            @ForAll long seed,
            @ForAll @IntRange(min = 0, max = 1000) int epoch) {
        DataLoader loader = new DataLoader(DataLoaderTest.dataset(rows), batchSize, shuffle, dropLast, seed);
        List<Map<String, Tensor>> batches = loader.epoch(epoch);
        assertEquals(loader.batchCount(), batches.size());
        boolean[] seen = new boolean[rows];
        int total = 0;
        for (int b = 0; b < batches.size(); b++) {
            int[] got = DataLoaderTest.rowsOf(batches.get(b));
            boolean last = b == batches.size() - 1;
            if (!last || dropLast) assertEquals(batchSize, got.length);
            else assertTrue(got.length >= 1 && got.length <= batchSize);
            for (int r : got) {
                assertTrue(!seen[r], "row " + r + " twice");
                seen[r] = true;
            }
            total += got.length;
        }
        assertEquals(dropLast ? rows - rows % batchSize : rows, total);
        assertArrayEquals(loader.order(epoch), new DataLoader(DataLoaderTest.dataset(rows), batchSize, shuffle, dropLast, seed).order(epoch));
    }
}
