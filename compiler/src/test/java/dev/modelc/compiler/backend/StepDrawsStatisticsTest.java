package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.Mode;
import dev.modelc.runtime.model.StepKey;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The draws' distributions over a large tensor (n = 2^20 elements per draw), each statistic
 * within 6 standard errors of its exact value, so a correct generator fails with probability
 * about 2e-9 per check: the mean and variance of the uniforms (1/2 and 1/12; the mean's standard
 * error sqrt(1/12 / n), the variance's sqrt((1/80 - 1/144) / n)) and of the normals (0 and 1;
 * sqrt(1 / n) and sqrt(2 / n)), the normals' fourth moment (3; sqrt(96 / n)), the fraction of ones
 * of {@code bernoulli(p)} and of elements {@code dropout(x, p)} drops (binomial: sqrt(p (1 - p) / n)).
 * The seeds are fixed, so the bands hold for these very draws; the keys vary per step, checked
 * at three steps.
 */
class StepDrawsStatisticsTest {
    private static final int N = 1 << 20;
    private static final String SOURCE = """
            model Stats {
              input x: f32[N]
              input y: f64[N]
              output u = rand_like(x)
              output u64 = rand_like(y)
              output z = randn_like(x)
              output z64 = randn_like(y)
              output b = bernoulli(0.3, [1048576])
              output b64 = bernoulli(f64(0.05), [1048576])
              output d = dropout(x, 0.5)
              output d64 = dropout(y, 0.1)
            }
            """;

    private static void within(String what, double value, double exact, double standardError) {
        assertTrue(Math.abs(value - exact) <= 6 * standardError,
                () -> what + " = " + value + ", expected " + exact + " within 6 x " + standardError);
    }

    private static double moment(double[] v, int k, double centre) {
        double s = 0;
        for (double e : v) s += Math.pow(e - centre, k);
        return s / v.length;
    }

    private static double fraction(double[] v, java.util.function.DoublePredicate p) {
        long c = 0;
        for (double e : v) if (p.test(e)) c++;
        return (double) c / v.length;
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 123_456_789})
    void eachDrawHasItsDistribution(long step) {
        CompiledModel m = Backend.BYTECODE.compile(StepDrawsBackendsTest.model(SOURCE), null).inMode(Mode.TRAINING);
        double[] ones = new double[N];
        java.util.Arrays.fill(ones, 1);
        Map<String, Tensor> out = m.forward(Map.of(), Map.of("x", Tensor.of(DType.F32, new int[] {N}, ones),
                "y", Tensor.of(DType.F64, new int[] {N}, ones)), new StepKey(2026, step));
        for (String u : new String[] {"u", "u64"}) {
            double[] v = out.get(u).toDoubleArray();
            within(u + " mean", moment(v, 1, 0), 0.5, Math.sqrt(1.0 / 12 / N));
            within(u + " variance", moment(v, 2, 0.5), 1.0 / 12, Math.sqrt((1.0 / 80 - 1.0 / 144) / N));
            within(u + " below 0.1", fraction(v, e -> e < 0.1), 0.1, Math.sqrt(0.1 * 0.9 / N));
        }
        for (String z : new String[] {"z", "z64"}) {
            double[] v = out.get(z).toDoubleArray();
            within(z + " mean", moment(v, 1, 0), 0, Math.sqrt(1.0 / N));
            within(z + " variance", moment(v, 2, 0), 1, Math.sqrt(2.0 / N));
            within(z + " fourth moment", moment(v, 4, 0), 3, Math.sqrt(96.0 / N));
            // P(|z| > 1.96) = 0.05 for a standard normal.
            within(z + " beyond 1.96", fraction(v, e -> Math.abs(e) > 1.959963984540054), 0.05, Math.sqrt(0.05 * 0.95 / N));
        }
        within("bernoulli(0.3) ones", fraction(out.get("b").toDoubleArray(), e -> e == 1), 0.3, Math.sqrt(0.3 * 0.7 / N));
        within("bernoulli(0.05) ones", fraction(out.get("b64").toDoubleArray(), e -> e == 1), 0.05, Math.sqrt(0.05 * 0.95 / N));
        double[] d = out.get("d").toDoubleArray(), d64 = out.get("d64").toDoubleArray();
        within("dropout(0.5) dropped", fraction(d, e -> e == 0), 0.5, Math.sqrt(0.25 / N));
        within("dropout(0.1) dropped", fraction(d64, e -> e == 0), 0.1, Math.sqrt(0.09 / N));
        for (double e : d) assertTrue(e == 0 || e == 2, () -> "dropout(1, 0.5) gave " + e);
        double kept = 1 / (1 - 0.1);
        for (double e : d64) assertTrue(e == 0 || e == kept, () -> "dropout(1, 0.1) gave " + e);
        // The scaling keeps the mean: E[dropout(1, p)] = 1.
        within("dropout(0.1) mean", moment(d64, 1, 0), 1, Math.sqrt(0.1 * 0.9 / N) * kept);
    }
}
