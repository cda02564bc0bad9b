package dev.modelc.compiler.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.diagnostics.SourceFile;
import org.junit.jupiter.api.Test;

/** {@code check} warns about params past a tensor's element limit or of a gigabyte and more, with their sizes. */
class ParamSizeTest {
    @Test
    void hugeParamsAreWarnedAboutWithTheirMemory() {
        String source = """
                model Huge {
                  input x: f32[N, 3]
                  param h: f32[30000, 30000] = zeros()
                  param w: f32[1000000, 1000000] = zeros()
                  param d: f64[100000, 100000, 100000, 1000] = zeros()
                  param small: f32[1000, 1000] = zeros()
                  loss = mean(x) + sum(h) + sum(w) + sum(small) + f32(sum(d))
                }
                """;
        Compilation c = Compiler.compile(new SourceFile("huge.model", source));
        assertFalse(c.hasErrors(), c.render());
        assertEquals("""
                huge.model:3:12: warning: param 'h' needs 3.6 GB (f32[30000, 30000], 900000000 elements)
                  param h: f32[30000, 30000] = zeros()
                           ^^^^^^^^^^^^^^^^^
                  train, eval and predict need a Java heap that holds it (training also keeps a gradient and the optimizer's \
                state of the same size); raise the heap with MODELC_OPTS=-Xmx...
                huge.model:4:12: warning: param 'w' is f32[1000000, 1000000]: 1000000000000 elements (4.0 TB), more than the \
                2147483647 a tensor can hold
                  param w: f32[1000000, 1000000] = zeros()
                           ^^^^^^^^^^^^^^^^^^^^^
                  train, eval and predict refuse to run this model; make the param smaller
                huge.model:5:12: warning: param 'd' is f64[100000, 100000, 100000, 1000]: \
                1000000000000000000 elements (8.0 EB), more than the 2147483647 a tensor can hold
                  param d: f64[100000, 100000, 100000, 1000] = zeros()
                           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
                  train, eval and predict refuse to run this model; make the param smaller
                """, c.render());
    }

    @Test
    void paramsUnderAGigabyteAndSymbolicOnesAreNot() {
        Compilation c = Compiler.compile(new SourceFile("ok.model", """
                model Ok {
                  input x: f32[N, 3]
                  param w: f32[15000, 15000] = zeros()
                  loss = mean(x) + sum(w)
                }
                """));
        assertEquals("", c.render());
    }
}
