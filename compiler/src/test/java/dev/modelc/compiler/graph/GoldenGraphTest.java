package dev.modelc.compiler.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.Fixtures;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.passes.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The training graph of the seed's linear regression, in its text form, against a golden file. */
class GoldenGraphTest {

    private static Graph training(String file) {
        Path p = Fixtures.list("graphs", ".model").stream().filter(f -> f.getFileName().toString().equals(file)).findFirst().orElseThrow();
        Compilation c = Compiler.compile(Fixtures.source(p));
        assertFalse(c.hasErrors(), c::render);
        CheckedModel m = c.program().orElseThrow().models().getFirst();
        return Pipeline.optimize(m.graph().keeping(Graph.Role.OUTPUT, Graph.Role.LOSS, Graph.Role.GRADIENT, Graph.Role.UPDATE), true);
    }

    @Test
    void linearRegressionTrainingGraphMatchesItsGoldenText() throws IOException {
        Graph g = training("linreg.model");
        Path golden = Fixtures.list("graphs", ".graph").stream()
                .filter(f -> f.getFileName().toString().equals("linreg.graph")).findFirst().orElseThrow();
        assertEquals(Files.readString(golden), GraphPrinter.print(g));
    }

    /**
     * A gradient derived by hand has the forward pass (x, y, w, b, w.T, x @ w.T, broadcast b, +,
     * -, square, mean: 11 nodes), then c = 2 / numel (3), g = c * d (2), dW = (g.T @ x) (2),
     * db = sum over rows (1), and the two updates p - lr * dp (2 constants are shared: lr; 2 x 2
     * nodes): 23 nodes, of which 11 work per row (have N in their shape: x, y, x @ w.T, the
     * broadcast b, +, -, square, the broadcast c, c * d, g.T and x). What costs is per-row work:
     * the compiled graph must have no more per-row nodes than that. It may spend a few more
     * nodes on small tensors: moving the scalar factor c past the products (scaling the 2 x 3
     * result instead of every row) adds broadcasts and products of 2 x 3 and 2 elements.
     */
    @Test
    void linearRegressionTrainingGraphIsAboutAsSmallAsAHandDerivedOne() {
        Graph g = training("linreg.model");
        long perRow = g.nodes().stream().filter(n -> n.type().shape().dims().stream().anyMatch(d -> !d.isConstant())).count();
        assertTrue(perRow <= 11, perRow + " nodes work per row:\n" + GraphPrinter.print(g));
        int handDerived = 11 + 3 + 2 + 2 + 1 + 1 + 4;
        assertTrue(g.size() <= handDerived + 12, "training graph has " + g.size() + " nodes:\n" + GraphPrinter.print(g));
    }
}
