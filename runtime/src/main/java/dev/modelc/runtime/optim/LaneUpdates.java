package dev.modelc.runtime.optim;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Updates} on {@code jdk.incubator.vector} lanes: plain SGD's {@code p + negLr * g}, Adam's
 * f32 step and the finite test, each in one pass over the arrays. The same bits as the scalar loops: each lane does what
 * one iteration does, a multiply then an add, each rounded ({@code mul} and {@code add} are never
 * fused into an FMA). The finite test accumulates {@code x - x}, which is {@code +0} for a finite
 * x and NaN for an infinity or a NaN, with lane-wise adds (NaN stays NaN): two instructions a
 * vector, where a running {@code max(|x|)} with Java's NaN rule costs a blend sequence; the
 * answer is the same ({@link ParamBuffers#finite}'s max is finite exactly when every value is).
 *
 * <p>Only {@link Updates} touches this class, and only when the vector module is in the boot
 * layer: loading it without the module would fail.
 */
final class LaneUpdates {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /**
     * Floats in half a vector: as many lanes as {@link #D}, for loops over f32 values and f64
     * moments. Null where a vector holds one double (a JVM run with {@code -XX:MaxVectorSize=8}):
     * there is no 32-bit float shape, and Adam takes the scalar loop ({@link #adamOnLanes}).
     */
    private static final VectorSpecies<Float> HALF =
            D.length() >= 2 ? VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2)) : null;

    private LaneUpdates() {
    }

    /** {@code next[i] = p[i] + negLr * g[i]} for i in {@code [from, to)}; whether every next value is finite. */
    static boolean sgd(float[] p, float[] g, float negLr, float[] next, int from, int to) {
        FloatVector lr = FloatVector.broadcast(F, negLr), nan = FloatVector.zero(F);
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, p, i).add(FloatVector.fromArray(F, g, i).mul(lr));
            x.intoArray(next, i);
            nan = nan.add(x.sub(x));
        }
        float tail = 0;
        for (; i < to; i++) {
            float x = p[i] + negLr * g[i];
            next[i] = x;
            tail += x - x;
        }
        return nan.reduceLanes(VectorOperators.ADD) + tail == 0;
    }

    /** {@link #sgd(float[], float[], float, float[], int, int)} in f64. */
    static boolean sgd(double[] p, double[] g, double negLr, double[] next, int from, int to) {
        DoubleVector lr = DoubleVector.broadcast(D, negLr), nan = DoubleVector.zero(D);
        int i = from;
        for (int bound = from + D.loopBound(to - from); i < bound; i += D.length()) {
            DoubleVector x = DoubleVector.fromArray(D, p, i).add(DoubleVector.fromArray(D, g, i).mul(lr));
            x.intoArray(next, i);
            nan = nan.add(x.sub(x));
        }
        double tail = 0;
        for (; i < to; i++) {
            double x = p[i] + negLr * g[i];
            next[i] = x;
            tail += x - x;
        }
        return nan.reduceLanes(VectorOperators.ADD) + tail == 0;
    }

    /**
     * Adam's f32 step ({@link Updates#adam}) a vector at a time: the f64 moments converted to
     * float lanes (exactly: they hold f32 values) and back, so a vector holds as many floats as
     * the moments' vector holds doubles; each lane's operations are the scalar loop's, in its
     * order (the square root of a float lane is the float square root, as {@code (float)
     * Math.sqrt} of it is).
     */
    /** Whether {@link #adam} runs on lanes on this JVM (see {@link #HALF}). */
    static boolean adamOnLanes() {
        return HALF != null;
    }

    static boolean adam(float[] p, float[] g, double[] m, double[] v, float[] next, int from, int to, Updates.AdamFloats c) {
        boolean decay = c.decay(), l2 = c.l2(), small = c.small();
        float cDecay = c.cDecay(), weightDecay = c.weightDecay(), w = c.w(), oneMinusW = c.oneMinusW(), beta2 = c.beta2(),
                oneMinusBeta2 = c.oneMinusBeta2(), bc2Sqrt = c.biasCorrection2Sqrt(), eps = c.eps(), negStepSize = c.negStepSize();
        FloatVector nan = FloatVector.zero(HALF);
        int i = from;
        for (int bound = from + D.loopBound(to - from); i < bound; i += D.length()) {
            FloatVector pv = FloatVector.fromArray(HALF, p, i), gv = FloatVector.fromArray(HALF, g, i);
            FloatVector pi = decay ? pv.mul(cDecay) : pv;
            FloatVector gi = l2 ? gv.add(pv.mul(weightDecay)) : gv;
            FloatVector mi = (FloatVector) DoubleVector.fromArray(D, m, i).convertShape(VectorOperators.D2F, HALF, 0);
            FloatVector diff = gi.sub(mi);
            mi = small ? mi.add(diff.mul(w)) : gi.sub(diff.mul(oneMinusW));
            FloatVector vi = ((FloatVector) DoubleVector.fromArray(D, v, i).convertShape(VectorOperators.D2F, HALF, 0)).mul(beta2);
            vi = vi.add(gi.mul(oneMinusBeta2).mul(gi));
            ((DoubleVector) mi.convertShape(VectorOperators.F2D, D, 0)).intoArray(m, i);
            ((DoubleVector) vi.convertShape(VectorOperators.F2D, D, 0)).intoArray(v, i);
            FloatVector denom = vi.sqrt().div(bc2Sqrt).add(eps);
            FloatVector x = pi.add(mi.mul(negStepSize).div(denom));
            x.intoArray(next, i);
            nan = nan.add(x.sub(x));
        }
        float tail = 0;
        for (; i < to; i++) {
            float x = Updates.adam(p, g, m, v, i, c);
            next[i] = x;
            tail += x - x;
        }
        return nan.reduceLanes(VectorOperators.ADD) + tail == 0;
    }

    /** Whether values {@code from} to {@code to} of {@code v} are all finite. */
    static boolean finite(float[] v, int from, int to) {
        FloatVector nan = FloatVector.zero(F);
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, v, i);
            nan = nan.add(x.sub(x));
        }
        float tail = 0;
        for (; i < to; i++) tail += v[i] - v[i];
        return nan.reduceLanes(VectorOperators.ADD) + tail == 0;
    }

    /** {@link #finite(float[], int, int)} for doubles. */
    static boolean finite(double[] v, int from, int to) {
        DoubleVector nan = DoubleVector.zero(D);
        int i = from;
        for (int bound = from + D.loopBound(to - from); i < bound; i += D.length()) {
            DoubleVector x = DoubleVector.fromArray(D, v, i);
            nan = nan.add(x.sub(x));
        }
        double tail = 0;
        for (; i < to; i++) tail += v[i] - v[i];
        return nan.reduceLanes(VectorOperators.ADD) + tail == 0;
    }
}
