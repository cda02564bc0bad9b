package dev.modelc.compiler.graph;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.java.TypedModelGenerator;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Nodes and params that come from the prelude (a {@code Linear}'s weight) carry the prelude's
 * positions: listings name the prelude beside them, and no comment of the user's file is taken
 * for theirs because its line number happens to match (issue 17, item 6).
 */
class PreludePositionsTest {
    /** Every line carries its own comment, so a lookup by line number alone would find one. */
    private static final String SOURCE = """
            # line 1
            model Net {                    # line 2
              input x: f32[N, 4]           # line 3
              l = Linear(4, 3)             # line 4
              output y = relu(l(x))        # line 5
              output y6 = y * 6            # line 6
              output y7 = y * 7            # line 7
              output y8 = y * 8            # line 8
              output y9 = y * 9            # line 9
              output y10 = y * 10          # line 10
            }
            """;

    private static CheckedModel model() {
        Compilation c = Compiler.compile(new SourceFile("net.model", SOURCE));
        assertFalse(c.hasErrors(), c::render);
        return c.program().orElseThrow().models().getFirst();
    }

    @Test
    void graphListingsNameThePreludeBesideItsPositions() {
        List<String> lines = GraphPrinter.print(model().graph()).lines().toList();
        String weight = lines.stream().filter(l -> l.contains("param[l.weight]")).findFirst().orElseThrow();
        String input = lines.stream().filter(l -> l.contains("input[x]")).findFirst().orElseThrow();
        String relu = lines.stream().filter(l -> l.contains("= relu")).findFirst().orElseThrow();
        assertTrue(weight.matches(".*# <prelude>:\\d+:\\d+"), weight);
        assertTrue(input.endsWith("# 3:3"), input);
        assertTrue(relu.endsWith("# 5:14"), relu);
        String dot = GraphDot.render(model().graph(), "Net");
        assertTrue(dot.matches("(?s).*param\\[l\\.weight\\]\\\\nf32\\[3, 4\\]\\\\nat <prelude>:\\d+:\\d+.*"), dot);
    }

    @Test
    void theTypedClassTakesNoCommentOfTheUsersFileForAPreludeParam() {
        String java = TypedModelGenerator.generate(model(), null, "net").toString();
        assertTrue(java.contains("@param y7 output {@code y7}, {@code f32[N, 3]}: line 7"), "an output's own comment is kept:\n" + java);
        for (String line : java.lines().toList()) {
            if (line.contains("@param lWeight") || line.contains("@param lBias")) {
                assertFalse(line.contains("line "), "a comment of the user's file documents a prelude param: " + line);
            }
        }
    }
}
