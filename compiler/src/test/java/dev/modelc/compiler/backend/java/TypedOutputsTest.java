package dev.modelc.compiler.backend.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A typed class computes each output that needs fewer inputs than {@code forward} from those
 * inputs alone: a classifier's logits, probabilities and predictions from {@code x}, with no
 * labels, and the same values as {@code forward(x, y)} gives; {@code accuracy}, which needs the
 * labels, has no method of its own.
 */
class TypedOutputsTest {
    private static final String SOURCE = """
            model Classifier {
              input x: f32[N, 4]
              input y: i32[N]
              lin = Linear(4, 3)
              output logits = lin(x)
              output save = softmax(logits)   # named like a method of the class: the method is save2
              output predicted = argmax(logits, axis = -1)
              output accuracy = mean(f32(predicted == y))
              loss xent = cross_entropy(logits, y)
            }
            """;

    private static CheckedModel model() {
        Compilation c = Compiler.compile(new SourceFile("classifier.model", SOURCE));
        assertFalse(c.hasErrors(), c::render);
        return c.program().orElseThrow().models().getFirst();
    }

    @Test
    void labelFreeOutputsNeedOnlyX(@TempDir Path dir) throws Exception {
        String java = TypedModelGenerator.generate(model(), null, "typed").toString();
        Path file = dir.resolve("typed/Classifier.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, java);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int status = ToolProvider.getSystemJavaCompiler().run(null, log, log, "-classpath", System.getProperty("java.class.path"),
                "-d", dir.toString(), "-Xlint:all", "-Werror", file.toString());
        assertEquals(0, status, log + "\n" + java);
        assertTrue(java.contains("public Tensor logits(Tensor x) {"), java);
        assertTrue(java.contains("public Tensor save2(Tensor x) {"), java);
        assertTrue(java.contains("public Tensor predicted(Tensor x) {"), java);
        // Each carries its CUDA C as the other entry points do.
        assertTrue(java.contains("private static PlanRunner output0On(DeviceSession device)"), java);

        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> type = loader.loadClass("typed.Classifier");
            Object m = type.getConstructor(long.class).newInstance(7L);
            assertEquals(List.of("forward(Tensor, Tensor)", "logits(Tensor)", "predicted(Tensor)", "save2(Tensor)"),
                    Arrays.stream(type.getDeclaredMethods())
                            .filter(x -> List.of("forward", "logits", "save2", "predicted", "accuracy").contains(x.getName()))
                            .map(TypedOutputsTest::signature).sorted().toList());

            Tensor x = Tensor.randn(DType.F32, Generator.of(3, "x"), 5, 4);
            Tensor y = Tensor.of(new int[] {0, 1, 2, 1, 0}, 5);
            Object outputs = type.getMethod("forward", Tensor.class, Tensor.class).invoke(m, x, y);
            for (String[] pair : new String[][] {{"logits", "logits"}, {"save", "save2"}, {"predicted", "predicted"}}) {
                Tensor full = component(outputs, pair[0]);
                Tensor alone = (Tensor) type.getMethod(pair[1], Tensor.class).invoke(m, x);
                assertEquals(full.dtype(), alone.dtype(), pair[0]);
                assertArrayEquals(full.shape(), alone.shape(), pair[0]);
                assertArrayEquals(full.toDoubleArray(), alone.toDoubleArray(), 1e-6, pair[0]);
            }
            // The values are the model's, not zeros: predictions are classes, probabilities sum to one per row.
            double[] probs = ((Tensor) type.getMethod("save2", Tensor.class).invoke(m, x)).toDoubleArray();
            for (int r = 0; r < 5; r++) assertEquals(1.0, probs[3 * r] + probs[3 * r + 1] + probs[3 * r + 2], 1e-5);
            // The input is still checked where it comes in.
            Method logits = type.getMethod("logits", Tensor.class);
            Throwable bad = assertThrows(java.lang.reflect.InvocationTargetException.class,
                    () -> logits.invoke(m, Tensor.zeros(DType.F32, 5, 3))).getCause();
            assertTrue(bad.getMessage().contains("x"), bad.getMessage());
        }
    }

    private static String signature(Method m) {
        return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
                .collect(java.util.stream.Collectors.joining(", ", "(", ")"));
    }

    private static Tensor component(Object record, String name) throws Exception {
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            if (c.getName().equals(name)) return (Tensor) c.getAccessor().invoke(record);
        }
        throw new AssertionError("no component " + name);
    }
}
