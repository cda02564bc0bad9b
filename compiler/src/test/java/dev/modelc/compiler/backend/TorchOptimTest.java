package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.reference.TorchOptim;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.TrainConfig;
import dev.modelc.runtime.optim.Adam;
import dev.modelc.runtime.train.Trainer;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * modelc's Trainer against PyTorch's training loop, from libtorch ({@code reference/torch-optim.json},
 * written by {@code scripts/torch-reference}): AdamW (PyTorch's defaults, and a larger rate and
 * decay), SGD under each schedule (step_lr, exponential, cosine past t_max, linear_warmup past
 * its end), SGD with clip_grad_norm active in the first epochs, and AdamW under cosine with
 * clipping (the decay follows the scheduled rate), each from the model's train
 * block, in f64 on the interpreter and the two JVM backends: the rate of every epoch, the loss
 * after it and the final params within {@link TorchOptim#TOLERANCE}.
 */
class TorchOptimTest {
    private static final TorchOptim REFERENCE = TorchOptim.load();

    @TestFactory
    Stream<DynamicTest> trainingMatchesPyTorchOnEveryBackend() {
        return Stream.of(Backend.INTERP, Backend.BYTECODE, Backend.JAVA).flatMap(backend -> REFERENCE.runs().stream()
                .map(run -> DynamicTest.dynamicTest(run.name() + " on " + backend.spelling(), () -> {
                    CheckedModel m = TorchOptim.checked(run);
                    TrainConfig c = m.signature().train().orElseThrow();
                    assertEquals(run.schedule(), c.schedule(), "the train block's schedule");
                    assertEquals(run.clipGradNorm(), c.clipGradNorm(), "the train block's clip_grad_norm");
                    assertEquals(List.of(), REFERENCE.compare(run, backend.compile(m, DType.F64), TorchOptim.options(c)));
                })));
    }

    /** The settings reach what they should: AdamW's optimizer is decoupled, and the clipped run is clipped, then not. */
    @Test
    void theReferenceRunsExerciseWhatTheyName() {
        TorchOptim.Run adamw = run("adamw"), clipped = run("sgd_clip_grad_norm");
        TrainConfig c = TorchOptim.checked(adamw).signature().train().orElseThrow();
        assertEquals(new TrainConfig.Optimizer.AdamW(0.05, 0.9, 0.999, 1e-8, 0.1), c.optimizerOrDefault());
        assertEquals(TrainConfig.Optimizer.AdamW.DEFAULT, TorchOptim.checked(run("adamw_defaults")).signature().train().orElseThrow()
                .optimizerOrDefault());
        double max = clipped.clipGradNorm().orElseThrow();
        double[] norms = clipped.totalNorm();
        assertEquals(clipped.epochs(), norms.length);
        assertTrue(norms[0] > max, "clipping is active in the first epoch: total norm " + norms[0] + " > " + max);
        assertTrue(norms[norms.length - 1] < max, "and not in the last: total norm " + norms[norms.length - 1] + " < " + max);
    }

    /**
     * The check is not vacuous: Adam's coupled decay (L2 on the gradient) in place of AdamW's
     * fails at the first param, as does the clipped run trained without clipping.
     */
    @Test
    void coupledDecayOrAMissedClipFails() {
        TorchOptim.Run adamw = run("adamw"), clipped = run("sgd_clip_grad_norm");
        CheckedModel m = TorchOptim.checked(adamw);
        CompiledModel model = Backend.INTERP.compile(m, DType.F64);
        TrainConfig c = m.signature().train().orElseThrow();
        Trainer.Options adamW = TorchOptim.options(c);
        Trainer.Options coupled = new Trainer.Options(adamW.epochs(), adamW.batchSize(), false, 0, new Adam(0.05, 0.9, 0.999, 1e-8, 0.1), null);
        List<String> failures = REFERENCE.compare(adamw, model, coupled);
        assertTrue(failures.getFirst().startsWith("adamw loss[0] = "), failures.toString());

        CheckedModel mc = TorchOptim.checked(clipped);
        Trainer.Options unclipped = TorchOptim.options(mc.signature().train().orElseThrow()).clippingGradNorm(OptionalDouble.empty());
        failures = REFERENCE.compare(clipped, Backend.INTERP.compile(mc, DType.F64), unclipped);
        assertTrue(failures.getFirst().startsWith("sgd_clip_grad_norm loss[0] = "), failures.toString());
    }

    private static TorchOptim.Run run(String name) {
        return REFERENCE.runs().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }
}
