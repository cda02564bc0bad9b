package dev.modelc.runtime.optim;

/**
 * One step of a built-in optimizer as data: its hyperparameters now (the learning rate a schedule
 * set included) and the scalars each element's update uses, rounded to the param's dtype exactly
 * as {@link Sgd#step} and {@link Adam#step} round them. The host optimizers compute their scalars
 * here, and a device that runs the element updates itself (the cuda module's optimizer kernels)
 * takes the same scalars, so the two give the same bits in f32 and in f64 when their element
 * arithmetic is the same.
 */
public sealed interface StepRule {
    /** {@code torch.optim.SGD}'s settings (see {@link Sgd}). */
    record Sgd(double lr, double momentum, double dampening, double weightDecay, boolean nesterov) implements StepRule {
        /** The scalars of a step on a param of f32 ({@code f32}) or f64. */
        public SgdScalars scalars(boolean f32) {
            return new SgdScalars(r(weightDecay, f32), r(momentum, f32), r(1 - dampening, f32), r(-lr, f32));
        }
    }

    /**
     * SGD's scalars: {@code g + weightDecay * p}; the momentum buffer {@code buf * momentum + keep * g}
     * (a first step's buffer is {@code g}); {@code p + negLr * g}.
     */
    record SgdScalars(double weightDecay, double momentum, double keep, double negLr) {
    }

    /** {@code torch.optim.Adam}'s settings, or AdamW's ({@code decoupled}) (see {@link Adam}). */
    record Adam(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) implements StepRule {
        /** The scalars of step number {@code step} (1 for the first) of a param of f32 ({@code f32}) or f64. */
        public AdamScalars scalars(boolean f32, long step) {
            double w = r(1 - beta1, f32);
            double biasCorrection1 = 1 - StrictMath.pow(beta1, step);
            double biasCorrection2 = 1 - StrictMath.pow(beta2, step);
            double stepSize = lr / biasCorrection1;
            return new AdamScalars(r(1 - lr * weightDecay, f32), r(weightDecay, f32), w, Math.abs(w) < 0.5, r(1 - w, f32),
                    r(beta2, f32), r(1 - beta2, f32), r(Math.sqrt(biasCorrection2), f32), r(eps, f32), r(-stepSize, f32));
        }
    }

    /**
     * Adam's scalars: AdamW's {@code p * decay} before the step, or Adam's {@code g + weightDecay * p};
     * {@code m} lerped to {@code g} by {@code w} ({@code m + w * (g - m)} when {@code small}, else
     * {@code g - (g - m) * oneMinusW}); {@code v * beta2 + (oneMinusBeta2 * g) * g};
     * {@code p + (negStepSize * m) / (sqrt(v) / biasCorrection2Sqrt + eps)}.
     */
    record AdamScalars(double decay, double weightDecay, double w, boolean small, double oneMinusW, double beta2,
                       double oneMinusBeta2, double biasCorrection2Sqrt, double eps, double negStepSize) {
    }

    private static double r(double x, boolean f32) {
        return f32 ? (float) x : x;
    }
}
