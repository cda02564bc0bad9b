package dev.modelc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.backend.Backend;
import dev.modelc.runtime.Npz;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.model.Mode;
import dev.modelc.runtime.optim.Sgd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java API's modes and buffers: {@code Model} starts in evaluation mode, {@code train()} and
 * {@code eval()} switch what {@code forward} runs, {@code step} and {@code fit} always take the
 * training step (updating the states beside the params), and states are saved and loaded with
 * the params.
 */
class ModesApiTest {
    private static final String BN = """
            model BN {
              input x: f32[N, 2]
              input y: f32[N, 2]
              bn = BatchNorm1d(2)
              output h = bn(x)
              loss = mean((h - y) ** 2)
              train { optimizer = sgd(lr = 0.1); epochs = 2 }
            }
            """;
    private static final Tensor X = Tensor.of(new float[] {1, 2, 3, 6, 5, 1}, 3, 2);
    private static final Map<String, Tensor> BATCH = Map.of("x", X, "y", Tensor.of(new float[] {0, 1, 1, 0, 0, 0}, 3, 2));

    @TempDir
    Path dir;

    private static Model model() {
        return Modelc.compile("bn.model", BN).model("BN", Backend.BYTECODE);
    }

    @Test
    void buffersAreTheStatesAndParamsHoldEverything() {
        Model m = model();
        assertEquals(List.of("bn.running_mean", "bn.running_var"), List.copyOf(m.buffers().keySet()));
        assertEquals(List.of("bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"), List.copyOf(m.params().keySet()));
        assertEquals(List.of("bn.weight", "bn.bias"), List.copyOf(m.gradients(BATCH).keySet()));
    }

    @Test
    void forwardRunsTheModeTheModelIsIn() {
        Model m = model();
        assertEquals(Mode.EVALUATION, m.mode());
        // Running statistics zeros and ones: h = x / sqrt(1 + eps), in f32.
        assertEquals((float) (1 / Math.sqrt(1 + 1e-5)), m.forward(BATCH).get("h").getDouble(0), 1e-7);
        // Batch statistics: column 0 is 1, 3, 5 (mean 3, biased variance 8/3).
        assertEquals((float) (-2 / Math.sqrt(8.0 / 3 + 1e-5)), m.train().forward(BATCH).get("h").getDouble(0), 1e-6);
        assertEquals(Mode.TRAINING, m.mode());
        assertEquals((float) (1 / Math.sqrt(1 + 1e-5)), m.eval().forward(BATCH).get("h").getDouble(0), 1e-7);
    }

    @Test
    void stepsUpdateTheStatesBesideTheParamsWhateverTheMode() {
        Model m = model();
        Tensor weightBefore = m.param("bn.weight");
        m.step(BATCH, new Sgd(0.1));
        assertEquals(Mode.EVALUATION, m.mode());
        assertEquals(0.1f * 3, (float) m.buffers().get("bn.running_mean").getDouble(0), 1e-6);
        // The unbiased variance of 1, 3, 5 is 4: 0.9 * 1 + 0.1 * 4.
        assertEquals(0.9f + 0.1f * 4, (float) m.buffers().get("bn.running_var").getDouble(0), 1e-6);
        assertNotEquals(weightBefore.getDouble(0), m.param("bn.weight").getDouble(0));
        m.fit(new TensorDataset(BATCH));
        // Two more steps of the same batch: 1 - 0.9^3 of the way to the batch's mean.
        assertEquals((1 - Math.pow(0.9, 3)) * 3, m.buffers().get("bn.running_mean").getDouble(0), 1e-5);
    }

    @Test
    void statesAreSavedAndLoadedAndACheckpointWithoutThemIsRefused() throws IOException {
        Model m = model();
        m.step(BATCH, new Sgd(0.1));
        Path file = dir.resolve("bn.npz");
        m.save(file);
        Model again = model().load(file);
        assertEquals(m.buffers().get("bn.running_var").getDouble(1), again.buffers().get("bn.running_var").getDouble(1));
        Map<String, Tensor> paramsOnly = new LinkedHashMap<>(Npz.read(file));
        paramsOnly.remove("bn.running_mean");
        paramsOnly.remove("bn.running_var");
        Path old = dir.resolve("old.npz");
        Npz.write(old, paramsOnly);
        IOException e = assertThrows(IOException.class, () -> model().load(old));
        assertEquals(old + " has no states 'bn.running_mean', 'bn.running_var'", e.getMessage());
    }

    @Test
    void typedClassesOfModelsWithModesCarryBothPrograms() {
        var checked = Modelc.compile("bn.model", BN).model("BN").checked();
        String java = Driver.javaSource(checked, null, "p");
        assertTrue(java.contains("public BN train() {") && java.contains("public Map<String, Tensor> buffers() {"), java);
        assertTrue(java.contains("static final class TrainingKernels extends GeneratedModel {"), java);
        // Both programs' kernel plans print, the training step's named BN.train.*.
        assertTrue(Driver.kernels(checked, null, false).stream().anyMatch(p -> p.contains("BN.train.lossAndGradients")));
    }
}
