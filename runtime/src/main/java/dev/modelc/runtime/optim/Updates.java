package dev.modelc.runtime.optim;

import dev.modelc.runtime.Lanes;
import dev.modelc.runtime.exec.Parallel;

/**
 * The element loops of the optimizers' float paths that run on vector lanes where the JVM has
 * them ({@link LaneUpdates}) and as scalar Java otherwise, with the same bits and the same
 * answers either way (tests run both): plain SGD's update and Adam's f32 update, each with its
 * finite test in the same pass, and the finite test alone.
 */
final class Updates {
    /** Whether the loops run on lanes: as {@link Lanes#current()} says. */
    static final boolean LANES = Lanes.current().on();

    private Updates() {
    }

    /**
     * {@code next[i] = p[i] + negLr * g[i]} for i in {@code [from, to)}, a float multiply then a
     * float add (not an FMA: the general path's rounding after each operation); whether every
     * next value is finite.
     */
    static boolean sgd(float[] p, float[] g, float negLr, float[] next, int from, int to, boolean lanes) {
        if (lanes) return LaneUpdates.sgd(p, g, negLr, next, from, to);
        boolean finite = true;
        // A block at a time, tested while it is in cache.
        for (int start = from; start < to; start += ParamBuffers.BLOCK) {
            int end = Math.min(to, start + ParamBuffers.BLOCK);
            for (int i = start; i < end; i++) next[i] = p[i] + negLr * g[i];
            finite &= finiteScalar(next, start, end);
        }
        return finite;
    }

    /** {@link #sgd(float[], float[], float, float[], int, int, boolean)} in f64. */
    static boolean sgd(double[] p, double[] g, double negLr, double[] next, int from, int to, boolean lanes) {
        if (lanes) return LaneUpdates.sgd(p, g, negLr, next, from, to);
        boolean finite = true;
        for (int start = from; start < to; start += ParamBuffers.BLOCK) {
            int end = Math.min(to, start + ParamBuffers.BLOCK);
            for (int i = start; i < end; i++) next[i] = p[i] + negLr * g[i];
            finite &= finiteScalar(next, start, end);
        }
        return finite;
    }

    /**
     * Adam's (and AdamW's) scalars for an f32 param, rounded to float ({@link StepRule.AdamScalars}),
     * and which of the optional terms apply: AdamW's {@code decay} of p, Adam's {@code l2} term
     * added to g, the lerp's {@code small} form.
     */
    record AdamFloats(boolean decay, boolean l2, boolean small, float cDecay, float weightDecay, float w, float oneMinusW,
                      float beta2, float oneMinusBeta2, float biasCorrection2Sqrt, float eps, float negStepSize) {
        static AdamFloats of(StepRule.AdamScalars c, boolean decay, boolean l2) {
            return new AdamFloats(decay, l2, c.small(), (float) c.decay(), (float) c.weightDecay(), (float) c.w(),
                    (float) c.oneMinusW(), (float) c.beta2(), (float) c.oneMinusBeta2(), (float) c.biasCorrection2Sqrt(),
                    (float) c.eps(), (float) c.negStepSize());
        }
    }

    /**
     * One Adam step of f32 elements {@code [from, to)} in float arithmetic ({@link Adam}'s formula,
     * each operation rounded to float; the moments {@code m} and {@code v} are f64 arrays holding
     * f32 values, updated in place); whether every new value is finite.
     */
    static boolean adam(float[] p, float[] g, double[] m, double[] v, float[] next, int from, int to, AdamFloats c,
                        boolean lanes) {
        if (lanes && LaneUpdates.adamOnLanes()) return LaneUpdates.adam(p, g, m, v, next, from, to, c);
        boolean finite = true;
        for (int start = from; start < to; start += ParamBuffers.BLOCK) {
            int end = Math.min(to, start + ParamBuffers.BLOCK);
            for (int i = start; i < end; i++) next[i] = adam(p, g, m, v, i, c);
            finite &= finiteScalar(next, start, end);
        }
        return finite;
    }

    /** Element {@code i} of {@link #adam(float[], float[], double[], double[], float[], int, int, AdamFloats, boolean)}: its moments updated, its new value returned. */
    static float adam(float[] p, float[] g, double[] m, double[] v, int i, AdamFloats c) {
        float pi = c.decay() ? p[i] * c.cDecay() : p[i];
        float gi = c.l2() ? g[i] + c.weightDecay() * p[i] : g[i];
        float mi = (float) m[i];
        float diff = gi - mi;
        mi = c.small() ? mi + c.w() * diff : gi - diff * c.oneMinusW();
        float vi = (float) v[i] * c.beta2();
        vi = vi + (c.oneMinusBeta2() * gi) * gi;
        m[i] = mi;
        v[i] = vi;
        float denom = (float) Math.sqrt(vi) / c.biasCorrection2Sqrt() + c.eps();
        return pi + (c.negStepSize() * mi) / denom;
    }

    /** Whether values {@code from} to {@code to} of {@code v} are all finite, on lanes or not. */
    static boolean finite(float[] v, int from, int to, boolean lanes) {
        return lanes ? LaneUpdates.finite(v, from, to) : finiteScalar(v, from, to);
    }

    /** {@link #finite(float[], int, int, boolean)} for doubles. */
    static boolean finite(double[] v, int from, int to, boolean lanes) {
        return lanes ? LaneUpdates.finite(v, from, to) : finiteScalar(v, from, to);
    }

    /**
     * The scalar test: the largest magnitude, a branch-free max reduction, is NaN or infinite
     * when one of the values is.
     */
    static boolean finiteScalar(float[] v, int from, int to) {
        float largest = 0;
        for (int i = from; i < to; i++) largest = Math.max(largest, Math.abs(v[i]));
        return largest <= Float.MAX_VALUE;
    }

    /** {@link #finiteScalar(float[], int, int)} for doubles. */
    static boolean finiteScalar(double[] v, int from, int to) {
        double largest = 0;
        for (int i = from; i < to; i++) largest = Math.max(largest, Math.abs(v[i]));
        return largest <= Double.MAX_VALUE;
    }

    /** A pass over elements {@code [from, to)} that says whether every value it wrote is finite. */
    @FunctionalInterface
    interface Pass {
        boolean run(int from, int to);
    }

    /** Elements of a param a core updates at least: a fork-join hop costs about as much as updating this many. */
    static final int CHUNK = 1 << 14;

    /**
     * Runs {@code pass} over {@code [0, n)}, split across cores in chunks when the param is
     * large (the update is bound by memory, which two cores read faster than one); whether every
     * value is finite. Which core writes an element changes no bit.
     */
    static boolean split(int n, Pass pass) {
        int chunks = (n + CHUNK - 1) / CHUNK;
        if (Parallel.tasks(chunks, CHUNK) <= 1) return pass.run(0, n);
        boolean[] nonFinite = new boolean[chunks];
        // Each task writes the slot of its first chunk only.
        Parallel.forRange(chunks, CHUNK, (s, e) -> nonFinite[s] = !pass.run(s * CHUNK, Math.min(n, e * CHUNK)));
        for (boolean bad : nonFinite) if (bad) return false;
        return true;
    }
}
