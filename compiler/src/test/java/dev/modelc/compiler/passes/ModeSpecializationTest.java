package dev.modelc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.GraphPrinter;
import dev.modelc.runtime.model.Mode;
import org.junit.jupiter.api.Test;

/**
 * {@code training} is one node in the checked graph and a constant in each mode's program, so
 * {@code where(training, a, b)} leaves one branch and no test; states' update results exist in
 * the training step only.
 */
class ModeSpecializationTest {
    private static CheckedModel model(String text) {
        return Compiler.compile(new SourceFile("m.model", text)).program().orElseThrow().models().getFirst();
    }

    private static final String SCALED = """
            model M {
              input x: f32[N]
              output y = where(training, x * 3, x + 1)
            }
            """;

    @Test
    void theCheckedGraphKeepsTrainingAsANode() {
        CheckedModel m = model(SCALED);
        assertTrue(m.modal());
        assertTrue(GraphPrinter.print(m.graph()).contains(" = training "), GraphPrinter.print(m.graph()));
    }

    @Test
    void eachModeFoldsTheBranchItDoesNotTake() {
        CheckedModel m = model(SCALED);
        assertEquals("""
                %0:f32[N] = input[x]                             # 2:3
                %1:f32[N] = const[3]                             # 3:32
                %2:f32[N] = mul %0 %1                            # 3:32
                out y = %2
                """, GraphPrinter.print(EntryPoint.FORWARD.graph(m.inMode(Mode.TRAINING).graph())));
        assertEquals("""
                %0:f32[N] = input[x]                             # 2:3
                %1:f32[N] = const[1]                             # 3:39
                %2:f32[N] = add %0 %1                            # 3:39
                out y = %2
                """, GraphPrinter.print(EntryPoint.FORWARD.graph(m.inMode(Mode.EVALUATION).graph())));
    }

    @Test
    void statesUpdateOnlyInTheTrainingStep() {
        CheckedModel m = model("""
                model M {
                  input x: f32[N, 2]
                  param w: f32[2] = ones()
                  state seen: f32[2] = zeros()
                  loss = mean(x * w)
                  update seen = seen + sum(x, axis = 0)
                  train { optimizer = sgd(lr = 0.1) }
                }
                """);
        assertTrue(m.modal());
        // The state has no gradient: the loss's gradients are the params' alone.
        assertEquals(1, m.graph().outputs(Graph.Role.GRADIENT).size());
        assertEquals("w", m.graph().outputs(Graph.Role.GRADIENT).getFirst().name());
        assertEquals(1, EntryPoint.GRADIENTS.graph(m.inMode(Mode.TRAINING).graph()).outputs(Graph.Role.STATE).size());
        assertEquals(0, EntryPoint.GRADIENTS.graph(m.inMode(Mode.EVALUATION).graph()).outputs(Graph.Role.STATE).size());
        assertTrue(m.signature().updated().isEmpty(), "a state's rule trains no param: " + m.signature().updated());
    }

    @Test
    void aModelWithoutModesHasOneProgram() {
        CheckedModel m = model("""
                model M {
                  input x: f32[N]
                  output y = x * 2
                }
                """);
        assertFalse(m.modal());
        assertEquals(GraphPrinter.print(m.graph()), GraphPrinter.print(m.inMode(Mode.TRAINING).graph()));
    }
}
