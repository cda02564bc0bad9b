package dev.modelc.runtime.exec;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix products on {@code jdk.incubator.vector} lanes. One operand fills the lanes (the
 * <em>lane operand</em>), packed into panels of NR = two vectors' lanes (k-contiguous, zeros past
 * its edge); the other is broadcast an element at a time, its layout, transposed or not, an
 * offset and two strides, so it is never copied. Each {@code MR x NR} block of the result is
 * held in registers while k runs. Which operand fills the lanes is the {@link Path}, chosen by
 * shape ({@link Path#choose}):
 * <ul>
 *   <li>{@link Path#ROWS_PACKED}: b's rows fill the lanes (the result's rows are vectors); the
 *       general path, and the fastest where b is the small operand or a's rows are many.</li>
 *   <li>{@link Path#COLUMNS_PACKED}: a's columns fill the lanes and b is broadcast, so a layer's
 *       {@code x @ w.T} at a small batch packs the small x (a transposing copy of
 *       {@code batch x k}) instead of the weight ({@code m x k}, the whole layer, every step),
 *       and a 10-column {@code h.T @ g} fills every lane instead of 10 of 32.</li>
 * </ul>
 * A columns path computes a strip of blocks into scratch and copies it transposed into the
 * result, a row of the result at a time (stores of single elements a row apart would conflict in
 * the cache when rows are a power of two apart). The lane operand is never read in place: a
 * panel of b's columns read from rows 2 KB apart (m = 512) does not stay in the cache, and
 * reading it from a packed copy measured faster even counting the copy; packed, its stride is a
 * constant, so the JIT checks the loads' bounds once per loop rather than per load. Threads
 * split the result's blocks: a rows path by panels of b, a columns path along the larger
 * operand, so each core reads half of it.
 *
 * <p>The numerics are those of {@link Library}'s scalar loops, bit for bit, on every path: every
 * element is a chain over k in order from zero, in f32 one fused multiply-add per term
 * ({@code acc = fma(a, b, acc)}, as {@link Math#fma}), in f64 a multiply and an add, each rounded
 * (the interpreter's {@link Reference#matmul}). Only the order in which elements are computed
 * changes, never the order of an element's terms; lanes past the result's edge are computed from
 * zero padding and dropped.
 *
 * <p>Only {@link Library} touches this class, and only when the vector module is in the boot
 * layer: loading it without the module would fail.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Broadcast elements of a register block: 4 x 2 vectors are 8 independent accumulators, enough to cover the FMA latency. */
    static final int MR = 4;
    /** Broadcast elements of a columns path's strip: 16 blocks, so each row of the result is written 64 elements at a time. */
    static final int STRIP = 16 * MR;
    private static final int FL = F.length();
    private static final int DL = D.length();
    /** Lanes of a panel: two vectors. */
    static final int NR_F = 2 * FL;
    static final int NR_D = 2 * DL;
    /** A transposing copy reads this many elements of each lane at a time: one cache line of f32. */
    private static final int TILE = 16;

    /**
     * Packed panels of at most this many elements are kept per thread for the next product; a
     * larger buffer is allocated for its product alone, so one huge product does not pin its
     * memory for good.
     */
    private static final int KEEP = 1 << 22;
    private static final float[] EMPTY_F = new float[0];
    private static final double[] EMPTY_D = new double[0];
    private static final ThreadLocal<float[]> PACK_F = ThreadLocal.withInitial(() -> EMPTY_F);
    private static final ThreadLocal<double[]> PACK_D = ThreadLocal.withInitial(() -> EMPTY_D);

    private VectorGemm() {
    }

    /**
     * Which operand fills the vector lanes, and whether it is read in place or packed first. Every
     * path gives the same bits; they differ in what they copy and how they store.
     */
    enum Path {
        /** b's rows in the lanes, packed. */
        ROWS_PACKED(false),
        /** a's columns in the lanes, packed; the result stored through a transposed strip. */
        COLUMNS_PACKED(true);

        final boolean columns;

        Path(boolean columns) {
            this.columns = columns;
        }

        /**
         * The cheapest path by a cost model in element moves, fitted to single-core timings of the
         * MLPs' products (docs/benchmarks.md): each lane computed (padding included) a sixteenth of
         * a move; a plain packing copy half a move an element (vector copies), a transposing one
         * two; a columns path's result one move an element (its transposed copy), and b's elements
         * a move each when b is not stored transposed. Rows win ties.
         */
        static Path choose(int n, int k, int m, boolean transA, boolean transB, int nr) {
            long rows = (long) n * k * roundUp(m, nr) / 16 + (transB ? 2L * k * m : (long) k * roundUp(m, nr) / 2);
            long colsPack = transA ? (long) roundUp(n, nr) * k / 2 : 2L * n * k;
            // Broadcast from b stored [k, m], the columns path reads rows m apart: at m = 512 (2 KB)
            // they do not stay in the cache, so that costs as much as reading b once more.
            long cols = (long) m * k * roundUp(n, nr) / 16 + colsPack + (long) n * m + (transB ? 0 : (long) k * m);
            return rows <= cols ? ROWS_PACKED : COLUMNS_PACKED;
        }

        private static long roundUp(int x, int to) {
            return (long) (x + to - 1) / to * to;
        }
    }

    /** Whether packed panels of either operand fit one Java array (else the scalar loops run it). */
    static boolean fits(int n, int k, int m) {
        return (long) k * (Math.max(n, m) + NR_F) < Integer.MAX_VALUE - 16;
    }

    /**
     * A product's geometry on a path: the lane operand's {@code len} lanes in {@code panels} of
     * NR ({@code laneTransposed}: stored {@code [len, k]}, else {@code [k, len]}); the broadcast
     * operand's {@code xLen} elements (x, p) at
     * {@code x * srs + p * scs}; {@code xMajor}: a columns path's threads split x (b's rows), else
     * the panels.
     */
    private record Shape(int len, int xLen, int panels, boolean laneTransposed, int srs, int scs, boolean xMajor) {
        static Shape of(int n, int k, int m, boolean transA, boolean transB, Path path, int nr) {
            boolean cols = path.columns;
            int len = cols ? n : m, xLen = cols ? m : n;
            int srs, scs;
            if (!cols) {
                srs = transA ? 1 : k;
                scs = transA ? n : 1;
            } else {
                srs = transB ? k : 1;
                scs = transB ? 1 : m;
            }
            // Split the larger operand between the threads: consecutive units then share the smaller one's block.
            return new Shape(len, xLen, (len + nr - 1) / nr, cols ? !transA : transB, srs, scs, xLen > len);
        }
    }

    /** One f32 product {@code out[oo..] = op(a) @ op(b)} on the path {@link Path#choose} picks. */
    static void matmul(float[] a, float[] b, float[] out, int ao, int bo, int oo, int n, int k, int m,
                       boolean transA, boolean transB) {
        matmul(a, b, out, ao, bo, oo, n, k, m, transA, transB, Path.choose(n, k, m, transA, transB, NR_F));
    }

    /** One f32 product on the given path (tests run every path). */
    static void matmul(float[] a, float[] b, float[] out, int ao, int bo, int oo, int n, int k, int m,
                       boolean transA, boolean transB, Path path) {
        Shape s = Shape.of(n, k, m, transA, transB, path, NR_F);
        float[] lanes = path.columns ? a : b, broadcast = path.columns ? b : a;
        int lo = path.columns ? ao : bo, bcast = path.columns ? bo : ao;
        int need = s.panels * k * NR_F;
        // Taken from the thread while in use: a product this thread runs while it waits for the
        // split below (a fork-join worker helping) packs into a buffer of its own.
        float[] packed = PACK_F.get();
        PACK_F.set(EMPTY_F);
        if (packed.length < need) packed = new float[need];
        float[] p = packed;
        // Panels are independent: a big operand packs on every core.
        Parallel.forRange(s.panels, (long) k * NR_F, (st, e) -> packF(lanes, lo, k, s.len, s.laneTransposed, p, st, e));
        if (!path.columns) {
            int xBlocks = (n + MR - 1) / MR;
            Parallel.forRange(xBlocks * s.panels, (long) MR * k * NR_F, (st, e) -> {
                float[] tail = new float[NR_F];
                for (int u = st; u < e; u++) {
                    // Panel-major: a task's panel stays in cache while a's rows stream past it.
                    int xb = u % xBlocks, panel = u / xBlocks;
                    int i0 = xb * MR, j0 = panel * NR_F, width = Math.min(NR_F, m - j0), at = ao + i0 * s.srs;
                    int o = oo + i0 * m + j0, base = panel * k * NR_F;
                    if (i0 + MR <= n) {
                        if (s.scs == 1) blockUnitF(a, at, s.srs, k, p, base, out, o, m, width, tail);
                        else blockF(a, at, s.srs, s.scs, k, p, base, out, o, m, width, tail);
                    } else {
                        for (int i = i0; i < n; i++) lineF(a, at + (i - i0) * s.srs, s.scs, k, p, base, out, o + (i - i0) * m, width, tail);
                    }
                }
            });
        } else {
            int strips = (m + STRIP - 1) / STRIP;
            Parallel.forRange(strips * s.panels, (long) STRIP * k * NR_F, (st, e) -> {
                float[] strip = new float[STRIP * NR_F];
                for (int u = st; u < e; u++) {
                    int sx = s.xMajor ? u / s.panels : u % strips, panel = s.xMajor ? u % s.panels : u / strips;
                    int j0 = sx * STRIP, count = Math.min(STRIP, m - j0), i0 = panel * NR_F, width = Math.min(NR_F, n - i0);
                    int base = panel * k * NR_F, x = 0;
                    for (; x + MR <= count; x += MR) {
                        if (s.scs == 1) blockUnitF(b, bo + (j0 + x) * s.srs, s.srs, k, p, base, strip, x * NR_F, NR_F, NR_F, null);
                        else blockF(b, bo + (j0 + x) * s.srs, s.srs, s.scs, k, p, base, strip, x * NR_F, NR_F, NR_F, null);
                    }
                    for (; x < count; x++) lineF(b, bo + (j0 + x) * s.srs, s.scs, k, p, base, strip, x * NR_F, NR_F, null);
                    // The strip holds result (i0 + y, j0 + x) at x * NR_F + y: each result row is a run of count.
                    for (int y = 0; y < width; y++) {
                        int o = oo + (i0 + y) * m + j0;
                        for (int c = 0; c < count; c++) out[o + c] = strip[c * NR_F + y];
                    }
                }
            });
        }
        if (packed.length <= KEEP) PACK_F.set(packed);
    }

    /**
     * The lane operand's {@code k x len} matrix as panels of NR_F lanes, each k rows of NR_F, zeros
     * past len. Stored transposed
     * ({@code [len, k]}), each lane is a contiguous run of the operand: it is read a cache line
     * (TILE elements) of every lane at a time, so the writes stay within TILE packed rows.
     */
    private static void packF(float[] v, int vo, int k, int len, boolean trans, float[] packed, int firstPanel, int endPanel) {
        for (int panel = firstPanel; panel < endPanel; panel++) {
            int y0 = panel * NR_F, width = Math.min(NR_F, len - y0), base = panel * k * NR_F;
            if (!trans) {
                for (int q = 0; q < k; q++) {
                    int to = base + q * NR_F, from = vo + q * len + y0;
                    if (width == NR_F) {
                        FloatVector.fromArray(F, v, from).intoArray(packed, to);
                        FloatVector.fromArray(F, v, from + FL).intoArray(packed, to + FL);
                    } else {
                        System.arraycopy(v, from, packed, to, width);
                        for (int c = width; c < NR_F; c++) packed[to + c] = 0f;
                    }
                }
            } else {
                for (int q0 = 0; q0 < k; q0 += TILE) {
                    int q1 = Math.min(k, q0 + TILE);
                    for (int c = 0; c < NR_F; c++) {
                        int from = vo + (y0 + c) * k;
                        if (c < width) {
                            for (int q = q0; q < q1; q++) packed[base + q * NR_F + c] = v[from + q];
                        } else {
                            for (int q = q0; q < q1; q++) packed[base + q * NR_F + c] = 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * MR x NR results: broadcast elements (r, q) at {@code at + r * srs + q * scs}, packed lanes
     * (q, 0..NR) at {@code vAt + q * NR_F}; result row r at {@code to + r * ors}, its first
     * {@code width} lanes.
     */
    private static void blockF(float[] s, int at, int srs, int scs, int k, float[] v, int vAt,
                               float[] out, int to, int ors, int width, float[] tail) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int s0 = at, s1 = at + srs, s2 = at + 2 * srs, s3 = at + 3 * srs;
        for (int q = 0; q < k; q++) {
            int vq = vAt + q * NR_F, sq = q * scs;
            FloatVector b0 = FloatVector.fromArray(F, v, vq), b1 = FloatVector.fromArray(F, v, vq + FL);
            FloatVector x = FloatVector.broadcast(F, s[s0 + sq]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, s[s1 + sq]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, s[s2 + sq]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, s[s3 + sq]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        storeF(c00, c01, out, to, width, tail);
        storeF(c10, c11, out, to + ors, width, tail);
        storeF(c20, c21, out, to + 2 * ors, width, tail);
        storeF(c30, c31, out, to + 3 * ors, width, tail);
    }

    /**
     * {@link #blockF} for unit-stride broadcasts ({@code scs == 1}: a row-major a, a transposed b):
     * with every stride a constant, the JIT proves every index in range once per loop instead of
     * checking each load.
     */
    private static void blockUnitF(float[] s, int at, int srs, int k, float[] v, int vAt,
                                   float[] out, int to, int ors, int width, float[] tail) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int s0 = at, s1 = at + srs, s2 = at + 2 * srs, s3 = at + 3 * srs;
        for (int q = 0; q < k; q++) {
            int vq = vAt + q * NR_F;
            FloatVector b0 = FloatVector.fromArray(F, v, vq), b1 = FloatVector.fromArray(F, v, vq + FL);
            FloatVector x = FloatVector.broadcast(F, s[s0 + q]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, s[s1 + q]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, s[s2 + q]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, s[s3 + q]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        storeF(c00, c01, out, to, width, tail);
        storeF(c10, c11, out, to + ors, width, tail);
        storeF(c20, c21, out, to + 2 * ors, width, tail);
        storeF(c30, c31, out, to + 3 * ors, width, tail);
    }

    /** One broadcast element's NR results, as {@link #blockF}. */
    private static void lineF(float[] s, int at, int scs, int k, float[] v, int vAt, float[] out, int to, int width,
                              float[] tail) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0;
        for (int q = 0; q < k; q++) {
            int vq = vAt + q * NR_F;
            FloatVector x = FloatVector.broadcast(F, s[at + q * scs]);
            c0 = x.fma(FloatVector.fromArray(F, v, vq), c0);
            c1 = x.fma(FloatVector.fromArray(F, v, vq + FL), c1);
        }
        storeF(c0, c1, out, to, width, tail);
    }

    /**
     * The first {@code width} of a block row's NR lanes (all of them when width >= NR_F).
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

    /** The f64 product on the path {@link Path#choose} picks. */
    static void matmul(double[] a, double[] b, double[] out, int ao, int bo, int oo, int n, int k, int m,
                       boolean transA, boolean transB) {
        matmul(a, b, out, ao, bo, oo, n, k, m, transA, transB, Path.choose(n, k, m, transA, transB, NR_D));
    }

    /** One f32 product on the given path (tests run every path). */
    static void matmul(double[] a, double[] b, double[] out, int ao, int bo, int oo, int n, int k, int m,
                       boolean transA, boolean transB, Path path) {
        Shape s = Shape.of(n, k, m, transA, transB, path, NR_D);
        double[] lanes = path.columns ? a : b, broadcast = path.columns ? b : a;
        int lo = path.columns ? ao : bo, bcast = path.columns ? bo : ao;
        int need = s.panels * k * NR_D;
        // Taken from the thread while in use: a product this thread runs while it waits for the
        // split below (a fork-join worker helping) packs into a buffer of its own.
        double[] packed = PACK_D.get();
        PACK_D.set(EMPTY_D);
        if (packed.length < need) packed = new double[need];
        double[] p = packed;
        // Panels are independent: a big operand packs on every core.
        Parallel.forRange(s.panels, (long) k * NR_D, (st, e) -> packD(lanes, lo, k, s.len, s.laneTransposed, p, st, e));
        if (!path.columns) {
            int xBlocks = (n + MR - 1) / MR;
            Parallel.forRange(xBlocks * s.panels, (long) MR * k * NR_D, (st, e) -> {
                double[] tail = new double[NR_D];
                for (int u = st; u < e; u++) {
                    // Panel-major: a task's panel stays in cache while a's rows stream past it.
                    int xb = u % xBlocks, panel = u / xBlocks;
                    int i0 = xb * MR, j0 = panel * NR_D, width = Math.min(NR_D, m - j0), at = ao + i0 * s.srs;
                    int o = oo + i0 * m + j0, base = panel * k * NR_D;
                    if (i0 + MR <= n) {
                        if (s.scs == 1) blockUnitD(a, at, s.srs, k, p, base, out, o, m, width, tail);
                        else blockD(a, at, s.srs, s.scs, k, p, base, out, o, m, width, tail);
                    } else {
                        for (int i = i0; i < n; i++) lineD(a, at + (i - i0) * s.srs, s.scs, k, p, base, out, o + (i - i0) * m, width, tail);
                    }
                }
            });
        } else {
            int strips = (m + STRIP - 1) / STRIP;
            Parallel.forRange(strips * s.panels, (long) STRIP * k * NR_D, (st, e) -> {
                double[] strip = new double[STRIP * NR_D];
                for (int u = st; u < e; u++) {
                    int sx = s.xMajor ? u / s.panels : u % strips, panel = s.xMajor ? u % s.panels : u / strips;
                    int j0 = sx * STRIP, count = Math.min(STRIP, m - j0), i0 = panel * NR_D, width = Math.min(NR_D, n - i0);
                    int base = panel * k * NR_D, x = 0;
                    for (; x + MR <= count; x += MR) {
                        if (s.scs == 1) blockUnitD(b, bo + (j0 + x) * s.srs, s.srs, k, p, base, strip, x * NR_D, NR_D, NR_D, null);
                        else blockD(b, bo + (j0 + x) * s.srs, s.srs, s.scs, k, p, base, strip, x * NR_D, NR_D, NR_D, null);
                    }
                    for (; x < count; x++) lineD(b, bo + (j0 + x) * s.srs, s.scs, k, p, base, strip, x * NR_D, NR_D, null);
                    // The strip holds result (i0 + y, j0 + x) at x * NR_D + y: each result row is a run of count.
                    for (int y = 0; y < width; y++) {
                        int o = oo + (i0 + y) * m + j0;
                        for (int c = 0; c < count; c++) out[o + c] = strip[c * NR_D + y];
                    }
                }
            });
        }
        if (packed.length <= KEEP) PACK_D.set(packed);
    }

    /**
     * The lane operand's {@code k x len} matrix as panels of NR_D lanes, each k rows of NR_D, zeros
     * past len. Stored transposed
     * ({@code [len, k]}), each lane is a contiguous run of the operand: it is read a cache line
     * (TILE elements) of every lane at a time, so the writes stay within TILE packed rows.
     */
    private static void packD(double[] v, int vo, int k, int len, boolean trans, double[] packed, int firstPanel, int endPanel) {
        for (int panel = firstPanel; panel < endPanel; panel++) {
            int y0 = panel * NR_D, width = Math.min(NR_D, len - y0), base = panel * k * NR_D;
            if (!trans) {
                for (int q = 0; q < k; q++) {
                    int to = base + q * NR_D, from = vo + q * len + y0;
                    if (width == NR_D) {
                        DoubleVector.fromArray(D, v, from).intoArray(packed, to);
                        DoubleVector.fromArray(D, v, from + DL).intoArray(packed, to + DL);
                    } else {
                        System.arraycopy(v, from, packed, to, width);
                        for (int c = width; c < NR_D; c++) packed[to + c] = 0d;
                    }
                }
            } else {
                for (int q0 = 0; q0 < k; q0 += TILE) {
                    int q1 = Math.min(k, q0 + TILE);
                    for (int c = 0; c < NR_D; c++) {
                        int from = vo + (y0 + c) * k;
                        if (c < width) {
                            for (int q = q0; q < q1; q++) packed[base + q * NR_D + c] = v[from + q];
                        } else {
                            for (int q = q0; q < q1; q++) packed[base + q * NR_D + c] = 0d;
                        }
                    }
                }
            }
        }
    }

    /**
     * MR x NR results: broadcast elements (r, q) at {@code at + r * srs + q * scs}, packed lanes
     * (q, 0..NR) at {@code vAt + q * NR_D}; result row r at {@code to + r * ors}, its first
     * {@code width} lanes.
     */
    // f64 adds the rounded product (acc + a * b, two roundings), never an FMA: the interpreter's bits.
    private static void blockD(double[] s, int at, int srs, int scs, int k, double[] v, int vAt,
                               double[] out, int to, int ors, int width, double[] tail) {
        DoubleVector c00 = DoubleVector.zero(D), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int s0 = at, s1 = at + srs, s2 = at + 2 * srs, s3 = at + 3 * srs;
        for (int q = 0; q < k; q++) {
            int vq = vAt + q * NR_D, sq = q * scs;
            DoubleVector b0 = DoubleVector.fromArray(D, v, vq), b1 = DoubleVector.fromArray(D, v, vq + DL);
            DoubleVector x = DoubleVector.broadcast(D, s[s0 + sq]);
            c00 = c00.add(x.mul(b0));
            c01 = c01.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[s1 + sq]);
            c10 = c10.add(x.mul(b0));
            c11 = c11.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[s2 + sq]);
            c20 = c20.add(x.mul(b0));
            c21 = c21.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[s3 + sq]);
            c30 = c30.add(x.mul(b0));
            c31 = c31.add(x.mul(b1));
        }
        storeD(c00, c01, out, to, width, tail);
        storeD(c10, c11, out, to + ors, width, tail);
        storeD(c20, c21, out, to + 2 * ors, width, tail);
        storeD(c30, c31, out, to + 3 * ors, width, tail);
    }

    /**
     * {@link #blockD} for unit-stride broadcasts ({@code scs == 1}: a row-major a, a transposed b):
     * with every stride a constant, the JIT proves every index in range once per loop instead of
     * checking each load.
     */
    private static void blockUnitD(double[] s, int at, int srs, int k, double[] v, int vAt,
                                   double[] out, int to, int ors, int width, double[] tail) {
        DoubleVector c00 = DoubleVector.zero(D), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int s0 = at, s1 = at + srs, s2 = at + 2 * srs, s3 = at + 3 * srs;
        for (int q = 0; q < k; q++) {
            int vq = vAt + q * NR_D;
            DoubleVector b0 = DoubleVector.fromArray(D, v, vq), b1 = DoubleVector.fromArray(D, v, vq + DL);
            DoubleVector x = DoubleVector.broadcast(D, s[s0 + q]);
            c00 = c00.add(x.mul(b0));
            c01 = c01.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[s1 + q]);
            c10 = c10.add(x.mul(b0));
            c11 = c11.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[s2 + q]);
            c20 = c20.add(x.mul(b0));
            c21 = c21.add(x.mul(b1));
            x = DoubleVector.broadcast(D, s[s3 + q]);
            c30 = c30.add(x.mul(b0));
            c31 = c31.add(x.mul(b1));
        }
        storeD(c00, c01, out, to, width, tail);
        storeD(c10, c11, out, to + ors, width, tail);
        storeD(c20, c21, out, to + 2 * ors, width, tail);
        storeD(c30, c31, out, to + 3 * ors, width, tail);
    }

    /** One broadcast element's NR results, as {@link #blockD}. */
    private static void lineD(double[] s, int at, int scs, int k, double[] v, int vAt, double[] out, int to, int width,
                              double[] tail) {
        DoubleVector c0 = DoubleVector.zero(D), c1 = c0;
        for (int q = 0; q < k; q++) {
            int vq = vAt + q * NR_D;
            DoubleVector x = DoubleVector.broadcast(D, s[at + q * scs]);
            c0 = c0.add(x.mul(DoubleVector.fromArray(D, v, vq)));
            c1 = c1.add(x.mul(DoubleVector.fromArray(D, v, vq + DL)));
        }
        storeD(c0, c1, out, to, width, tail);
    }

    /**
     * The first {@code width} of a block row's NR lanes (all of them when width >= NR_D).
     * A partial row goes through {@code tail}, not a masked store: a masked store reaching past
     * the array's end takes the Vector API's Java fallback (seen in a profile of the MLP's
     * 10-column products).
     */
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
