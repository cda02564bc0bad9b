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

        /** {@code torch.optim.SGD}. */
        record Sgd(double lr, double momentum, double weightDecay) implements Optimizer {
        }

        /** {@code torch.optim.Adam}. */
        record Adam(double lr, double beta1, double beta2, double eps, double weightDecay) implements Optimizer {
        }
    }
}
