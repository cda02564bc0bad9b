package dev.modelc.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.api.Model;
import dev.modelc.api.Modelc;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.interp.InterpretedModel;
import dev.modelc.compiler.interp.Interpreter;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** GradCheck as a plain JUnit assertion: what passes, what fails, and what its messages say. */
class GradCheckTest {
    static final String SOURCE = """
            model Regression {
              input x: f32[N, 3]
              input y: f32[N, 2]
              param w: f32[2, 3] = randn()
              param b: f32[2] = randn()
              output preds = x @ w.T + b
              output label = argmax(preds, axis = -1)
              loss = mean((tanh(preds) - y) ** 2)
            }

            model Forward {
              input x: f32[N, 3]
              param w: f32[2, 3] = randn()
              output h = relu(x @ w.T)
            }

            # softplus with a hand-written derivative that is wrong above 1
            def softplus_by_hand(x) = stop_gradient(softplus(x)) + (x - stop_gradient(x)) * stop_gradient(where(x > 1, 1.0, sigmoid(x)))
            model WrongSoftplus {
              input x: f32[N]
              loss = sum(softplus_by_hand(x))
            }

            # x^3 with its derivative by hand: right as a value, but itself not differentiable (a stop_gradient)
            def cube(x) = stop_gradient(x * x * x) + (x - stop_gradient(x)) * stop_gradient(3 * x * x)
            model Cube {
              input x: f32[N, 3]
              param w: f32[3] = randn()
              loss = sum(cube(x * w))
            }
            """;
    static final dev.modelc.api.Program PROGRAM = Modelc.compile("check.model", SOURCE);
    static final Model REGRESSION = PROGRAM.model("Regression");

    static Tensor f32(float[] values, int... shape) {
        return Tensor.of(values, shape);
    }

    static final Bindings AT = Bindings.of(
            Map.of("x", f32(new float[] {1, 2, 3, 0.5f, -1, 2}, 2, 3), "y", f32(new float[] {0.5f, 0, 0, 0.25f}, 2, 2)),
            Map.of("w", f32(new float[] {0.1f, 0.2f, 0.3f, -0.4f, 0.5f, 0.6f}, 2, 3), "b", f32(new float[] {0.1f, -0.2f}, 2)));

    @Test
    void theCompilersGradientsOfAnF32ModelPassInF64() {
        assertEquals(new Outcome.Passed(8), GradCheck.of(REGRESSION).checkGradients(AT));
        GradCheck.assertGradients(REGRESSION, AT);
        GradCheck.assertSecondDerivatives(REGRESSION, AT);
    }

    @Test
    void oneCallAtTheModelsOwnParams() {
        Model m = PROGRAM.model("Regression").initialize(3);
        GradCheck.assertGradients(m, AT.inputs());
        GradCheck.assertSecondDerivatives(m, AT.inputs());
    }

    @Test
    void anOutputAndTheInputsToo() {
        GradCheck check = GradCheck.of(REGRESSION).output("preds").withRespectToInputs();
        assertEquals(new Outcome.Passed(8 + 6 + 4), check.checkGradients(AT));
        check.assertSecondDerivatives(AT);
        GradCheck.of(PROGRAM.model("Forward")).output("h").assertGradients(Bindings.of(Map.of("x", AT.inputs().get("x")),
                Map.of("w", AT.params().get("w"))));
    }

    @Test
    void theProjectsBackendsComputeInF64() {
        for (Backend backend : Backend.values()) {
            // A device backend (cuda) runs only where its device is.
            if (backend.unavailable().isPresent()) continue;
            GradCheck check = GradCheck.of(REGRESSION).on(backend);
            assertEquals(new Outcome.Passed(8), check.checkGradients(AT), backend.spelling());
            check.assertSecondDerivatives(AT);
        }
        GradCheck.of(REGRESSION).on(Backend.BYTECODE).output("preds").withRespectToInputs().assertGradients(AT);
    }

    @Test
    void anyBackendIsUsedThroughCompiledModel() {
        GradCheck check = GradCheck.of(REGRESSION).on("InterpretedModel", m -> new InterpretedModel(m, Interpreter.Precision.F64));
        assertEquals(new Outcome.Passed(8), check.checkGradients(AT));
        check.assertSecondDerivatives(AT);
    }

    @Test
    void aBackendWithAGradientWrongInTheFourthDigitFails() {
        GradCheck check = GradCheck.of(REGRESSION).on("a broken backend",
                m -> new ScaledGradients(Backend.BYTECODE.compile(m, DType.F64), "b", 1 + 1e-4));
        Outcome.Failed f = assertInstanceOf(Outcome.Failed.class, check.checkGradients(AT));
        assertEquals(List.of("param 'b'", "param 'b'"), f.mismatches().stream().map(Mismatch::variable).toList());
        assertTrue(f.message().endsWith("on a broken backend"), f.message());
    }

    @Test
    void aWrongRuleFailsWithTheParamTheElementBothValuesTheErrorAndTheInputs() {
        Bindings at = Bindings.ofInputs(Map.of("x", f32(new float[] {0.5f, 1.25f, -1}, 3)));
        GradCheck check = GradCheck.of(PROGRAM.model("WrongSoftplus")).withRespectToInputs();
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> check.assertGradients(at));
        double sigmoid = 1 / (1 + Math.exp(-1.25));
        assertEquals(1.0, e.getActual().getValue());
        assertEquals(sigmoid, (double) e.getExpected().getValue(), 1e-9);
        String[] lines = e.getMessage().split("\n");
        assertEquals("GradCheck: model WrongSoftplus (check.model): the gradient of the loss 'loss' disagrees with finite "
                + "differences at 1 of 3 elements", lines[0]);
        assertTrue(lines[1].startsWith("  input 'x' at [1]: symbolic 1.0, finite difference 0.7772998"), lines[1]);
        assertTrue(lines[1].endsWith(", relative error 0.223 (allowed difference 1.04e-05)"), lines[1]);
        assertTrue(lines[2].startsWith("at the point (loss = 2.789"), lines[2]);
        assertEquals("  x: f32[3] = [0.5, 1.25, -1.0]", lines[3]);
        assertEquals("with h = 1.0E-5, relative tolerance 1.0E-5, absolute 1.0E-7, on the reference interpreter (f64)", lines[4]);
    }

    @Test
    void aStepAcrossAKinkCannotBeDecided() {
        Bindings at = Bindings.ofInputs(Map.of("x", f32(new float[] {0.5f, 1, -1}, 3)));
        GradCheck check = GradCheck.of(PROGRAM.model("WrongSoftplus")).withRespectToInputs();
        Outcome.Undecidable u = assertInstanceOf(Outcome.Undecidable.class, check.checkGradients(at));
        assertEquals("1 element(s) cannot be differenced: moving input 'x' at [1] by 1.0E-5: it crosses the kink of gt `>` "
                + "at check.model:18:103", u.reason());
        TestAbortedException aborted = assertThrows(TestAbortedException.class, () -> check.assertGradients(at));
        assertTrue(aborted.getMessage().startsWith("GradCheck cannot decide at this point: 1 element(s)"), aborted.getMessage());
    }

    @Test
    void aStepAcrossAStairOfFloorIsUndecidableNotAFailure() {
        // d/dx sum(floor(x) * x) = floor(x), floor's own gradient being zero. A difference
        // across the step at 1 would measure the jump; GradCheck sees the crossing instead.
        var model = Modelc.compile("stairs.model", """
                model Stairs {
                  input x: f64[2]
                  loss = sum(floor(x) * x) + sum(round(x) * x)
                }
                """).model("Stairs");
        GradCheck check = GradCheck.of(model).withRespectToInputs();
        assertEquals(new Outcome.Passed(2), check.checkGradients(Bindings.ofInputs(Map.of("x", Tensor.of(new double[] {0.25, 2.75}, 2)))));
        assertInstanceOf(Outcome.Undecidable.class,
                check.checkGradients(Bindings.ofInputs(Map.of("x", Tensor.of(new double[] {1 - 1e-9, 2.75}, 2)))));
        assertInstanceOf(Outcome.Undecidable.class,
                check.checkGradients(Bindings.ofInputs(Map.of("x", Tensor.of(new double[] {0.25, 2.5 + 1e-9}, 2)))));
    }

    @Test
    void aMarginKeepsPointsAwayFromKinks() {
        Bindings at = Bindings.ofInputs(Map.of("x", f32(new float[] {0.5f, 1.0005f, -1}, 3)));
        GradCheck check = GradCheck.of(PROGRAM.model("WrongSoftplus")).withRespectToInputs();
        assertInstanceOf(Outcome.Failed.class, check.checkGradients(at));
        assertInstanceOf(Outcome.Undecidable.class, check.kinkMargin(1e-3).checkGradients(at));
    }

    @Test
    void aRuleThatIsRightOnceButNotTwiceFailsOnlyTheSecondDerivatives() {
        Model cube = PROGRAM.model("Cube");
        Bindings at = Bindings.of(Map.of("x", f32(new float[] {0.5f, 1.25f, -1}, 1, 3)), Map.of("w", f32(new float[] {1, -0.5f, 2}, 3)));
        GradCheck.assertGradients(cube, at);
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> GradCheck.assertSecondDerivatives(cube, at));
        String m = e.getMessage();
        assertTrue(m.startsWith("GradCheck: model Cube (check.model): the second derivatives of the loss 'loss' (Hessian-vector "
                + "products H v) disagree with finite differences of the gradient along v at 3 of 3 elements\n"
                + "  param 'w' at [0]: symbolic H v 0.0, finite difference "), m);
        assertTrue(m.contains("\nalong v\n  w: f64[3] = ["), m);
    }

    @Test
    void mistakesInTheCallAreExplained() {
        GradCheck check = GradCheck.of(REGRESSION);
        String missing = assertThrows(IllegalArgumentException.class,
                () -> check.checkGradients(Bindings.of(AT.inputs(), Map.of("w", AT.params().get("w"))))).getMessage();
        assertTrue(missing.startsWith("no value for param 'b'; the bindings have ["), missing);
        assertEquals("model Regression has no input or param 'z'; it has [b, w, x, y]", assertThrows(IllegalArgumentException.class,
                () -> check.checkGradients(Bindings.of(Map.of("z", AT.inputs().get("x")), AT.all()))).getMessage());
        assertEquals("model Regression has no output 'q'; its outputs are [preds, label]", assertThrows(IllegalArgumentException.class,
                () -> check.output("q").checkGradients(AT)).getMessage());
        assertEquals("output 'label' of Regression is i32[N]: only floating outputs have gradients",
                assertThrows(IllegalArgumentException.class, () -> check.output("label").checkGradients(AT)).getMessage());
        CheckedModel forward = PROGRAM.model("Forward").checked();
        assertEquals("model Forward has no loss; check one of its outputs [h] with GradCheck.output(name)",
                assertThrows(IllegalArgumentException.class, () -> GradCheck.of(forward).checkGradients(AT)).getMessage());
    }

    @Test
    void checksWithTheSameModelShareTheirDerivedModels() {
        assertTrue(GradCheck.of(REGRESSION) == GradCheck.of(REGRESSION));
    }
}
