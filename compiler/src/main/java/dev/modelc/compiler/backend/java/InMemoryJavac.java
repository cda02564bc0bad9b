package dev.modelc.compiler.backend.java;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Compiles one generated source with the JDK's javac, in memory, against the running class
 * path, and loads it in a class loader of its own. Only {@code --backend java} needs this (the
 * bytecode backend writes class files directly); a JRE without javac gets a clear message.
 */
final class InMemoryJavac {
    private InMemoryJavac() {
    }

    static Object compileAndInstantiate(String className, String source) {
        Map<String, byte[]> classes = compile(className, source);
        ClassLoader loader = new ClassLoader(InMemoryJavac.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] b = classes.get(name);
                if (b == null) throw new ClassNotFoundException(name);
                return defineClass(name, b, 0, b.length);
            }
        };
        try {
            return loader.loadClass(className).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the generated class " + className + " did not load: " + e, e);
        }
    }

    /**
     * The class files of {@code source}, by binary class name, compiled without debug information
     * ({@code -g:none}): two sources that differ only in their comments give the same bytes.
     */
    static Map<String, byte[]> compile(String className, String source) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("--backend java needs javac, and this Java runtime has none; use a JDK, or --backend bytecode");
        }
        Map<String, ByteArrayOutputStream> classes = new HashMap<>();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        JavaFileObject unit = new SimpleJavaFileObject(URI.create("string:///" + className.replace('.', '/') + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        JavaFileManager files = new ForwardingJavaFileManager<>(javac.getStandardFileManager(diagnostics, null, null)) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String name, JavaFileObject.Kind kind, FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + name.replace('.', '/') + ".class"), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        classes.put(name, out);
                        return out;
                    }
                };
            }
        };
        String classPath = System.getProperty("java.class.path");
        StringWriter log = new StringWriter();
        boolean ok = javac.getTask(log, files, diagnostics, List.of("-classpath", classPath, "-proc:none", "-g:none", "-nowarn"),
                null, List.of(unit)).call();
        if (!ok) {
            throw new IllegalStateException("javac rejected the generated source of " + className + ":\n" + diagnostics.getDiagnostics()
                    + "\n" + log + "\n" + source);
        }
        Map<String, byte[]> bytes = new HashMap<>();
        classes.forEach((name, out) -> bytes.put(name, out.toByteArray()));
        return bytes;
    }
}
