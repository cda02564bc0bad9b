package dev.modelc.runtime.optim;

import dev.modelc.runtime.Lanes;

/**
 * The element loops of the optimizers' float paths that run on vector lanes where the JVM has
 * them ({@link LaneUpdates}) and as scalar Java otherwise, with the same bits and the same
 * answers either way (tests run both): plain SGD's update with its finite test in one pass, and
 * the finite test alone.
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
}
