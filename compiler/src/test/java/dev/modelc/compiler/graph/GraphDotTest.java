package dev.modelc.compiler.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link GraphDot}: a golden rendering of a small graph, and its escaping. */
class GraphDotTest {

    private static final String SOURCE = """
            model Scale {
              input x: f32[N, 3]
              param w: f32[3] = ones()
              output y = x * w - 1
            }
            """;

    private static final String GOLDEN = """
            digraph "Scale" {
              rankdir=TB;
              node [shape=box, fontname="monospace", fontsize=10];
              edge [fontname="monospace", fontsize=8];
              n0 [shape=invhouse, label="%0 input[x]\\nf32[N, 3]\\nat 2:9"];
              n1 [shape=cylinder, label="%1 param[w]\\nf32[3]"];
              n2 [label="%2 broadcast\\nf32[N, 3]\\nat 4:18"];
              n3 [label="%3 mul\\nf32[N, 3]\\nat 4:16"];
              n4 [shape=plaintext, label="%4 const[1]\\nf32[N, 3]"];
              n5 [label="%5 sub\\nf32[N, 3]\\nat 4:20"];
              n1 -> n2;
              n0 -> n3 [label="0"];
              n2 -> n3 [label="1"];
              n3 -> n5 [label="0"];
              n4 -> n5 [label="1"];
              r0 [shape=ellipse, style=bold, label="out y"];
              n5 -> r0 [style=dashed];
              r1 [shape=octagon, style=bold, label="grad w"];
              n1 -> r1 [style=dashed];
            }
            """;

    @Test
    void rendersNodesEdgesAndResults() {
        SourceFile src = new SourceFile("scale.model", SOURCE);
        TensorType nx3 = TensorType.of(DType.F32, Shape.of(Dim.symbol("N"), Dim.of(3)));
        GraphBuilder b = new GraphBuilder();
        int x = b.add(new Op.Input("x"), nx3, at(src, "x:"));
        int w = b.add(new Op.Param("w"), TensorType.of(DType.F32, Shape.of(3)), null);
        int wb = b.add(new Op.Broadcast(), nx3, at(src, "w -"), w);
        int xw = b.add(new Op.Binary(BinaryFn.MUL), nx3, at(src, "* w"), x, wb);
        int one = b.add(new Op.Constant(new double[] {1}), nx3, null);
        int y = b.add(new Op.Binary(BinaryFn.SUB), nx3, at(src, "- 1"), xw, one);
        Graph g = b.build(List.of(new Graph.Output("y", Graph.Role.OUTPUT, y), new Graph.Output("w", Graph.Role.GRADIENT, w)));
        assertEquals(GOLDEN, GraphDot.render(g, "Scale"));
    }

    @Test
    void quotesBackslashesAndLineBreaksAreEscaped() {
        GraphBuilder b = new GraphBuilder();
        int x = b.add(new Op.Input("x"), TensorType.of(DType.F64, Shape.SCALAR), null);
        Graph g = b.build(List.of(new Graph.Output("a\"b\\c", Graph.Role.LOSS, x)));
        String dot = GraphDot.render(g, "say \"hi\"\nthere");
        assertEquals("digraph \"say \\\"hi\\\"\\nthere\" {", dot.lines().findFirst().orElseThrow());
        assertEquals("  r0 [shape=doubleoctagon, style=bold, label=\"loss a\\\"b\\\\c\"];",
                dot.lines().filter(l -> l.startsWith("  r0")).findFirst().orElseThrow());
    }

    private static Span at(SourceFile src, String text) {
        int start = src.text().indexOf(text);
        return new Span(src, start, start + 1);
    }
}
