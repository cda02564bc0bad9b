package dev.modelc.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.modelc.api.Driver;
import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.diagnostics.SourceFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.ToolProvider;

/** The typed class of a source's first model, as `modelc compile --emit java` writes it, compiled by javac and loaded. */
final class TypedClasses {
    private TypedClasses() {
    }

    /** A loaded typed class; closing it closes its class loader. */
    record Loaded(URLClassLoader loader, Class<?> type) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            loader.close();
        }
    }

    /** The class {@code typed.<className>} of {@code source}'s first model, compiled into {@code dir}. */
    static Loaded load(Path dir, String fileName, String source, String className) throws Exception {
        Compilation c = Compiler.compile(new SourceFile(fileName, source));
        assertFalse(c.hasErrors(), c::render);
        Path file = dir.resolve("typed/" + className + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, Driver.javaSource(c.program().orElseThrow().models().getFirst(), null, "typed"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int status = ToolProvider.getSystemJavaCompiler().run(null, log, log, "-classpath", System.getProperty("java.class.path"),
                "-d", dir.toString(), file.toString());
        assertEquals(0, status, log.toString());
        URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, TypedClasses.class.getClassLoader());
        return new Loaded(loader, loader.loadClass("typed." + className));
    }
}
