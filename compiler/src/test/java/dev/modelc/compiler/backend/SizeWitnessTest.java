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
 * Issue 12's "a size bound only by an input that simplification removes": when the optimized
 * graph uses a size (N) but no longer reads any input that binds it, the inputs that do are kept
 * as size witnesses (see {@code DeadCodeElimination}); every backend binds N from whichever of
 * them is given, checks them against each other, and names them when none is.
 */
class SizeWitnessTest {
    private static CheckedModel model(String source) {
        Compilation c = Compiler.compile(new SourceFile("witness.model", source));
        assertFalse(c.hasErrors(), c::render);
        return c.program().orElseThrow().models().getFirst();
    }

    private static Tensor matrix(double[][] rows) {
        double[] flat = new double[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        return Tensor.of(flat, rows.length, rows[0].length);
    }

    private static final Tensor X0 = matrix(new double[][] {{1, -2, 3}, {4, 5, -6}});

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void aWhereOfEqualParamsStillCountsTheRows(Backend backend) {
        CheckedModel m = model("""
                model M {
                  input x0: f64[N, 3]
                  param w1: f64[3] = zeros()
                  loss = sum(where(x0 > 0, w1, w1))
                }
                """);
        CompiledModel.Gradients g = backend.compile(m, null)
                .lossAndGradients(Map.of("w1", Tensor.of(new double[] {1, 2, 3.5}, 3)), Map.of("x0", X0));
        // Two rows of w1: 2 * 6.5; each weight counted once per row.
        assertEquals(13.0, g.loss().toDoubleArray()[0]);
        assertArrayEquals(new double[] {2, 2, 2}, g.gradients().get("w1").toDoubleArray());
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void aWhereOfEqualInputs(Backend backend) {
        CheckedModel m = model("""
                model M {
                  input x0: f64[N, 3]
                  input x1: f64[3]
                  param w2: f64[3] = zeros()
                  loss = sum(where(x0 > 0, x1, x1)) + sum(w2)
                }
                """);
        CompiledModel c = backend.compile(m, null);
        Map<String, Tensor> params = Map.of("w2", Tensor.of(new double[] {1, 2, 3}, 3));
        Map<String, Tensor> batch = Map.of("x0", X0, "x1", Tensor.of(new double[] {1, 2, 3}, 3));
        // N * sum(x1) + sum(w2) = 2 * 6 + 6.
        CompiledModel.Gradients g = c.lossAndGradients(params, batch);
        assertEquals(18.0, g.loss().toDoubleArray()[0]);
        assertArrayEquals(new double[] {1, 1, 1}, g.gradients().get("w2").toDoubleArray());
        assertEquals(18.0, c.loss(params, batch).toDoubleArray()[0]);
    }

    private static final String SIZE_ONLY = """
            model M {
              input x0: f64[N, 3]
              input x1: f64[N]
              output n = size(x0, 0) * 2.0
            }
            """;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void anyGivenWitnessBindsTheSize(Backend backend) {
        CompiledModel c = backend.compile(model(SIZE_ONLY), null);
        assertEquals(8.0, c.forward(Map.of(), Map.of("x1", Tensor.of(new double[] {1, 2, 3, 4}, 4))).get("n").toDoubleArray()[0]);
        assertEquals(4.0, c.forward(Map.of(), Map.of("x0", X0)).get("n").toDoubleArray()[0]);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void noWitnessGivenNamesThem(Backend backend) {
        CompiledModel c = backend.compile(model(SIZE_ONLY), null);
        ExecutionError e = assertThrows(ExecutionError.class, () -> c.forward(Map.of(), Map.of()));
        assertEquals("dimension N is not bound by the values given: give a value for 'x0' [N, 3] or 'x1' [N]", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void witnessesMustAgree(Backend backend) {
        CompiledModel c = backend.compile(model(SIZE_ONLY), null);
        ExecutionError e = assertThrows(ExecutionError.class,
                () -> c.forward(Map.of(), Map.of("x0", X0, "x1", Tensor.of(new double[] {1, 2, 3}, 3))));
        // Every backend binds through the runtime's SizeBinder, generated Java too: one wording naming both.
        assertEquals("dimension N is 2 in 'x0' but 3 in 'x1' (axis 0 of shape [3])", e.getMessage());
    }
}
