package dev.modelc.runtime.model;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A model's training defaults from its {@code train} block, with the language's defaults filled
 * in: all rows per batch, one epoch, no shuffling, seed 0, a constant learning rate, no clipping.
 *
 * @param schedule how the learning rate changes from epoch to epoch, if it does
 * @param clipGradNorm the largest 2-norm of all gradients together, if clipped
 *     ({@code torch.nn.utils.clip_grad_norm_})
 */
public record TrainConfig(OptionalLong batch, long epochs, boolean shuffle, long seed, Optional<Optimizer> optimizer,
                          Optional<Schedule> schedule, OptionalDouble clipGradNorm) {

    public static final TrainConfig DEFAULT = new TrainConfig(OptionalLong.empty(), 1, false, 0, Optional.empty());

    /** A train block without a schedule or clipping. */
    public TrainConfig(OptionalLong batch, long epochs, boolean shuffle, long seed, Optional<Optimizer> optimizer) {
        this(batch, epochs, shuffle, seed, optimizer, Optional.empty(), OptionalDouble.empty());
    }

    /** An optimizer with PyTorch's meaning for every setting. */
    public sealed interface Optimizer {
        double lr();

        /** The same optimizer with learning rate {@code lr} (as {@code --lr} overrides a train block's). */
        Optimizer withLr(double lr);

        /** {@code torch.optim.SGD}. */
        record Sgd(double lr, double momentum, double weightDecay) implements Optimizer {
            /** PyTorch's defaults, with lr 1e-3: what a model without {@code optimizer = ...} trains with. */
            public static final Sgd DEFAULT = new Sgd(1e-3, 0, 0);

            @Override
            public Sgd withLr(double lr) {
                return new Sgd(lr, momentum, weightDecay);
            }
        }

        /** {@code torch.optim.Adam}. */
        record Adam(double lr, double beta1, double beta2, double eps, double weightDecay) implements Optimizer {
            /** PyTorch's defaults. */
            public static final Adam DEFAULT = new Adam(1e-3, 0.9, 0.999, 1e-8, 0);

            @Override
            public Adam withLr(double lr) {
                return new Adam(lr, beta1, beta2, eps, weightDecay);
            }
        }

        /** {@code torch.optim.AdamW}: Adam with decoupled weight decay. */
        record AdamW(double lr, double beta1, double beta2, double eps, double weightDecay) implements Optimizer {
            /** PyTorch's defaults (weight decay 0.01, unlike Adam's 0). */
            public static final AdamW DEFAULT = new AdamW(1e-3, 0.9, 0.999, 1e-8, 0.01);

            @Override
            public AdamW withLr(double lr) {
                return new AdamW(lr, beta1, beta2, eps, weightDecay);
            }
        }
    }

    /**
     * How the learning rate changes from epoch to epoch, as PyTorch's schedulers change it when
     * {@code scheduler.step()} is called once per epoch: {@link #lr} of epoch {@code e} (0-based:
     * epoch 0 trains with the optimizer's own rate).
     */
    public sealed interface Schedule {
        /**
         * The learning rate of epoch {@code epoch} (0-based) for base rate {@code lr}. The
         * multiplicative schedules multiply step by step, in the order PyTorch's chainable
         * {@code get_lr} does, so the rates are PyTorch's to the last bit.
         */
        double lr(double lr, long epoch);

        /** The schedule as a train block writes it, every argument spelled out: {@code step_lr(step_size = 10, gamma = 0.1)}. */
        default String spelling() {
            return switch (this) {
                case StepLr l -> "step_lr(step_size = " + l.stepSize() + ", gamma = " + number(l.gamma()) + ")";
                case Exponential e -> "exponential(gamma = " + number(e.gamma()) + ")";
                case Cosine c -> "cosine(t_max = " + c.tMax() + ", eta_min = " + number(c.etaMin()) + ")";
                case LinearWarmup w -> "linear_warmup(epochs = " + w.epochs() + ", start_factor = " + number(w.startFactor()) + ")";
            };
        }

        private static String number(double v) {
            if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
            return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toString().replace("E", "e");
        }

        /** {@code StepLR(step_size, gamma)}: the rate times {@code gamma} every {@code stepSize} epochs. */
        record StepLr(long stepSize, double gamma) implements Schedule {
            @Override
            public double lr(double lr, long epoch) {
                for (long e = 1; e <= epoch; e++) if (e % stepSize == 0) lr *= gamma;
                return lr;
            }
        }

        /** {@code ExponentialLR(gamma)}: the rate times {@code gamma} every epoch. */
        record Exponential(double gamma) implements Schedule {
            @Override
            public double lr(double lr, long epoch) {
                for (long e = 1; e <= epoch; e++) lr *= gamma;
                return lr;
            }
        }

        /**
         * Cosine annealing in its closed form (the recursive form of {@code CosineAnnealingLR}
         * agrees with it up to rounding): {@code eta_min + (lr - eta_min) * (1 + cos(pi * e / t_max)) / 2},
         * also past {@code t_max}, where it rises again.
         */
        record Cosine(long tMax, double etaMin) implements Schedule {
            @Override
            public double lr(double lr, long epoch) {
                return etaMin + (lr - etaMin) * (1 + Math.cos(Math.PI * epoch / tMax)) / 2;
            }
        }

        /**
         * {@code LinearLR(start_factor, end_factor = 1, total_iters = epochs)}: the rate times
         * {@code startFactor} in epoch 0, rising linearly to the optimizer's rate at epoch
         * {@code epochs}, computed step by step as PyTorch's chainable form does.
         */
        record LinearWarmup(long epochs, double startFactor) implements Schedule {
            @Override
            public double lr(double lr, long epoch) {
                lr *= startFactor;
                for (long e = 1; e <= Math.min(epoch, epochs); e++) {
                    lr *= 1.0 + (1.0 - startFactor) / (epochs * startFactor + (e - 1) * (1.0 - startFactor));
                }
                return lr;
            }
        }
    }

    /** The optimizer setting training uses: the block's, or SGD with PyTorch's defaults when it names none. */
    public Optimizer optimizerOrDefault() {
        return optimizer.orElse(Optimizer.Sgd.DEFAULT);
    }
}
