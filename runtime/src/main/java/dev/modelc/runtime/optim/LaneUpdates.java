package dev.modelc.runtime.optim;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Updates} on {@code jdk.incubator.vector} lanes: plain SGD's {@code p + negLr * g} and the
 * finite test in one pass over the arrays. The same bits as the scalar loops: each lane does what
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
