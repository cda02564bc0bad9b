package dev.modelc.compiler.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.interp.InterpretedModel;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.optim.Sgd;
import dev.modelc.runtime.train.Checkpoint;
import dev.modelc.runtime.train.Position;
import dev.modelc.runtime.train.Trainer;
import dev.modelc.runtime.train.TrainingListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run whose loss or params go non-finite stops there, keeping the last finite params and checkpoint. */
class TrainerDivergenceTest {
    /** exp overflows f32 past 88.7: the loss of a batch, or its gradient, becomes inf. */
    private static final String SOURCE = """
            model Grow {
              input x: f32[N]
              param w: f32[1] = ones()
              loss = mean(exp(x * w))
            }
            """;

    /** Gradient ascent on exp: w grows 1, 3.7, 44, 1.3e19, then exp overflows to -inf. */
    private static final String ASCENT = SOURCE.replace("loss = mean", "loss = -mean");

    private static InterpretedModel model() {
        return model(SOURCE);
    }

    private static InterpretedModel model(String source) {
        Compilation c = Compiler.compile(new SourceFile("grow.model", source));
        assertFalse(c.hasErrors(), c::render);
        return new InterpretedModel(c.program().orElseThrow().models().getFirst());
    }

    private static TensorDataset data(double... x) {
        return new TensorDataset(Map.of("x", Tensor.of(DType.F32, new int[] {x.length}, x)));
    }

    private static Map<String, Tensor> w(double v) {
        return Map.of("w", Tensor.of(DType.F32, new int[] {1}, new double[] {v}));
    }

    @Test
    void aStepThatMakesAParamInfiniteEndsTheRunBeforeIt(@TempDir Path dir) throws Exception {
        // Batch 1 (x = 1, 2) is tame; batch 2 (x = 50, 88) has a finite loss (8.3e37) and an infinite gradient.
        Path ckpt = dir.resolve("c.npz");
        Trainer.Result r = Trainer.fit(model(), w(1), data(1, 2, 50, 88), new Trainer.Options(3, 2, false, 0, new Sgd(0.001), ckpt),
                TrainingListener.NONE, () -> false);
        Trainer.Ending.Diverged d = assertInstanceOf(Trainer.Ending.Diverged.class, r.ending());
        assertEquals(1, d.epoch());
        assertEquals(2, d.batch());
        assertEquals("w", d.param());
        assertTrue(Double.isFinite(d.loss()), "the loss was finite; the gradient was not: " + d.loss());
        assertTrue(d.describe().matches("the step on batch 2 of epoch 1 made param 'w' -inf at \\[0] \\(the batch's loss was \\d\\.\\d+e37\\)"),
                d.describe());
        assertTrue(Double.isFinite(r.params().get("w").item()), "the params before the bad step: " + r.params());
        assertEquals(new Position(0, 1), r.position());
        assertEquals(Optional.empty(), r.saved(), "no epoch ended, so nothing was saved");
        assertFalse(ckpt.toFile().exists());
        assertEquals(List.of(), r.epochLosses());
    }

    @Test
    void anInfiniteBatchLossStopsBeforeTheStepAndKeepsTheLastEpochsCheckpoint(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("c.npz");
        Trainer.Result r = Trainer.fit(model(ASCENT), w(1), data(1, 1), new Trainer.Options(5, 1, false, 0, new Sgd(1), ckpt),
                TrainingListener.NONE, () -> false);
        Trainer.Ending.Diverged d = assertInstanceOf(Trainer.Ending.Diverged.class, r.ending());
        assertEquals("the loss of batch 2 of epoch 2 is -inf", d.describe());
        assertNull(d.param());
        assertFalse(d.beforeAnyStep());
        assertEquals(new Position(1, 1), r.position(), "after batch 1 of epoch 2, the last good step");
        Checkpoint kept = Checkpoint.read(ckpt);
        assertEquals(new Position(1, 0), kept.position());
        assertEquals((float) (1 + Math.E + Math.exp(1 + Math.E)), kept.params().get("w").item(), 1e-3);
        assertEquals(1, r.epochLosses().size());
    }

    @Test
    void anInfiniteEpochLossStopsAfterTheCheckpoint(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("c.npz");
        Trainer.Result r = Trainer.fit(model(ASCENT), w(1), data(1), new Trainer.Options(5, 1, false, 0, new Sgd(1), ckpt),
                TrainingListener.NONE, () -> false);
        Trainer.Ending.Diverged d = assertInstanceOf(Trainer.Ending.Diverged.class, r.ending());
        assertEquals("the loss over all rows after epoch 3 is -inf", d.describe());
        Checkpoint kept = Checkpoint.read(ckpt);
        assertEquals(new Position(3, 0), kept.position());
        assertTrue(Double.isFinite(kept.params().get("w").item()), kept.params().toString());
        assertEquals(3, r.epochLosses().size());
        assertEquals(Double.NEGATIVE_INFINITY, r.finalLoss());
    }

    @Test
    void allowingNonFiniteGoesOn() {
        Trainer.Result r = Trainer.fit(model(), w(1), data(1, 2, 50, 88),
                new Trainer.Options(3, 2, false, 0, new Sgd(0.001), null).allowingNonFinite(true), TrainingListener.NONE, () -> false);
        assertInstanceOf(Trainer.Ending.Completed.class, r.ending());
        assertEquals(3, r.epochLosses().size());
        assertEquals(Double.NEGATIVE_INFINITY, r.params().get("w").item());
    }

    @Test
    void nonFiniteDataIsRefusedUpFrontNamingTheRow() {
        var e = assertThrows(IllegalArgumentException.class, () -> Trainer.fit(model(), w(1), data(1, 2, Double.NaN, 4),
                new Trainer.Options(1, 2, false, 0, new Sgd(0.001), null), TrainingListener.NONE, () -> false));
        assertEquals("data 'x' has nan in row 2 (at [2]); training needs finite data", e.getMessage());
    }
}
