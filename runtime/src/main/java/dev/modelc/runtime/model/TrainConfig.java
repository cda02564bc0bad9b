package dev.modelc.runtime.model;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * A model's training defaults from its {@code train} block, with the language's defaults filled
 * in: all rows per batch, one epoch, no shuffling, seed 0.
 */
public record TrainConfig(OptionalLong batch, long epochs, boolean shuffle, long seed, Optional<Optimizer> optimizer) {

    public static final TrainConfig DEFAULT = new TrainConfig(OptionalLong.empty(), 1, false, 0, Optional.empty());

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
    }

    /** The optimizer setting training uses: the block's, or SGD with PyTorch's defaults when it names none. */
    public Optimizer optimizerOrDefault() {
        return optimizer.orElse(Optimizer.Sgd.DEFAULT);
    }
}
