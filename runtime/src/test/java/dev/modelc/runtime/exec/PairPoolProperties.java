package dev.modelc.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.runtime.Lanes;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The max pool's 2 x 2 windows of stride 2 on vector lanes ({@link VectorPairPool}) and in scalar
 * code ({@link PairPool}) give {@link MaxPool#reference}'s bits, raw bits included (a NaN's
 * payload and sign are the winner's): odd heights and widths, widths that are not a multiple of
 * the lanes (short last chunks) and wider than several vectors, one plane, arrays longer than the
 * tensor (slots are reused: nothing past the tensor is written) and exactly as long (the last
 * row's loads would pass the end: the scalar code finishes it), f32 and f64, MAX, SELECT and
 * SCATTER, over values full of ties, signed zeros, infinities and NaNs with distinct payloads.
 */
class PairPoolProperties {
    private static final MaxPool MAX = new MaxPool(MaxPool.Kind.MAX, List.of(2, 2), List.of(2, 2), List.of(0, 0));

    @Property(tries = 300)
    void bothPathsGiveTheReferenceBits(@ForAll @IntRange(min = 1, max = 4) int planes,
                                       @ForAll @IntRange(min = 2, max = 11) int h,
                                       @ForAll @IntRange(min = 2, max = 70) int w,
                                       @ForAll @IntRange(min = 0, max = 40) int slack,
                                       @ForAll boolean relu, @ForAll long seed) {
        Random r = new Random(seed);
        int[] xs = r.nextBoolean() ? new int[] {planes, h, w} : new int[] {1, planes, h, w};
        int n = planes * h * w, pooled = planes * (h / 2) * (w / 2);
        float[] x = padded(awkward(r, n, relu), slack, r), u = padded(awkward(r, n, false), slack, r);
        float[] g = padded(awkward(r, pooled, false), slack, r);
        for (MaxPool.Kind kind : MaxPool.Kind.values()) check(MAX.as(kind), xs, x, kind == MaxPool.Kind.SCATTER ? g : u, slack);
    }

    @Test
    void tiesKeepTheFirstPositionAndTheLastNanWins() {
        // Window after window of one plane 2 x 12: (+0, -0 / -0, -0) is +0 at 0; (-0, +0 / +0, +0)
        // -0 at 0; (1, 1 / 1, 2) 2 at the lower right; (NaN1, 5 / NaN2, 3) NaN2 on the lower row;
        // (-inf, -inf / -inf, -inf) the first; (3, NaN3 / 7, 7) NaN3.
        float nan1 = Float.intBitsToFloat(0x7fc00001), nan2 = Float.intBitsToFloat(0xffc00002), nan3 = Float.intBitsToFloat(0x7fc00003);
        float inf = Float.NEGATIVE_INFINITY;
        float[] x = {0f, -0f, -0f, 0f, 1, 1, nan1, 5, inf, inf, 3, nan3,
                     -0f, -0f, 0f, 0f, 1, 2, nan2, 3, inf, inf, 7, 7};
        int[] xs = {1, 2, 12};
        float[] want = {0f, -0f, 2, nan2, inf, nan3};
        // A -0 gradient lands as +0 (the reference's 0 + g).
        float[] g = {-0f, -0f, 5, 6, 7, 8};
        float[] scattered = {0f, 0, 0f, 0, 0, 0, 0, 0, 7, 0, 0, 8,
                             0, 0, 0, 0, 0, 5, 6, 0, 0, 0, 0, 0};
        // x and g in longer arrays (as in a reused slot), so the lanes' loads of two vectors per
        // row stay inside them and the row runs on lanes rather than in the scalar code.
        float[] xl = Arrays.copyOf(x, 128), gl = Arrays.copyOf(g, 64);
        for (boolean lanes : new boolean[] {true, false}) {
            float[] y = new float[6];
            MAX.run(xl, xs, null, y, lanes);
            assertEquals(Arrays.toString(bits(want)), Arrays.toString(bits(y)), "lanes " + lanes);
            float[] dx = new float[24];
            Arrays.fill(dx, 9);
            MAX.as(MaxPool.Kind.SCATTER).run(xl, xs, gl, dx, lanes);
            assertEquals(Arrays.toString(bits(scattered)), Arrays.toString(bits(dx)), "lanes " + lanes);
        }
    }

    @Test
    void theRuntimesTestsRunWithLanes() {
        // The properties above call both paths whatever the machine (run() itself picks the lanes
        // only where their permutes are compiled, VectorPairPool.compiled()).
        assertTrue(Lanes.current().on(), "the runtime's tests run with " + Lanes.MODULE + " (surefire's argLine)");
    }

    /** Each kind on lanes and not, f32 and f64, against the reference on the same values. */
    private static void check(MaxPool pool, int[] xs, float[] x, float[] b, int slack) {
        MaxPool.Kind kind = pool.kind();
        MaxPool.Sizes z = pool.sizes(xs);
        int n = z.planes() * z.h() * z.w(), pooled = z.planes() * z.oh() * z.ow();
        int size = kind == MaxPool.Kind.SCATTER ? n : pooled, operand = kind == MaxPool.Kind.SCATTER ? pooled : n;
        double[] bd = kind == MaxPool.Kind.MAX ? null : doubles(b, operand);
        double[] want = pool.reference(doubles(x, n), xs, bd);
        for (boolean lanes : new boolean[] {true, false}) {
            String at = kind + " of " + Arrays.toString(xs) + (lanes ? " on lanes" : " scalar") + ", slack " + slack + ", element ";
            float[] gotF = new float[size + slack];
            Arrays.fill(gotF, 9);
            pool.run(x, xs, kind == MaxPool.Kind.MAX ? null : b, gotF, lanes);
            double[] xd = doubles(x, x.length), gotD = new double[size + slack];
            Arrays.fill(gotD, 9);
            pool.run(xd, xs, kind == MaxPool.Kind.MAX ? null : doubles(b, b.length), gotD, lanes);
            for (int i = 0; i < size + slack; i++) {
                float wantF = i < size ? (float) want[i] : 9f;
                double wantD = i < size ? want[i] : 9;
                assertEquals(Integer.toHexString(Float.floatToRawIntBits(wantF)), Integer.toHexString(Float.floatToRawIntBits(gotF[i])), "f32 " + at + i);
                assertEquals(Long.toHexString(Double.doubleToRawLongBits(wantD)), Long.toHexString(Double.doubleToRawLongBits(gotD[i])), "f64 " + at + i);
            }
        }
    }

    /**
     * Values with ties (small integers), signed zeros, infinities and quiet NaNs of both signs with
     * distinct payloads (f32 NaNs widen to f64 and back unchanged), or a ReLU's output: the same
     * made non-negative, half of it +0.
     */
    private static float[] awkward(Random r, int n, boolean relu) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            float v = switch (r.nextInt(12)) {
                case 0 -> Float.intBitsToFloat((r.nextBoolean() ? 0xffc00000 : 0x7fc00000) | r.nextInt(1 << 22));
                case 1 -> r.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
                case 2, 3 -> r.nextBoolean() ? 0f : -0f;
                case 4, 5, 6 -> r.nextInt(3) - 1;
                default -> (float) r.nextGaussian();
            };
            out[i] = relu && !(v > 0) && v == v ? 0f : v;
        }
        return out;
    }

    /** {@code v} followed by {@code slack} more values, as a reused slot longer than its tensor holds. */
    private static float[] padded(float[] v, int slack, Random r) {
        float[] out = Arrays.copyOf(v, v.length + slack);
        for (int i = v.length; i < out.length; i++) out[i] = (float) r.nextGaussian() * 100;
        return out;
    }

    private static double[] doubles(float[] v, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = v[i];
        return out;
    }

    private static String[] bits(float[] v) {
        String[] out = new String[v.length];
        for (int i = 0; i < v.length; i++) out[i] = Integer.toHexString(Float.floatToRawIntBits(v[i]));
        return out;
    }
}
