package dev.modelc.compiler.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cases where a plausible implementation gives a plausible wrong answer (found in review). */
class EdgeSemanticsTest {

    private static ModelEvaluation.Result run(String source, Map<String, Tensor> values) {
        Compilation c = Compiler.compile(new SourceFile("t.model", source));
        assertFalse(c.hasErrors(), c::render);
        return ModelEvaluation.evaluate(c.program().orElseThrow().models().getFirst(), values, Interpreter.Precision.F64, 0);
    }

    private static final Map<String, Tensor> X = Map.of("x", Tensor.of(new double[] {1, 2, 3}, 3));

    @Test
    void gradWithRespectToALocalIgnoresAnEqualExpressionElsewhere() {
        // v and u are the same expression; d/dv sum(v * u) = u = 2x, not 4x
        var r = run("""
                model M {
                  input x: f64[3]
                  v = x * 2
                  u = x * 2
                  output gv = grad(sum(v * u), v)
                }
                """, X);
        assertArrayEquals(new double[] {2, 4, 6}, r.outputs().get("gv").toDoubleArray());
    }

    @Test
    void gradWithRespectToADefArgumentIgnoresAnEqualArgument() {
        var r = run("""
                def dot_grad(a, c) = grad(sum(a * c), a)
                model M {
                  input x: f64[3]
                  output g = dot_grad(x * 2, x * 2)
                }
                """, X);
        assertArrayEquals(new double[] {2, 4, 6}, r.outputs().get("g").toDoubleArray());
    }

    @Test
    void sizesKeepTheirValuesThroughShapeOperations() {
        // numel and size are known sizes, not nodes; unsqueeze, reshape and squeeze keep that
        // knowledge, so lowering must build their nodes in any shape (found by the random
        // grammatical programs: unsqueeze(numel([1, 2]), axis = 0) had no node).
        var r = run("""
                model M {
                  input x: f64[N]
                  output a = unsqueeze(numel([1, 2]), axis = 0)
                  output b = reshape(unsqueeze(size(x, 0), axis = 0), [1, 1])
                  output c = reshape([size(x, 0), numel(x), 7], [3, 1])
                  output d = squeeze(unsqueeze(size(x, 0), axis = 0), axis = 0) * 2
                }
                """, X);
        assertArrayEquals(new double[] {2}, r.outputs().get("a").toDoubleArray());
        assertArrayEquals(new double[] {3}, r.outputs().get("b").toDoubleArray());
        assertArrayEquals(new double[] {3, 3, 7}, r.outputs().get("c").toDoubleArray());
        assertArrayEquals(new double[] {6}, r.outputs().get("d").toDoubleArray());
    }

    @Test
    void reluKeepsNaN() {
        var r = run("model M {\n  input x: f64[3]\n  output y = relu(log(x - 2))\n}\n", X);
        double[] y = r.outputs().get("y").toDoubleArray();
        assertTrue(Double.isNaN(y[0]), "relu(log(-1)) is NaN in PyTorch");
    }

    @Test
    void i32ArithmeticWrapsAroundLikeNumPy() {
        var r = run("""
                model M {
                  input k: i32[3]
                  output big = k * 1000000 * 1000
                  output total = sum(k * 1000000000)
                }
                """, Map.of("k", Tensor.of(new int[] {5, -3, 2}, 3)));
        assertArrayEquals(new double[] {705032704, 1294967296, 2000000000}, r.outputs().get("big").toDoubleArray());
        assertArrayEquals(new double[] {-294967296}, r.outputs().get("total").toDoubleArray());
    }

    @Test
    void theGradientOfAZerothPowerIsZeroEvenAtZero() {
        var r = run("""
                model M {
                  param x: f64[3] = zeros()
                  input b: f64[3]
                  loss = sum(x ** b)
                }
                """, Map.of("x", Tensor.of(new double[] {0, 1, 2}, 3), "b", Tensor.of(new double[] {0, 0, 2}, 3)));
        assertArrayEquals(new double[] {0, 0, 4}, r.gradients().get("x").toDoubleArray());
    }

    @Test
    void argmaxReturnsTheFirstNaNLikeNumPy() {
        var r = run("model M {\n  input x: f64[4]\n  output i = argmax(x)\n  output j = argmin(x, axis = 0)\n}\n",
                Map.of("x", Tensor.of(new double[] {1, Double.NaN, 5, Double.NaN}, 4)));
        assertArrayEquals(new double[] {1}, r.outputs().get("i").toDoubleArray());
        assertArrayEquals(new double[] {1}, r.outputs().get("j").toDoubleArray());
    }
}
