package dev.modelc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A {@code .model} file whose name holds a line terminator followed by Java once had that Java
 * compiled and run by {@code --backend java}: the name was quoted in a {@code //} comment of the
 * generated source, and a carriage return ended the comment (the file's lines, quoted in kernel
 * comments, closed what the name opened). The payload here sets a system property, so that a
 * regression shows in this JVM and touches nothing outside it.
 */
class QuotedFileNameTest {
    private static final String PROPERTY = "modelc.test.injected";

    /** Each line ends with what closes the call the name opens. */
    private static final String MODEL = """
            model Q {  # ");
              input x: f64[N, 2]  # ");
              param w: f64[2] = zeros()  # ");
              output y = sum(x * w, axis = 1)  # ");
              loss = sum((x * w - 1.0) ** 2)  # ");
            }
            """;

    static Stream<String> terminators() {
        return Stream.of("\r", "\n", "\r\n", "\u2028", "\u2029", "\u0085", "\f", "\\u000d", "\\u000a", "*/");
    }

    @ParameterizedTest
    @MethodSource("terminators")
    void aFileNameNeverBecomesCode(String terminator, @TempDir Path dir) throws IOException {
        System.clearProperty(PROPERTY);
        String name = "c" + terminator + "try{System.setProperty(\"" + PROPERTY + "\",\"yes\");}catch(Exception e){}"
                + "java.util.Objects.hash(\"q.model";
        Path model;
        try {
            model = Files.writeString(dir.resolve(name), MODEL);
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return; // a name this file system refuses (none on Linux but "/" and NUL) cannot be attacked through
        }
        Path data = Files.writeString(dir.resolve("x.csv"), "a,b\n1,2\n3,4\n");
        Cli.Result train = Cli.modelc("train", model.toString(), "--backend", "java", "--data", "x=" + data + ":a,b", "--epochs", "1");
        assertEquals(0, train.code(), train.err());
        assertNull(System.getProperty(PROPERTY), "the file's name ran as code");

        Cli.Result compile = Cli.modelc("compile", model.toString(), "--emit", "java", "--package", "q", "--out", dir.resolve("gen").toString());
        assertEquals(0, compile.code(), compile.err());
        String java = Files.readString(dir.resolve("gen/q/Q.java"));
        assertTrue(java.lines().noneMatch(l -> l.startsWith("try{System.setProperty")), java);
        assertTrue(java.chars().noneMatch(c -> c == '\r' || c == 0x2028 || c == 0x2029 || c == 0x85 || c == '\f'), java);
    }
}
