package dev.modelc.runtime.exec;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The input's windows unrolled into rows (im2row): {@code rows[g, n * P + q, t]}, a row of the
 * group's K = C / groups * KH * KW taps (in the order input channel, kernel row, kernel column)
 * per output position q. The forward's product then reads the rows in place with unit stride
 * ({@code y^T = rows @ w^T}), where the columns layout of {@link Im2Col} has {@link VectorGemm}
 * pack all of them first.
 */
final class Im2Row {
    private Im2Row() {
    }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Four and eight lanes, where narrower than the preferred vector (else null). */
    private static final VectorSpecies<Float> QUARTER = F.length() > 4 ? FloatVector.SPECIES_128 : null;
    private static final VectorSpecies<Float> HALF = F.length() > 8 ? FloatVector.SPECIES_256 : null;
    /** Elements past the end that {@link #unfold} may write into {@code rows} and {@code padded} may be read at. */
    static final int SLACK = F.length();

    /**
     * Images {@code [n0, n1)} unrolled: {@code rows[g, (n - n0) * P + i * OW + j, c * KH * KW + kh * KW + kw] =
     * x[n, g * C/groups + c, i * SH + kh * DH - PH, j * SW + kw * DW - PW]}, 0 outside. {@code rows}
     * has {@link #SLACK} elements past the rows, {@code padded} at least {@link #paddedSize}.
     */
    static void unfold(float[] x, float[] rows, float[] padded, Convolution.Sizes z, int n0, int n1) {
        boolean lanes = z.dw() == 1 && z.kw() <= F.length();
        for (int g = 0; g < z.groups(); g++) {
            for (int n = n0; n < n1; n++) {
                if (lanes) {
                    windows(x, rows, padded, z, g, n, n0, n1);
                } else {
                    for (int i = 0; i < z.oh(); i++) outputRow(x, rows, z, g, n, n0, n1, i);
                }
            }
        }
    }

    /** The size {@link #unfold} needs of its buffer {@code padded}: one image's channels of a group, zero-padded, and {@link #SLACK}. */
    static long paddedSize(Convolution.Sizes z) {
        return (long) z.cg() * (z.h() + 2L * z.ph()) * (z.w() + 2L * z.pw()) + SLACK;
    }

    /**
     * Image n's rows for group g with dilation 1 along the width. The image's channels are first
     * copied into {@code padded} with their zero padding, so that the KW taps of (c, kh) at
     * position (i, j) are KW adjacent elements there: one vector load and one store each, whose
     * lanes past KW land on the taps (or the position) written next, in increasing order, and are
     * overwritten; the last ones spill into the slack.
     */
    private static void windows(float[] x, float[] rows, float[] padded, Convolution.Sizes z, int g, int n, int n0, int n1) {
        int hp = z.h() + 2 * z.ph(), wp = z.w() + 2 * z.pw(), plane = hp * wp, cg = z.cg(), kh = z.kh(), kw = z.kw();
        Arrays.fill(padded, 0, cg * plane + SLACK, 0f);
        for (int c = 0; c < cg; c++) {
            int from = (n * z.c() + g * cg + c) * z.h() * z.w(), to = c * plane + z.ph() * wp + z.pw();
            for (int ih = 0; ih < z.h(); ih++) System.arraycopy(x, from + ih * z.w(), padded, to + ih * wp, z.w());
        }
        int p = z.oh() * z.ow(), len = (n1 - n0) * p, k = cg * kh * kw;
        int at = (g * len + (n - n0) * p) * k;
        // The narrowest vector that holds a kernel row: a 3-wide row copied with 4 lanes instead of
        // 16 crosses a cache line at one store in four instead of nearly every one (measured: see
        // docs/benchmarks.md).
        if (kw <= 4 && QUARTER != null) {
            copy4(padded, rows, at, k, cg, kh, kw, plane, wp, z);
        } else if (kw <= 8 && HALF != null) {
            copy8(padded, rows, at, k, cg, kh, kw, plane, wp, z);
        } else {
            for (int i = 0; i < z.oh(); i++) {
                for (int j = 0; j < z.ow(); j++, at += k) {
                    int window = i * z.sh() * wp + j * z.sw(), t = at;
                    for (int c = 0; c < cg; c++) {
                        for (int r = 0, from = c * plane + window; r < kh; r++, from += z.dh() * wp, t += kw) {
                            FloatVector.fromArray(F, padded, from).intoArray(rows, t);
                        }
                    }
                }
            }
        }
    }

    /** {@link #windows}' copies with vectors of four lanes (kernel rows of at most four taps). */
    private static void copy4(float[] padded, float[] rows, int at, int k, int cg, int kh, int kw, int plane, int wp, Convolution.Sizes z) {
        int step = z.dh() * wp;
        if (kh == 3 && kw == 3) {
            // The common 3x3 kernel unrolled: a channel's three kernel rows, nine taps, per iteration.
            for (int i = 0; i < z.oh(); i++) {
                for (int j = 0; j < z.ow(); j++, at += k) {
                    int from = i * z.sh() * wp + j * z.sw();
                    for (int c = 0, t = at; c < cg; c++, from += plane, t += 9) {
                        FloatVector.fromArray(QUARTER, padded, from).intoArray(rows, t);
                        FloatVector.fromArray(QUARTER, padded, from + step).intoArray(rows, t + 3);
                        FloatVector.fromArray(QUARTER, padded, from + 2 * step).intoArray(rows, t + 6);
                    }
                }
            }
            return;
        }
        for (int i = 0; i < z.oh(); i++) {
            for (int j = 0; j < z.ow(); j++, at += k) {
                int window = i * z.sh() * wp + j * z.sw(), t = at;
                for (int c = 0; c < cg; c++) {
                    for (int r = 0, from = c * plane + window; r < kh; r++, from += step, t += kw) {
                        FloatVector.fromArray(QUARTER, padded, from).intoArray(rows, t);
                    }
                }
            }
        }
    }

    /** {@link #windows}' copies with vectors of eight lanes (kernel rows of at most eight taps). */
    private static void copy8(float[] padded, float[] rows, int at, int k, int cg, int kh, int kw, int plane, int wp, Convolution.Sizes z) {
        int step = z.dh() * wp;
        for (int i = 0; i < z.oh(); i++) {
            for (int j = 0; j < z.ow(); j++, at += k) {
                int window = i * z.sh() * wp + j * z.sw(), t = at;
                for (int c = 0; c < cg; c++) {
                    for (int r = 0, from = c * plane + window; r < kh; r++, from += step, t += kw) {
                        FloatVector.fromArray(HALF, padded, from).intoArray(rows, t);
                    }
                }
            }
        }
    }

    /**
     * The rows of output row i of image n, group g: an [OW, K] block (a few KB, in the core's
     * first-level cache while it fills). Per input row (c, kh), the positions whose KW taps all lie
     * inside the row copy them without a test; only the few at the edges test each tap.
     */
    private static void outputRow(float[] x, float[] rows, Convolution.Sizes z, int g, int n, int n0, int n1, int i) {
        int p = z.oh() * z.ow(), np = (n1 - n0) * p, k = z.cg() * z.kh() * z.kw(), kw = z.kw(), ow = z.ow();
        int sw = z.sw(), dw = z.dw(), pw = z.pw(), w = z.w();
        // Positions j in [lo, hi) read columns j * SW - PW .. j * SW - PW + DW * (KW - 1), all inside the row.
        int lo = Math.min(ow, (pw + sw - 1) / sw), hi = Math.max(lo, Math.min(ow, Math.floorDiv(w - 1 - dw * (kw - 1) + pw, sw) + 1));
        int block = (g * np + (n - n0) * p + i * ow) * k;
        for (int c = 0; c < z.cg(); c++) {
            int xo = (n * z.c() + g * z.cg() + c) * z.h() * w;
            for (int kh = 0; kh < z.kh(); kh++) {
                int ih = i * z.sh() + kh * z.dh() - z.ph(), t0 = block + (c * z.kh() + kh) * kw;
                if (ih < 0 || ih >= z.h()) {
                    for (int j = 0; j < ow; j++) java.util.Arrays.fill(rows, t0 + j * k, t0 + j * k + kw, 0f);
                    continue;
                }
                int xr = xo + ih * w;
                for (int j = 0; j < lo; j++) edge(x, xr, rows, t0 + j * k, j * sw - pw, kw, dw, w);
                if (kw == 3 && dw == 1) {
                    // The common 3-wide kernel unrolled: three loads and three stores a position.
                    for (int j = lo, from = xr + lo * sw - pw, to = t0 + lo * k; j < hi; j++, from += sw, to += k) {
                        rows[to] = x[from];
                        rows[to + 1] = x[from + 1];
                        rows[to + 2] = x[from + 2];
                    }
                } else {
                    for (int j = lo, from = xr + lo * sw - pw, to = t0 + lo * k; j < hi; j++, from += sw, to += k) {
                        for (int t = 0; t < kw; t++) rows[to + t] = x[from + t * dw];
                    }
                }
                for (int j = hi; j < ow; j++) edge(x, xr, rows, t0 + j * k, j * sw - pw, kw, dw, w);
            }
        }
    }

    /** The KW taps of a position whose window reaches into the padding: zeros there. */
    private static void edge(float[] x, int xr, float[] rows, int to, int first, int kw, int dw, int w) {
        for (int t = 0; t < kw; t++) {
            int iw = first + t * dw;
            rows[to + t] = iw >= 0 && iw < w ? x[xr + iw] : 0f;
        }
    }
}
