package dev.modelc.runtime.plan;

import java.util.function.Supplier;

/**
 * A training loop's promise that it reads a step's gradients only until it runs the plan again:
 * while {@link #during} runs, a {@link PlanRunner} on the heap hands out a gradient's own slot
 * instead of copying it out ({@link Target#lend}). A step of the quickstart's network returns 2.7
 * MB of gradients, which the copy read and wrote again every step (about a tenth of the step on
 * one core); lent, the optimizer reads them where the plan wrote them.
 *
 * <p>The tensors handed out are overwritten by the plan's next run (on any thread), so only a
 * caller that drops them before then may ask: {@link dev.modelc.runtime.train.Trainer} with the
 * runtime's own optimizers, which read gradients and keep copies of what they need. Losses,
 * outputs and states are copied as always (a state becomes the next step's input).
 */
public final class LentGradients {
    private static final ScopedValue<Boolean> LENDING = ScopedValue.newInstance();

    private LentGradients() {
    }

    /** {@code step}'s result, its plans' gradients lent rather than copied while it runs. */
    public static <T> T during(Supplier<T> step) {
        return ScopedValue.where(LENDING, Boolean.TRUE).call(step::get);
    }

    /** Whether the current thread runs inside {@link #during}. */
    static boolean lending() {
        return LENDING.isBound();
    }
}
