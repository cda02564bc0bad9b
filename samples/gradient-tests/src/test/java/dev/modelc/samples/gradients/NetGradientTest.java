package dev.modelc.samples.gradients;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.api.Model;
import dev.modelc.api.Modelc;
import dev.modelc.api.Program;
import dev.modelc.runtime.Tensor;
import dev.modelc.testing.Bindings;
import dev.modelc.testing.BindingsArbitrary;
import dev.modelc.testing.GradCheck;
import dev.modelc.testing.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The gradients of net.model's models against finite differences: jqwik properties and plain JUnit tests side by side. */
class NetGradientTest {
    static final Program PROGRAM = compile(Path.of("src/test/model/net.model"));
    static final Model NET = PROGRAM.model("Net");

    @Provide
    Arbitrary<Bindings> pointsOfNet() {
        return BindingsArbitrary.of(NET).sizes(1, 6);                 // N from 1 to 6, values in [-2, 2]
    }

    @Property(tries = 200)
    void gradientsAreRight(@ForAll("pointsOfNet") Bindings b) {
        GradCheck.assertGradients(NET, b);
    }

    @Property(tries = 50)
    void secondDerivativesAreRight(@ForAll("pointsOfNet") Bindings b) {
        GradCheck.assertSecondDerivatives(NET, b);
    }

    @Property(tries = 100)
    void theOutputsJacobianWithRespectToTheInputsIsRight(@ForAll("pointsOfNet") Bindings b) {
        GradCheck.of(NET).output("preds").withRespectToInputs().assertGradients(b);
    }

    @Test
    void gradientsAtTheModelsInitialParams() {
        Model net = PROGRAM.model("Net").initialize(0);
        Tensor x = Tensor.of(new float[] {0.5f, -1, 2, 0, 0.25f, -0.75f}, 2, 3);
        Tensor y = Tensor.of(new float[] {1, 0, 0, 1}, 2, 2);
        GradCheck.assertGradients(net, Map.of("x", x, "y", y));
        GradCheck.assertSecondDerivatives(net, Map.of("x", x, "y", y));
    }

    @Test
    void aWrongGradientFailsWithTheElementItGotWrong() {
        Model wrong = PROGRAM.model("WrongSoftplus");
        Bindings at = Bindings.of(Map.of("x", Tensor.of(new float[] {0, 0}, 1, 2)), Map.of("b", Tensor.of(new float[] {0, 1.5f}, 2)));
        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, GradCheck.of(wrong).checkGradients(at));
        assertTrue(failed.message().contains("param 'b' at [1]: symbolic 0.5"), failed.message());
    }

    private static Program compile(Path file) {
        try {
            return Modelc.compile(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
