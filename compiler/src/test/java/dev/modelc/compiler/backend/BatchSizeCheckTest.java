package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.ExecutionError;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.Mode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A training batch with one value per channel is refused by batch norm on every backend, with
 * PyTorch's words and the user's call ("Expected more than 1 value per channel when training,
 * got input size [1, 3]"), before any kernel runs, rather than giving a NaN running variance; the
 * evaluation program and larger batches run. {@code verify_batch_size} is that check.
 */
class BatchSizeCheckTest {
    private static final String SOURCE = """
            model Flat {
              input x: f32[N, 3]
              bn = BatchNorm1d(3)
              output h = bn(x)
              loss = mean(h ** 2)
            }

            model Seq {
              input x: f32[N, 3, L]
              bn = BatchNorm1d(3)
              output h = bn(x)
              loss = mean(h ** 2)
            }

            model Image {
              input x: f32[N, 3, H, W]
              bn = BatchNorm2d(3)
              output h = bn(x)
              loss = mean(h ** 2)
            }

            model Direct {
              input x: f64[N, 2, L]
              output h = verify_batch_size(x) * 2
            }
            """;

    private static final List<Backend> BACKENDS = List.of(Backend.INTERP, Backend.BYTECODE, Backend.JAVA);

    private static CheckedModel model(String name) {
        Compilation c = Compiler.compile(new SourceFile("bn.model", SOURCE));
        assertFalse(c.hasErrors(), c::render);
        return c.program().orElseThrow().models().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    private static Tensor x(int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = i % 5 - 1.5;
        return Tensor.of(v, shape).to(DType.F32);
    }

    @Test
    void oneValuePerChannelInTrainingIsRefusedOnEveryBackendWithTheCall() {
        record Case(String model, int[] shape, String line) {
        }
        for (Case c : List.of(new Case("Flat", new int[] {1, 3}, "4: bn(x)"), new Case("Seq", new int[] {1, 3, 1}, "11: bn(x)"),
                new Case("Image", new int[] {1, 3, 1, 1}, "18: bn(x)"))) {
            for (Backend b : BACKENDS) {
                CompiledModel m = b.compile(model(c.model()), null);
                Map<String, Tensor> params = m.initialParams(0);
                Map<String, Tensor> batch = Map.of("x", x(c.shape()));
                CompiledModel training = m.inMode(Mode.TRAINING);
                String want = "bn.model:" + c.line() + ": Expected more than 1 value per channel when training, got input size "
                        + java.util.Arrays.toString(c.shape());
                String where = c.model() + " on " + b.spelling();
                assertEquals(want, assertThrows(ExecutionError.class, () -> training.lossAndGradients(params, batch), where).getMessage());
                assertEquals(want, assertThrows(ExecutionError.class, () -> training.forward(params, batch), where).getMessage());
                // Evaluation normalizes with the running statistics: one row is fine, as in PyTorch.
                assertTrue(Double.isFinite(m.loss(params, batch).item()), where);
            }
        }
    }

    @Test
    void twoValuesPerChannelTrainWhetherFromTheBatchOrTheLength() {
        for (Backend b : BACKENDS) {
            CompiledModel training = b.compile(model("Seq"), null).inMode(Mode.TRAINING);
            Map<String, Tensor> params = training.initialParams(0);
            for (int[] shape : List.of(new int[] {1, 3, 2}, new int[] {2, 3, 1})) {
                CompiledModel.Gradients g = training.lossAndGradients(params, Map.of("x", x(shape)));
                assertTrue(Double.isFinite(g.states().get("bn.running_var").getDouble(0)), b.spelling());
            }
        }
    }

    @Test
    void verifyBatchSizeIsTheIdentityElseRefusedOutsideBatchNormToo() {
        for (Backend b : BACKENDS) {
            CompiledModel m = b.compile(model("Direct"), null);
            Tensor ok = Tensor.of(new double[] {1, 2, 3, 4}, 1, 2, 2);
            assertEquals(List.of(2.0, 4.0, 6.0, 8.0), java.util.Arrays.stream(m.forward(Map.of(), Map.of("x", ok)).get("h")
                    .toDoubleArray()).boxed().toList(), b.spelling());
            ExecutionError e = assertThrows(ExecutionError.class,
                    () -> m.forward(Map.of(), Map.of("x", Tensor.of(new double[] {1, 2}, 1, 2, 1))));
            assertEquals("bn.model:24: verify_batch_size(x): Expected more than 1 value per channel when training, got input size"
                    + " [1, 2, 1]", e.getMessage(), b.spelling());
        }
    }
}
