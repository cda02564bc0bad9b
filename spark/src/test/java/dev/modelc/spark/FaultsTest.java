package dev.modelc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.model.TrainConfig;
import dev.modelc.runtime.train.Checkpoint;
import dev.modelc.runtime.train.Position;
import dev.modelc.runtime.train.Trainer;
import dev.modelc.runtime.train.TrainingListener;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults: a task that fails is retried by Spark ({@code local[2,3]}: three tries) and the run's
 * params are the bits of a run without the failure; a driver that restarts from the last
 * checkpoint, at an epoch's end or inside an epoch, ends with the bits of a run that never
 * stopped. Two partitions: the driver adds their two parts in whichever order the tasks end,
 * and a + b is b + a exactly, so the runs are deterministic to the bit.
 */
class FaultsTest {
    static LocalSpark spark;
    static final TrainConfig.Optimizer ADAM = new TrainConfig.Optimizer.Adam(0.1, 0.9, 0.999, 1e-8, 0);

    @BeforeAll
    static void start() {
        spark = new LocalSpark();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @AfterEach
    void noFaults() {
        Faults.planned = null;
    }

    static Dataset<Row> crop() {
        DataType d = DataTypes.DoubleType;
        return spark.frame(LocalSpark.header(EquivalenceTest.CROP), new DataType[] {d, d, d, d, d}, EquivalenceTest.CROP_ROWS, 2);
    }

    static SparkSettings settings() {
        return EquivalenceTest.CROP_COLUMNS.optimizer(ADAM);
    }

    @Test
    void aRetriedTaskLeavesTheStepUnchanged() throws Exception {
        SparkModel m = EquivalenceTest.cropYield();
        Trainer.Result clean = SparkTrainer.fit(m, crop(), settings().epochs(2));
        int before = Faults.INJECTED.get();
        Faults.planned = new Faults.FailFirstAttempt(4, 1);
        Trainer.Result retried = SparkTrainer.fit(m, crop(), settings().epochs(2));
        assertEquals(before + 1, Faults.INJECTED.get(), "the failure was injected once");
        assertEquals(clean.params(), retried.params());
        assertEquals(clean.epochLosses(), retried.epochLosses());
    }

    @Test
    void aRestartedDriverGoesOnFromTheLastCheckpoint(@TempDir Path dir) throws Exception {
        SparkModel m = EquivalenceTest.cropYield();
        Trainer.Result whole = SparkTrainer.fit(m, crop(), settings().epochs(6));

        Path saved = dir.resolve("run.npz");
        Trainer.Result first = SparkTrainer.fit(m, crop(), settings().epochs(3).checkpoint(saved));
        assertEquals(new Position(3, 0), first.saved().orElseThrow());
        Checkpoint c = Checkpoint.read(saved);
        assertEquals(new Checkpoint.BatchOrder(0, true, 5, 15), c.order().orElseThrow());
        assertTrue(c.optimizerState().containsKey("exp_avg/linear.weight"), c.optimizerState().keySet().toString());
        // A new driver: a fresh optimizer, the params and Adam's moments from the file.
        Trainer.Result rest = SparkTrainer.fit(m, crop(), settings().epochs(3).checkpoint(saved).resume(saved));
        assertEquals(whole.params(), rest.params());
        assertEquals(whole.epochLosses().subList(3, 6), rest.epochLosses());
    }

    @Test
    void aStopInsideAnEpochResumesAtTheNextBatch(@TempDir Path dir) throws Exception {
        SparkModel m = EquivalenceTest.cropYield();
        Trainer.Result whole = SparkTrainer.fit(m, crop(), settings().epochs(4));
        Path saved = dir.resolve("run.npz");
        AtomicInteger steps = new AtomicInteger();
        Trainer.Result stopped = SparkTrainer.fit(m, crop(), settings().epochs(4).checkpoint(saved), TrainingListener.NONE,
                () -> steps.incrementAndGet() == 5);
        assertTrue(stopped.stopped());
        assertEquals(new Position(1, 2), stopped.position());
        assertEquals(new Position(1, 2), Checkpoint.read(saved).position());
        // "E more epochs, the first finishing the epoch the checkpoint is inside": 3 more end where the whole run ends.
        Trainer.Result rest = SparkTrainer.fit(m, crop(), settings().epochs(3).resume(saved));
        assertEquals(new Position(4, 0), rest.position());
        assertEquals(whole.params(), rest.params());
    }

    @Test
    void aCheckpointOfAnotherBatchOrderIsRefusedBeforeAnyStep(@TempDir Path dir) throws Exception {
        SparkModel m = EquivalenceTest.cropYield();
        Path saved = dir.resolve("run.npz");
        AtomicInteger steps = new AtomicInteger();
        SparkTrainer.fit(m, crop(), settings().epochs(2).checkpoint(saved), TrainingListener.NONE, () -> steps.incrementAndGet() == 1);
        SparkTrainingException e = org.junit.jupiter.api.Assertions.assertThrows(SparkTrainingException.class,
                () -> SparkTrainer.fit(m, crop(), settings().batch(3).resume(saved)));
        assertEquals("checkpoint " + saved + " stopped inside an epoch of batches of 5 rows of 15, shuffled with seed 0, but this run "
                + "has batches of 3 rows of 15, shuffled with seed 0; the rest of that epoch is another run's", e.getMessage());
        SparkTrainingException f32 = org.junit.jupiter.api.Assertions.assertThrows(SparkTrainingException.class,
                () -> SparkTrainer.fit(m.in(DType.F32), crop(), settings().resume(saved)));
        assertEquals("checkpoint " + saved + ": param 'linear.weight' is f64[2, 3], but CropYieldLinear trains it as f32[2, 3]",
                f32.getMessage());
    }

    @Test
    void executorsCompileAModelOncePerJvm() throws Exception {
        SparkModel m = EquivalenceTest.cropYield();
        // Another text (a comment more) is another model to the cache.
        SparkModel fresh = new SparkModel(m.fileName(), m.source() + "\n# compiled once\n", m.modelName(), m.floating());
        int before = ExecutorModels.compilations();
        SparkTrainer.fit(fresh, crop(), settings().epochs(2));
        SparkTrainer.fit(fresh, crop(), settings().epochs(1));
        assertEquals(before + 1, ExecutorModels.compilations());
    }
}
