package dev.modelc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.api.Model;
import dev.modelc.api.Modelc;
import dev.modelc.runtime.Tensor;
import dev.modelc.testing.Bindings;
import dev.modelc.testing.BindingsArbitrary;
import dev.modelc.testing.GradCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import org.opentest4j.AssertionFailedError;

/**
 * A deliberately wrong gradient is caught, and shrunk to the smallest counterexample.
 * {@code gradients/wrong_gradient.model} defines softplus with a hand-written derivative that is
 * wrong above 1. The property below is the one a user would write; it fails, and the hook
 * around it ({@link ExpectShrunkFailure}) turns that failure into this test's success only if
 * jqwik shrank it to one row where exactly one element of {@code x + b} is 1.01 (the first
 * value above the rule's threshold at two decimals; 1.00 itself is the kink of {@code x > 1},
 * where GradCheck declines to decide) and everything else is 0, and GradCheck's message names
 * the param, the element and both values, and quotes that binding.
 */
class WrongGradientProperties {
    private static final Path FILE = Path.of("").toAbsolutePath().resolve("gradients/wrong_gradient.model");
    static final Model WRONG = model("WrongSoftplus");
    static final Model RIGHT = model("RightSoftplus");

    private static Model model(String name) {
        try {
            return Modelc.compile(FILE).model(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Provide
    Arbitrary<Bindings> bindings() {
        return BindingsArbitrary.of(WRONG).sizes(1, 8);
    }

    /** The property as a user writes it; the hook expects it to fail. */
    @Property(tries = 1000)
    @AddLifecycleHook(ExpectShrunkFailure.class)
    void theHandWrittenRuleIsCaught(@ForAll("bindings") Bindings b) {
        GradCheck.assertGradients(WRONG, b);
    }

    /** The same property holds for the built-in softplus (the two models have the same signature). */
    @Property(tries = 1000)
    void theBuiltInRuleIsRight(@ForAll("bindings") Bindings b) {
        GradCheck.assertGradients(RIGHT, b);
    }

    /** Succeeds where the property fails as described above, fails otherwise. */
    static final class ExpectShrunkFailure implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            PropertyExecutionResult result = property.execute();
            try {
                check(result);
            } catch (AssertionError wrong) {
                return result.mapToFailed(wrong);
            }
            return result.mapToSuccessful();
        }

        private static void check(PropertyExecutionResult result) {
            assertEquals(PropertyExecutionResult.Status.FAILED, result.status(), "the wrong rule went unnoticed");
            Throwable thrown = result.throwable().orElseThrow();
            AssertionFailedError failure = assertInstanceOf(AssertionFailedError.class, thrown, "GradCheck fails with its message");
            List<Object> shrunk = result.falsifiedParameters().orElseThrow();
            Bindings b = (Bindings) shrunk.getFirst();

            Tensor x = b.inputs().get("x"), bias = b.params().get("b");
            assertEquals(1, x.size(0), "shrunk to one row: " + b);
            int above = 0;
            for (int j = 0; j < 2; j++) {
                double z = x.get(0, j) + bias.get(j);
                if (z > 1) {
                    above++;
                    assertEquals(1.01, z, 1e-6, "the first value above the threshold: " + b);
                } else {
                    assertEquals(0, Math.abs(x.get(0, j)) + Math.abs(bias.get(j)), "the rest shrinks to zeros: " + b);
                }
            }
            assertEquals(1, above, "one element shows the error: " + b);

            String message = failure.getMessage();
            for (String line : b.toString().split("; ")) assertTrue(message.contains(line), "the message quotes " + line + ":\n" + message);
            assertTrue(message.contains("param 'b' at ["), message);
            assertTrue(message.contains("symbolic 0.5, finite difference 0.36"), message); // 1/2 (the mean over 2) against sigmoid(1.01)/2
            assertTrue(message.contains("relative error 0.2"), message);
        }
    }
}
