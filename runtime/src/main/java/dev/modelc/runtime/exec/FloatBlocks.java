package dev.modelc.runtime.exec;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorGemm}'s register blocks in f32: up to 12 broadcast rows times NR = two
 * vectors' lanes of the result, held in registers while a k-block runs. 12 x 2 vectors are 24
 * accumulators of AVX-512's 32 vector registers, so each k step's two loads of the packed panel
 * serve 24 fused multiply-adds (a 4-row block served 8: its panel, streamed from L2, was what it waited
 * on; measured on one core at 256 x 784 x 256, f32: 4 rows 84-97 GFLOP/s, 8 rows 121-131,
 * 12 rows 126-141).
 *
 * <p>Every result element is a chain over k in order: a kernel starts each element from zero
 * ({@code acc} false) or from what the previous k-block stored ({@code acc} true: f32 values
 * stored and loaded back are the same values, so splitting k into blocks changes no bit), then
 * chains its terms in order. A kernel writes all NR lanes of its rows: {@link VectorGemm} hands
 * the last, partial panel a scratch block of its own.
 */
final class FloatBlocks {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int FL = F.length();
    /** Lanes of a packed panel: two vectors. */
    static final int NR = 2 * FL;
    /**
     * Broadcast rows of a full block: 12 where vectors are 512 bits (AVX-512, 32 vector
     * registers), else 4 ({@link #fourAlongK}, {@link #fourAcrossRows}): AVX2 has 16 registers, which 24
     * accumulators would spill out of. (Six rows, 12 accumulators and 15 vectors with the
     * panel's two and the broadcast, measured 42 GFLOP/s in f32 on one Zen 3 core against
     * 75-90 for four rows.)
     */
    static final int MR = FL >= 16 ? 12 : 4;

    /**
     * A block's first k-block starts its sums from these: each kernel loads its accumulators,
     * from here or from the partial sums a previous k-block stored, rather than choosing between
     * {@code zero()} and loads. With that choice a kernel that met both ran at 46-50 GFLOP/s
     * on one Zen 3 core (256 x 784 x 256, f32, four k-blocks) against 77-82 with loads either
     * way, or with k in one block (docs/benchmarks.md). Never written: {@code +0.0} in every
     * lane, the value {@code zero()} gives, so the chains and their bits are unchanged.
     */
    private static final float[] ZEROS = new float[NR];

    private FloatBlocks() {
    }

    /**
     * 12 x NR results over k in {@code [q0, q1)}, each broadcast row a contiguous run along k
     * ({@code s[at + r * srs + q]}: a row-major a, a transposed b). Packed lanes (q, 0..NR) at
     * {@code vAt + q * NR}; result row r at {@code to + r * ors}, all NR lanes;
     * {@code acc}: the sums resume from what the previous k-block stored there.
     */
    static void alongK(float[] s, int at, int srs, int q0, int q1, float[] v, int vAt,
                       float[] out, int to, int ors, boolean acc) {
        FloatVector r0a, r0b, r1a, r1b, r2a, r2b, r3a, r3b;
        FloatVector r4a, r4b, r5a, r5b, r6a, r6b, r7a, r7b;
        FloatVector r8a, r8b, r9a, r9b, r10a, r10b, r11a, r11b;
        // Loads either way, from the stored partial sums or from zeros, so the accumulators
        // enter the loop from one place (see ZEROS).
        float[] from = acc ? out : ZEROS;
        int fa = acc ? to : 0, frs = acc ? ors : 0;
        r0a = FloatVector.fromArray(F, from, fa); r0b = FloatVector.fromArray(F, from, fa + FL);
        r1a = FloatVector.fromArray(F, from, fa + frs); r1b = FloatVector.fromArray(F, from, fa + frs + FL);
        r2a = FloatVector.fromArray(F, from, fa + 2 * frs); r2b = FloatVector.fromArray(F, from, fa + 2 * frs + FL);
        r3a = FloatVector.fromArray(F, from, fa + 3 * frs); r3b = FloatVector.fromArray(F, from, fa + 3 * frs + FL);
        r4a = FloatVector.fromArray(F, from, fa + 4 * frs); r4b = FloatVector.fromArray(F, from, fa + 4 * frs + FL);
        r5a = FloatVector.fromArray(F, from, fa + 5 * frs); r5b = FloatVector.fromArray(F, from, fa + 5 * frs + FL);
        r6a = FloatVector.fromArray(F, from, fa + 6 * frs); r6b = FloatVector.fromArray(F, from, fa + 6 * frs + FL);
        r7a = FloatVector.fromArray(F, from, fa + 7 * frs); r7b = FloatVector.fromArray(F, from, fa + 7 * frs + FL);
        r8a = FloatVector.fromArray(F, from, fa + 8 * frs); r8b = FloatVector.fromArray(F, from, fa + 8 * frs + FL);
        r9a = FloatVector.fromArray(F, from, fa + 9 * frs); r9b = FloatVector.fromArray(F, from, fa + 9 * frs + FL);
        r10a = FloatVector.fromArray(F, from, fa + 10 * frs); r10b = FloatVector.fromArray(F, from, fa + 10 * frs + FL);
        r11a = FloatVector.fromArray(F, from, fa + 11 * frs); r11b = FloatVector.fromArray(F, from, fa + 11 * frs + FL);
        for (int q = q0; q < q1; q++) {
            int vq = vAt + q * NR;
            FloatVector b0 = FloatVector.fromArray(F, v, vq), b1 = FloatVector.fromArray(F, v, vq + FL);
            // One index stepped by the row stride: twelve row pointers would not fit the registers.
            int i = at + q;
            FloatVector x;
            x = FloatVector.broadcast(F, s[i]); r0a = x.fma(b0, r0a); r0b = x.fma(b1, r0b);
            x = FloatVector.broadcast(F, s[i += srs]); r1a = x.fma(b0, r1a); r1b = x.fma(b1, r1b);
            x = FloatVector.broadcast(F, s[i += srs]); r2a = x.fma(b0, r2a); r2b = x.fma(b1, r2b);
            x = FloatVector.broadcast(F, s[i += srs]); r3a = x.fma(b0, r3a); r3b = x.fma(b1, r3b);
            x = FloatVector.broadcast(F, s[i += srs]); r4a = x.fma(b0, r4a); r4b = x.fma(b1, r4b);
            x = FloatVector.broadcast(F, s[i += srs]); r5a = x.fma(b0, r5a); r5b = x.fma(b1, r5b);
            x = FloatVector.broadcast(F, s[i += srs]); r6a = x.fma(b0, r6a); r6b = x.fma(b1, r6b);
            x = FloatVector.broadcast(F, s[i += srs]); r7a = x.fma(b0, r7a); r7b = x.fma(b1, r7b);
            x = FloatVector.broadcast(F, s[i += srs]); r8a = x.fma(b0, r8a); r8b = x.fma(b1, r8b);
            x = FloatVector.broadcast(F, s[i += srs]); r9a = x.fma(b0, r9a); r9b = x.fma(b1, r9b);
            x = FloatVector.broadcast(F, s[i += srs]); r10a = x.fma(b0, r10a); r10b = x.fma(b1, r10b);
            x = FloatVector.broadcast(F, s[i += srs]); r11a = x.fma(b0, r11a); r11b = x.fma(b1, r11b);
        }
        r0a.intoArray(out, to); r0b.intoArray(out, to + FL);
        r1a.intoArray(out, to + ors); r1b.intoArray(out, to + ors + FL);
        r2a.intoArray(out, to + 2 * ors); r2b.intoArray(out, to + 2 * ors + FL);
        r3a.intoArray(out, to + 3 * ors); r3b.intoArray(out, to + 3 * ors + FL);
        r4a.intoArray(out, to + 4 * ors); r4b.intoArray(out, to + 4 * ors + FL);
        r5a.intoArray(out, to + 5 * ors); r5b.intoArray(out, to + 5 * ors + FL);
        r6a.intoArray(out, to + 6 * ors); r6b.intoArray(out, to + 6 * ors + FL);
        r7a.intoArray(out, to + 7 * ors); r7b.intoArray(out, to + 7 * ors + FL);
        r8a.intoArray(out, to + 8 * ors); r8b.intoArray(out, to + 8 * ors + FL);
        r9a.intoArray(out, to + 9 * ors); r9b.intoArray(out, to + 9 * ors + FL);
        r10a.intoArray(out, to + 10 * ors); r10b.intoArray(out, to + 10 * ors + FL);
        r11a.intoArray(out, to + 11 * ors); r11b.intoArray(out, to + 11 * ors + FL);
    }

    /**
     * 12 x NR results, as {@link #alongK}, with the broadcast rows adjacent and k strided
     * ({@code s[at + q * scs + r]}: a transposed a, a row-major b, as the weight gradients read
     * them): the twelve elements of a k step share a cache line or two.
     */
    static void acrossRows(float[] s, int at, int scs, int q0, int q1, float[] v, int vAt,
                           float[] out, int to, int ors, boolean acc) {
        FloatVector r0a, r0b, r1a, r1b, r2a, r2b, r3a, r3b;
        FloatVector r4a, r4b, r5a, r5b, r6a, r6b, r7a, r7b;
        FloatVector r8a, r8b, r9a, r9b, r10a, r10b, r11a, r11b;
        // Loads either way, from the stored partial sums or from zeros, so the accumulators
        // enter the loop from one place (see ZEROS).
        float[] from = acc ? out : ZEROS;
        int fa = acc ? to : 0, frs = acc ? ors : 0;
        r0a = FloatVector.fromArray(F, from, fa); r0b = FloatVector.fromArray(F, from, fa + FL);
        r1a = FloatVector.fromArray(F, from, fa + frs); r1b = FloatVector.fromArray(F, from, fa + frs + FL);
        r2a = FloatVector.fromArray(F, from, fa + 2 * frs); r2b = FloatVector.fromArray(F, from, fa + 2 * frs + FL);
        r3a = FloatVector.fromArray(F, from, fa + 3 * frs); r3b = FloatVector.fromArray(F, from, fa + 3 * frs + FL);
        r4a = FloatVector.fromArray(F, from, fa + 4 * frs); r4b = FloatVector.fromArray(F, from, fa + 4 * frs + FL);
        r5a = FloatVector.fromArray(F, from, fa + 5 * frs); r5b = FloatVector.fromArray(F, from, fa + 5 * frs + FL);
        r6a = FloatVector.fromArray(F, from, fa + 6 * frs); r6b = FloatVector.fromArray(F, from, fa + 6 * frs + FL);
        r7a = FloatVector.fromArray(F, from, fa + 7 * frs); r7b = FloatVector.fromArray(F, from, fa + 7 * frs + FL);
        r8a = FloatVector.fromArray(F, from, fa + 8 * frs); r8b = FloatVector.fromArray(F, from, fa + 8 * frs + FL);
        r9a = FloatVector.fromArray(F, from, fa + 9 * frs); r9b = FloatVector.fromArray(F, from, fa + 9 * frs + FL);
        r10a = FloatVector.fromArray(F, from, fa + 10 * frs); r10b = FloatVector.fromArray(F, from, fa + 10 * frs + FL);
        r11a = FloatVector.fromArray(F, from, fa + 11 * frs); r11b = FloatVector.fromArray(F, from, fa + 11 * frs + FL);
        int p = at + q0 * scs;
        for (int q = q0; q < q1; q++, p += scs) {
            int vq = vAt + q * NR;
            FloatVector b0 = FloatVector.fromArray(F, v, vq), b1 = FloatVector.fromArray(F, v, vq + FL);
            FloatVector x;
            x = FloatVector.broadcast(F, s[p]); r0a = x.fma(b0, r0a); r0b = x.fma(b1, r0b);
            x = FloatVector.broadcast(F, s[p + 1]); r1a = x.fma(b0, r1a); r1b = x.fma(b1, r1b);
            x = FloatVector.broadcast(F, s[p + 2]); r2a = x.fma(b0, r2a); r2b = x.fma(b1, r2b);
            x = FloatVector.broadcast(F, s[p + 3]); r3a = x.fma(b0, r3a); r3b = x.fma(b1, r3b);
            x = FloatVector.broadcast(F, s[p + 4]); r4a = x.fma(b0, r4a); r4b = x.fma(b1, r4b);
            x = FloatVector.broadcast(F, s[p + 5]); r5a = x.fma(b0, r5a); r5b = x.fma(b1, r5b);
            x = FloatVector.broadcast(F, s[p + 6]); r6a = x.fma(b0, r6a); r6b = x.fma(b1, r6b);
            x = FloatVector.broadcast(F, s[p + 7]); r7a = x.fma(b0, r7a); r7b = x.fma(b1, r7b);
            x = FloatVector.broadcast(F, s[p + 8]); r8a = x.fma(b0, r8a); r8b = x.fma(b1, r8b);
            x = FloatVector.broadcast(F, s[p + 9]); r9a = x.fma(b0, r9a); r9b = x.fma(b1, r9b);
            x = FloatVector.broadcast(F, s[p + 10]); r10a = x.fma(b0, r10a); r10b = x.fma(b1, r10b);
            x = FloatVector.broadcast(F, s[p + 11]); r11a = x.fma(b0, r11a); r11b = x.fma(b1, r11b);
        }
        r0a.intoArray(out, to); r0b.intoArray(out, to + FL);
        r1a.intoArray(out, to + ors); r1b.intoArray(out, to + ors + FL);
        r2a.intoArray(out, to + 2 * ors); r2b.intoArray(out, to + 2 * ors + FL);
        r3a.intoArray(out, to + 3 * ors); r3b.intoArray(out, to + 3 * ors + FL);
        r4a.intoArray(out, to + 4 * ors); r4b.intoArray(out, to + 4 * ors + FL);
        r5a.intoArray(out, to + 5 * ors); r5b.intoArray(out, to + 5 * ors + FL);
        r6a.intoArray(out, to + 6 * ors); r6b.intoArray(out, to + 6 * ors + FL);
        r7a.intoArray(out, to + 7 * ors); r7b.intoArray(out, to + 7 * ors + FL);
        r8a.intoArray(out, to + 8 * ors); r8b.intoArray(out, to + 8 * ors + FL);
        r9a.intoArray(out, to + 9 * ors); r9b.intoArray(out, to + 9 * ors + FL);
        r10a.intoArray(out, to + 10 * ors); r10b.intoArray(out, to + 10 * ors + FL);
        r11a.intoArray(out, to + 11 * ors); r11b.intoArray(out, to + 11 * ors + FL);
    }

    /**
     * 4 x NR results, as {@link #alongK} ({@code s[at + r * srs + q]}): every block where blocks
     * are 4 rows (AVX2), and the rows a 12-row block leaves. Written out for its layout, as the
     * 12-row kernels are: one index stepped by the row stride, so each k step's four broadcasts
     * cost four loads and no index arithmetic (a kernel taking both strides, {@code s[s0 + q * scs]}
     * per row, ran at 55-65 GFLOP/s on one Zen 3 core where this one runs at 75-90: docs/benchmarks.md).
     */
    static void fourAlongK(float[] s, int at, int srs, int q0, int q1, float[] v, int vAt,
                           float[] out, int to, int ors, boolean acc) {
        FloatVector r0a, r0b, r1a, r1b, r2a, r2b, r3a, r3b;
        // Loads either way, from the stored partial sums or from zeros, so the accumulators
        // enter the loop from one place (see ZEROS).
        float[] from = acc ? out : ZEROS;
        int fa = acc ? to : 0, frs = acc ? ors : 0;
        r0a = FloatVector.fromArray(F, from, fa); r0b = FloatVector.fromArray(F, from, fa + FL);
        r1a = FloatVector.fromArray(F, from, fa + frs); r1b = FloatVector.fromArray(F, from, fa + frs + FL);
        r2a = FloatVector.fromArray(F, from, fa + 2 * frs); r2b = FloatVector.fromArray(F, from, fa + 2 * frs + FL);
        r3a = FloatVector.fromArray(F, from, fa + 3 * frs); r3b = FloatVector.fromArray(F, from, fa + 3 * frs + FL);
        for (int q = q0; q < q1; q++) {
            int vq = vAt + q * NR;
            FloatVector b0 = FloatVector.fromArray(F, v, vq), b1 = FloatVector.fromArray(F, v, vq + FL);
            int i = at + q;
            FloatVector x;
            x = FloatVector.broadcast(F, s[i]); r0a = x.fma(b0, r0a); r0b = x.fma(b1, r0b);
            x = FloatVector.broadcast(F, s[i += srs]); r1a = x.fma(b0, r1a); r1b = x.fma(b1, r1b);
            x = FloatVector.broadcast(F, s[i += srs]); r2a = x.fma(b0, r2a); r2b = x.fma(b1, r2b);
            x = FloatVector.broadcast(F, s[i += srs]); r3a = x.fma(b0, r3a); r3b = x.fma(b1, r3b);
        }
        r0a.intoArray(out, to); r0b.intoArray(out, to + FL);
        r1a.intoArray(out, to + ors); r1b.intoArray(out, to + ors + FL);
        r2a.intoArray(out, to + 2 * ors); r2b.intoArray(out, to + 2 * ors + FL);
        r3a.intoArray(out, to + 3 * ors); r3b.intoArray(out, to + 3 * ors + FL);
    }

    /**
     * 4 x NR results, as {@link #acrossRows} ({@code s[at + q * scs + r]}: a transposed a, or a's
     * rows packed four to a run).
     */
    static void fourAcrossRows(float[] s, int at, int scs, int q0, int q1, float[] v, int vAt,
                               float[] out, int to, int ors, boolean acc) {
        FloatVector r0a, r0b, r1a, r1b, r2a, r2b, r3a, r3b;
        // Loads either way, from the stored partial sums or from zeros, so the accumulators
        // enter the loop from one place (see ZEROS).
        float[] from = acc ? out : ZEROS;
        int fa = acc ? to : 0, frs = acc ? ors : 0;
        r0a = FloatVector.fromArray(F, from, fa); r0b = FloatVector.fromArray(F, from, fa + FL);
        r1a = FloatVector.fromArray(F, from, fa + frs); r1b = FloatVector.fromArray(F, from, fa + frs + FL);
        r2a = FloatVector.fromArray(F, from, fa + 2 * frs); r2b = FloatVector.fromArray(F, from, fa + 2 * frs + FL);
        r3a = FloatVector.fromArray(F, from, fa + 3 * frs); r3b = FloatVector.fromArray(F, from, fa + 3 * frs + FL);
        int p = at + q0 * scs;
        for (int q = q0; q < q1; q++, p += scs) {
            int vq = vAt + q * NR;
            FloatVector b0 = FloatVector.fromArray(F, v, vq), b1 = FloatVector.fromArray(F, v, vq + FL);
            FloatVector x;
            x = FloatVector.broadcast(F, s[p]); r0a = x.fma(b0, r0a); r0b = x.fma(b1, r0b);
            x = FloatVector.broadcast(F, s[p + 1]); r1a = x.fma(b0, r1a); r1b = x.fma(b1, r1b);
            x = FloatVector.broadcast(F, s[p + 2]); r2a = x.fma(b0, r2a); r2b = x.fma(b1, r2b);
            x = FloatVector.broadcast(F, s[p + 3]); r3a = x.fma(b0, r3a); r3b = x.fma(b1, r3b);
        }
        r0a.intoArray(out, to); r0b.intoArray(out, to + FL);
        r1a.intoArray(out, to + ors); r1b.intoArray(out, to + ors + FL);
        r2a.intoArray(out, to + 2 * ors); r2b.intoArray(out, to + 2 * ors + FL);
        r3a.intoArray(out, to + 3 * ors); r3b.intoArray(out, to + 3 * ors + FL);
    }

    /** One broadcast row's NR results, any stride: {@code s[at + q * scs]}. */
    static void line(float[] s, int at, int scs, int q0, int q1, float[] v, int vAt,
                     float[] out, int to, boolean acc) {
        FloatVector r0a, r0b;
        // Loads either way, from the stored partial sums or from zeros, so the accumulators
        // enter the loop from one place (see ZEROS).
        float[] from = acc ? out : ZEROS;
        int fa = acc ? to : 0;
        r0a = FloatVector.fromArray(F, from, fa); r0b = FloatVector.fromArray(F, from, fa + FL);
        for (int q = q0; q < q1; q++) {
            int vq = vAt + q * NR;
            FloatVector b0 = FloatVector.fromArray(F, v, vq), b1 = FloatVector.fromArray(F, v, vq + FL);
            FloatVector x;
            x = FloatVector.broadcast(F, s[at + q * scs]); r0a = x.fma(b0, r0a); r0b = x.fma(b1, r0b);
        }
        r0a.intoArray(out, to); r0b.intoArray(out, to + FL);
    }
}
