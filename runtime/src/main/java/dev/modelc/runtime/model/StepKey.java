package dev.modelc.runtime.model;

import dev.modelc.runtime.Philox;

/**
 * What a training step's draws ({@code rand_like}, {@code randn_like}, {@code bernoulli},
 * {@code dropout}) are keyed by besides their site: the run's seed and the step's number (steps
 * done before it in the run, counted from 0 across epochs, so a resumed run continues the
 * sequence). Calls given no key draw as step 0 of seed 0.
 */
public record StepKey(long seed, long step) {
    /** The key of calls that give none: seed 0, step 0. */
    public static final StepKey NONE = new StepKey(0, 0);

    /** The 64-bit Philox key of the step's draws ({@link Philox#stepKey}). */
    public long key() {
        return Philox.stepKey(seed, step);
    }
}
