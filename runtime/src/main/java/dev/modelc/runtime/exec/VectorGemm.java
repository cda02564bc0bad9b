package dev.modelc.runtime.exec;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix products on {@code jdk.incubator.vector} lanes: b packed into panels of {@link #NR}
 * columns (k-contiguous, zero-padded past m), each {@code MR x NR} block of the result held in
 * registers while k runs, a's elements broadcast in place (its layout, transposed or not, is an
 * offset and two strides, so it is never copied). Threads split the result's blocks.
 *
 * <p>The numerics are those of {@link Library}'s scalar loops, bit for bit: every element is a
 * chain over k in order from zero, in f32 one fused multiply-add per term
 * ({@code acc = fma(a, b, acc)}, as {@link Math#fma}), in f64 a multiply and an add, each rounded
 * (the interpreter's {@link Reference#matmul}). Only the order in which elements are computed
 * changes, never the order of an element's terms.
 *
 * <p>Only {@link Library} touches this class, and only when the vector module is in the boot
 * layer: loading it without the module would fail.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Rows of a register block: 4 rows x 2 vectors are 8 independent accumulators, enough to cover the FMA latency. */
    static final int MR = 4;
    private static final int FL = F.length();
    private static final int DL = D.length();
    /** Columns of a panel: two vectors. */
    static final int NR_F = 2 * FL;
    static final int NR_D = 2 * DL;

    /**
     * Packed b of at most this many elements is kept per thread for the next product (a training
     * step packs the same weights every time); a larger one is allocated for its product alone, so
     * one huge product does not pin its memory for good.
     */
    private static final int KEEP = 1 << 22;
    private static final float[] EMPTY_F = new float[0];
    private static final double[] EMPTY_D = new double[0];
    private static final ThreadLocal<float[]> PACK_F = ThreadLocal.withInitial(() -> EMPTY_F);
    private static final ThreadLocal<double[]> PACK_D = ThreadLocal.withInitial(() -> EMPTY_D);

    private VectorGemm() {
    }

    /** Whether b's panels, m rounded up to whole panels, fit one Java array (else the scalar loops run it). */
    static boolean fits(int k, int m) {
        return (long) k * (m + NR_F) < Integer.MAX_VALUE - 16;
    }

    /** One f32 product {@code out[oo..] = op(a) @ op(b)}, a's element (i, p) at {@code ao + i * ars + p * acs}. */
    static void matmul(float[] a, float[] b, float[] out, int ao, int bo, int oo, int n, int k, int m,
                       boolean transA, boolean transB) {
        int panels = (m + NR_F - 1) / NR_F;
        int need = panels * k * NR_F;
        // Taken from the thread while in use: a product this thread runs while it waits for the
        // split below (a fork-join worker helping) packs into a buffer of its own.
        float[] packed = PACK_F.get();
        PACK_F.set(EMPTY_F);
        if (packed.length < need) packed = new float[need];
        float[] into = packed;
        // Panels are independent: a big b (the weights of a layer, packed every step) packs on every core.
        Parallel.forRange(panels, (long) k * NR_F, (s, e) -> packF(b, bo, k, m, transB, into, s, e));
        int ars = transA ? 1 : k, acs = transA ? n : 1;
        int rowBlocks = (n + MR - 1) / MR;
        float[] p = packed;
        // A unit is one row block of one panel; consecutive units share a panel, so a task's panel stays in cache.
        Parallel.forRange(rowBlocks * panels, (long) MR * k * NR_F, (s, e) -> {
            float[] tail = new float[NR_F];
            for (int u = s; u < e; u++) {
                int panel = u / rowBlocks, i0 = (u % rowBlocks) * MR;
                if (i0 + MR <= n) {
                    blockF(a, ao + i0 * ars, ars, acs, k, p, panel * k * NR_F, out, oo + i0 * m + panel * NR_F, m,
                            m - panel * NR_F, tail);
                } else {
                    for (int i = i0; i < n; i++) {
                        rowF(a, ao + i * ars, acs, k, p, panel * k * NR_F, out, oo + i * m + panel * NR_F, m - panel * NR_F, tail);
                    }
                }
            }
        });
        if (packed.length <= KEEP) PACK_F.set(packed);
    }

    /** b's k x m matrix as panels of NR_F columns, each k rows of NR_F, zeros past m. */
    private static void packF(float[] b, int bo, int k, int m, boolean trans, float[] packed, int firstPanel, int endPanel) {
        for (int panel = firstPanel; panel < endPanel; panel++) {
            int j0 = panel * NR_F, width = Math.min(NR_F, m - j0), base = panel * k * NR_F;
            if (!trans) {
                for (int p = 0; p < k; p++) {
                    int to = base + p * NR_F;
                    System.arraycopy(b, bo + p * m + j0, packed, to, width);
                    for (int c = width; c < NR_F; c++) packed[to + c] = 0f;
                }
            } else {
                // b stored [m, k]: each of the panel's columns is a contiguous run of b.
                for (int c = 0; c < NR_F; c++) {
                    if (c < width) {
                        int from = bo + (j0 + c) * k;
                        for (int p = 0; p < k; p++) packed[base + p * NR_F + c] = b[from + p];
                    } else {
                        for (int p = 0; p < k; p++) packed[base + p * NR_F + c] = 0f;
                    }
                }
            }
        }
    }

    private static void blockF(float[] a, int at, int ars, int acs, int k, float[] packed, int base,
                               float[] out, int to, int m, int width, float[] tail) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int a0 = at, a1 = at + ars, a2 = at + 2 * ars, a3 = at + 3 * ars;
        for (int p = 0; p < k; p++) {
            int bp = base + p * NR_F, ap = p * acs;
            FloatVector b0 = FloatVector.fromArray(F, packed, bp), b1 = FloatVector.fromArray(F, packed, bp + FL);
            FloatVector x = FloatVector.broadcast(F, a[a0 + ap]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, a[a1 + ap]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, a[a2 + ap]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, a[a3 + ap]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        storeF(c00, c01, out, to, width, tail);
        storeF(c10, c11, out, to + m, width, tail);
        storeF(c20, c21, out, to + 2 * m, width, tail);
        storeF(c30, c31, out, to + 3 * m, width, tail);
    }

    private static void rowF(float[] a, int at, int acs, int k, float[] packed, int base, float[] out, int to, int width,
                             float[] tail) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0;
        for (int p = 0; p < k; p++) {
            int bp = base + p * NR_F;
            FloatVector x = FloatVector.broadcast(F, a[at + p * acs]);
            c0 = x.fma(FloatVector.fromArray(F, packed, bp), c0);
            c1 = x.fma(FloatVector.fromArray(F, packed, bp + FL), c1);
        }
        storeF(c0, c1, out, to, width, tail);
    }

    /**
     * The first {@code width} of a block row's 2 x FL columns (all of them when width >= NR_F).
     * A partial row goes through {@code tail}, not a masked store: a masked store reaching past
     * the array's end takes the Vector API's Java fallback (seen in a profile of the MLP's
     * 10-column products).
     */
    private static void storeF(FloatVector c0, FloatVector c1, float[] out, int to, int width, float[] tail) {
        if (width >= NR_F) {
            c0.intoArray(out, to);
            c1.intoArray(out, to + FL);
        } else {
            c0.intoArray(tail, 0);
            c1.intoArray(tail, FL);
            System.arraycopy(tail, 0, out, to, width);
        }
    }

    /** The f64 product, as {@link #matmul(float[], float[], float[], int, int, int, int, int, int, boolean, boolean)}. */
    static void matmul(double[] a, double[] b, double[] out, int ao, int bo, int oo, int n, int k, int m,
                       boolean transA, boolean transB) {
        int panels = (m + NR_D - 1) / NR_D;
        int need = panels * k * NR_D;
        double[] packed = PACK_D.get();
        PACK_D.set(EMPTY_D);
        if (packed.length < need) packed = new double[need];
        double[] into = packed;
        Parallel.forRange(panels, (long) k * NR_D, (s, e) -> packD(b, bo, k, m, transB, into, s, e));
        int ars = transA ? 1 : k, acs = transA ? n : 1;
        int rowBlocks = (n + MR - 1) / MR;
        double[] p = packed;
        Parallel.forRange(rowBlocks * panels, (long) MR * k * NR_D, (s, e) -> {
            double[] tail = new double[NR_D];
            for (int u = s; u < e; u++) {
                int panel = u / rowBlocks, i0 = (u % rowBlocks) * MR;
                if (i0 + MR <= n) {
                    blockD(a, ao + i0 * ars, ars, acs, k, p, panel * k * NR_D, out, oo + i0 * m + panel * NR_D, m,
                            m - panel * NR_D, tail);
                } else {
                    for (int i = i0; i < n; i++) {
                        rowD(a, ao + i * ars, acs, k, p, panel * k * NR_D, out, oo + i * m + panel * NR_D, m - panel * NR_D, tail);
                    }
                }
            }
        });
        if (packed.length <= KEEP) PACK_D.set(packed);
    }

    private static void packD(double[] b, int bo, int k, int m, boolean trans, double[] packed, int firstPanel, int endPanel) {
        for (int panel = firstPanel; panel < endPanel; panel++) {
            int j0 = panel * NR_D, width = Math.min(NR_D, m - j0), base = panel * k * NR_D;
            if (!trans) {
                for (int p = 0; p < k; p++) {
                    int to = base + p * NR_D;
                    System.arraycopy(b, bo + p * m + j0, packed, to, width);
                    for (int c = width; c < NR_D; c++) packed[to + c] = 0d;
                }
            } else {
                for (int c = 0; c < NR_D; c++) {
                    if (c < width) {
                        int from = bo + (j0 + c) * k;
                        for (int p = 0; p < k; p++) packed[base + p * NR_D + c] = b[from + p];
                    } else {
                        for (int p = 0; p < k; p++) packed[base + p * NR_D + c] = 0d;
                    }
                }
            }
        }
    }

    // f64 adds the rounded product (acc + a * b, two roundings), never an FMA: the interpreter's bits.
    private static void blockD(double[] a, int at, int ars, int acs, int k, double[] packed, int base,
                               double[] out, int to, int m, int width, double[] tail) {
        DoubleVector c00 = DoubleVector.zero(D), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int a0 = at, a1 = at + ars, a2 = at + 2 * ars, a3 = at + 3 * ars;
        for (int p = 0; p < k; p++) {
            int bp = base + p * NR_D, ap = p * acs;
            DoubleVector b0 = DoubleVector.fromArray(D, packed, bp), b1 = DoubleVector.fromArray(D, packed, bp + DL);
            DoubleVector x = DoubleVector.broadcast(D, a[a0 + ap]);
            c00 = c00.add(x.mul(b0));
            c01 = c01.add(x.mul(b1));
            x = DoubleVector.broadcast(D, a[a1 + ap]);
            c10 = c10.add(x.mul(b0));
            c11 = c11.add(x.mul(b1));
            x = DoubleVector.broadcast(D, a[a2 + ap]);
            c20 = c20.add(x.mul(b0));
            c21 = c21.add(x.mul(b1));
            x = DoubleVector.broadcast(D, a[a3 + ap]);
            c30 = c30.add(x.mul(b0));
            c31 = c31.add(x.mul(b1));
        }
        storeD(c00, c01, out, to, width, tail);
        storeD(c10, c11, out, to + m, width, tail);
        storeD(c20, c21, out, to + 2 * m, width, tail);
        storeD(c30, c31, out, to + 3 * m, width, tail);
    }

    private static void rowD(double[] a, int at, int acs, int k, double[] packed, int base, double[] out, int to, int width,
                             double[] tail) {
        DoubleVector c0 = DoubleVector.zero(D), c1 = c0;
        for (int p = 0; p < k; p++) {
            int bp = base + p * NR_D;
            DoubleVector x = DoubleVector.broadcast(D, a[at + p * acs]);
            c0 = c0.add(x.mul(DoubleVector.fromArray(D, packed, bp)));
            c1 = c1.add(x.mul(DoubleVector.fromArray(D, packed, bp + DL)));
        }
        storeD(c0, c1, out, to, width, tail);
    }

    private static void storeD(DoubleVector c0, DoubleVector c1, double[] out, int to, int width, double[] tail) {
        if (width >= NR_D) {
            c0.intoArray(out, to);
            c1.intoArray(out, to + DL);
        } else {
            c0.intoArray(tail, 0);
            c1.intoArray(tail, DL);
            System.arraycopy(tail, 0, out, to, width);
        }
    }
}
