package dev.modelc.runtime;

/**
 * Philox 4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3",
 * SC 2011; the generator of cuRAND and JAX): a bijection of a 128-bit counter under a 64-bit key,
 * ten rounds. The step's draws ({@code rand_like}, {@code randn_like}, {@code bernoulli},
 * {@code dropout}) are a pure function of (key, element index), so every backend computes the same
 * bits in any order and a draw needs no state.
 */
public final class Philox {
    private static final int M0 = 0xD2511F53, M1 = 0xCD9E8D57; // round multipliers
    private static final int W0 = 0x9E3779B9, W1 = 0xBB67AE85; // key schedule (Weyl) increments

    private Philox() {
    }

    /** The four output words for counter {@code c0..c3} under key {@code (k0, k1)}; the published 10 rounds. */
    public static int[] block(int c0, int c1, int c2, int c3, int k0, int k1) {
        for (int r = 0; r < 10; r++) {
            if (r > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xffffffffL) * (c0 & 0xffffffffL);
            long p1 = (M1 & 0xffffffffL) * (c2 & 0xffffffffL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c1 = (int) p1;
            c3 = (int) p0;
            c0 = n0;
            c2 = n2;
        }
        return new int[] {c0, c1, c2, c3};
    }

    /**
     * The key of one training step's draws: {@code seed}'s key with {@code step} folded in, as
     * JAX's {@code fold_in} does (the first two words of the block at counter (step, 0) under key
     * seed, low word first). Distinct steps give unrelated keys; the folding is itself a Philox block.
     */
    public static long stepKey(long seed, long step) {
        int[] w = block((int) step, (int) (step >>> 32), 0, 0, (int) seed, (int) (seed >>> 32));
        return (w[0] & 0xffffffffL) | (long) w[1] << 32;
    }

    /**
     * The block of element {@code index} of draw site {@code site} under a step key: counter
     * (index low word, index high word, site, 0), key (step key low word, high word).
     */
    public static int[] element(long key, int site, long index) {
        return block((int) index, (int) (index >>> 32), site, 0, (int) key, (int) (key >>> 32));
    }

    /** Uniform on [0, 1) for f32: the top 24 bits of word 0 times 2^-24 (exact in a float). */
    public static double uniform24(int[] w) {
        return (w[0] >>> 8) * 0x1.0p-24;
    }

    /** Uniform on [0, 1) for f64: the top 53 bits of words 0 (high) and 1 (low) times 2^-53. */
    public static double uniform53(int[] w) {
        return (((w[0] & 0xffffffffL) << 32 | (w[1] & 0xffffffffL)) >>> 11) * 0x1.0p-53;
    }

    /**
     * A standard normal, for every dtype: the cosine branch of Box-Muller in f64,
     * {@code sqrt(-2 ln(1 - u1)) * cos(2 pi u2)}, u1 the 53-bit uniform of words 0 and 1 (so
     * {@code 1 - u1} is in (0, 1] and the log finite), u2 that of words 2 and 3; the sine branch is
     * not used, so each element is one block, independent of its neighbours. {@link StrictMath}
     * (fdlibm), so the bits do not depend on the JVM's intrinsics.
     */
    public static double normal(int[] w) {
        double u1 = uniform53(w);
        double u2 = (((w[2] & 0xffffffffL) << 32 | (w[3] & 0xffffffffL)) >>> 11) * 0x1.0p-53;
        return StrictMath.sqrt(-2 * StrictMath.log(1 - u1)) * StrictMath.cos(2 * Math.PI * u2);
    }
}
