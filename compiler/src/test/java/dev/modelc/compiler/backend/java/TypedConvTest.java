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
import java.io.ByteArrayOutputStream;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The typed class of a model with Conv2d and conv1d layers, compiled by javac against the
 * runtime, gives the loss and gradients the interpreter gives at the same params (generated in
 * f64, as {@code --dtype f64}: the same reference loops, the same bits), and carries the
 * convolutions' CUDA kernels.
 */
class TypedConvTest {
    private static final String SOURCE = """
            model Convs {
              input x: f32[N, 2, 9, 8]
              input y: f32[N, 4, 5, 4]
              c = Conv2d(2, 4, 3, stride = 2, padding = 1)
              param w1: f32[4, 1, 3] = uniform(-1, 1)
              loss = mean((tanh(c(x)) - y) ** 2) + mean(conv1d(reshape(x, [size(x, 0), 2, 72]), w1, dilation = 3, groups = 2) ** 2)
            }
            """;

    @Test
    void theTypedClassGivesTheInterpretersGradients(@TempDir Path dir) throws Exception {
        Compilation c = Compiler.compile(new SourceFile("convs.model", SOURCE));
        assertFalse(c.hasErrors(), c::render);
        CheckedModel model = c.program().orElseThrow().models().getFirst();
        String java = TypedModelGenerator.generate(model, DType.F64, "typed").toString();
        assertTrue(java.contains("a thread per result element"), "the CUDA C of the convolutions is carried");
        Path file = dir.resolve("typed/Convs.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, java);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int status = ToolProvider.getSystemJavaCompiler().run(null, log, log, "-classpath", System.getProperty("java.class.path"),
                "-d", dir.toString(), file.toString());
        assertEquals(0, status, log.toString());
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> type = loader.loadClass("typed.Convs");
            Object m = type.getConstructor(long.class).newInstance(3L);
            @SuppressWarnings("unchecked")
            Map<String, Tensor> params = (Map<String, Tensor>) type.getMethod("parameters").invoke(m);
            Tensor x = Tensor.randn(DType.F64, Generator.of(1, "x"), 3, 2, 9, 8);
            Tensor y = Tensor.randn(DType.F64, Generator.of(1, "y"), 3, 4, 5, 4);
            Object typed = type.getMethod("lossAndGradients", Tensor.class, Tensor.class).invoke(m, x, y);
            CompiledModel interp = Backend.INTERP.compile(model, DType.F64);
            CompiledModel.Gradients want = interp.lossAndGradients(params, Map.of("x", x, "y", y));
            assertArrayEquals(want.loss().toDoubleArray(), component(typed, "loss").toDoubleArray(), 0.0);
            for (RecordComponent rc : typed.getClass().getRecordComponents()) {
                if (rc.getName().equals("loss")) continue;
                Object grads = rc.getAccessor().invoke(typed);
                for (RecordComponent g : grads.getClass().getRecordComponents()) {
                    String path = g.getName().equals("cWeight") ? "c.weight" : g.getName().equals("cBias") ? "c.bias" : g.getName();
                    assertArrayEquals(want.gradients().get(path).toDoubleArray(), ((Tensor) g.getAccessor().invoke(grads)).toDoubleArray(),
                            0.0, path);
                }
            }
        }
    }

    private static Tensor component(Object record, String name) throws Exception {
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            if (c.getName().equals(name)) return (Tensor) c.getAccessor().invoke(record);
        }
        throw new AssertionError("no component " + name);
    }
}
