package dev.modelc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Npz;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.optim.Adam;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint reads back as written, whatever the seed; a plain params file reads as the start of a run. */
class CheckpointTest {
    @TempDir
    Path dir;

    @Test
    void positionOrderAndStateReadBackAsWritten() throws Exception {
        Map<String, Tensor> params = Map.of("w", Tensor.of(DType.F32, new int[] {2}, new double[] {1.5, -2}));
        Adam adam = new Adam(0.1);
        adam.step(params, Map.of("w", Tensor.of(DType.F32, new int[] {2}, new double[] {0.25, 1})));
        for (long seed : new long[] {0, 7, -1, Long.MIN_VALUE, Long.MAX_VALUE, (1L << 40) + 5, 0xffffffffL}) {
            Path file = dir.resolve("c" + seed + ".npz");
            var order = new Checkpoint.BatchOrder(seed, true, 4, 15);
            Checkpoint.save(file, params, new Position(3, 2), order, adam);
            Checkpoint c = Checkpoint.read(file);
            assertEquals(new Position(3, 2), c.position());
            assertEquals(Optional.of(order), c.order(), "seed " + seed);
            assertEquals(params, c.params());
            assertEquals(adam.stateDict(), c.optimizerState());
            assertFalse(c.isPlainParams());
        }
    }

    @Test
    void aPlainParamsFileIsTheStartOfARun() throws Exception {
        Path file = dir.resolve("plain.npz");
        Npz.write(file, Map.of("w", Tensor.zeros(DType.F64, 3)));
        Checkpoint c = Checkpoint.read(file);
        assertEquals(Position.START, c.position());
        assertTrue(c.isPlainParams());
    }

    @Test
    void theSeedMustBeTwoI32Words() throws Exception {
        Path good = dir.resolve("good.npz");
        Checkpoint.save(good, Map.of(), new Position(1, 1), new Checkpoint.BatchOrder(1, true, 2, 4), null);
        Map<String, Tensor> all = new LinkedHashMap<>(Npz.read(good));
        all.put("training/seed", Tensor.scalar(DType.F64, 1));
        Path bad = dir.resolve("bad.npz");
        Npz.write(bad, all);
        var e = assertThrows(Checkpoint.Invalid.class, () -> Checkpoint.read(bad));
        assertEquals("training/seed is f64[]; expected i32[2] (the seed's high and low words)", e.getMessage());
    }
}
