package dev.modelc.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.TrainConfig.Schedule;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The schedules against PyTorch's schedulers as their source defines them (the chainable
 * {@code get_lr} for StepLR, ExponentialLR and LinearLR, the closed form the language reference
 * gives for cosine), AdamW's decoupled decay, and clip_grad_norm_. The rates are compared with no
 * tolerance where the expected value is computed in the same order as PyTorch computes it, so a
 * rate one ulp off fails.
 */
class ScheduleAndClipTest {

    @Test
    void stepLrMultipliesByGammaEveryStepSizeEpochs() {
        Schedule s = new Schedule.StepLr(2, 0.5);
        double[] expected = {0.1, 0.1, 0.1 * 0.5, 0.1 * 0.5, 0.1 * 0.5 * 0.5, 0.1 * 0.5 * 0.5};
        for (int e = 0; e < expected.length; e++) assertEquals(expected[e], s.lr(0.1, e), "epoch " + e);
        assertEquals("step_lr(step_size = 2, gamma = 0.5)", s.spelling());
    }

    @Test
    void exponentialMultipliesEveryEpochStepByStep() {
        Schedule s = new Schedule.Exponential(0.9);
        double lr = 0.01;
        for (int e = 0; e < 30; e++) {
            assertEquals(lr, s.lr(0.01, e), "epoch " + e); // lr * 0.9 * 0.9 ..., not lr * 0.9 ** e
            lr *= 0.9;
        }
    }

    @Test
    void cosineFollowsItsClosedFormAlsoPastTMax() {
        Schedule s = new Schedule.Cosine(10, 0.001);
        assertEquals(0.1, s.lr(0.1, 0));
        assertEquals(0.001, s.lr(0.1, 10), 1e-18);
        assertEquals(0.001 + (0.1 - 0.001) * (1 + Math.cos(Math.PI * 3 / 10)) / 2, s.lr(0.1, 3));
        assertEquals(s.lr(0.1, 5), s.lr(0.1, 15), 1e-15); // past t_max the rate rises again, symmetrically
        assertEquals(s.lr(0.1, 0), s.lr(0.1, 20), 1e-15);
    }

    @Test
    void linearWarmupRisesFromStartFactorToTheRate() {
        Schedule s = new Schedule.LinearWarmup(4, 1.0 / 3);
        // PyTorch's LinearLR(start_factor = 1/3, total_iters = 4), its chainable form:
        double lr = 0.3 * (1.0 / 3);
        assertEquals(lr, s.lr(0.3, 0));
        for (int e = 1; e <= 4; e++) {
            lr *= 1.0 + (1.0 - 1.0 / 3) / (4 * (1.0 / 3) + (e - 1) * (1.0 - 1.0 / 3));
            assertEquals(lr, s.lr(0.3, e), "epoch " + e);
        }
        assertEquals(0.3, s.lr(0.3, 4), 1e-16);
        assertEquals(s.lr(0.3, 4), s.lr(0.3, 9)); // constant after the warm-up
    }

    @Test
    void adamWDecaysTheParamApartFromTheGradient() {
        // One f64 step from zero moments: m^ = g and v^ = g^2, so the update is lr * g / (|g| + eps),
        // applied after the param is scaled by 1 - lr * wd (AdamW), not added to the gradient (Adam).
        double lr = 0.1, wd = 0.5, eps = 1e-8;
        Tensor p = Tensor.of(new double[] {2, -4}, 2), g = Tensor.of(new double[] {0.5, -0.25}, 2);
        Map<String, Tensor> next = Adam.decoupled(lr, 0.9, 0.999, eps, wd).step(Map.of("w", p), Map.of("w", g));
        double[] want = new double[2];
        for (int i = 0; i < 2; i++) {
            double gi = g.getDouble(i), kept = p.getDouble(i) * (1 - lr * wd);
            want[i] = kept - lr * gi / (Math.abs(gi) + eps);
        }
        assertArrayEquals(want, next.get("w").toDoubleArray(), 1e-15);
        double[] adam = new Adam(lr, 0.9, 0.999, eps, wd).step(Map.of("w", p), Map.of("w", g)).get("w").toDoubleArray();
        assertEquals(2 - lr * (0.5 + wd * 2) / (Math.abs(0.5 + wd * 2) + eps), adam[0], 1e-15);
        assertEquals("AdamW(lr=0.1, betas=(0.9, 0.999), eps=1.0E-8, weight_decay=0.5)", Adam.decoupled(lr, 0.9, 0.999, eps, wd).toString());
    }

    @Test
    void theLearningRateCanChangeBetweenStepsKeepingTheState() {
        Sgd sgd = new Sgd(0.1, 0.9, 0);
        Map<String, Tensor> p = Map.of("w", Tensor.of(new double[] {1}, 1));
        Map<String, Tensor> g = Map.of("w", Tensor.of(new double[] {1}, 1));
        p = sgd.step(p, g); // buffer 1, w = 1 - 0.1
        sgd.setLr(0.01);
        p = sgd.step(p, g); // buffer 0.9 + 1 = 1.9, w = 0.9 - 0.019
        assertEquals(0.9 - 0.01 * 1.9, p.get("w").getDouble(0), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> sgd.setLr(-1));
    }

    @Test
    void clipGradNormScalesAllGradientsTogether() {
        Map<String, Tensor> grads = new LinkedHashMap<>();
        grads.put("a", Tensor.of(new double[] {3, 0}, 2));
        grads.put("b", Tensor.of(new double[] {4}, 1));
        assertEquals(5.0, GradClip.totalNorm(grads));
        Map<String, Tensor> clipped = GradClip.byTotalNorm(grads, 1.0);
        double c = 1.0 / (5.0 + 1e-6);
        assertArrayEquals(new double[] {3 * c, 0}, clipped.get("a").toDoubleArray());
        assertArrayEquals(new double[] {4 * c}, clipped.get("b").toDoubleArray());
        // Below the limit the coefficient is 1: nothing changes.
        assertArrayEquals(new double[] {3, 0}, GradClip.byTotalNorm(grads, 10).get("a").toDoubleArray());
        // f32 gradients are scaled in f32.
        Map<String, Tensor> f32 = Map.of("a", Tensor.of(new float[] {3, 4}, 2));
        Tensor scaled = GradClip.byTotalNorm(f32, 1).get("a");
        assertEquals(DType.F32, scaled.dtype());
        float cf = (float) (1f / (float) (5.0 + 1e-6));
        assertArrayEquals(new float[] {3 * cf, 4 * cf}, (float[]) scaled.storage());
    }
}
