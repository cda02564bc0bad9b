package dev.modelc.runtime;

import java.nio.charset.StandardCharsets;

/**
 * Seeded random numbers keyed by (seed, stream name), so a param's initial values depend only on
 * the seed and its path, never on evaluation order or backend. Counter-based (SplitMix64 over
 * the key and the draw index), so draw {@code i} can be computed anywhere, a GPU included.
 */
public final class Generator {
    private final long key;
    private long counter;

    private Generator(long key) {
        this.key = key;
    }

    /** The generator for one named stream, such as a param path. */
    public static Generator of(long seed, String stream) {
        long h = 0xcbf29ce484222325L; // FNV-1a over the UTF-8 bytes of the name
        for (byte b : stream.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return new Generator(mix(seed ^ mix(h)));
    }

    /** The next 64 random bits. */
    public long nextLong() {
        return mix(key + 0x9E3779B97F4A7C15L * ++counter);
    }

    /** Uniform on [0, 1), with 53 random bits. */
    public double nextUniform() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform on [lo, hi). */
    public double nextUniform(double lo, double hi) {
        return lo + (hi - lo) * nextUniform();
    }

    /** Standard normal, by Box-Muller from two uniforms (one value per pair, for simplicity and order independence). */
    public double nextNormal() {
        double u1 = 1.0 - nextUniform(); // in (0, 1]: log is finite
        double u2 = nextUniform();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
