package dev.modelc.runtime.exec;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorGemm}'s register blocks in f64: up to 12 broadcast rows times NR = two
 * vectors' lanes of the result, held in registers while a k-block runs. 12 x 2 vectors are 24
 * accumulators of AVX-512's 32 vector registers, so each k step's two loads of the packed panel
 * serve 24 multiply-add pairs (a 4-row block served 8: its panel, streamed from L2, was what it waited
 * on; measured on one core at 256 x 784 x 256, f32: 4 rows 84-97 GFLOP/s, 8 rows 121-131,
 * 12 rows 126-141).
 *
 * <p>Every result element is a chain over k in order: a kernel starts each element from zero
 * ({@code acc} false) or from what the previous k-block stored ({@code acc} true: f64 values
 * stored and loaded back are the same values, so splitting k into blocks changes no bit), then
 * adds the rounded product of its terms in order. A kernel writes all NR lanes of its rows: {@link VectorGemm} hands
 * the last, partial panel a scratch block of its own.
 */
final class DoubleBlocks {
    static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    static final int DL = D.length();
    /** Lanes of a packed panel: two vectors. */
    static final int NR = 2 * DL;
    /**
     * Broadcast rows of a full block: 12 where vectors are 512 bits (AVX-512, 32 vector
     * registers), else 4 ({@link #fourAlongK}, {@link #fourAcrossRows}): AVX2 has 16 registers, which 24
     * accumulators would spill out of. (Six rows, 12 accumulators and 15 vectors with the
     * panel's two and the broadcast, measured 42 GFLOP/s in f32 on one Zen 3 core against
     * 85-93 for four rows.)
     */
    static final int MR = DL >= 8 ? 12 : 4;

    /**
     * A block's first k-block starts its sums from these: each kernel loads its accumulators,
     * from here or from the partial sums a previous k-block stored, rather than choosing between
     * {@code zero()} and loads. With that choice a kernel that met both ran at 46-50 GFLOP/s
     * on one Zen 3 core (256 x 784 x 256, f32, four k-blocks) against 77-82 with loads either
     * way, or with k in one block (docs/benchmarks.md). Never written: {@code +0.0} in every
     * lane, the value {@code zero()} gives, so the chains and their bits are unchanged.
     */
    private static final double[] ZEROS = new double[NR];

    private DoubleBlocks() {
    }

    /**
     * 12 x NR results over k in {@code [q0, q1)}, each broadcast row a contiguous run along k
     * ({@code s[at + r * srs + q]}: a row-major a, a transposed b). Packed lanes (q, 0..NR) at
     * {@code vAt + q * NR}; result row r at {@code to + r * ors}, all NR lanes;
     * {@code acc}: the sums resume from what the previous k-block stored there.
     */
    static void alongK(double[] s, int at, int srs, int q0, int q1, double[] v, int vAt,
                       double[] out, int to, int ors, boolean acc) {
        DoubleVector r0a, r0b, r1a, r1b, r2a, r2b, r3a, r3b;
        DoubleVector r4a, r4b, r5a, r5b, r6a, r6b, r7a, r7b;
        DoubleVector r8a, r8b, r9a, r9b, r10a, r10b, r11a, r11b;
        // Loads either way, from the stored partial sums or from zeros, so the accumulators
        // enter the loop from one place (see ZEROS).
        double[] from = acc ? out : ZEROS;
        int fa = acc ? to : 0, frs = acc ? ors : 0;
        r0a = DoubleVector.fromArray(D, from, fa); r0b = DoubleVector.fromArray(D, from, fa + DL);
        r1a = DoubleVector.fromArray(D, from, fa + frs); r1b = DoubleVector.fromArray(D, from, fa + frs + DL);
        r2a = DoubleVector.fromArray(D, from, fa + 2 * frs); r2b = DoubleVector.fromArray(D, from, fa + 2 * frs + DL);
        r3a = DoubleVector.fromArray(D, from, fa + 3 * frs); r3b = DoubleVector.fromArray(D, from, fa + 3 * frs + DL);
        r4a = DoubleVector.fromArray(D, from, fa + 4 * frs); r4b = DoubleVector.fromArray(D, from, fa + 4 * frs + DL);
        r5a = DoubleVector.fromArray(D, from, fa + 5 * frs); r5b = DoubleVector.fromArray(D, from, fa + 5 * frs + DL);
        r6a = DoubleVector.fromArray(D, from, fa + 6 * frs); r6b = DoubleVector.fromArray(D, from, fa + 6 * frs + DL);
        r7a = DoubleVector.fromArray(D, from, fa + 7 * frs); r7b = DoubleVector.fromArray(D, from, fa + 7 * frs + DL);
        r8a = DoubleVector.fromArray(D, from, fa + 8 * frs); r8b = DoubleVector.fromArray(D, from, fa + 8 * frs + DL);
        r9a = DoubleVector.fromArray(D, from, fa + 9 * frs); r9b = DoubleVector.fromArray(D, from, fa + 9 * frs + DL);
        r10a = DoubleVector.fromArray(D, from, fa + 10 * frs); r10b = DoubleVector.fromArray(D, from, fa + 10 * frs + DL);
        r11a = DoubleVector.fromArray(D, from, fa + 11 * frs); r11b = DoubleVector.fromArray(D, from, fa + 11 * frs + DL);
        for (int q = q0; q < q1; q++) {
            int vq = vAt + q * NR;
            DoubleVector b0 = DoubleVector.fromArray(D, v, vq), b1 = DoubleVector.fromArray(D, v, vq + DL);
            // One index stepped by the row stride: twelve row pointers would not fit the registers.
            int i = at + q;
            DoubleVector x;
            x = DoubleVector.broadcast(D, s[i]); r0a = r0a.add(x.mul(b0)); r0b = r0b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[i += srs]); r1a = r1a.add(x.mul(b0)); r1b = r1b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[i += srs]); r2a = r2a.add(x.mul(b0)); r2b = r2b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[i += srs]); r3a = r3a.add(x.mul(b0)); r3b = r3b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[i += srs]); r4a = r4a.add(x.mul(b0)); r4b = r4b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[i += srs]); r5a = r5a.add(x.mul(b0)); r5b = r5b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[i += srs]); r6a = r6a.add(x.mul(b0)); r6b = r6b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[i += srs]); r7a = r7a.add(x.mul(b0)); r7b = r7b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[i += srs]); r8a = r8a.add(x.mul(b0)); r8b = r8b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[i += srs]); r9a = r9a.add(x.mul(b0)); r9b = r9b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[i += srs]); r10a = r10a.add(x.mul(b0)); r10b = r10b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[i += srs]); r11a = r11a.add(x.mul(b0)); r11b = r11b.add(x.mul(b1));
        }
        r0a.intoArray(out, to); r0b.intoArray(out, to + DL);
        r1a.intoArray(out, to + ors); r1b.intoArray(out, to + ors + DL);
        r2a.intoArray(out, to + 2 * ors); r2b.intoArray(out, to + 2 * ors + DL);
        r3a.intoArray(out, to + 3 * ors); r3b.intoArray(out, to + 3 * ors + DL);
        r4a.intoArray(out, to + 4 * ors); r4b.intoArray(out, to + 4 * ors + DL);
        r5a.intoArray(out, to + 5 * ors); r5b.intoArray(out, to + 5 * ors + DL);
        r6a.intoArray(out, to + 6 * ors); r6b.intoArray(out, to + 6 * ors + DL);
        r7a.intoArray(out, to + 7 * ors); r7b.intoArray(out, to + 7 * ors + DL);
        r8a.intoArray(out, to + 8 * ors); r8b.intoArray(out, to + 8 * ors + DL);
        r9a.intoArray(out, to + 9 * ors); r9b.intoArray(out, to + 9 * ors + DL);
        r10a.intoArray(out, to + 10 * ors); r10b.intoArray(out, to + 10 * ors + DL);
        r11a.intoArray(out, to + 11 * ors); r11b.intoArray(out, to + 11 * ors + DL);
    }

    /**
     * 12 x NR results, as {@link #alongK}, with the broadcast rows adjacent and k strided
     * ({@code s[at + q * scs + r]}: a transposed a, a row-major b, as the weight gradients read
     * them): the twelve elements of a k step share a cache line or two.
     */
    static void acrossRows(double[] s, int at, int scs, int q0, int q1, double[] v, int vAt,
                           double[] out, int to, int ors, boolean acc) {
        DoubleVector r0a, r0b, r1a, r1b, r2a, r2b, r3a, r3b;
        DoubleVector r4a, r4b, r5a, r5b, r6a, r6b, r7a, r7b;
        DoubleVector r8a, r8b, r9a, r9b, r10a, r10b, r11a, r11b;
        // Loads either way, from the stored partial sums or from zeros, so the accumulators
        // enter the loop from one place (see ZEROS).
        double[] from = acc ? out : ZEROS;
        int fa = acc ? to : 0, frs = acc ? ors : 0;
        r0a = DoubleVector.fromArray(D, from, fa); r0b = DoubleVector.fromArray(D, from, fa + DL);
        r1a = DoubleVector.fromArray(D, from, fa + frs); r1b = DoubleVector.fromArray(D, from, fa + frs + DL);
        r2a = DoubleVector.fromArray(D, from, fa + 2 * frs); r2b = DoubleVector.fromArray(D, from, fa + 2 * frs + DL);
        r3a = DoubleVector.fromArray(D, from, fa + 3 * frs); r3b = DoubleVector.fromArray(D, from, fa + 3 * frs + DL);
        r4a = DoubleVector.fromArray(D, from, fa + 4 * frs); r4b = DoubleVector.fromArray(D, from, fa + 4 * frs + DL);
        r5a = DoubleVector.fromArray(D, from, fa + 5 * frs); r5b = DoubleVector.fromArray(D, from, fa + 5 * frs + DL);
        r6a = DoubleVector.fromArray(D, from, fa + 6 * frs); r6b = DoubleVector.fromArray(D, from, fa + 6 * frs + DL);
        r7a = DoubleVector.fromArray(D, from, fa + 7 * frs); r7b = DoubleVector.fromArray(D, from, fa + 7 * frs + DL);
        r8a = DoubleVector.fromArray(D, from, fa + 8 * frs); r8b = DoubleVector.fromArray(D, from, fa + 8 * frs + DL);
        r9a = DoubleVector.fromArray(D, from, fa + 9 * frs); r9b = DoubleVector.fromArray(D, from, fa + 9 * frs + DL);
        r10a = DoubleVector.fromArray(D, from, fa + 10 * frs); r10b = DoubleVector.fromArray(D, from, fa + 10 * frs + DL);
        r11a = DoubleVector.fromArray(D, from, fa + 11 * frs); r11b = DoubleVector.fromArray(D, from, fa + 11 * frs + DL);
        int p = at + q0 * scs;
        for (int q = q0; q < q1; q++, p += scs) {
            int vq = vAt + q * NR;
            DoubleVector b0 = DoubleVector.fromArray(D, v, vq), b1 = DoubleVector.fromArray(D, v, vq + DL);
            DoubleVector x;
            x = DoubleVector.broadcast(D, s[p]); r0a = r0a.add(x.mul(b0)); r0b = r0b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[p + 1]); r1a = r1a.add(x.mul(b0)); r1b = r1b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[p + 2]); r2a = r2a.add(x.mul(b0)); r2b = r2b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[p + 3]); r3a = r3a.add(x.mul(b0)); r3b = r3b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[p + 4]); r4a = r4a.add(x.mul(b0)); r4b = r4b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[p + 5]); r5a = r5a.add(x.mul(b0)); r5b = r5b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[p + 6]); r6a = r6a.add(x.mul(b0)); r6b = r6b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[p + 7]); r7a = r7a.add(x.mul(b0)); r7b = r7b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[p + 8]); r8a = r8a.add(x.mul(b0)); r8b = r8b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[p + 9]); r9a = r9a.add(x.mul(b0)); r9b = r9b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[p + 10]); r10a = r10a.add(x.mul(b0)); r10b = r10b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[p + 11]); r11a = r11a.add(x.mul(b0)); r11b = r11b.add(x.mul(b1));
        }
        r0a.intoArray(out, to); r0b.intoArray(out, to + DL);
        r1a.intoArray(out, to + ors); r1b.intoArray(out, to + ors + DL);
        r2a.intoArray(out, to + 2 * ors); r2b.intoArray(out, to + 2 * ors + DL);
        r3a.intoArray(out, to + 3 * ors); r3b.intoArray(out, to + 3 * ors + DL);
        r4a.intoArray(out, to + 4 * ors); r4b.intoArray(out, to + 4 * ors + DL);
        r5a.intoArray(out, to + 5 * ors); r5b.intoArray(out, to + 5 * ors + DL);
        r6a.intoArray(out, to + 6 * ors); r6b.intoArray(out, to + 6 * ors + DL);
        r7a.intoArray(out, to + 7 * ors); r7b.intoArray(out, to + 7 * ors + DL);
        r8a.intoArray(out, to + 8 * ors); r8b.intoArray(out, to + 8 * ors + DL);
        r9a.intoArray(out, to + 9 * ors); r9b.intoArray(out, to + 9 * ors + DL);
        r10a.intoArray(out, to + 10 * ors); r10b.intoArray(out, to + 10 * ors + DL);
        r11a.intoArray(out, to + 11 * ors); r11b.intoArray(out, to + 11 * ors + DL);
    }

    /**
     * 4 x NR results, as {@link #alongK} ({@code s[at + r * srs + q]}): every block where blocks
     * are 4 rows (AVX2), and the rows a 12-row block leaves. Written out for its layout, as the
     * 12-row kernels are: one index stepped by the row stride, so each k step's four broadcasts
     * cost four loads and no index arithmetic (a kernel taking both strides, {@code s[s0 + q * scs]}
     * per row, ran at 55-65 GFLOP/s on one Zen 3 core where this one runs at 75-90, both measured in
     * f32: docs/benchmarks.md).
     */
    static void fourAlongK(double[] s, int at, int srs, int q0, int q1, double[] v, int vAt,
                           double[] out, int to, int ors, boolean acc) {
        DoubleVector r0a, r0b, r1a, r1b, r2a, r2b, r3a, r3b;
        // Loads either way, from the stored partial sums or from zeros, so the accumulators
        // enter the loop from one place (see ZEROS).
        double[] from = acc ? out : ZEROS;
        int fa = acc ? to : 0, frs = acc ? ors : 0;
        r0a = DoubleVector.fromArray(D, from, fa); r0b = DoubleVector.fromArray(D, from, fa + DL);
        r1a = DoubleVector.fromArray(D, from, fa + frs); r1b = DoubleVector.fromArray(D, from, fa + frs + DL);
        r2a = DoubleVector.fromArray(D, from, fa + 2 * frs); r2b = DoubleVector.fromArray(D, from, fa + 2 * frs + DL);
        r3a = DoubleVector.fromArray(D, from, fa + 3 * frs); r3b = DoubleVector.fromArray(D, from, fa + 3 * frs + DL);
        for (int q = q0; q < q1; q++) {
            int vq = vAt + q * NR;
            DoubleVector b0 = DoubleVector.fromArray(D, v, vq), b1 = DoubleVector.fromArray(D, v, vq + DL);
            int i = at + q;
            DoubleVector x;
            x = DoubleVector.broadcast(D, s[i]); r0a = r0a.add(x.mul(b0)); r0b = r0b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[i += srs]); r1a = r1a.add(x.mul(b0)); r1b = r1b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[i += srs]); r2a = r2a.add(x.mul(b0)); r2b = r2b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[i += srs]); r3a = r3a.add(x.mul(b0)); r3b = r3b.add(x.mul(b1));
        }
        r0a.intoArray(out, to); r0b.intoArray(out, to + DL);
        r1a.intoArray(out, to + ors); r1b.intoArray(out, to + ors + DL);
        r2a.intoArray(out, to + 2 * ors); r2b.intoArray(out, to + 2 * ors + DL);
        r3a.intoArray(out, to + 3 * ors); r3b.intoArray(out, to + 3 * ors + DL);
    }

    /**
     * 4 x NR results, as {@link #acrossRows} ({@code s[at + q * scs + r]}: a transposed a, or a's
     * rows packed four to a run).
     */
    static void fourAcrossRows(double[] s, int at, int scs, int q0, int q1, double[] v, int vAt,
                               double[] out, int to, int ors, boolean acc) {
        DoubleVector r0a, r0b, r1a, r1b, r2a, r2b, r3a, r3b;
        // Loads either way, from the stored partial sums or from zeros, so the accumulators
        // enter the loop from one place (see ZEROS).
        double[] from = acc ? out : ZEROS;
        int fa = acc ? to : 0, frs = acc ? ors : 0;
        r0a = DoubleVector.fromArray(D, from, fa); r0b = DoubleVector.fromArray(D, from, fa + DL);
        r1a = DoubleVector.fromArray(D, from, fa + frs); r1b = DoubleVector.fromArray(D, from, fa + frs + DL);
        r2a = DoubleVector.fromArray(D, from, fa + 2 * frs); r2b = DoubleVector.fromArray(D, from, fa + 2 * frs + DL);
        r3a = DoubleVector.fromArray(D, from, fa + 3 * frs); r3b = DoubleVector.fromArray(D, from, fa + 3 * frs + DL);
        int p = at + q0 * scs;
        for (int q = q0; q < q1; q++, p += scs) {
            int vq = vAt + q * NR;
            DoubleVector b0 = DoubleVector.fromArray(D, v, vq), b1 = DoubleVector.fromArray(D, v, vq + DL);
            DoubleVector x;
            x = DoubleVector.broadcast(D, s[p]); r0a = r0a.add(x.mul(b0)); r0b = r0b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[p + 1]); r1a = r1a.add(x.mul(b0)); r1b = r1b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[p + 2]); r2a = r2a.add(x.mul(b0)); r2b = r2b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[p + 3]); r3a = r3a.add(x.mul(b0)); r3b = r3b.add(x.mul(b1));
        }
        r0a.intoArray(out, to); r0b.intoArray(out, to + DL);
        r1a.intoArray(out, to + ors); r1b.intoArray(out, to + ors + DL);
        r2a.intoArray(out, to + 2 * ors); r2b.intoArray(out, to + 2 * ors + DL);
        r3a.intoArray(out, to + 3 * ors); r3b.intoArray(out, to + 3 * ors + DL);
    }

    /** One broadcast row's NR results, any stride: {@code s[at + q * scs]}. */
    static void line(double[] s, int at, int scs, int q0, int q1, double[] v, int vAt,
                     double[] out, int to, boolean acc) {
        DoubleVector r0a, r0b;
        // Loads either way, from the stored partial sums or from zeros, so the accumulators
        // enter the loop from one place (see ZEROS).
        double[] from = acc ? out : ZEROS;
        int fa = acc ? to : 0;
        r0a = DoubleVector.fromArray(D, from, fa); r0b = DoubleVector.fromArray(D, from, fa + DL);
        for (int q = q0; q < q1; q++) {
            int vq = vAt + q * NR;
            DoubleVector b0 = DoubleVector.fromArray(D, v, vq), b1 = DoubleVector.fromArray(D, v, vq + DL);
            DoubleVector x;
            x = DoubleVector.broadcast(D, s[at + q * scs]); r0a = r0a.add(x.mul(b0)); r0b = r0b.add(x.mul(b1));
        }
        r0a.intoArray(out, to); r0b.intoArray(out, to + DL);
    }
}
