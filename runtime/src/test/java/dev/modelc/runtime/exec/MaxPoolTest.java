package dev.modelc.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The max pool's rule on small cases with known answers (ties, NaNs, a window of padding and
 * -inf, overlapping windows), and its JVM loops against its reference loops, bit for bit, over
 * random geometries in f32 and f64.
 */
class MaxPoolTest {
    private static final double NAN = Double.NaN, INF = Double.POSITIVE_INFINITY;

    private static MaxPool pool1d(MaxPool.Kind kind, int k, int s, int p) {
        return new MaxPool(kind, List.of(k), List.of(s), List.of(p));
    }

    @Test
    void theFirstOfEqualMaximaWinsAndItsPositionGetsTheGradient() {
        double[] x = {1, 3, 3, 2};
        int[] xs = {4};
        assertArrayEquals(new double[] {3}, pool1d(MaxPool.Kind.MAX, 4, 4, 0).reference(x, xs, null));
        assertArrayEquals(new double[] {0, 5, 0, 0}, pool1d(MaxPool.Kind.SCATTER, 4, 4, 0).reference(x, xs, new double[] {5}));
        assertArrayEquals(new double[] {7}, pool1d(MaxPool.Kind.SELECT, 4, 4, 0).reference(x, xs, new double[] {6, 7, 8, 9}));
    }

    @Test
    void aNanWinsItsWindowAndTheLastNanWinsOverAnEarlierOne() {
        double[] x = {NAN, 1, NAN, 0};
        int[] xs = {4};
        assertEquals(NAN, pool1d(MaxPool.Kind.MAX, 4, 4, 0).reference(x, xs, null)[0]);
        assertArrayEquals(new double[] {0, 0, 5, 0}, pool1d(MaxPool.Kind.SCATTER, 4, 4, 0).reference(x, xs, new double[] {5}));
        assertArrayEquals(new double[] {1, NAN}, pool1d(MaxPool.Kind.MAX, 2, 2, 0).reference(new double[] {0, 1, 2, NAN}, xs, null));
    }

    @Test
    void aWindowOfMinusInfinityIsWonByItsPaddingWhichTakesNoGradient() {
        // Windows of 3 with padding 1 over [-inf, -inf]: the first starts on the padding, which
        // wins a tie at -inf (a later equal value does not), so its gradient is dropped and what
        // SELECT reads there is 0; the second window starts on x[0].
        double[] x = {-INF, -INF};
        int[] xs = {2};
        assertArrayEquals(new double[] {-INF, -INF}, pool1d(MaxPool.Kind.MAX, 3, 1, 1).reference(x, xs, null));
        assertArrayEquals(new double[] {7, 0}, pool1d(MaxPool.Kind.SCATTER, 3, 1, 1).reference(x, xs, new double[] {5, 7}));
        assertArrayEquals(new double[] {0, 2}, pool1d(MaxPool.Kind.SELECT, 3, 1, 1).reference(x, xs, new double[] {2, 3}));
    }

    @Test
    void overlappingWindowsThatShareAWinnerAddTheirGradients() {
        double[] x = {0, 5, 0};
        int[] xs = {3};
        assertArrayEquals(new double[] {5, 5}, pool1d(MaxPool.Kind.MAX, 2, 1, 0).reference(x, xs, null));
        assertArrayEquals(new double[] {0, 3, 0}, pool1d(MaxPool.Kind.SCATTER, 2, 1, 0).reference(x, xs, new double[] {1, 2}));
    }

    @Test
    void twoDimensionalWindowsAreReadInRowMajorOrder() {
        // One plane of 2 x 4, windows of 2 x 2: the first holds 1, 4 / 4, 0 (the 4 on the first row
        // wins), the second 2, 2 / 3, 3 (the 3 on the second row, first column wins).
        double[] x = {1, 4, 2, 2, 4, 0, 3, 3};
        int[] xs = {1, 2, 4};
        MaxPool max = new MaxPool(MaxPool.Kind.MAX, List.of(2, 2), List.of(2, 2), List.of(0, 0));
        assertArrayEquals(new double[] {4, 3}, max.reference(x, xs, null));
        assertArrayEquals(new double[] {0, 5, 0, 0, 0, 0, 6, 0}, max.as(MaxPool.Kind.SCATTER).reference(x, xs, new double[] {5, 6}));
        assertArrayEquals(new int[] {1, 6}, max.winners(x, xs));
        assertEquals(1, max.nearestTie(x, xs));
    }

    @Property(tries = 200)
    void theJvmLoopsGiveTheReferenceBits(@ForAll @IntRange(min = 1, max = 2) int axes, @ForAll @IntRange(min = 1, max = 3) int kh,
                                         @ForAll @IntRange(min = 1, max = 3) int kw, @ForAll long seed) {
        Random r = new Random(seed);
        boolean tiled = r.nextInt(3) == 0;
        if (axes == 1) kh = 1;
        int sh = tiled ? kh : 1 + r.nextInt(3), sw = tiled ? kw : 1 + r.nextInt(3);
        int ph = tiled || axes == 1 ? 0 : r.nextInt(kh / 2 + 1), pw = tiled ? 0 : r.nextInt(kw / 2 + 1);
        int h = axes == 1 ? 1 : tiled ? kh * (1 + r.nextInt(3)) : Math.max(1, kh - 2 * ph) + r.nextInt(4);
        int w = tiled ? kw * (1 + r.nextInt(3)) : Math.max(1, kw - 2 * pw) + r.nextInt(5);
        int planes = 1 + r.nextInt(3);
        int[] xs = axes == 1 ? new int[] {planes, w} : new int[] {planes, 1, h, w};
        MaxPool pool = axes == 1 ? pool1d(MaxPool.Kind.MAX, kw, sw, pw)
                : new MaxPool(MaxPool.Kind.MAX, List.of(kh, kw), List.of(sh, sw), List.of(ph, pw));
        int oh = axes == 1 ? 1 : (int) pool.outputSize(0, h), ow = (int) pool.outputSize(axes - 1, w);
        double[] x = awkward(r, planes * h * w), g = awkward(r, planes * oh * ow), u = awkward(r, planes * h * w);
        for (MaxPool.Kind kind : MaxPool.Kind.values()) {
            MaxPool p = pool.as(kind);
            double[] b = kind == MaxPool.Kind.SCATTER ? g : kind == MaxPool.Kind.SELECT ? u : null;
            double[] want = p.reference(x, xs, b);
            double[] gotD = new double[want.length];
            // A result buffer is reused between steps: stale values must not leak through.
            java.util.Arrays.fill(gotD, 9);
            p.run(x, xs, b, gotD);
            float[] gotF = new float[want.length];
            java.util.Arrays.fill(gotF, 9);
            p.run(floats(x), xs, b == null ? null : floats(b), gotF);
            double[] wantF = p.reference(doubles(floats(x)), xs, b == null ? null : doubles(floats(b)));
            for (int i = 0; i < want.length; i++) {
                String at = kind + " " + p.label() + " of " + java.util.Arrays.toString(xs) + " at " + i;
                assertEquals(Double.doubleToLongBits(want[i]), Double.doubleToLongBits(gotD[i]), "f64 " + at);
                assertEquals(Float.floatToIntBits((float) wantF[i]), Float.floatToIntBits(gotF[i]), "f32 " + at);
            }
        }
    }

    /** Values with ties, NaNs, infinities, signed zeros and f64 values that round in f32. */
    private static double[] awkward(Random r, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (r.nextInt(10)) {
                case 0 -> NAN;
                case 1 -> r.nextBoolean() ? INF : -INF;
                case 2 -> r.nextBoolean() ? 0.0 : -0.0;
                case 3, 4, 5 -> r.nextInt(3);
                default -> r.nextGaussian() * 1e3;
            };
        }
        return out;
    }

    private static float[] floats(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (float) v[i];
        return out;
    }

    private static double[] doubles(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }
}
