package dev.modelc.runtime.exec;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A short run of f32 values added into another on vector lanes: col2im adds a convolution's
 * unrolled rows back into the input's gradient in runs of OW values (often 10 to 28), too short
 * for C2's vectorized loops, so a scalar loop added one value at a time. A run is whole vectors,
 * then one vector of half and one of a quarter of the width, then single values: every load and
 * store lies inside the run, so no mask is needed (masked loads and stores measured several times
 * slower here) and nothing past the run is touched (the next values may be another thread's).
 * Measured on {@link Im2Col}'s whole input gradient (one core, the two alternated in one JVM):
 * about a quarter less time than with the scalar loop at the CNN sample's and LeNet's layers.
 */
final class Runs {
    private static final VectorSpecies<Float> WIDE = FloatVector.SPECIES_PREFERRED;
    private static final int W = WIDE.length();
    /** Half and a quarter of the preferred width, where those are at least four lanes (else null). */
    private static final VectorSpecies<Float> HALF = W >= 16 ? FloatVector.SPECIES_256 : W >= 8 ? FloatVector.SPECIES_128 : null;
    private static final VectorSpecies<Float> QUARTER = W >= 16 ? FloatVector.SPECIES_128 : null;

    private Runs() {
    }

    /** {@code dst[to + q] += src[from + q]} for {@code q < len}: one f32 add per element, as the scalar loop. */
    static void add(float[] src, int from, float[] dst, int to, int len) {
        int q = 0;
        for (; q + W <= len; q += W) {
            FloatVector.fromArray(WIDE, dst, to + q).add(FloatVector.fromArray(WIDE, src, from + q)).intoArray(dst, to + q);
        }
        if (HALF != null && q + W / 2 <= len) {
            FloatVector.fromArray(HALF, dst, to + q).add(FloatVector.fromArray(HALF, src, from + q)).intoArray(dst, to + q);
            q += W / 2;
        }
        if (QUARTER != null && q + W / 4 <= len) {
            FloatVector.fromArray(QUARTER, dst, to + q).add(FloatVector.fromArray(QUARTER, src, from + q)).intoArray(dst, to + q);
            q += W / 4;
        }
        for (; q < len; q++) dst[to + q] += src[from + q];
    }
}
