package dev.modelc.runtime.optim;

import static dev.modelc.runtime.optim.SgdTest.assertBitwise;
import static dev.modelc.runtime.optim.SgdTest.f32;
import static dev.modelc.runtime.optim.SgdTest.one;
import static dev.modelc.runtime.optim.SgdTest.value;
import static dev.modelc.runtime.optim.SgdTest.vec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamTest {
    /** Textbook Adam (Kingma and Ba, with PyTorch's eps placement and L2 decay), in double. */
    static double[][] textbook(double lr, double b1, double b2, double eps, double wd, double[] p0, double[][] grads) {
        double[] p = p0.clone(), m = new double[p.length], v = new double[p.length];
        double[][] after = new double[grads.length][];
        for (int t = 1; t <= grads.length; t++) {
            for (int i = 0; i < p.length; i++) {
                double g = grads[t - 1][i] + wd * p[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mhat = m[i] / (1 - Math.pow(b1, t));
                double vhat = v[i] / (1 - Math.pow(b2, t));
                p[i] = p[i] - lr * mhat / (Math.sqrt(vhat) + eps);
            }
            after[t - 1] = p.clone();
        }
        return after;
    }

    @Test
    void defaultsInF64MatchTheTextbookFormula() {
        double[] g = {0.5, -0.25};
        double[][] expected = textbook(1e-3, 0.9, 0.999, 1e-8, 0, new double[] {1, -2}, new double[][] {g, g, g});
        Adam adam = new Adam();
        Map<String, Tensor> params = one("w", vec(DType.F64, 1, -2));
        for (int t = 0; t < 3; t++) {
            params = adam.step(params, one("w", vec(DType.F64, g)));
            assertArrayEquals(expected[t], params.get("w").toDoubleArray(), 1e-15, "step " + (t + 1));
        }
        // With a constant gradient, mhat = g and vhat = g * g, so each step moves lr * |g| / (|g| + eps).
        assertArrayEquals(new double[] {0.99700000006, -1.99700000012}, params.get("w").toDoubleArray(), 1e-14);
        Map<String, Tensor> state = adam.stateDict();
        assertEquals(List.of("exp_avg/w", "exp_avg_sq/w", "step/w"), List.copyOf(state.keySet()));
        assertEquals(3, state.get("step/w").item());
    }

    @Test
    void varyingGradientsAndWeightDecayInF64MatchTheTextbookFormula() {
        double[][] grads = {{0.5, -0.25}, {-1.5, 0.75}, {0.1, 2.0}};
        double[][] expected = textbook(0.01, 0.8, 0.99, 1e-6, 0.1, new double[] {1, -2}, grads);
        Adam adam = new Adam(0.01, 0.8, 0.99, 1e-6, 0.1);
        Map<String, Tensor> params = one("w", vec(DType.F64, 1, -2));
        for (int t = 0; t < 3; t++) {
            params = adam.step(params, one("w", vec(DType.F64, grads[t])));
            assertArrayEquals(expected[t], params.get("w").toDoubleArray(), 1e-14, "step " + (t + 1));
        }
    }

    @Test
    void f32ParamsFollowTorchsKernelsInFloatArithmetic() {
        // torch/optim/adam.py, _single_tensor_adam, as the ATen CPU kernels compute it for float tensors.
        int n = 256, steps = 5;
        double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        float[] p = new float[n], m = new float[n], v = new float[n];
        // Params of the updates' size, so that how the update is rounded shows in the result.
        for (int i = 0; i < n; i++) p[i] = value(0, i) * 1e-3f;
        double[] pd = new double[n];
        for (int i = 0; i < n; i++) pd[i] = p[i];
        double[][] grads = new double[steps][n];
        Adam adam = new Adam();
        Map<String, Tensor> params = one("w", f32(p));
        for (int t = 1; t <= steps; t++) {
            float[] g = new float[n];
            for (int i = 0; i < n; i++) grads[t - 1][i] = g[i] = value(t, i);
            float w = (float) (1 - beta1);
            float b2 = (float) beta2;
            float c2 = (float) (1 - beta2);
            double stepSize = lr / (1 - Math.pow(beta1, t));
            float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, t));
            for (int i = 0; i < n; i++) {
                m[i] = m[i] + w * (g[i] - m[i]); // exp_avg.lerp_(grad, 1 - beta1), weight below 0.5
                v[i] = v[i] * b2 + c2 * g[i] * g[i]; // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                float denom = (float) Math.sqrt(v[i]) / bc2Sqrt + (float) eps; // (exp_avg_sq.sqrt() / bc2_sqrt).add_(eps)
                p[i] = p[i] + (float) -stepSize * m[i] / denom; // param.addcdiv_(exp_avg, denom, value=-step_size)
            }
            params = adam.step(params, one("w", f32(g)));
            assertBitwise(p, params.get("w"), "step " + t);
        }
        assertEquals(DType.F32, adam.stateDict().get("exp_avg/w").dtype());
        // The textbook formula in double lands within float rounding of the updates (relative 1e-6 of lr per step),
        // but not on the same bits everywhere.
        double[] inDouble = textbook(lr, beta1, beta2, eps, 0, pd, grads)[steps - 1];
        boolean differ = false;
        for (int i = 0; i < n; i++) {
            assertEquals(inDouble[i], p[i], steps * lr * 1e-6, "element " + i);
            differ |= (float) inDouble[i] != p[i];
        }
        assertTrue(differ, "double and float arithmetic agree everywhere; the test cannot tell them apart");
    }

    @Test
    void firstStepMovesEachElementByLrAgainstItsGradient() {
        double lr = 0.003;
        double[] g = {1e-3, 5, -1e3, 0.25};
        double[] p0 = {0, 1, 2, 3};
        Tensor p1 = new Adam(lr).step(one("w", vec(DType.F64, p0)), one("w", vec(DType.F64, g))).get("w");
        for (int i = 0; i < g.length; i++) {
            double delta = p1.getDouble(i) - p0[i];
            assertEquals(-Math.signum(g[i]) * lr, delta, lr * 1e-5, "element " + i); // eps / |g| is at most 1e-5 here
        }
        Tensor exact = new Adam(lr, 0.9, 0.999, 0, 0).step(one("w", vec(DType.F64, p0)), one("w", vec(DType.F64, g))).get("w");
        for (int i = 0; i < g.length; i++) assertEquals(-Math.signum(g[i]) * lr, exact.getDouble(i) - p0[i], 1e-15, "element " + i);
    }

    @Test
    void stepCountsArePerParam() {
        Adam adam = new Adam(0.1);
        Map<String, Tensor> params = new HashMap<>();
        params.put("a", vec(DType.F64, 1));
        params.put("b", vec(DType.F64, 1));
        params = adam.step(params, Map.of("a", vec(DType.F64, 1), "b", vec(DType.F64, 1)));
        params = adam.step(params, Map.of("a", vec(DType.F64, 1)));
        Map<String, Tensor> state = adam.stateDict();
        assertEquals(2, state.get("step/a").item());
        assertEquals(1, state.get("step/b").item());
        assertEquals(1 - 0.1 / (1 + 1e-8), params.get("b").item(), 1e-15); // b had one step: lr * 1 / (1 + eps)
    }

    @Test
    void stateDictRoundTripResumesExactly() {
        double[][] grads = {{0.5, -0.25}, {-1.5, 0.75}, {0.1, 2.0}};
        Adam straight = new Adam();
        Map<String, Tensor> p = one("w", vec(DType.F32, 1, -2));
        for (double[] g : grads) p = straight.step(p, one("w", vec(DType.F32, g)));

        Adam first = new Adam();
        Map<String, Tensor> q = one("w", vec(DType.F32, 1, -2));
        for (int t = 0; t < 2; t++) q = first.step(q, one("w", vec(DType.F32, grads[t])));
        Adam resumed = new Adam();
        resumed.loadStateDict(first.stateDict());
        q = resumed.step(q, one("w", vec(DType.F32, grads[2])));
        assertEquals(p.get("w"), q.get("w"));
    }

    @Test
    void mistakesAreClearErrors() {
        assertThrows(IllegalArgumentException.class, () -> new Adam(0.1, 1.0, 0.999, 1e-8, 0));
        assertThrows(IllegalArgumentException.class, () -> new Adam(0.1, 0.9, -0.1, 1e-8, 0));
        assertThrows(IllegalArgumentException.class, () -> new Adam(0.1, 0.9, 0.999, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Adam(Double.NaN));
        Adam adam = new Adam();
        IllegalArgumentException partial = assertThrows(IllegalArgumentException.class,
                () -> adam.loadStateDict(Map.of("exp_avg/w", vec(DType.F64, 0), "step/w", Tensor.scalar(DType.F64, 1))));
        assertEquals("optimizer state for \"w\" lacks \"exp_avg_sq/w\"", partial.getMessage());
        IllegalArgumentException step = assertThrows(IllegalArgumentException.class,
                () -> adam.loadStateDict(Map.of("step/w", Tensor.scalar(DType.F64, 1.5))));
        assertTrue(step.getMessage().startsWith("optimizer state \"step/w\" must be one whole number of steps"), step.getMessage());
        assertThrows(IllegalArgumentException.class, () -> adam.loadStateDict(Map.of("momentum_buffer/w", vec(DType.F64, 0))));
    }
}
