package dev.modelc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.train.RowAggregate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The questions the commands ask through {@link Driver}, on a model whose outputs need different inputs. */
class DriverTest {
    private static final String SOURCE = """
            model M {
              input x: f64[N, 2]
              input y: i32[N]
              input t: f64[N]
              param w: f64[2, 3] = zeros()
              logits = x @ w
              output preds = argmax(logits, axis = -1)
              output accuracy = mean(f64(argmax(logits, axis = -1) == y))
              output total = sum(t)
              output spread = max(t) - min(t)
              loss = cross_entropy(logits, y)
            }
            """;

    private static CheckedModel model() {
        Compilation c = Compiler.compile(new SourceFile("m.model", SOURCE));
        assertFalse(c.hasErrors(), c::render);
        return c.program().orElseThrow().models().getFirst();
    }

    @Test
    void eachQuestionOfInputsHasItsOwnAnswer() {
        CheckedModel m = model();
        assertEquals(List.of("x", "y"), Driver.inputsForTraining(m));
        assertEquals(List.of("x", "y", "t"), Driver.inputsForEvaluation(m));
        assertEquals(Map.of("preds", List.of("x"), "accuracy", List.of("x", "y"), "total", List.of("t"), "spread", List.of("t")),
                Driver.inputsByOutput(m));
        assertEquals(List.of("preds", "accuracy", "total", "spread"), List.copyOf(Driver.inputsByOutput(m).keySet()));
    }

    @Test
    void scalarsCombineOverBatchesAsTheirFormulaSays() {
        CheckedModel m = model();
        assertEquals(RowAggregate.MEAN, Driver.lossAggregate(m));
        assertEquals(RowAggregate.MEAN, Driver.outputAggregate(m, "accuracy"));
        assertEquals(RowAggregate.SUM, Driver.outputAggregate(m, "total"));
        assertEquals(RowAggregate.BATCH_MEAN, Driver.outputAggregate(m, "spread"));
        assertEquals(RowAggregate.BATCH_MEAN, Driver.outputAggregate(m, "preds"));
    }

    @Test
    void aModelOfSomeOutputsNeedsOnlyTheirInputs() {
        CompiledModel some = Driver.outputsModel(model(), List.of("total", "spread"), Backend.BYTECODE, null, 0);
        assertEquals(List.of("total", "spread"), some.outputs());
        Map<String, Tensor> r = some.forward(Map.of(), Map.of("t", Tensor.of(DType.F64, new int[] {3}, new double[] {1, 5, 2})));
        assertEquals(8.0, r.get("total").item());
        assertEquals(4.0, r.get("spread").item());
    }

    @Test
    void theGraphAndKernelsComeAsText() {
        CheckedModel m = model();
        assertTrue(Driver.graph(m, false, false, true).startsWith("digraph"), Driver.graph(m, false, false, true));
        String forward = Driver.graph(m, false, false, false);
        String backward = Driver.graph(m, true, false, false);
        assertFalse(forward.contains("grad "), forward);
        assertTrue(backward.contains("grad "), backward);
        // forward, loss, lossAndGradients, updateStep (the loss alone, as the model has no rules) and initialParams
        assertEquals(5, Driver.kernels(m, DType.F32, false).size());
        assertTrue(Driver.kernels(m, null, true).getFirst().contains("__global__"));
    }

    @Test
    void valuesAreEveryNodeButTheParams() {
        CheckedModel m = model();
        List<String> written = Driver.values(m).stream().filter(v -> v.span() != null).map(v -> v.span().text().strip()).toList();
        assertTrue(written.containsAll(List.of("input x: f64[N, 2]", "@", "logits", "zeros()")), written.toString());
        assertTrue(written.stream().noneMatch(t -> t.startsWith("param")), written.toString());
    }
}
