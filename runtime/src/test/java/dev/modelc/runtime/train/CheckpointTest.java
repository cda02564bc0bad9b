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

    @Test
    void theStepCounterReadsBackAsWrittenAndIsCheckedWhenRead() throws Exception {
        var order = new Checkpoint.BatchOrder(1, false, 2, 4);
        for (long steps : new long[] {0, 8, 0xffffffffL, (1L << 40) + 3, Long.MAX_VALUE}) {
            Path file = dir.resolve("s" + steps + ".npz");
            Checkpoint.save(file, Map.of(), new Position(2, 0), order, null, steps);
            assertEquals(java.util.OptionalLong.of(steps), Checkpoint.read(file).steps());
        }
        Path without = dir.resolve("without.npz");
        Checkpoint.save(without, Map.of(), new Position(2, 0), order, null);
        assertEquals(java.util.OptionalLong.empty(), Checkpoint.read(without).steps());

        Map<String, Tensor> all = new LinkedHashMap<>(Npz.read(without));
        all.put("training/step", Tensor.scalar(DType.I32, 8));
        Path scalar = dir.resolve("scalar.npz");
        Npz.write(scalar, all);
        assertEquals("training/step is i32[]; expected i32[2] (the steps taken, high and low words)",
                assertThrows(Checkpoint.Invalid.class, () -> Checkpoint.read(scalar)).getMessage());
        all.put("training/step", Tensor.of(new int[] {-1, 0}, 2));
        Path negative = dir.resolve("negative.npz");
        Npz.write(negative, all);
        assertEquals("training/step is -4294967296; the steps taken are not negative",
                assertThrows(Checkpoint.Invalid.class, () -> Checkpoint.read(negative)).getMessage());
    }
}
