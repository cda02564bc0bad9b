package dev.modelc.compiler.backend.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.StepKey;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The typed class of a model that draws in the step takes a {@link StepKey} in every method that
 * runs the model (an input named {@code key} is renamed), and draws what the interpreter draws
 * for the same key; a model without draws keeps its methods as they were.
 */
class TypedStepDrawsTest {
    private static final String SOURCE = """
            model Noisy {
              input x: f64[N, 3]
              input key: f64[N, 2]
              param w: f64[2, 3] = normal(0, 0.5)
              output preds = (x + 0.2 * rand_like(x)) @ w.T + 0.1 * randn_like(key)
              loss = mse_loss(preds, key)
              train { optimizer = sgd(lr = 0.1) }
            }
            """;

    private static CheckedModel model() {
        Compilation c = Compiler.compile(new SourceFile("noisy.model", SOURCE));
        assertFalse(c.hasErrors(), c::render);
        return c.program().orElseThrow().models().getFirst();
    }

    @Test
    void theTypedClassTakesTheKeyAndDrawsTheInterpretersBits(@TempDir Path dir) throws Exception {
        String java = TypedModelGenerator.generate(model(), null, "typed").toString();
        Path file = dir.resolve("typed/Noisy.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, java);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int status = ToolProvider.getSystemJavaCompiler().run(null, log, log, "-classpath", System.getProperty("java.class.path"),
                "-d", dir.toString(), "-Xlint:all", "-Werror", file.toString());
        assertEquals(0, status, log + "\n" + java);
        // randn_like(key) reads only key's shape, which x binds: forward takes x alone.
        assertTrue(java.contains("public Outputs forward(Tensor x, StepKey key) {"), java);
        assertTrue(java.contains("public LossAndGradients lossAndGradients(Tensor x, Tensor key2, StepKey key) {"), java);

        Generator g = Generator.of(4, "noisy");
        Tensor x = Tensor.randn(DType.F64, g, 6, 3), y = Tensor.randn(DType.F64, g, 6, 2);
        CompiledModel interp = Backend.INTERP.compile(model(), null);
        Map<String, Tensor> params = interp.initialParams(5);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> type = loader.loadClass("typed.Noisy");
            Object m = type.getConstructor(long.class).newInstance(5L);
            for (long step : new long[] {0, 3}) {
                StepKey key = new StepKey(11, step);
                Object out = type.getMethod("forward", Tensor.class, StepKey.class).invoke(m, x, key);
                Tensor preds = (Tensor) out.getClass().getMethod("preds").invoke(out);
                Map<String, Tensor> want = interp.forward(params, Map.of("x", x, "key", y), key);
                assertArrayEquals(want.get("preds").toDoubleArray(), preds.toDoubleArray(), 0, "step " + step);
                Object lg = type.getMethod("lossAndGradients", Tensor.class, Tensor.class, StepKey.class).invoke(m, x, y, key);
                Object grads = lg.getClass().getMethod("gradients").invoke(lg);
                Tensor gw = (Tensor) grads.getClass().getMethod("w").invoke(grads);
                assertArrayEquals(interp.lossAndGradients(params, Map.of("x", x, "key", y), key).gradients().get("w").toDoubleArray(),
                        gw.toDoubleArray(), 1e-12, "step " + step);
            }
        }
    }
}
