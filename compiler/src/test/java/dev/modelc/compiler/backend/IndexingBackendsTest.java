package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.ExecutionError;
import dev.modelc.runtime.model.CompiledModel;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Integer-tensor indexing ({@code w[ids]}, the embedding lookup) and {@code gather} on every
 * JVM backend, on hand-computed values: the selected rows, gradients that accumulate repeated
 * indices, second derivatives (the scatter-add's own derivative is the selection again), and an
 * index out of range or negative refused with a message naming the indexing, the index and the size.
 */
class IndexingBackendsTest {
    private static final String ROWS = """
            model Rows {
              param w: f64[4, 2] = zeros()
              input ids: i32[2, 3]
              output picked = w[ids]
              loss = sum(w[ids] ** 2)
            }
            """;
    private static final String GATHER = """
            model Gather {
              param x: f64[2, 3] = zeros()
              input idx: i32[2, 2]
              output picked = gather(x, idx, axis = 1)
              loss = sum(gather(x, idx, axis = 1) ** 2)
            }
            """;
    private static final Tensor W = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 4, 2);
    /** Row 0 twice, row 1 never, row 2 three times, row 3 once. */
    private static final Tensor IDS = Tensor.of(new int[] {0, 2, 2, 3, 0, 2}, 2, 3);
    private static final Tensor X = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    private static final Tensor IDX = Tensor.of(new int[] {2, 2, 0, 1}, 2, 2);

    private static CompiledModel compile(Backend backend, String name, String source) {
        Compilation c = Compiler.compile(new SourceFile(name, source));
        assertFalse(c.hasErrors(), c::render);
        CheckedModel m = c.program().orElseThrow().models().getFirst();
        return backend.compile(m, null);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void rowsArePickedInTheIndicesShapeAndTheirGradientAccumulates(Backend backend) {
        CompiledModel m = compile(backend, "rows.model", ROWS);
        Tensor picked = m.forward(Map.of("w", W), Map.of("ids", IDS)).get("picked");
        assertArrayEquals(new int[] {2, 3, 2}, picked.shape());
        assertArrayEquals(new double[] {1, 2, 5, 6, 5, 6, 7, 8, 1, 2, 5, 6}, picked.toDoubleArray(), 0);
        CompiledModel.Gradients g = m.lossAndGradients(Map.of("w", W), Map.of("ids", IDS));
        // sum over picks of w^2 = sum(count * w^2): 2 * 5 + 3 * 61 + 1 * 113
        assertEquals(306.0, g.loss().item());
        assertArrayEquals(new double[] {4, 8, 0, 0, 30, 36, 14, 16}, g.gradients().get("w").toDoubleArray(), 0);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void theGradientOfARowSelectionDifferentiatesAgain(Backend backend) {
        CompiledModel m = compile(backend, "second.model", """
                model Second {
                  param w: f64[4, 2] = zeros()
                  input ids: i32[2, 3]
                  loss = sum(grad(sum(w[ids] ** 3), w))
                }
                """);
        CompiledModel.Gradients g = m.lossAndGradients(Map.of("w", W), Map.of("ids", IDS));
        // grad(sum(w[ids]^3), w) = 3 w^2 count; its sum's gradient is 6 w count.
        assertEquals(918.0, g.loss().item());
        assertArrayEquals(new double[] {12, 24, 0, 0, 90, 108, 42, 48}, g.gradients().get("w").toDoubleArray(), 0);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void gatherReadsAlongItsAxisAndScattersItsGradientBack(Backend backend) {
        CompiledModel m = compile(backend, "gather.model", GATHER);
        assertArrayEquals(new double[] {3, 3, 4, 5}, m.forward(Map.of("x", X), Map.of("idx", IDX)).get("picked").toDoubleArray(), 0);
        CompiledModel.Gradients g = m.lossAndGradients(Map.of("x", X), Map.of("idx", IDX));
        assertEquals(59.0, g.loss().item());
        assertArrayEquals(new double[] {0, 0, 12, 8, 10, 0}, g.gradients().get("x").toDoubleArray(), 0);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void gatherAlongAxisZeroWithFewerColumnsThanX(Backend backend) {
        CompiledModel m = compile(backend, "gather0.model", """
                model Gather0 {
                  param x: f64[2, 3] = zeros()
                  input idx: i32[1, 2]
                  output picked = gather(x, idx, axis = 0)
                  loss = sum(grad(sum(gather(x, idx, axis = 0) ** 3), x))
                }
                """);
        Tensor idx = Tensor.of(new int[] {1, 0}, 1, 2);
        assertArrayEquals(new double[] {4, 2}, m.forward(Map.of("x", X), Map.of("idx", idx)).get("picked").toDoubleArray(), 0);
        CompiledModel.Gradients g = m.lossAndGradients(Map.of("x", X), Map.of("idx", idx));
        // grad(sum(picked^3), x) = 3 x^2 at (1, 0) and (0, 1); its sum's gradient is 6 x there.
        assertEquals(3 * 16 + 3 * 4, g.loss().item());
        assertArrayEquals(new double[] {0, 12, 0, 24, 0, 0}, g.gradients().get("x").toDoubleArray(), 0);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void anIndexPastTheRowsIsRefusedNamingTheIndexingTheIndexAndTheSize(Backend backend) {
        CompiledModel m = compile(backend, "rows.model", ROWS);
        Tensor bad = Tensor.of(new int[] {0, 2, 2, 4, 0, 2}, 2, 3);
        ExecutionError e = assertThrows(ExecutionError.class, () -> m.forward(Map.of("w", W), Map.of("ids", bad)));
        assertEquals("rows.model:4: w[ids]: index 4 at [1, 0] of the indices is out of range for axis 0 of size 4: "
                + "indices run from 0 to 3", e.getMessage());
        assertThrows(ExecutionError.class, () -> m.lossAndGradients(Map.of("w", W), Map.of("ids", bad)));
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void aNegativeIndexIsRefusedNotCountedFromTheEnd(Backend backend) {
        CompiledModel m = compile(backend, "gather.model", GATHER);
        Tensor bad = Tensor.of(new int[] {2, 2, 0, -1}, 2, 2);
        ExecutionError e = assertThrows(ExecutionError.class, () -> m.forward(Map.of("x", X), Map.of("idx", bad)));
        assertEquals("gather.model:4: gather(x, idx, axis = 1): index -1 at [1, 1] of the indices is out of range for axis 1 "
                + "of size 3: indices run from 0 to 2", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void theEmbeddingLayerPicksRowsOfItsWeight(Backend backend) {
        CompiledModel m = compile(backend, "embedding.model", """
                model Emb {
                  input ids: i32[N, 3]
                  emb = Embedding(4, 2)
                  output e = emb(ids)
                }
                """);
        Map<String, Tensor> p = m.initialParams(7);
        Tensor weight = p.get("emb.weight");
        assertArrayEquals(new int[] {4, 2}, weight.shape());
        Tensor e = m.forward(p, Map.of("ids", IDS)).get("e");
        assertArrayEquals(new int[] {2, 3, 2}, e.shape());
        double[] w = weight.toDoubleArray(), got = e.toDoubleArray();
        int[] ids = {0, 2, 2, 3, 0, 2};
        for (int k = 0; k < ids.length; k++) {
            assertEquals(w[ids[k] * 2], got[k * 2], 0);
            assertEquals(w[ids[k] * 2 + 1], got[k * 2 + 1], 0);
        }
    }
}
