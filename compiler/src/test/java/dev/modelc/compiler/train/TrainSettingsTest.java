package dev.modelc.compiler.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.check.SignatureTable;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.interp.InterpretedModel;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.model.TrainConfig;
import dev.modelc.runtime.optim.Sgd;
import dev.modelc.runtime.train.Position;
import dev.modelc.runtime.train.Trainer;
import dev.modelc.runtime.train.TrainingListener;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * The train block's schedule and clip_grad_norm, through the loop: a loss whose gradient is known
 * (sum(w * x) has gradient sum of x over the batch), so each step's size shows the rate it used.
 */
class TrainSettingsTest {
    private static final String SOURCE = """
            model Slope {
              input x: f64[N]
              param w: f64[] = zeros()
              loss = sum(w * x)
              train { epochs = 4; batch = 2; optimizer = sgd(lr = 0.1); schedule = step_lr(step_size = 1, gamma = 0.5) }
            }
            """;

    private static CheckedModel checked(String source) {
        Compilation c = Compiler.compile(new SourceFile("slope.model", source));
        assertFalse(c.hasErrors(), c::render);
        return c.program().orElseThrow().models().getFirst();
    }

    /** Two batches of two rows, each row 1: every step's gradient is 2. */
    private static TensorDataset ones() {
        return new TensorDataset(Map.of("x", Tensor.of(new double[] {1, 1, 1, 1}, 4)));
    }

    private static Trainer.Options options(TrainConfig c) {
        return new Trainer.Options((int) c.epochs(), 2, false, 0, new Sgd(0.1), null)
                .scheduled(c.schedule().orElse(null)).clippingGradNorm(c.clipGradNorm());
    }

    @Test
    void theScheduleSetsEachEpochsRateAndAResumedRunContinuesIt() {
        CheckedModel m = checked(SOURCE);
        TrainConfig c = m.signature().train().orElseThrow();
        assertEquals(new TrainConfig.Schedule.StepLr(1, 0.5), c.schedule().orElseThrow());
        InterpretedModel model = new InterpretedModel(m);
        var r = Trainer.fit(model, Map.of("w", Tensor.scalar(DType.F64, 0.0)), ones(), options(c), TrainingListener.NONE, () -> false);
        // Two steps per epoch of size rate * 2, the rate halving every epoch: 0.1, 0.05, 0.025, 0.0125.
        double expected = -2 * 2 * (0.1 + 0.05 + 0.025 + 0.0125);
        assertEquals(expected, r.params().get("w").item(), 1e-15);

        var first = Trainer.fit(model, Map.of("w", Tensor.scalar(DType.F64, 0.0)), ones(), options(c).withEpochs(2), TrainingListener.NONE,
                () -> false);
        var rest = Trainer.fit(model, first.params(), ones(), options(c).withEpochs(2).from(new Position(2, 0)),
                TrainingListener.NONE, () -> false);
        assertEquals(r.params().get("w").item(), rest.params().get("w").item(), "resumed after epoch 2");
    }

    @Test
    void clipGradNormBoundsEveryStep() {
        CheckedModel m = checked(SOURCE.replace("schedule = step_lr(step_size = 1, gamma = 0.5)", "clip_grad_norm = 0.5"));
        TrainConfig c = m.signature().train().orElseThrow();
        assertEquals(OptionalDouble.of(0.5), c.clipGradNorm());
        var r = Trainer.fit(new InterpretedModel(m), Map.of("w", Tensor.scalar(DType.F64, 0.0)), ones(), options(c), TrainingListener.NONE,
                () -> false);
        // Each gradient 2 is scaled to 0.5 / (2 + 1e-6) * 2: eight steps of lr 0.1.
        assertEquals(-8 * 0.1 * (2 * (0.5 / (2 + 1e-6))), r.params().get("w").item(), 1e-15);
    }

    @Test
    void theSignatureShowsTheSettingsAsABlockWritesThem() {
        String source = SOURCE.replace("optimizer = sgd(lr = 0.1)", "optimizer = adamw(lr = 0.1); clip_grad_norm = 1");
        List<String> rendered = SignatureTable.render(checked(source).signature()).lines().toList();
        assertTrue(rendered.getLast().contains("optimizer = adamw(lr = 0.1, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.01), "
                + "schedule = step_lr(step_size = 1, gamma = 0.5), clip_grad_norm = 1"), rendered.getLast());
    }
}
