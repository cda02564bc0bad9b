package dev.modelc.compiler.backend.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.ExecutionError;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A typed class (what {@code modelc compile --emit java} and the Maven plugin write) refuses the
 * run-time index errors as the backends do, with the same message: an id past an embedding
 * table, and {@code x[0]} on an input whose size N is bound to 0 (its plan carries the window).
 */
class TypedIndexChecksTest {
    private static final String SOURCE = """
            model Lookup {
              input x: f32[N]
              input ids: i32[K]
              param w: f32[3, 2] = zeros()
              output first = x[0]
              output rows = w[ids]
            }
            """;

    @Test
    void theTypedClassRefusesAnIdPastTheTableAndAnIndexOnAnEmptyAxis(@TempDir Path dir) throws Exception {
        Compilation c = Compiler.compile(new SourceFile("lookup.model", SOURCE));
        assertFalse(c.hasErrors(), c::render);
        CheckedModel model = c.program().orElseThrow().models().getFirst();
        String java = TypedModelGenerator.generate(model, null, "typed").toString();
        Path file = dir.resolve("typed/Lookup.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, java);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int status = ToolProvider.getSystemJavaCompiler().run(null, log, log, "-classpath", System.getProperty("java.class.path"),
                "-d", dir.toString(), file.toString());
        assertEquals(0, status, log + "\n" + java);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> type = loader.loadClass("typed.Lookup");
            Object m = type.getConstructor(long.class).newInstance(0L);
            Method forward = type.getMethod("forward", Tensor.class, Tensor.class);
            forward.invoke(m, Tensor.of(new float[] {1, 2}, 2), Tensor.of(new int[] {2, 0, 2}, 3));
            assertEquals("lookup.model:6: w[ids]: index 3 at [1] of the indices is out of range for axis 0 of size 3: "
                    + "indices run from 0 to 2", failure(forward, m, Tensor.of(new float[] {1}, 1), Tensor.of(new int[] {0, 3}, 2)));
            assertEquals("lookup.model:5: x[0]: index 0 is out of range for axis 0 of size 0 (it has no elements)",
                    failure(forward, m, Tensor.of(new float[0], 0), Tensor.of(new int[] {1}, 1)));
        }
    }

    private static String failure(Method forward, Object m, Tensor x, Tensor ids) {
        InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> forward.invoke(m, x, ids));
        return assertInstanceOf(ExecutionError.class, e.getCause()).getMessage();
    }
}
