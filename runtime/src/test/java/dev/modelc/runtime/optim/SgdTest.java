package dev.modelc.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SgdTest {
    static Map<String, Tensor> one(String path, Tensor t) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put(path, t);
        return m;
    }

    static Tensor vec(DType dtype, double... v) {
        return Tensor.of(dtype, new int[] {v.length}, v);
    }

    @Test
    void momentumAndWeightDecayInF64FollowTorchsFormula() {
        double lr = 0.1, momentum = 0.9, wd = 0.01;
        double[] g = {0.5, 0.25};
        Sgd sgd = new Sgd(lr, momentum, wd);
        Map<String, Tensor> params = one("w", vec(DType.F64, 1.0, -2.0));

        // Expected, independently: torch/optim/sgd.py with dampening 0, not nesterov.
        double[] p = {1.0, -2.0};
        double[] buf = null;
        for (int step = 1; step <= 3; step++) {
            double[] d = {g[0] + wd * p[0], g[1] + wd * p[1]};
            if (buf == null) buf = d.clone();
            else for (int i = 0; i < 2; i++) buf[i] = momentum * buf[i] + d[i];
            for (int i = 0; i < 2; i++) p[i] = p[i] - lr * buf[i];

            params = sgd.step(params, one("w", vec(DType.F64, g)));
            assertArrayEquals(p, params.get("w").toDoubleArray(), 0.0, "step " + step);
        }
        // The same three steps written out by hand: step 1 is 1 - 0.1 * (0.5 + 0.01) = 0.949 and -2 - 0.1 * (0.25 - 0.02) = -2.023.
        assertArrayEquals(new double[] {0.7141347489999998, -2.1289196230000003}, params.get("w").toDoubleArray(), 1e-15);
        assertArrayEquals(buf, sgd.stateDict().get("momentum_buffer/w").toDoubleArray(), 0.0);
    }

    /** Deterministic test values: element {@code i} of step {@code t}, of both signs and several magnitudes. */
    static float value(int t, int i) {
        return (float) (Math.sin(0.7 * i + 1.3 * t) * (1 + i % 5) + (t == 0 ? 0.1 : 0));
    }

    static Tensor f32(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return vec(DType.F32, d);
    }

    static void assertBitwise(float[] expected, Tensor got, String what) {
        assertEquals(DType.F32, got.dtype());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits((float) got.getDouble(i)), what + ", element " + i);
        }
    }

    @Test
    void f32ParamsAreUpdatedInFloatArithmetic() {
        int n = 256, steps = 5;
        float lr = (float) 0.1, momentum = (float) 0.9, wd = (float) 0.01;
        float[] p = new float[n];
        for (int i = 0; i < n; i++) p[i] = value(0, i);
        Sgd sgd = new Sgd(0.1, 0.9, 0.01);
        Map<String, Tensor> params = one("w", f32(p));

        float[] buf = null;
        double[] pd = new double[n], bd = new double[n]; // the same in double arithmetic, to show the two differ
        for (int i = 0; i < n; i++) pd[i] = p[i];
        for (int t = 1; t <= steps; t++) {
            float[] g = new float[n];
            for (int i = 0; i < n; i++) g[i] = value(t, i);
            float[] d = new float[n];
            for (int i = 0; i < n; i++) d[i] = g[i] + wd * p[i]; // grad.add(param, alpha=weight_decay)
            if (buf == null) buf = d.clone();
            else for (int i = 0; i < n; i++) buf[i] = momentum * buf[i] + 1f * d[i]; // buf.mul_(momentum).add_(g, alpha=1 - dampening)
            for (int i = 0; i < n; i++) p[i] = p[i] + (-lr) * buf[i]; // param.add_(g, alpha=-lr)
            for (int i = 0; i < n; i++) {
                double dd = g[i] + 0.01 * pd[i];
                bd[i] = t == 1 ? dd : 0.9 * bd[i] + dd;
                pd[i] -= 0.1 * bd[i];
            }

            params = sgd.step(params, one("w", f32(g)));
            assertBitwise(p, params.get("w"), "step " + t);
        }
        boolean differ = false;
        for (int i = 0; i < n; i++) differ |= (float) pd[i] != p[i];
        assertTrue(differ, "double and float arithmetic agree everywhere; the test cannot tell them apart");
    }

    @Test
    void dampeningAndNesterovFollowTorchsFormula() {
        double lr = 0.05, momentum = 0.8;
        double[] g1 = {1.0, -3.0}, g2 = {0.5, 2.0};

        Sgd damped = new Sgd(lr, momentum, 0.25, 0, false);
        Map<String, Tensor> a = damped.step(one("w", vec(DType.F64, 0, 0)), one("w", vec(DType.F64, g1)));
        a = damped.step(a, one("w", vec(DType.F64, g2)));
        double[] buf = g1.clone(); // the first buffer is the gradient itself, undamped
        double[] p = {-lr * buf[0], -lr * buf[1]};
        for (int i = 0; i < 2; i++) {
            buf[i] = momentum * buf[i] + (1 - 0.25) * g2[i];
            p[i] -= lr * buf[i];
        }
        assertArrayEquals(p, a.get("w").toDoubleArray(), 1e-15);

        Sgd nesterov = new Sgd(lr, momentum, 0, 0, true);
        Map<String, Tensor> b = nesterov.step(one("w", vec(DType.F64, 0, 0)), one("w", vec(DType.F64, g1)));
        b = nesterov.step(b, one("w", vec(DType.F64, g2)));
        double[] nb = g1.clone();
        double[] np = {-lr * (g1[0] + momentum * nb[0]), -lr * (g1[1] + momentum * nb[1])};
        for (int i = 0; i < 2; i++) {
            nb[i] = momentum * nb[i] + g2[i];
            np[i] -= lr * (g2[i] + momentum * nb[i]);
        }
        assertArrayEquals(np, b.get("w").toDoubleArray(), 1e-15);
    }

    @Test
    void plainSgdKeepsNoState() {
        Sgd sgd = new Sgd(0.5);
        Map<String, Tensor> out = sgd.step(one("b", vec(DType.F64, 1, 2)), one("b", vec(DType.F64, 2, -2)));
        assertArrayEquals(new double[] {0, 3}, out.get("b").toDoubleArray(), 0.0);
        assertTrue(sgd.stateDict().isEmpty());
    }

    @Test
    void paramsWithoutGradientsAreLeftAloneAndOrderIsKept() {
        Sgd sgd = new Sgd(0.1, 0.9, 0);
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("linear.weight", vec(DType.F64, 1, 2));
        params.put("linear.bias", vec(DType.F64, 3));
        Map<String, Tensor> out = sgd.step(params, one("linear.bias", vec(DType.F64, 1)));
        assertEquals(List.of("linear.weight", "linear.bias"), List.copyOf(out.keySet()));
        assertSame(params.get("linear.weight"), out.get("linear.weight"));
        assertArrayEquals(new double[] {2.9}, out.get("linear.bias").toDoubleArray(), 1e-15);
        assertEquals(List.of("momentum_buffer/linear.bias"), List.copyOf(sgd.stateDict().keySet()));
    }

    @Test
    void stateDictRoundTripResumesExactly() {
        double[] g = {0.5, 0.25};
        Sgd straight = new Sgd(0.1, 0.9, 0.01);
        Map<String, Tensor> p = one("w", vec(DType.F32, 1, -2));
        for (int i = 0; i < 3; i++) p = straight.step(p, one("w", vec(DType.F32, g)));

        Sgd first = new Sgd(0.1, 0.9, 0.01);
        Map<String, Tensor> q = one("w", vec(DType.F32, 1, -2));
        for (int i = 0; i < 2; i++) q = first.step(q, one("w", vec(DType.F32, g)));
        Sgd resumed = new Sgd(0.1, 0.9, 0.01);
        resumed.loadStateDict(first.stateDict());
        q = resumed.step(q, one("w", vec(DType.F32, g)));
        assertEquals(p.get("w"), q.get("w"));
    }

    @Test
    void mistakesAreClearErrors() {
        Sgd sgd = new Sgd(0.1, 0.9, 0);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> sgd.step(one("w", vec(DType.F64, 1, 2)), one("w", vec(DType.F64, 1, 2, 3))));
        assertEquals("gradient of \"w\" has shape [3] but the param has shape [2]", shape.getMessage());
        IllegalArgumentException stray = assertThrows(IllegalArgumentException.class,
                () -> sgd.step(one("w", vec(DType.F64, 1)), one("v", vec(DType.F64, 1))));
        assertEquals("gradient for \"v\", which is not a param", stray.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sgd.step(one("n", vec(DType.I32, 1)), one("n", vec(DType.I32, 1))));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1, 0, 0, 0, true));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1, 0.9, 0.1, 0, true));
        IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
                () -> sgd.loadStateDict(Map.of("exp_avg/w", vec(DType.F64, 1))));
        assertTrue(key.getMessage().startsWith("unknown optimizer state key \"exp_avg/w\""), key.getMessage());

        sgd.loadStateDict(Map.of("momentum_buffer/w", vec(DType.F64, 1, 2, 3)));
        IllegalStateException stale = assertThrows(IllegalStateException.class,
                () -> sgd.step(one("w", vec(DType.F64, 1, 2)), one("w", vec(DType.F64, 1, 2))));
        assertEquals("momentum_buffer of \"w\" is f64[3] but the param is f64[2]", stale.getMessage());
    }

    @Test
    void theFloatPathOfPlainSgdGivesTheGeneralPathsBits() {
        // f32 grads take the float path; the same values as f64 grads take the general one (converted to f32 first).
        java.util.Random r = new java.util.Random(11);
        float[] p = new float[1000], g = new float[1000];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) r.nextGaussian();
            g[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4));
        }
        double[] g64 = new double[g.length];
        for (int i = 0; i < g.length; i++) g64[i] = g[i];
        for (double lr : new double[] {1e-3, 0.1, 0.7, 3e-5}) {
            Tensor fast = new Sgd(lr).step(java.util.Map.of("w", Tensor.of(p, 1000)), java.util.Map.of("w", Tensor.of(g, 1000))).get("w");
            Tensor general = new Sgd(lr).step(java.util.Map.of("w", Tensor.of(p, 1000)), java.util.Map.of("w", Tensor.of(g64, 1000))).get("w");
            assertEquals(DType.F32, fast.dtype());
            float[] a = (float[]) fast.storage(), b = (float[]) general.storage();
            for (int i = 0; i < a.length; i++) assertEquals(Float.floatToIntBits(b[i]), Float.floatToIntBits(a[i]), "lr " + lr + " at " + i);
        }
    }
}
