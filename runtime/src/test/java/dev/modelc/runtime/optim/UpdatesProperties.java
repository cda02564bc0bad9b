package dev.modelc.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The optimizers' element loops ({@link Updates}) on vector lanes and as scalar Java: the same
 * bits as one iteration at a time ({@code p[i] + negLr * g[i]}, a float multiply then a float add)
 * and the same finite answer, in f32 and f64, for ranges of any length and start (not a multiple
 * of the lanes, shorter than a vector, across {@link ParamBuffers#BLOCK} boundaries), with a NaN,
 * an infinity or an overflow to infinity at any position, the tail included, or none.
 */
class UpdatesProperties {
    /** What to plant: nothing, a NaN or an infinity in p or g, or values whose update overflows. */
    private static final int KINDS = 6;

    @Property(tries = 400)
    void sgdF32OnEveryPathGivesTheIterationsBits(
            @ForAll @IntRange(min = 0, max = 5000) int length, @ForAll @IntRange(min = 0, max = 40) int from,
            @ForAll @IntRange(min = 0, max = KINDS - 1) int kind, @ForAll long seed) {
        Random r = new Random(seed);
        int n = from + length + r.nextInt(20);
        float[] p = new float[n], g = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) (r.nextGaussian() * Math.pow(2, r.nextInt(20) - 10));
            g[i] = (float) (r.nextGaussian() * Math.pow(2, r.nextInt(20) - 10));
        }
        int at = length == 0 ? -1 : from + pick(r, length);
        if (at >= 0) plant(kind, at, p, g, r);
        float negLr = (float) -(r.nextDouble() * 0.1);
        float[] expected = new float[n];
        boolean allFinite = true;
        for (int i = from; i < from + length; i++) {
            expected[i] = p[i] + negLr * g[i];
            allFinite &= Float.isFinite(expected[i]);
        }
        for (boolean lanes : lanes()) {
            float[] next = new float[n];
            boolean finite = Updates.sgd(p, g, negLr, next, from, from + length, lanes);
            assertArrayEquals(expected, next, "lanes " + lanes);
            assertEquals(allFinite, finite, "lanes " + lanes + ", planted " + kind + " at " + at);
            assertEquals(allFinite, Updates.finite(next, from, from + length, lanes), "finite alone, lanes " + lanes);
        }
    }

    @Property(tries = 400)
    void sgdF64OnEveryPathGivesTheIterationsBits(
            @ForAll @IntRange(min = 0, max = 5000) int length, @ForAll @IntRange(min = 0, max = 40) int from,
            @ForAll @IntRange(min = 0, max = KINDS - 1) int kind, @ForAll long seed) {
        Random r = new Random(seed);
        int n = from + length + r.nextInt(20);
        double[] p = new double[n], g = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = r.nextGaussian() * Math.pow(2, r.nextInt(20) - 10);
            g[i] = r.nextGaussian() * Math.pow(2, r.nextInt(20) - 10);
        }
        int at = length == 0 ? -1 : from + pick(r, length);
        if (at >= 0) plant(kind, at, p, g, r);
        double negLr = -(r.nextDouble() * 0.1);
        double[] expected = new double[n];
        boolean allFinite = true;
        for (int i = from; i < from + length; i++) {
            expected[i] = p[i] + negLr * g[i];
            allFinite &= Double.isFinite(expected[i]);
        }
        for (boolean lanes : lanes()) {
            double[] next = new double[n];
            boolean finite = Updates.sgd(p, g, negLr, next, from, from + length, lanes);
            assertArrayEquals(expected, next, "lanes " + lanes);
            assertEquals(allFinite, finite, "lanes " + lanes + ", planted " + kind + " at " + at);
            assertEquals(allFinite, Updates.finite(next, from, from + length, lanes), "finite alone, lanes " + lanes);
        }
    }

    @Property(tries = 300)
    void adamF32OnLanesGivesTheScalarLoopsBits(
            @ForAll @IntRange(min = 0, max = 5000) int length, @ForAll @IntRange(min = 0, max = 40) int from,
            @ForAll @IntRange(min = 0, max = KINDS - 1) int kind, @ForAll @IntRange(min = 0, max = 2) int decayKind,
            @ForAll boolean smallLerp, @ForAll @IntRange(min = 1, max = 2000) int step, @ForAll long seed) {
        Random r = new Random(seed);
        int n = from + length + r.nextInt(20);
        float[] p = new float[n], g = new float[n];
        double[] m = new double[n], v = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) (r.nextGaussian() * Math.pow(2, r.nextInt(20) - 10));
            g[i] = (float) (r.nextGaussian() * Math.pow(2, r.nextInt(20) - 10));
            m[i] = (float) (r.nextGaussian() * 0.1);
            v[i] = (float) Math.abs(r.nextGaussian() * 0.01);
        }
        int at = length == 0 ? -1 : from + pick(r, length);
        if (at >= 0) plant(kind, at, p, g, r);
        // beta1 below or above one half picks the lerp's two forms; weight decay none, Adam's (l2) or AdamW's.
        double beta1 = smallLerp ? 0.9 : 0.3, weightDecay = decayKind == 0 ? 0 : r.nextDouble() * 0.1;
        StepRule.AdamScalars c = new StepRule.Adam(r.nextDouble() * 0.01, beta1, 0.999, 1e-8, weightDecay, decayKind == 2)
                .scalars(true, step);
        Updates.AdamFloats floats = Updates.AdamFloats.of(c, decayKind == 2, decayKind == 1);
        assertEquals(smallLerp, floats.small());

        float[] want = new float[n];
        double[] wantM = m.clone(), wantV = v.clone();
        boolean wantFinite = Updates.adam(p, g, wantM, wantV, want, from, from + length, floats, false);
        boolean allFinite = true;
        for (int i = from; i < from + length; i++) allFinite &= Float.isFinite(want[i]);
        assertEquals(allFinite, wantFinite, "scalar, planted " + kind + " at " + at);
        if (!Updates.LANES) return;
        float[] next = new float[n];
        double[] laneM = m.clone(), laneV = v.clone();
        boolean finite = Updates.adam(p, g, laneM, laneV, next, from, from + length, floats, true);
        assertArrayEquals(want, next);
        assertArrayEquals(wantM, laneM);
        assertArrayEquals(wantV, laneV);
        assertEquals(wantFinite, finite, "planted " + kind + " at " + at);
    }

    @Test
    void everyPositionOfAShortRangeIsTested() {
        // Each position of ranges up to a few vectors long, the scalar tail's included, on both paths.
        for (int length = 1; length <= 70; length++) {
            for (int at = 0; at < length; at++) {
                for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                    float[] v = new float[length + 3];
                    java.util.Arrays.fill(v, Float.MAX_VALUE);
                    v[at + 1] = bad;
                    double[] d = new double[length + 3];
                    java.util.Arrays.fill(d, -Double.MAX_VALUE);
                    d[at + 1] = bad;
                    for (boolean lanes : lanes()) {
                        assertFalse(Updates.finite(v, 1, length + 1, lanes), length + " " + at + " " + bad + " lanes " + lanes);
                        assertFalse(Updates.finite(d, 1, length + 1, lanes), length + " " + at + " " + bad + " lanes " + lanes);
                        // Outside the range a bad value is not looked at.
                        assertTrue(Updates.finite(v, at + 2, length + 1, lanes));
                        assertTrue(Updates.finite(d, 0, at + 1, lanes));
                    }
                }
            }
        }
    }

    @Test
    void negativeZeroAndSubnormalsAreFinite() {
        float[] v = {-0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MAX_VALUE, 0f};
        double[] d = {-0d, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, -Double.MAX_VALUE, 0d};
        float[] longV = new float[100];
        double[] longD = new double[100];
        for (int i = 0; i < 100; i++) {
            longV[i] = v[i % v.length];
            longD[i] = d[i % d.length];
        }
        for (boolean lanes : lanes()) {
            assertTrue(Updates.finite(longV, 0, 100, lanes));
            assertTrue(Updates.finite(longD, 0, 100, lanes));
        }
    }

    /** Both paths where the JVM has the vector module (the tests run with it), else the scalar one. */
    private static boolean[] lanes() {
        return Updates.LANES ? new boolean[] {true, false} : new boolean[] {false};
    }

    /** A position, often near the start or the end of the range (a vector's head, the scalar tail). */
    private static int pick(Random r, int length) {
        return switch (r.nextInt(3)) {
            case 0 -> r.nextInt(Math.min(length, 17));
            case 1 -> length - 1 - r.nextInt(Math.min(length, 17));
            default -> r.nextInt(length);
        };
    }

    private static void plant(int kind, int at, float[] p, float[] g, Random r) {
        switch (kind) {
            case 1 -> p[at] = Float.NaN;
            case 2 -> g[at] = Float.NaN;
            case 3 -> p[at] = r.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
            case 4 -> g[at] = r.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
            case 5 -> {
                // Finite operands whose update overflows (or, with a tiny learning rate, does not).
                p[at] = Float.MAX_VALUE;
                g[at] = -Float.MAX_VALUE;
            }
            default -> { }
        }
    }

    private static void plant(int kind, int at, double[] p, double[] g, Random r) {
        switch (kind) {
            case 1 -> p[at] = Double.NaN;
            case 2 -> g[at] = Double.NaN;
            case 3 -> p[at] = r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            case 4 -> g[at] = r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            case 5 -> {
                p[at] = Double.MAX_VALUE;
                g[at] = -Double.MAX_VALUE;
            }
            default -> { }
        }
    }
}
