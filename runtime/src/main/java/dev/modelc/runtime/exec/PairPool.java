package dev.modelc.runtime.exec;

import dev.modelc.runtime.exec.MaxPool.Kind;
import dev.modelc.runtime.exec.MaxPool.Sizes;

/**
 * The max pool's common case, unpadded 2 x 2 windows of stride 2 (each plane's row pairs cut in
 * column pairs), in scalar code without data-dependent branches: what runs without vector lanes
 * ({@link VectorPairPool} with them), with {@link MaxPool}'s bits.
 *
 * <p>A window's winner is {@link MaxPool}'s running rule in two steps: the first maximum of each
 * row's pair (the right one wins if greater or NaN), then the lower row's beats the upper's only
 * if greater or NaN. Each step chooses a position, not a value: a comparison of floats made an
 * int ({@code b > a ? 1 : 0}) is a flag move, and the winner's value is loaded again from its
 * position. Choosing the values instead ({@code first ? b : a} on floats) compiles to branches on
 * x86 (C2 has no conditional move of a float register), which mispredict about every other window
 * on random or ReLU data: 15-20 ns a window where this takes about 5 (measured, see
 * docs/benchmarks.md). A column past the last pair (odd width) and a row past the last pair (odd
 * height) are in no window.
 */
final class PairPool {
    private PairPool() {
    }

    /** The flat position of the winner of the window whose top-left corner is {@code row}, in planes of width {@code w}. */
    static int winner(float[] x, int row, int w) {
        int below = row + w;
        float a = x[row], b = x[row + 1], c = x[below], d = x[below + 1];
        // | rather than ||: both sides evaluated, so no branch; b != b is b's NaN test.
        int top = row + ((b > a ? 1 : 0) | (b != b ? 1 : 0));
        int bottom = below + ((d > c ? 1 : 0) | (d != d ? 1 : 0));
        float t = x[top], u = x[bottom];
        int lower = (u > t ? 1 : 0) | (u != u ? 1 : 0);
        return top + ((bottom - top) & -lower);
    }

    /** {@link #winner(float[], int, int)} on f64 values. */
    static int winner(double[] x, int row, int w) {
        int below = row + w;
        double a = x[row], b = x[row + 1], c = x[below], d = x[below + 1];
        int top = row + ((b > a ? 1 : 0) | (b != b ? 1 : 0));
        int bottom = below + ((d > c ? 1 : 0) | (d != d ? 1 : 0));
        double t = x[top], u = x[bottom];
        int lower = (u > t ? 1 : 0) | (u != u ? 1 : 0);
        return top + ((bottom - top) & -lower);
    }

    /**
     * Planes {@code [start, end)} of {@code kind}: MAX and SELECT read x or b at each window's
     * winner; SCATTER writes each window's four positions, {@code 0 + g} at the winner (the
     * reference's sum from zero, so a -0 gradient lands as +0) and 0 elsewhere, and 0 at the
     * positions in no window.
     */
    static void planes(Kind kind, float[] x, float[] b, float[] out, Sizes z, int start, int end) {
        int w = z.w(), plane = z.h() * w, pooled = z.oh() * z.ow();
        for (int p = start; p < end; p++) {
            int base = p * plane;
            for (int oi = 0; oi < z.oh(); oi++) {
                int row = base + 2 * oi * w, o = p * pooled + oi * z.ow();
                windows(kind, x, b, out, row, w, o, z.ow());
            }
            if (kind == Kind.SCATTER) clearOutside(out, base, z);
        }
    }

    /** {@link #planes(Kind, float[], float[], float[], Sizes, int, int)} on f64 values. */
    static void planes(Kind kind, double[] x, double[] b, double[] out, Sizes z, int start, int end) {
        int w = z.w(), plane = z.h() * w, pooled = z.oh() * z.ow();
        for (int p = start; p < end; p++) {
            int base = p * plane;
            for (int oi = 0; oi < z.oh(); oi++) {
                int row = base + 2 * oi * w, o = p * pooled + oi * z.ow();
                windows(kind, x, b, out, row, w, o, z.ow());
            }
            if (kind == Kind.SCATTER) clearOutside(out, base, z);
        }
    }

    /**
     * Windows {@code [0, n)} of a row pair from the top-left corner {@code top}, results from
     * {@code o}: the end of a row {@link VectorPairPool} leaves to scalar code.
     */
    static void windows(Kind kind, float[] x, float[] b, float[] out, int top, int w, int o, int n) {
        for (int j = 0; j < n; j++, top += 2) window(kind, x, b, out, top, w, o + j);
    }

    /** {@link #windows(Kind, float[], float[], float[], int, int, int, int)} on f64 values. */
    static void windows(Kind kind, double[] x, double[] b, double[] out, int top, int w, int o, int n) {
        for (int j = 0; j < n; j++, top += 2) window(kind, x, b, out, top, w, o + j);
    }

    private static void window(Kind kind, float[] x, float[] b, float[] out, int row, int w, int o) {
        int at = winner(x, row, w);
        switch (kind) {
            case MAX -> out[o] = x[at];
            case SELECT -> out[o] = b[at];
            case SCATTER -> {
                out[row] = 0f;
                out[row + 1] = 0f;
                out[row + w] = 0f;
                out[row + w + 1] = 0f;
                out[at] = 0f + b[o];
            }
        }
    }

    private static void window(Kind kind, double[] x, double[] b, double[] out, int row, int w, int o) {
        int at = winner(x, row, w);
        switch (kind) {
            case MAX -> out[o] = x[at];
            case SELECT -> out[o] = b[at];
            case SCATTER -> {
                out[row] = 0;
                out[row + 1] = 0;
                out[row + w] = 0;
                out[row + w + 1] = 0;
                out[at] = 0 + b[o];
            }
        }
    }

    /** Zeros a SCATTER's positions of the plane at {@code base} that no window covers: the last column of an odd width, the last row of an odd height. */
    static void clearOutside(Object out, int base, Sizes z) {
        int w = z.w();
        if ((w & 1) != 0) {
            for (int i = 0; i < 2 * z.oh(); i++) clear(out, base + i * w + w - 1, 1);
        }
        if ((z.h() & 1) != 0) clear(out, base + (z.h() - 1) * w, w);
    }

    private static void clear(Object out, int from, int n) {
        switch (out) {
            case float[] f -> java.util.Arrays.fill(f, from, from + n, 0f);
            case double[] d -> java.util.Arrays.fill(d, from, from + n, 0);
            default -> throw new IllegalArgumentException("not a float or double array: " + out.getClass().getName());
        }
    }
}
