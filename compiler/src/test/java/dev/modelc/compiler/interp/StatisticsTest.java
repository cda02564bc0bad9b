package dev.modelc.compiler.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * var, std, layer_norm and norm on the reference interpreter in f64, against the definitions
 * computed here in plain Java (two-pass sums), and their gradients against those definitions'
 * derivatives; the torch.nn.init bounds of kaiming and xavier against their formulas.
 */
class StatisticsTest {
    private static final double[] X = {1, 2, 4, 7, -3, 0.5};

    private static ModelEvaluation.Result run(String source, Map<String, Tensor> values) {
        Compilation c = Compiler.compile(new SourceFile("t.model", source));
        assertFalse(c.hasErrors(), c::render);
        return ModelEvaluation.evaluate(c.program().orElseThrow().models().getFirst(), values, Interpreter.Precision.F64, 0);
    }

    private static double mean(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += v[i];
        return s / (to - from);
    }

    private static double squares(double[] v, int from, int to) {
        double m = mean(v, from, to), s = 0;
        for (int i = from; i < to; i++) s += (v[i] - m) * (v[i] - m);
        return s;
    }

    @Test
    void varianceAndDeviationAsTorchVarAndStd() {
        var r = run("""
                model M {
                  input x: f64[2, 3]
                  output all = var(x)
                  output rows = var(x, axis = 1)
                  output biased = var(x, axis = 1, correction = 0, keepdims = true)
                  output cols = std(x, axis = 0)
                }
                """, Map.of("x", Tensor.of(X, 2, 3)));
        assertEquals(squares(X, 0, 6) / 5, r.outputs().get("all").item(), 1e-14);
        assertArrayEquals(new double[] {squares(X, 0, 3) / 2, squares(X, 3, 6) / 2}, r.outputs().get("rows").toDoubleArray(), 1e-14);
        assertArrayEquals(new int[] {2, 1}, r.outputs().get("biased").shape());
        assertArrayEquals(new double[] {squares(X, 0, 3) / 3, squares(X, 3, 6) / 3}, r.outputs().get("biased").toDoubleArray(), 1e-14);
        double[] cols = new double[3];
        for (int j = 0; j < 3; j++) cols[j] = Math.sqrt(squares(new double[] {X[j], X[3 + j]}, 0, 2) / 1);
        assertArrayEquals(cols, r.outputs().get("cols").toDoubleArray(), 1e-14);
    }

    @Test
    void theGradientOfTheVarianceIsTwoCentredValuesOverTheDegreesOfFreedom() {
        var r = run("""
                model M {
                  param x: f64[6] = zeros()
                  loss = var(x)
                }
                """, Map.of("x", Tensor.of(X, 6)));
        double m = mean(X, 0, 6);
        double[] want = new double[6];
        for (int i = 0; i < 6; i++) want[i] = 2 * (X[i] - m) / 5;
        assertArrayEquals(want, r.gradients().get("x").toDoubleArray(), 1e-14);
    }

    @Test
    void layerNormNormalizesTheLastAxisWithTheBiasedVariance() {
        var r = run("""
                model M {
                  input x: f64[2, 3]
                  output y = layer_norm(x)
                  output z = layer_norm(x, axis = [0, 1], eps = 0)
                }
                """, Map.of("x", Tensor.of(X, 2, 3)));
        double[] y = r.outputs().get("y").toDoubleArray();
        for (int row = 0; row < 2; row++) {
            double m = mean(X, 3 * row, 3 * row + 3), v = squares(X, 3 * row, 3 * row + 3) / 3;
            for (int j = 0; j < 3; j++) assertEquals((X[3 * row + j] - m) / Math.sqrt(v + 1e-5), y[3 * row + j], 1e-14);
        }
        double[] z = r.outputs().get("z").toDoubleArray();
        double m = mean(X, 0, 6), v = squares(X, 0, 6) / 6;
        for (int i = 0; i < 6; i++) assertEquals((X[i] - m) / Math.sqrt(v), z[i], 1e-14);
    }

    @Test
    void normIsTheVectorNormAndItsGradientAtZeroIsZero() {
        var r = run("""
                model M {
                  param x: f64[6] = zeros()
                  output two = norm(x)
                  output one = norm(x, p = 1)
                  output three = norm(x, p = 3)
                  loss = norm(x)
                }
                """, Map.of("x", Tensor.of(X, 6)));
        double two = 0, one = 0, three = 0;
        for (double v : X) {
            two += v * v;
            one += Math.abs(v);
            three += Math.pow(Math.abs(v), 3);
        }
        assertEquals(Math.sqrt(two), r.outputs().get("two").item(), 1e-14);
        assertEquals(one, r.outputs().get("one").item(), 1e-14);
        assertEquals(Math.pow(three, 1.0 / 3), r.outputs().get("three").item(), 1e-13);
        double[] grad = r.gradients().get("x").toDoubleArray();
        for (int i = 0; i < 6; i++) assertEquals(X[i] / Math.sqrt(two), grad[i], 1e-14);
        var zero = run("model M {\n  param x: f64[3] = zeros()\n  loss = norm(x)\n}\n", Map.of("x", Tensor.of(new double[3], 3)));
        assertEquals(0.0, zero.loss().orElseThrow().item());
        assertArrayEquals(new double[3], zero.gradients().get("x").toDoubleArray(), "PyTorch's gradient of a zero norm is 0, not NaN");
    }

    @Test
    void kaimingAndXavierDrawWithinTorchNnInitsBounds() {
        var r = run("""
                model M {
                  param k: f64[64, 8, 3, 3] = kaiming_uniform()
                  param x: f64[30, 50] = xavier_uniform(gain = 2)
                  param n: f64[200, 100] = kaiming_normal(a = 1)
                  output y = sum(k) + sum(x) + sum(n)
                }
                """, Map.of());
        double kBound = Math.sqrt(3.0) * (Math.sqrt(2.0 / (1 + 0)) / Math.sqrt(8 * 9));
        double xBound = Math.sqrt(3.0) * (2 * Math.sqrt(2.0 / (50 + 30)));
        double[] k = r.params().get("k").toDoubleArray(), x = r.params().get("x").toDoubleArray(), n = r.params().get("n").toDoubleArray();
        double kMax = 0, xMax = 0, nSq = 0;
        for (double v : k) kMax = Math.max(kMax, Math.abs(v));
        for (double v : x) xMax = Math.max(xMax, Math.abs(v));
        for (double v : n) nSq += v * v;
        assertTrue(kMax <= kBound && kMax > 0.95 * kBound, kMax + " vs bound " + kBound);
        assertTrue(xMax <= xBound && xMax > 0.95 * xBound, xMax + " vs bound " + xBound);
        double nStd = Math.sqrt(nSq / n.length), want = Math.sqrt(2.0 / 2) / Math.sqrt(100);
        assertEquals(want, nStd, want * 0.03, "kaiming_normal(a = 1)'s deviation over 20,000 draws");
    }

    @Test
    void gradientsAndSecondDerivativesMatchCentralDifferences() {
        // value(x) uses all four; g = grad(value, x) is checked against central differences of
        // value, and the gradient of sum(g * c) (the Hessian times c) against central differences of it.
        String source = """
                model M {
                  param x: f64[2, 3] = zeros()
                  input c: f64[2, 3]
                  l = sum(var(x, axis = 1)) + sum(std(x, axis = 0, correction = 0)) * 0.5 + sum(layer_norm(x, eps = 0.1) * c) + norm(x, p = 3)
                  output value = l
                  output g = grad(l, x)
                  loss = sum(grad(l, x) * c)
                }
                """;
        double[] c = {0.3, -1.1, 0.7, 0.2, 0.9, -0.4};
        var r = run(source, Map.of("x", Tensor.of(X, 2, 3), "c", Tensor.of(c, 2, 3)));
        double[] g = r.outputs().get("g").toDoubleArray(), hc = r.gradients().get("x").toDoubleArray();
        double h = 1e-5;
        for (int i = 0; i < 6; i++) {
            double[] plus = X.clone(), minus = X.clone();
            plus[i] += h;
            minus[i] -= h;
            var rp = run(source, Map.of("x", Tensor.of(plus, 2, 3), "c", Tensor.of(c, 2, 3)));
            var rm = run(source, Map.of("x", Tensor.of(minus, 2, 3), "c", Tensor.of(c, 2, 3)));
            double d1 = (rp.outputs().get("value").item() - rm.outputs().get("value").item()) / (2 * h);
            double d2 = (rp.loss().orElseThrow().item() - rm.loss().orElseThrow().item()) / (2 * h);
            assertEquals(d1, g[i], 1e-6 * Math.max(1, Math.abs(d1)), "gradient at " + i);
            assertEquals(d2, hc[i], 1e-5 * Math.max(1, Math.abs(d2)), "Hessian times c at " + i);
        }
    }
}
