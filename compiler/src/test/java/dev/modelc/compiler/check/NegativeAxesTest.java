package dev.modelc.compiler.check;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.Tensor;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 12's "{@code permute(w, [-1, 0])} is refused": every op that takes axes reads a
 * negative axis as counted from the end, as docs/language.md says (and NumPy and PyTorch do).
 * Each output written with negative axes equals the same op written with non-negative ones,
 * on every backend.
 */
class NegativeAxesTest {
    /** Each pair: the op with negative axes, then with the axes they stand for (x is [2, 3, 4]). */
    private static final String[][] PAIRS = {
            {"permute(x, [-1, 0, -2])", "permute(x, [2, 0, 1])"},
            {"sum(x, axis = -1)", "sum(x, axis = 2)"},
            {"mean(x, axis = [-1, 0], keepdims = true)", "mean(x, axis = [2, 0], keepdims = true)"},
            {"max(x, axis = -2)", "max(x, axis = 1)"},
            {"min(x, axis = [-3])", "min(x, axis = [0])"},
            {"logsumexp(x, axis = -1)", "logsumexp(x, axis = 2)"},
            {"argmax(x, axis = -1)", "argmax(x, axis = 2)"},
            {"argmin(x, axis = -3)", "argmin(x, axis = 0)"},
            {"softmax(x, axis = -2)", "softmax(x, axis = 1)"},
            {"log_softmax(x, axis = -3)", "log_softmax(x, axis = 0)"},
            {"transpose(x, -1, -3)", "transpose(x, 2, 0)"},
            {"cat(x, x, axis = -1)", "cat(x, x, axis = 2)"},
            {"stack(x, x, axis = -1)", "stack(x, x, axis = 3)"},
            {"squeeze(unsqueeze(x, axis = -1), axis = -1)", "squeeze(unsqueeze(x, axis = 3), axis = 3)"},
            {"unsqueeze(x, axis = -2)", "unsqueeze(x, axis = 2)"},
            {"x * size(x, -1)", "x * size(x, 2)"},
    };

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void negativeAxesCountFromTheEnd(Backend backend) {
        StringBuilder src = new StringBuilder("model M {\n  input x: f64[2, 3, 4]\n");
        for (int i = 0; i < PAIRS.length; i++) {
            src.append("  output n").append(i).append(" = ").append(PAIRS[i][0]).append('\n');
            src.append("  output p").append(i).append(" = ").append(PAIRS[i][1]).append('\n');
        }
        src.append("}\n");
        Compilation c = Compiler.compile(new SourceFile("axes.model", src.toString()));
        assertFalse(c.hasErrors(), c::render);
        CheckedModel m = c.program().orElseThrow().models().getFirst();
        double[] x = new double[24];
        for (int i = 0; i < x.length; i++) x[i] = Math.sin(i * 1.7);
        Map<String, Tensor> out = backend.compile(m, null).forward(Map.of(), Map.of("x", Tensor.of(x, 2, 3, 4)));
        for (int i = 0; i < PAIRS.length; i++) {
            Tensor n = out.get("n" + i), p = out.get("p" + i);
            assertArrayEquals(p.shape(), n.shape(), PAIRS[i][0]);
            assertArrayEquals(p.toDoubleArray(), n.toDoubleArray(), 0, PAIRS[i][0]);
        }
    }

    /** The reproduction: a param permuted with a negative axis, differentiated. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void permuteWithANegativeAxisDifferentiates(Backend backend) {
        Compilation c = Compiler.compile(new SourceFile("permute.model", """
                model M {
                  param w: f64[2, 3] = zeros()
                  input x: f64[3, 2]
                  loss = sum(permute(w, [-1, 0]) * x)
                }
                """));
        assertFalse(c.hasErrors(), c::render);
        var g = backend.compile(c.program().orElseThrow().models().getFirst(), null).lossAndGradients(
                Map.of("w", Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3)),
                Map.of("x", Tensor.of(new double[] {1, 10, 100, 1000, 10000, 100000}, 3, 2)));
        // permute(w, [1, 0])[i, j] = w[j, i]: sum w[j, i] * x[i, j].
        assertEquals(1 + 4 * 10 + 2 * 100 + 5 * 1000 + 3 * 10000 + 6 * 100000, g.loss().toDoubleArray()[0]);
        assertArrayEquals(new double[] {1, 100, 10000, 10, 1000, 100000}, g.gradients().get("w").toDoubleArray(), 0);
    }
}
