package dev.modelc.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.train.RowAggregate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    private static final String REGRESSION = """
            model Regression {
              input x: f32[N, 3]
              input y: f32[N, 2]
              param w: f32[2, 3] = [[0.5, 0.1, -0.2], [1.3, -1.7, 0.6]]
              param b: f32[2] = [-0.5, -1.4]
              preds = x @ w.T + b
              loss = mean((preds - y) ** 2)
              update w = w - 0.01 * grad(loss, w)
              update b = b - 0.01 * grad(loss, b)
            }
            """;

    private static Map<String, Tensor> regressionBatch() {
        return Map.of("x", Tensor.of(new float[] {1, 2, 3, -1, 0.5f, 2, 0, 1, -2}, 3, 3),
                "y", Tensor.of(new float[] {1, 0, -1, 2, 0.5f, 0.25f}, 3, 2));
    }

    @Test
    void theStepLoopTakesTheModelsOwnStepsBitForBit() {
        CompiledModel m = Modelc.compile("r.model", REGRESSION).model("Regression", Backend.BYTECODE).compiled();
        Map<String, Tensor> params = m.initialParams(0), batch = regressionBatch();
        Driver.Steps loop = Driver.stepLoop(m, params, batch);
        Map<String, Tensor> p = params;
        double before = Double.NaN;
        for (int step = 0; step < 3; step++) {
            CompiledModel.Step s = m.updateStep(p, batch);
            before = s.loss().item();
            p = s.params();
        }
        assertEquals(before, loop.run(3));
        assertTrue(before > 0 && before < m.updateStep(params, batch).loss().item(), "the loss falls: " + before);
        assertEquals(params, m.initialParams(0), "the loop steps copies of the params");
    }

    @Test
    void boundRunsAndStepLoopsAreTheBytecodeBackends() {
        Program program = Modelc.compile("r.model", REGRESSION);
        CompiledModel interp = program.model("Regression", Backend.INTERP).compiled();
        Map<String, Tensor> batch = regressionBatch();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Driver.stepLoop(interp, interp.initialParams(0), batch));
        assertEquals("a model of the bytecode backend is needed, not InterpretedModel", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Driver.bind(interp, EntryPoint.LOSS, batch, true));

        CompiledModel bytecode = program.model("Regression", Backend.BYTECODE).compiled();
        Map<String, Tensor> values = new HashMap<>(batch);
        values.putAll(bytecode.initialParams(0));
        for (boolean lanes : new boolean[] {true, false}) Driver.bind(bytecode, EntryPoint.LOSS, values, lanes).run();
        Driver.prepare(bytecode, EntryPoint.GRADIENTS);
    }

    private static final String OUTPUT = """
            model Preds {
              input x: f32[N, 3]
              input y: f32[N, 2]
              param w: f32[2, 3] = [[0.5, 0.1, -0.2], [1.3, -1.7, 0.6]]
              output preds = relu(x @ w.T)
              loss = mean((preds - y) ** 2)
            }
            """;

    @Test
    void theDerivativeModelsAreAllF64AndRunOnAnyBackendAsOnTheReference() {
        CheckedModel m = Modelc.compile("p.model", OUTPUT).model("Preds").checked();
        DerivativeModels loss = Driver.derivativeModels(m, Optional.empty(), true);
        assertEquals(List.of("param 'w'", "input 'x'", "input 'y'"), loss.variables().stream().map(DerivativeModels.Variable::describe).toList());
        CheckedModel gm = loss.gradientModel();
        assertTrue(gm.signature().params().stream().allMatch(p -> p.type().dtype() == DType.F64), gm.signature().toString());
        assertEquals(List.of(), gm.signature().inputs(), "the floating inputs became params");
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> loss.cotangentShape(Map.of()));
        assertEquals("the objective of Preds is its loss: no cotangent", none.getMessage());

        Map<String, Tensor> at = Map.of("w", Tensor.of(new double[] {0.5, 0.1, -0.2, 1.3, -1.7, 0.6}, 2, 3),
                "x", Tensor.of(new double[] {1, 2, 3, -1, 0.5, 2, 0, 1, -2}, 3, 3), "y", Tensor.of(new double[] {1, 0, -1, 2, 0.5, 0.25}, 3, 2));
        ReferenceRun reference = Driver.referenceRun(gm, EntryPoint.GRADIENTS);
        ReferenceRun.Result probed = reference.run(at, true), plain = reference.run(at, false);
        CompiledModel.Gradients bytecode = Backend.BYTECODE.compile(gm, DType.F64).lossAndGradients(at, Map.of());
        assertEquals(bytecode.loss().item(), probed.loss().item());
        assertEquals(plain.loss().item(), probed.loss().item());
        for (String v : List.of("w", "x", "y")) {
            assertArrayEquals(bytecode.gradients().get(v).toDoubleArray(), probed.gradients().get(v).toDoubleArray(), v);
        }
        assertTrue(reference.hasKinks(), "relu");
        assertEquals("", plain.side());
        assertEquals(Double.POSITIVE_INFINITY, plain.margin());
        assertFalse(probed.side().isEmpty());
        assertTrue(probed.margin() > 0 && probed.margin() < Double.POSITIVE_INFINITY, "margin " + probed.margin());
        // x[0, 0] from 1 to -4 takes row 0's first relu argument from 0.5 + 0.2 - 0.6 = 0.1 to -2 + 0.2 - 0.6 = -2.4
        Map<String, Tensor> moved = new HashMap<>(at);
        moved.put("x", Tensor.of(new double[] {-4, 2, 3, -1, 0.5, 2, 0, 1, -2}, 3, 3));
        String kink = reference.kinkBetween(probed.side(), reference.run(moved, true).side());
        assertTrue(kink.startsWith("relu `relu(x @ w.T)` at p.model:5:"), kink);

        DerivativeModels preds = Driver.derivativeModels(m, Optional.of("preds"), false);
        assertEquals(List.of("x", "y", DerivativeModels.COTANGENT), preds.gradientModel().signature().inputs().stream().map(e -> e.name()).toList());
        assertArrayEquals(new int[] {3, 2}, preds.cotangentShape(at));
        assertEquals(List.of("x", "y", DerivativeModels.COTANGENT, DerivativeModels.DIRECTION + "w"),
                preds.hessianVectorModel().signature().inputs().stream().map(e -> e.name()).toList());
        assertThrows(IllegalArgumentException.class, () -> Driver.referenceRun(gm, EntryPoint.FORWARD));
    }
}
