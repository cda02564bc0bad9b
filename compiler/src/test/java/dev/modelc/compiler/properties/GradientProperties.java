package dev.modelc.compiler.properties;

import static org.junit.jupiter.api.Assertions.fail;

import dev.modelc.compiler.properties.ExprPrograms.Program;
import dev.modelc.runtime.Tensor;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Symbolic first and second derivatives of random expression graphs (see {@link ExprPrograms})
 * against central finite differences, in f64, at random points away from every kink.
 *
 * <p>Step and tolerance. With h = 1e-5 the central difference's truncation error is
 * h^2/6 |f'''| ~ 2e-11 |f'''|, and its rounding error is about eps * F / h ~ 2e-11 F, where F is
 * the size of the terms summed into f (values are rescaled under 4 and tensors have at most 48
 * elements, so F stays below ~1e3). A derivative passes when
 * {@code |fd - exact| <= 1e-5 * max(|fd|, |exact|) + 1e-7 * (1 + scale)}, with scale = |y| for
 * the gradient and the largest |gradient| element for the Hessian-vector product (what the
 * differenced quantity's rounding is relative to). Over 6000 programs per property the largest
 * error seen was 0.15% of this tolerance, while scaling the symbolic result by 1 + 1e-4 (a rule
 * wrong in the fourth digit) exceeds it tenfold.
 */
class GradientProperties {
    /** Central-difference step. */
    static final double H = Harness.H;
    static final double RELATIVE = 1e-5;
    static final double ABSOLUTE = 1e-7;

    static final int TRIES = 2000;

    @Provide
    Arbitrary<Program> programs() {
        return ExprPrograms.programs();
    }

    /**
     * dy/dx_i[k] against (y(x + h e_k) - y(x - h e_k)) / 2h for every element of every input.
     * A point where some difference crosses a kink of the forward graph (its comparisons decide
     * differently there) is replaced by the next candidate.
     */
    @Property(tries = TRIES)
    void gradientsMatchFiniteDifferences(@ForAll("programs") Program program) {
        Harness t = new Harness(program);
        for (int attempt = 0; attempt < Harness.ATTEMPTS; attempt++) {
            Map<String, Tensor> at = t.candidate(attempt);
            if (at != null && checkGradients(t, at)) return;
        }
        Assume.that(false);
    }

    /** False when a difference crosses a kink; fails the test when a derivative is wrong. */
    private static boolean checkGradients(Harness t, Map<String, Tensor> at) {
        Map<String, Tensor> out = Harness.run(t.graph, at);
        double y = out.get("y").item();
        String side = Kinks.signature(t.forward, Harness.run(t.probedForward, at));
        for (int i = 0; i < t.inputCount(); i++) {
            String x = "x" + i;
            double[] base = at.get(x).toDoubleArray();
            // no gradient node: y does not depend on x_i, so every difference must vanish
            double[] grad = t.grads.get(i) == null ? new double[base.length] : out.get("g" + i).toDoubleArray();
            for (int k = 0; k < base.length; k++) {
                double[] plus = base.clone(), minus = base.clone();
                plus[k] += H;
                minus[k] -= H;
                Map<String, Tensor> rp = Harness.run(t.probedForward, Harness.with(at, x, Tensor.of(plus, t.shape(i))));
                Map<String, Tensor> rm = Harness.run(t.probedForward, Harness.with(at, x, Tensor.of(minus, t.shape(i))));
                if (!side.equals(Kinks.signature(t.forward, rp)) || !side.equals(Kinks.signature(t.forward, rm))) return false;
                double fd = (rp.get("y").item() - rm.get("y").item()) / (2 * H);
                if (!close(fd, grad[k], y)) {
                    fail("dy/d" + x + "[" + k + "] is " + grad[k] + ", finite difference " + fd + " (y = " + y + ")\n"
                            + "at " + values(at) + "\n" + t.describe());
                }
            }
        }
        return true;
    }

    /**
     * H v (the gradient of sum_j <g_j, v_j>) against (g(x + h v) - g(x - h v)) / 2h, every
     * input moved along its own direction v_i at once.
     */
    @Property(tries = TRIES)
    void hessianVectorProductsMatchFiniteDifferencesOfTheGradient(@ForAll("programs") Program program) {
        Harness t = new Harness(program);
        Map<String, Tensor> at = t.smoothPoint();
        Assume.that(at != null);
        // the point is smooth along v: no comparison in the whole graph decides differently at x +- h v
        Map<String, Tensor> plus = t.along(at, H), minus = t.along(at, -H);
        Map<String, Tensor> out = Harness.run(t.graph, at), op = Harness.run(t.graph, plus), om = Harness.run(t.graph, minus);
        for (int i = 0; i < t.inputCount(); i++) {
            if (t.grads.get(i) == null) continue;
            double[] g = out.get("g" + i).toDoubleArray();
            double[] gp = op.get("g" + i).toDoubleArray(), gm = om.get("g" + i).toDoubleArray();
            double scale = 0;
            for (double d : g) scale = Math.max(scale, Math.abs(d));
            // no HVP node: the gradient does not depend on x, so it must not move
            double[] hv = t.hvps.get(i) == null ? new double[g.length] : out.get("hv" + i).toDoubleArray();
            for (int k = 0; k < g.length; k++) {
                double fd = (gp[k] - gm[k]) / (2 * H);
                if (!close(fd, hv[k], scale)) {
                    fail("(Hv) for x" + i + "[" + k + "] is " + hv[k] + ", finite difference of the gradient " + fd + "\n"
                            + "at " + values(at) + "\n" + t.describe());
                }
            }
        }
    }

    static boolean close(double fd, double exact, double scale) {
        return Math.abs(fd - exact) <= RELATIVE * Math.max(Math.abs(fd), Math.abs(exact)) + ABSOLUTE * (1 + Math.abs(scale));
    }

    private static String values(Map<String, Tensor> at) {
        StringBuilder s = new StringBuilder();
        at.forEach((k, v) -> s.append(k).append('=').append(java.util.Arrays.toString(v.toDoubleArray())).append(' '));
        return s.toString();
    }
}
