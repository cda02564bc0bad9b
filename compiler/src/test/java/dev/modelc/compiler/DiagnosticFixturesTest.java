package dev.modelc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.diagnostics.SourceFile;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * One small `.model` file per kind of user mistake (src/test/resources/errors), each with its
 * exact expected diagnostics written at its end.
 */
class DiagnosticFixturesTest {

    @TestFactory
    Stream<DynamicTest> eachErrorFileReportsExactlyItsExpectedDiagnostics() {
        return Fixtures.list("errors", ".model").stream().map(p -> DynamicTest.dynamicTest(
                p.getFileName().toString(), () -> {
                    SourceFile source = Fixtures.source(p);
                    String expected = Fixtures.expected(source);
                    assertNotNull(expected, p + " has no '# expect:' block");
                    Compilation c = Compiler.compile(source);
                    assertTrue(c.hasErrors(), p + " compiled without errors");
                    assertEquals(expected, c.render());
                }));
    }

    @Test
    void thereIsAFixtureForEveryKindOfMistake() {
        List<Path> files = Fixtures.list("errors", ".model");
        assertTrue(files.size() >= 25, "only " + files.size() + " error fixtures");
    }
}
