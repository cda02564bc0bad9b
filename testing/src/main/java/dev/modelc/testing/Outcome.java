package dev.modelc.testing;

import java.util.List;

/** What one {@link GradCheck} at one point found. */
public sealed interface Outcome {
    /** Every derivative agrees with its finite difference. */
    record Passed(int elementsChecked) implements Outcome {
    }

    /** Some derivatives disagree; {@code message} says which, by how much, and at which inputs. */
    record Failed(String message, List<Mismatch> mismatches) implements Outcome {
        public Failed {
            mismatches = List.copyOf(mismatches);
        }
    }

    /**
     * Finite differences cannot decide at this point: a step crosses a kink (relu at 0, where two
     * operands of maximum meet, a comparison that decides differently), the point is closer to
     * one than the configured margin, or the objective is not finite. The derivatives that could
     * be compared agreed.
     */
    record Undecidable(String reason) implements Outcome {
    }
}
