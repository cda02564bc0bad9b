package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.reference.TorchBatchNorm;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.Mode;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The prelude's BatchNorm1d and BatchNorm2d against PyTorch's {@code torch.batch_norm}, from
 * libtorch ({@code reference/torch-batch-norm.json}, written by {@code scripts/torch-reference}):
 * three training steps (outputs, gradients for the input, weight and bias, running statistics
 * after each) and an evaluation with the running statistics, in f64, on the interpreter and the
 * two JVM backends, within {@link TorchBatchNorm#TOLERANCE}.
 */
class TorchBatchNormTest {
    private static final TorchBatchNorm REFERENCE = TorchBatchNorm.load();

    @TestFactory
    Stream<DynamicTest> batchNormMatchesPyTorchInBothModesOnEveryBackend() {
        return Stream.of(Backend.INTERP, Backend.BYTECODE, Backend.JAVA).flatMap(backend -> REFERENCE.cases().stream()
                .map(c -> DynamicTest.dynamicTest(c.name() + " on " + backend.spelling(), () -> assertEquals(List.of(),
                        TorchBatchNorm.compare(c, backend.compile(TorchBatchNorm.checked(c), DType.F64))))));
    }

    /**
     * The check is not vacuous: a model that always normalizes with the batch's statistics (as if
     * training were true in evaluation too) fails at the evaluation, and one whose running
     * variance takes the biased estimate fails at the first step's running_var.
     */
    @Test
    void wrongModesOrStatisticsFail() {
        TorchBatchNorm.Case c = REFERENCE.cases().getFirst();
        CompiledModel model = Backend.INTERP.compile(TorchBatchNorm.checked(c), DType.F64);
        CompiledModel alwaysTraining = model.inMode(Mode.TRAINING);
        CompiledModel stuck = new ForwardingModel(alwaysTraining) {
            @Override
            public CompiledModel inMode(Mode m) {
                return this;
            }
        };
        List<String> failures = TorchBatchNorm.compare(c, stuck);
        assertTrue(failures.getFirst().startsWith("batch_norm_1d evaluation y[0] = "), failures.toString());
        CompiledModel biased = new ForwardingModel(model) {
            @Override
            public CompiledModel inMode(Mode m) {
                CompiledModel inner = model.inMode(m);
                return new ForwardingModel(inner) {
                    @Override
                    public Gradients lossAndGradients(Map<String, Tensor> params, Map<String, Tensor> batch) {
                        Gradients g = inner.lossAndGradients(params, batch);
                        if (g.states().isEmpty()) return g;
                        // What the running variance would be with the biased estimate: n - 1 of n (n = 5 rows).
                        Map<String, Tensor> states = new java.util.LinkedHashMap<>(g.states());
                        Tensor v = states.get("bn.running_var"), before = params.get("bn.running_var");
                        double[] out = v.toDoubleArray();
                        for (int i = 0; i < out.length; i++) {
                            double old = before.getDouble(i);
                            out[i] = 0.9 * old + (out[i] - 0.9 * old) * 4 / 5;
                        }
                        states.put("bn.running_var", Tensor.of(out, out.length));
                        return new Gradients(g.loss(), g.gradients(), states);
                    }
                };
            }
        };
        failures = TorchBatchNorm.compare(c, biased);
        assertTrue(failures.getFirst().startsWith("batch_norm_1d training step 1 running_var[0] = "), failures.toString());
    }
}
