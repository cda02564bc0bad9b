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
     * registers), else 4 ({@link #four}: AVX2 has 16 registers, which 24 accumulators would
     * spill out of).
     */
    static final int MR = DL >= 8 ? 12 : 4;

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
        if (acc) {
            r0a = DoubleVector.fromArray(D, out, to); r0b = DoubleVector.fromArray(D, out, to + DL);
            r1a = DoubleVector.fromArray(D, out, to + ors); r1b = DoubleVector.fromArray(D, out, to + ors + DL);
            r2a = DoubleVector.fromArray(D, out, to + 2 * ors); r2b = DoubleVector.fromArray(D, out, to + 2 * ors + DL);
            r3a = DoubleVector.fromArray(D, out, to + 3 * ors); r3b = DoubleVector.fromArray(D, out, to + 3 * ors + DL);
            r4a = DoubleVector.fromArray(D, out, to + 4 * ors); r4b = DoubleVector.fromArray(D, out, to + 4 * ors + DL);
            r5a = DoubleVector.fromArray(D, out, to + 5 * ors); r5b = DoubleVector.fromArray(D, out, to + 5 * ors + DL);
            r6a = DoubleVector.fromArray(D, out, to + 6 * ors); r6b = DoubleVector.fromArray(D, out, to + 6 * ors + DL);
            r7a = DoubleVector.fromArray(D, out, to + 7 * ors); r7b = DoubleVector.fromArray(D, out, to + 7 * ors + DL);
            r8a = DoubleVector.fromArray(D, out, to + 8 * ors); r8b = DoubleVector.fromArray(D, out, to + 8 * ors + DL);
            r9a = DoubleVector.fromArray(D, out, to + 9 * ors); r9b = DoubleVector.fromArray(D, out, to + 9 * ors + DL);
            r10a = DoubleVector.fromArray(D, out, to + 10 * ors); r10b = DoubleVector.fromArray(D, out, to + 10 * ors + DL);
            r11a = DoubleVector.fromArray(D, out, to + 11 * ors); r11b = DoubleVector.fromArray(D, out, to + 11 * ors + DL);
        } else {
            DoubleVector zero = DoubleVector.zero(D);
            r0a = r0b = r1a = r1b = r2a = r2b = r3a = r3b = zero;
            r4a = r4b = r5a = r5b = r6a = r6b = r7a = r7b = zero;
            r8a = r8b = r9a = r9b = r10a = r10b = r11a = r11b = zero;
        }
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
        if (acc) {
            r0a = DoubleVector.fromArray(D, out, to); r0b = DoubleVector.fromArray(D, out, to + DL);
            r1a = DoubleVector.fromArray(D, out, to + ors); r1b = DoubleVector.fromArray(D, out, to + ors + DL);
            r2a = DoubleVector.fromArray(D, out, to + 2 * ors); r2b = DoubleVector.fromArray(D, out, to + 2 * ors + DL);
            r3a = DoubleVector.fromArray(D, out, to + 3 * ors); r3b = DoubleVector.fromArray(D, out, to + 3 * ors + DL);
            r4a = DoubleVector.fromArray(D, out, to + 4 * ors); r4b = DoubleVector.fromArray(D, out, to + 4 * ors + DL);
            r5a = DoubleVector.fromArray(D, out, to + 5 * ors); r5b = DoubleVector.fromArray(D, out, to + 5 * ors + DL);
            r6a = DoubleVector.fromArray(D, out, to + 6 * ors); r6b = DoubleVector.fromArray(D, out, to + 6 * ors + DL);
            r7a = DoubleVector.fromArray(D, out, to + 7 * ors); r7b = DoubleVector.fromArray(D, out, to + 7 * ors + DL);
            r8a = DoubleVector.fromArray(D, out, to + 8 * ors); r8b = DoubleVector.fromArray(D, out, to + 8 * ors + DL);
            r9a = DoubleVector.fromArray(D, out, to + 9 * ors); r9b = DoubleVector.fromArray(D, out, to + 9 * ors + DL);
            r10a = DoubleVector.fromArray(D, out, to + 10 * ors); r10b = DoubleVector.fromArray(D, out, to + 10 * ors + DL);
            r11a = DoubleVector.fromArray(D, out, to + 11 * ors); r11b = DoubleVector.fromArray(D, out, to + 11 * ors + DL);
        } else {
            DoubleVector zero = DoubleVector.zero(D);
            r0a = r0b = r1a = r1b = r2a = r2b = r3a = r3b = zero;
            r4a = r4b = r5a = r5b = r6a = r6b = r7a = r7b = zero;
            r8a = r8b = r9a = r9b = r10a = r10b = r11a = r11b = zero;
        }
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
     * 4 x NR results, any strides ({@code s[at + r * srs + q * scs]}): the rows a 12-row block
     * leaves, or every block where blocks are 4 rows.
     */
    static void four(double[] s, int at, int srs, int scs, int q0, int q1, double[] v, int vAt,
                     double[] out, int to, int ors, boolean acc) {
        DoubleVector r0a, r0b, r1a, r1b, r2a, r2b, r3a, r3b;
        if (acc) {
            r0a = DoubleVector.fromArray(D, out, to); r0b = DoubleVector.fromArray(D, out, to + DL);
            r1a = DoubleVector.fromArray(D, out, to + ors); r1b = DoubleVector.fromArray(D, out, to + ors + DL);
            r2a = DoubleVector.fromArray(D, out, to + 2 * ors); r2b = DoubleVector.fromArray(D, out, to + 2 * ors + DL);
            r3a = DoubleVector.fromArray(D, out, to + 3 * ors); r3b = DoubleVector.fromArray(D, out, to + 3 * ors + DL);
        } else {
            DoubleVector zero = DoubleVector.zero(D);
            r0a = r0b = r1a = r1b = r2a = r2b = r3a = r3b = zero;
        }
        int s0 = at, s1 = at + srs, s2 = at + 2 * srs, s3 = at + 3 * srs;
        for (int q = q0; q < q1; q++) {
            int vq = vAt + q * NR, sq = q * scs;
            DoubleVector b0 = DoubleVector.fromArray(D, v, vq), b1 = DoubleVector.fromArray(D, v, vq + DL);
            DoubleVector x;
            x = DoubleVector.broadcast(D, s[s0 + sq]); r0a = r0a.add(x.mul(b0)); r0b = r0b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[s1 + sq]); r1a = r1a.add(x.mul(b0)); r1b = r1b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[s2 + sq]); r2a = r2a.add(x.mul(b0)); r2b = r2b.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[s3 + sq]); r3a = r3a.add(x.mul(b0)); r3b = r3b.add(x.mul(b1));
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
        if (acc) {
            r0a = DoubleVector.fromArray(D, out, to); r0b = DoubleVector.fromArray(D, out, to + DL);
        } else {
            DoubleVector zero = DoubleVector.zero(D);
            r0a = r0b = zero;
        }
        for (int q = q0; q < q1; q++) {
            int vq = vAt + q * NR;
            DoubleVector b0 = DoubleVector.fromArray(D, v, vq), b1 = DoubleVector.fromArray(D, v, vq + DL);
            DoubleVector x;
            x = DoubleVector.broadcast(D, s[at + q * scs]); r0a = r0a.add(x.mul(b0)); r0b = r0b.add(x.mul(b1));
        }
        r0a.intoArray(out, to); r0b.intoArray(out, to + DL);
    }
}
