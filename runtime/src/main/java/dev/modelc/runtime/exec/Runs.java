package dev.modelc.runtime.exec;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Short runs of f32 values copied or added on vector lanes: a convolution's unrolled rows are runs
 * of OW (often 10 to 28) values, where a call of {@code System.arraycopy} per run cost more than
 * the copy (profiled: {@code Im2Col}'s unfold was the largest part of a LeNet layer's step). A run
 * is whole vectors, then one vector of half and one of a quarter of the width, then single
 * values: every load and store lies inside the run, so no mask is needed (masked loads and stores
 * measured several times slower here) and nothing past the run is touched.
 */
final class Runs {
    private static final VectorSpecies<Float> WIDE = FloatVector.SPECIES_PREFERRED;
    private static final int W = WIDE.length();
    /** Half and a quarter of the preferred width, where those are at least four lanes (else null). */
    private static final VectorSpecies<Float> HALF = W >= 16 ? FloatVector.SPECIES_256 : W >= 8 ? FloatVector.SPECIES_128 : null;
    private static final VectorSpecies<Float> QUARTER = W >= 16 ? FloatVector.SPECIES_128 : null;

    private Runs() {
    }

    /** {@code dst[to, to + len) = src[from, from + len)}. */
    static void copy(float[] src, int from, float[] dst, int to, int len) {
        int q = 0;
        for (; q + W <= len; q += W) FloatVector.fromArray(WIDE, src, from + q).intoArray(dst, to + q);
        if (HALF != null && q + W / 2 <= len) {
            FloatVector.fromArray(HALF, src, from + q).intoArray(dst, to + q);
            q += W / 2;
        }
        if (QUARTER != null && q + W / 4 <= len) {
            FloatVector.fromArray(QUARTER, src, from + q).intoArray(dst, to + q);
            q += W / 4;
        }
        for (; q < len; q++) dst[to + q] = src[from + q];
    }

    /** {@code dst[to + q] += src[from + q]} for {@code q < len}: one f32 add per element. */
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
