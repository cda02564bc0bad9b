package dev.modelc.runtime.exec;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix products on {@code jdk.incubator.vector} lanes. One operand fills the lanes (the
 * <em>lane operand</em>), packed into panels of NR = two vectors' lanes (k-contiguous, zeros past
 * its edge); the other is broadcast an element at a time, its layout, transposed or not, an
 * offset and two strides, so it is never copied. Each {@code MR x NR} block of the result (12
 * rows of two vectors: {@link FloatBlocks}, {@link DoubleBlocks}) is held in registers while a
 * k-block of at most {@link #KC} terms runs; between k-blocks its partial sums wait in the
 * result. A thread runs its blocks k-block by k-block, so a panel's k-block stays in L1 while the
 * broadcast rows stream past it. Which operand fills the lanes is the {@link Path}, chosen by
 * shape ({@link Path#choose}):
 * <ul>
 *   <li>{@link Path#ROWS_PACKED}: b's rows fill the lanes (the result's rows are vectors); the
 *       general path, and the fastest where b is the small operand or a's rows are many.</li>
 *   <li>{@link Path#ROWS_BOTH_PACKED}: as ROWS_PACKED, with a large transposed a's rows packed
 *       in blocks too, so the broadcasts read contiguous runs.</li>
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
 * changes, never the order of an element's terms (a k-block resumes from the stored partial sum,
 * which is the value the register held); lanes past the result's edge are computed from zero
 * padding and dropped.
 *
 * <p>Only {@link Library} touches this class, and only when the vector module is in the boot
 * layer: loading it without the module would fail.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> F = FloatBlocks.F;
    private static final VectorSpecies<Double> D = DoubleBlocks.D;
    /** Broadcast rows of a full register block ({@link FloatBlocks}, {@link DoubleBlocks}). */
    static final int MR = FloatBlocks.MR;
    /**
     * Broadcast elements of a columns path's strip (a multiple of MR), so each row of the result
     * is written 48 elements at a time. Small enough that two threads get even shares of a
     * layer's 512 outputs (11 strips: 96-element strips made 6, split 288 to 224).
     */
    static final int STRIP = 48;
    private static final int FL = F.length();
    private static final int DL = D.length();
    /** Lanes of a panel: two vectors. */
    static final int NR_F = FloatBlocks.NR;
    static final int NR_D = DoubleBlocks.NR;
    /** A transposing copy reads this many elements of each lane at a time: one cache line of f32. */
    private static final int TILE = 16;
    /**
     * The longest k-block: a panel's KC rows of two vectors (32 KB in f32 and f64 alike on
     * AVX-512) stay in the 48 KB L1 beside a block's broadcast rows while the block runs.
     */
    static final int KC = 256;

    /**
     * Packed panels of at most this many elements are kept per thread for the next product; a
     * larger buffer is allocated for its product alone, so one huge product does not pin its
     * memory for good.
     */
    private static final int KEEP = 1 << 22;
    private static final float[] EMPTY_F = new float[0];
    private static final double[] EMPTY_D = new double[0];
    /** Offsets of a vector's lanes in a columns path's strip: consecutive result columns are a panel (NR) apart. */
    private static final int[] STRIP_APART_F = apart(FL, NR_F);
    private static final int[] STRIP_APART_D = apart(DL, NR_D);
    private static final ThreadLocal<float[]> PACK_F = ThreadLocal.withInitial(() -> EMPTY_F);
    private static final ThreadLocal<float[]> PACK_A_F = ThreadLocal.withInitial(() -> EMPTY_F);
    private static final ThreadLocal<double[]> PACK_D = ThreadLocal.withInitial(() -> EMPTY_D);
    private static final ThreadLocal<double[]> PACK_A_D = ThreadLocal.withInitial(() -> EMPTY_D);

    private VectorGemm() {
    }

    /** {@code lanes} offsets {@code step} apart, from zero: a gather's index map. */
    private static int[] apart(int lanes, int step) {
        int[] out = new int[lanes];
        for (int c = 0; c < lanes; c++) out[c] = c * step;
        return out;
    }

    /**
     * Which operand fills the vector lanes, and whether it is read in place or packed first. Every
     * path gives the same bits; they differ in what they copy and how they store.
     */
    enum Path {
        /** b's rows in the lanes, packed. */
        ROWS_PACKED(false),
        /**
         * b's rows in the lanes, packed, and a's rows packed too: each block of MR rows as k runs
         * of MR adjacent elements, so a block's broadcasts read one contiguous run rather than MR
         * elements from each of k rows of a transposed a (a weight gradient's {@code x.T}, rows
         * 784 elements apart). Chosen for a transposed a of at least {@link #PACK_A_MIN} elements
         * and a result of at least {@link #PACK_A_MIN_M} columns: at 784 x 256 x 256 (the MLP's
         * {@code x.T @ g1}) it measured 15 % less time than {@link #ROWS_PACKED}; at
         * 512 x 64 x 784 and 256 x 256 x 256 (a's 32 K and 64 K elements) the two were within
         * the noise, so those copy nothing.
         */
        ROWS_BOTH_PACKED(false),
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
         * two; a columns path's result one move an element (its transposed copy). Rows win ties.
         * Broadcast from a b stored {@code [k, m]}, a columns path reads b's rows m apart, {@code mr}
         * adjacent elements at each k: 12 (AVX-512's blocks) share a cache line or two, and at
         * {@code 64 x 512 x 512}, {@code g @ w}, the columns path measured 14 % faster than
         * packing w; 4 (AVX2's blocks) use a quarter of a line, which costs about a move an
         * element of b (on a Zen 3 core the columns path then ran at 53 GFLOP/s and packing w at 71).
         * {@code nr}: a panel's lanes; {@code mr}: a full block's broadcast rows.
         */
        static Path choose(int n, int k, int m, boolean transA, boolean transB, int nr, int mr) {
            boolean narrow = mr < 8;
            long rows = (long) n * k * roundUp(m, nr) / 16 + (transB ? 2L * k * m : (long) k * roundUp(m, nr) / 2);
            long colsPack = transA ? (long) roundUp(n, nr) * k / 2 : 2L * n * k;
            long cols = (long) m * k * roundUp(n, nr) / 16 + colsPack + (long) n * m + (narrow && !transB ? (long) k * m : 0);
            if (rows > cols) return COLUMNS_PACKED;
            // The copy of a costs about a sixteenth of the lanes' work per column of the result:
            // only where m is wide does it stay small (an im2col weight gradient, m a layer's 32
            // channels and a in the millions, keeps reading a in place). Narrow blocks read a
            // quarter of each line of a transposed a at each k, so packing pays from a smaller a.
            long packMin = narrow ? PACK_A_MIN_NARROW : PACK_A_MIN;
            return transA && (long) n * k >= packMin && m >= PACK_A_MIN_M ? ROWS_BOTH_PACKED : ROWS_PACKED;
        }

        /** The smallest transposed a whose rows {@link #ROWS_BOTH_PACKED} packs (2^17 elements, 512 KB of f32). */
        static final long PACK_A_MIN = 1L << 17;
        /**
         * {@link #PACK_A_MIN} for 4-row blocks (2^15 elements): on a Zen 3 core, f32, packing a
         * measured 6-10 % faster at 512 x 64 x 512 and 512 x 64 x 784 (a's 32 K elements) and
         * 20 % at 256 x 256 x 256, and 3 % slower at 128 x 128 x 128.
         */
        static final long PACK_A_MIN_NARROW = 1L << 15;
        /** The fewest result columns for which {@link #ROWS_BOTH_PACKED} packs a's rows (its copy then at most 1/8 of the lanes' work). */
        static final int PACK_A_MIN_M = 128;

        private static long roundUp(int x, int to) {
            return (long) (x + to - 1) / to * to;
        }
    }

    /**
     * The length of the k-blocks a product's k is cut into: at most {@link #KC}, the blocks as
     * equal as can be (784 is four blocks of 196, not three of 256 and one of 16, whose
     * loads and stores of the partial sums would cost as much as their arithmetic).
     */
    static int kBlock(int k) {
        int blocks = Math.max(1, (k + KC - 1) / KC);
        return Math.max(1, (k + blocks - 1) / blocks);
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
        matmul(a, b, out, ao, bo, oo, n, k, m, transA, transB, Path.choose(n, k, m, transA, transB, NR_F, MR));
    }

    /** One f32 product on the given path (tests run every path). */
    static void matmul(float[] a, float[] b, float[] out, int ao, int bo, int oo, int n, int k, int m,
                       boolean transA, boolean transB, Path path) {
        Shape s = Shape.of(n, k, m, transA, transB, path, NR_F);
        float[] lanes = path.columns ? a : b;
        int lo = path.columns ? ao : bo;
        int need = s.panels * k * NR_F, kc = kBlock(k);
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
            // With a's rows packed, block xb's rows are at xb * MR * k, element (r, q) at q * MR + r.
            boolean packA = path == Path.ROWS_BOTH_PACKED;
            float[] heldA = packA ? PACK_A_F.get() : null;
            if (packA) {
                PACK_A_F.set(EMPTY_F);
                if (heldA.length < xBlocks * MR * k + FL) heldA = new float[xBlocks * MR * k + FL];
                float[] pa = heldA;
                Parallel.forRange(xBlocks, (long) MR * k, (st, e) -> packRowsF(a, ao, s.srs, s.scs, n, k, pa, st, e));
            }
            float[] src = packA ? heldA : a;
            int srcAt = packA ? 0 : ao, rowStep = packA ? k : s.srs;
            Shape bs = packA ? new Shape(s.len, s.xLen, s.panels, s.laneTransposed, 1, MR, s.xMajor) : s;
            Parallel.forRange(xBlocks * s.panels, (long) MR * k * NR_F, (st, e) -> {
                // k-blocks outermost: a panel's KC rows stay in L1 while a's rows stream past
                // them, and a's KC columns stay in L2 from one panel to the next. (k = 0 runs
                // one empty block, which stores the zeros.)
                for (int q0 = 0; q0 == 0 || q0 < k; q0 += kc) {
                    int q1 = Math.min(k, q0 + kc);
                    for (int u = st; u < e; u++) {
                        // Panel-major: consecutive units share a panel.
                        int xb = u % xBlocks, panel = u / xBlocks, i0 = xb * MR, j0 = panel * NR_F;
                        if (m - j0 < NR_F) continue;
                        blocksF(src, srcAt + i0 * rowStep, bs, Math.min(MR, n - i0), q0, q1, p, panel * k * NR_F, out, oo + i0 * m + j0, m);
                    }
                }
                // The last panel, narrower than the lanes, runs its k-blocks in a scratch block of
                // full rows and keeps their first columns (a store past the last column would
                // overwrite the next row, or run past the array).
                float[] edge = null;
                for (int u = st; u < e; u++) {
                    int xb = u % xBlocks, panel = u / xBlocks, i0 = xb * MR, j0 = panel * NR_F, width = m - j0;
                    if (width >= NR_F) continue;
                    if (edge == null) edge = new float[MR * NR_F];
                    int rows = Math.min(MR, n - i0);
                    for (int q0 = 0; q0 == 0 || q0 < k; q0 += kc) {
                        blocksF(src, srcAt + i0 * rowStep, bs, rows, q0, Math.min(k, q0 + kc), p, panel * k * NR_F, edge, 0, NR_F);
                    }
                    for (int r = 0; r < rows; r++) System.arraycopy(edge, r * NR_F, out, oo + (i0 + r) * m + j0, width);
                }
            });
            if (packA && heldA.length <= KEEP) PACK_A_F.set(heldA);
        } else {
            int strips = (m + STRIP - 1) / STRIP;
            Parallel.forRange(strips * s.panels, (long) STRIP * k * NR_F, (st, e) -> {
                float[] strip = new float[STRIP * NR_F];
                for (int u = st; u < e; u++) {
                    int sx = s.xMajor ? u / s.panels : u % strips, panel = s.xMajor ? u % s.panels : u / strips;
                    int j0 = sx * STRIP, count = Math.min(STRIP, m - j0), i0 = panel * NR_F, width = Math.min(NR_F, n - i0);
                    int base = panel * k * NR_F;
                    for (int q0 = 0; q0 == 0 || q0 < k; q0 += kc) {
                        int q1 = Math.min(k, q0 + kc);
                        for (int x = 0; x < count; x += MR) {
                            blocksF(b, bo + (j0 + x) * s.srs, s, Math.min(MR, count - x), q0, q1, p, base, strip, x * NR_F, NR_F);
                        }
                    }
                    // The strip holds result (i0 + y, j0 + x) at x * NR_F + y: each result row is a run of count.
                    // A vector of a row at a time gathers lanes NR_F apart; the rest element by element.
                    int whole = count - count % FL;
                    for (int y = 0; y < width; y++) {
                        int o = oo + (i0 + y) * m + j0, c = 0;
                        for (; c < whole; c += FL) FloatVector.fromArray(F, strip, c * NR_F + y, STRIP_APART_F, 0).intoArray(out, o + c);
                        for (; c < count; c++) out[o + c] = strip[c * NR_F + y];
                    }
                }
            });
        }
        if (packed.length <= KEEP) PACK_F.set(packed);
    }

    /**
     * {@code rows} (at most MR) broadcast rows from {@code at} times one panel over k in
     * {@code [q0, q1)}: a full block on the kernel for its layout, the rows a block leaves four
     * (on the four-row kernel for the layout) and then one at a time. The sums start from zero in the first k-block and from the stored
     * partial sums after it.
     */
    private static void blocksF(float[] s, int at, Shape sh, int rows, int q0, int q1, float[] v, int vAt,
                                float[] out, int to, int ors) {
        boolean acc = q0 > 0;
        if (rows == 12) {
            // Shape: a broadcast operand not contiguous along k has its rows adjacent.
            if (sh.scs == 1) FloatBlocks.alongK(s, at, sh.srs, q0, q1, v, vAt, out, to, ors, acc);
            else FloatBlocks.acrossRows(s, at, sh.scs, q0, q1, v, vAt, out, to, ors, acc);
            return;
        }
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            if (sh.scs == 1) FloatBlocks.fourAlongK(s, at + r * sh.srs, sh.srs, q0, q1, v, vAt, out, to + r * ors, ors, acc);
            else {
                assert sh.srs == 1 : "a broadcast operand strided along k has its rows adjacent";
                FloatBlocks.fourAcrossRows(s, at + r * sh.srs, sh.scs, q0, q1, v, vAt, out, to + r * ors, ors, acc);
            }
        }
        for (; r < rows; r++) FloatBlocks.line(s, at + r * sh.srs, sh.scs, q0, q1, v, vAt, out, to + r * ors, acc);
    }

    /**
     * The broadcast operand's rows (element (i, q) at {@code v[vo + i * srs + q * scs]}) in blocks
     * of MR rows, block xb at {@code xb * MR * k}, its element (r, q) at {@code q * MR + r}; a
     * last block of fewer rows leaves the rest of its runs unread.
     */
    private static void packRowsF(float[] v, int vo, int srs, int scs, int n, int k, float[] packed, int firstBlock, int endBlock) {
        for (int xb = firstBlock; xb < endBlock; xb++) {
            int i0 = xb * MR, rows = Math.min(MR, n - i0), base = xb * MR * k;
            if (srs == 1) {
                // Each run is MR adjacent elements: a vector's first MR lanes, stored over the next
                // run's start (the last run by a copy: past it begins the next block, perhaps another thread's).
                // A store reaches FL - MR past its run, so at most one run further: FL <= 2 * MR
                // (16 lanes of 12 rows; wider vectors take the copies).
                int whole = rows == MR && FL >= MR && FL <= 2 * MR ? Math.max(0, k - 1) : 0;
                for (int q = 0; q < whole; q++) {
                    int from = vo + i0 + q * scs;
                    if (from + FL <= v.length) FloatVector.fromArray(F, v, from).intoArray(packed, base + q * MR);
                    else System.arraycopy(v, from, packed, base + q * MR, MR);
                }
                for (int q = whole; q < k; q++) System.arraycopy(v, vo + i0 + q * scs, packed, base + q * MR, rows);
            } else {
                for (int r = 0; r < rows; r++) {
                    int from = vo + (i0 + r) * srs;
                    for (int q = 0; q < k; q++) packed[base + q * MR + r] = v[from + q * scs];
                }
            }
        }
    }

    /** {@link #packRowsF} in f64: a run of MR adjacent elements a copy each. */
    private static void packRowsD(double[] v, int vo, int srs, int scs, int n, int k, double[] packed, int firstBlock, int endBlock) {
        for (int xb = firstBlock; xb < endBlock; xb++) {
            int i0 = xb * MR, rows = Math.min(MR, n - i0), base = xb * MR * k;
            if (srs == 1) {
                for (int q = 0; q < k; q++) System.arraycopy(v, vo + i0 + q * scs, packed, base + q * MR, rows);
            } else {
                for (int r = 0; r < rows; r++) {
                    int from = vo + (i0 + r) * srs;
                    for (int q = 0; q < k; q++) packed[base + q * MR + r] = v[from + q * scs];
                }
            }
        }
    }

    /**
     * The lane operand's {@code k x len} matrix as panels of NR_F lanes, each k rows of NR_F, zeros
     * past len. Stored transposed
     * ({@code [len, k]}), each lane is a contiguous run of the operand: it is read a cache line
     * (TILE elements) of every lane at a time, so the writes stay within TILE packed rows.
     */
    private static void packF(float[] v, int vo, int k, int len, boolean trans, float[] packed, int firstPanel, int endPanel) {
        if (!trans) {
            // Panel by panel: the writes run in order, the reads step down the operand's rows
            // (which the prefetcher follows). Row by row across the panels, which reads each row
            // in order but scatters the writes over every panel, measured the same on an operand
            // out of cache and up to 1.8 times slower on one in L2 (64 x 784, 64 x 512: a
            // batch's x or h in the weight gradients), one thread.
            int full = Math.max(firstPanel, Math.min(endPanel, len / NR_F));
            for (int panel = firstPanel; panel < full; panel++) {
                int f = vo + panel * NR_F, t = panel * k * NR_F;
                for (int q = 0; q < k; q++, f += len, t += NR_F) {
                    FloatVector.fromArray(F, v, f).intoArray(packed, t);
                    FloatVector.fromArray(F, v, f + FL).intoArray(packed, t + FL);
                }
            }
            if (full < endPanel) {
                int y0 = full * NR_F, width = len - y0, base = full * k * NR_F;
                for (int q = 0; q < k; q++) {
                    int to = base + q * NR_F;
                    System.arraycopy(v, vo + q * len + y0, packed, to, width);
                    for (int c = width; c < NR_F; c++) packed[to + c] = 0f;
                }
            }
            return;
        }
        // Full panels: packed row q is column q of NR_F consecutive lanes (rows of the operand, k
        // apart), two gathers of a vector's lanes each; the FL rows a gather reads stay in L1 over
        // the next columns, so each cache line is read from memory once. (Element by element,
        // the copy cost two to three times as much: a bounds-checked load and store each.)
        int full = Math.max(firstPanel, Math.min(endPanel, len / NR_F));
        if (firstPanel < full) {
            int[] apart = apart(FL, k);
            for (int panel = firstPanel; panel < full; panel++) {
                int from = vo + panel * NR_F * k, base = panel * k * NR_F;
                for (int q = 0; q < k; q++) {
                    FloatVector.fromArray(F, v, from + q, apart, 0).intoArray(packed, base + q * NR_F);
                    FloatVector.fromArray(F, v, from + FL * k + q, apart, 0).intoArray(packed, base + q * NR_F + FL);
                }
            }
        }
        // The last panel, narrower than the lanes, element by element with zeros past len.
        for (int panel = full; panel < endPanel; panel++) {
            int y0 = panel * NR_F, width = Math.min(NR_F, len - y0), base = panel * k * NR_F;
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

    /** The f64 product on the path {@link Path#choose} picks. */
    static void matmul(double[] a, double[] b, double[] out, int ao, int bo, int oo, int n, int k, int m,
                       boolean transA, boolean transB) {
        matmul(a, b, out, ao, bo, oo, n, k, m, transA, transB, Path.choose(n, k, m, transA, transB, NR_D, MR));
    }

    /** One f64 product on the given path (tests run every path). */
    static void matmul(double[] a, double[] b, double[] out, int ao, int bo, int oo, int n, int k, int m,
                       boolean transA, boolean transB, Path path) {
        Shape s = Shape.of(n, k, m, transA, transB, path, NR_D);
        double[] lanes = path.columns ? a : b;
        int lo = path.columns ? ao : bo;
        int need = s.panels * k * NR_D, kc = kBlock(k);
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
            // With a's rows packed, block xb's rows are at xb * MR * k, element (r, q) at q * MR + r.
            boolean packA = path == Path.ROWS_BOTH_PACKED;
            double[] heldA = packA ? PACK_A_D.get() : null;
            if (packA) {
                PACK_A_D.set(EMPTY_D);
                if (heldA.length < xBlocks * MR * k) heldA = new double[xBlocks * MR * k];
                double[] pa = heldA;
                Parallel.forRange(xBlocks, (long) MR * k, (st, e) -> packRowsD(a, ao, s.srs, s.scs, n, k, pa, st, e));
            }
            double[] src = packA ? heldA : a;
            int srcAt = packA ? 0 : ao, rowStep = packA ? k : s.srs;
            Shape bs = packA ? new Shape(s.len, s.xLen, s.panels, s.laneTransposed, 1, MR, s.xMajor) : s;
            Parallel.forRange(xBlocks * s.panels, (long) MR * k * NR_D, (st, e) -> {
                // k-blocks outermost: a panel's KC rows stay in L1 while a's rows stream past
                // them, and a's KC columns stay in L2 from one panel to the next. (k = 0 runs
                // one empty block, which stores the zeros.)
                for (int q0 = 0; q0 == 0 || q0 < k; q0 += kc) {
                    int q1 = Math.min(k, q0 + kc);
                    for (int u = st; u < e; u++) {
                        // Panel-major: consecutive units share a panel.
                        int xb = u % xBlocks, panel = u / xBlocks, i0 = xb * MR, j0 = panel * NR_D;
                        if (m - j0 < NR_D) continue;
                        blocksD(src, srcAt + i0 * rowStep, bs, Math.min(MR, n - i0), q0, q1, p, panel * k * NR_D, out, oo + i0 * m + j0, m);
                    }
                }
                // The last panel, narrower than the lanes, runs its k-blocks in a scratch block of
                // full rows and keeps their first columns (a store past the last column would
                // overwrite the next row, or run past the array).
                double[] edge = null;
                for (int u = st; u < e; u++) {
                    int xb = u % xBlocks, panel = u / xBlocks, i0 = xb * MR, j0 = panel * NR_D, width = m - j0;
                    if (width >= NR_D) continue;
                    if (edge == null) edge = new double[MR * NR_D];
                    int rows = Math.min(MR, n - i0);
                    for (int q0 = 0; q0 == 0 || q0 < k; q0 += kc) {
                        blocksD(src, srcAt + i0 * rowStep, bs, rows, q0, Math.min(k, q0 + kc), p, panel * k * NR_D, edge, 0, NR_D);
                    }
                    for (int r = 0; r < rows; r++) System.arraycopy(edge, r * NR_D, out, oo + (i0 + r) * m + j0, width);
                }
            });
            if (packA && heldA.length <= KEEP) PACK_A_D.set(heldA);
        } else {
            int strips = (m + STRIP - 1) / STRIP;
            Parallel.forRange(strips * s.panels, (long) STRIP * k * NR_D, (st, e) -> {
                double[] strip = new double[STRIP * NR_D];
                for (int u = st; u < e; u++) {
                    int sx = s.xMajor ? u / s.panels : u % strips, panel = s.xMajor ? u % s.panels : u / strips;
                    int j0 = sx * STRIP, count = Math.min(STRIP, m - j0), i0 = panel * NR_D, width = Math.min(NR_D, n - i0);
                    int base = panel * k * NR_D;
                    for (int q0 = 0; q0 == 0 || q0 < k; q0 += kc) {
                        int q1 = Math.min(k, q0 + kc);
                        for (int x = 0; x < count; x += MR) {
                            blocksD(b, bo + (j0 + x) * s.srs, s, Math.min(MR, count - x), q0, q1, p, base, strip, x * NR_D, NR_D);
                        }
                    }
                    // The strip holds result (i0 + y, j0 + x) at x * NR_D + y: each result row is a run of count.
                    // A vector of a row at a time gathers lanes NR_D apart; the rest element by element.
                    int whole = count - count % DL;
                    for (int y = 0; y < width; y++) {
                        int o = oo + (i0 + y) * m + j0, c = 0;
                        for (; c < whole; c += DL) DoubleVector.fromArray(D, strip, c * NR_D + y, STRIP_APART_D, 0).intoArray(out, o + c);
                        for (; c < count; c++) out[o + c] = strip[c * NR_D + y];
                    }
                }
            });
        }
        if (packed.length <= KEEP) PACK_D.set(packed);
    }

    /**
     * {@code rows} (at most MR) broadcast rows from {@code at} times one panel over k in
     * {@code [q0, q1)}: a full block on the kernel for its layout, the rows a block leaves four
     * (on the four-row kernel for the layout) and then one at a time. The sums start from zero in the first k-block and from the stored
     * partial sums after it.
     */
    private static void blocksD(double[] s, int at, Shape sh, int rows, int q0, int q1, double[] v, int vAt,
                                double[] out, int to, int ors) {
        boolean acc = q0 > 0;
        if (rows == 12) {
            // Shape: a broadcast operand not contiguous along k has its rows adjacent.
            if (sh.scs == 1) DoubleBlocks.alongK(s, at, sh.srs, q0, q1, v, vAt, out, to, ors, acc);
            else DoubleBlocks.acrossRows(s, at, sh.scs, q0, q1, v, vAt, out, to, ors, acc);
            return;
        }
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            if (sh.scs == 1) DoubleBlocks.fourAlongK(s, at + r * sh.srs, sh.srs, q0, q1, v, vAt, out, to + r * ors, ors, acc);
            else {
                assert sh.srs == 1 : "a broadcast operand strided along k has its rows adjacent";
                DoubleBlocks.fourAcrossRows(s, at + r * sh.srs, sh.scs, q0, q1, v, vAt, out, to + r * ors, ors, acc);
            }
        }
        for (; r < rows; r++) DoubleBlocks.line(s, at + r * sh.srs, sh.scs, q0, q1, v, vAt, out, to + r * ors, acc);
    }

    /**
     * The lane operand's {@code k x len} matrix as panels of NR_D lanes, each k rows of NR_D, zeros
     * past len. Stored transposed
     * ({@code [len, k]}), each lane is a contiguous run of the operand: it is read a cache line
     * (TILE elements) of every lane at a time, so the writes stay within TILE packed rows.
     */
    private static void packD(double[] v, int vo, int k, int len, boolean trans, double[] packed, int firstPanel, int endPanel) {
        if (!trans) {
            // Panel by panel: the writes run in order, the reads step down the operand's rows
            // (which the prefetcher follows). Row by row across the panels, which reads each row
            // in order but scatters the writes over every panel, measured the same on an operand
            // out of cache and up to 1.8 times slower on one in L2 (64 x 784, 64 x 512: a
            // batch's x or h in the weight gradients), one thread.
            int full = Math.max(firstPanel, Math.min(endPanel, len / NR_D));
            for (int panel = firstPanel; panel < full; panel++) {
                int f = vo + panel * NR_D, t = panel * k * NR_D;
                for (int q = 0; q < k; q++, f += len, t += NR_D) {
                    DoubleVector.fromArray(D, v, f).intoArray(packed, t);
                    DoubleVector.fromArray(D, v, f + DL).intoArray(packed, t + DL);
                }
            }
            if (full < endPanel) {
                int y0 = full * NR_D, width = len - y0, base = full * k * NR_D;
                for (int q = 0; q < k; q++) {
                    int to = base + q * NR_D;
                    System.arraycopy(v, vo + q * len + y0, packed, to, width);
                    for (int c = width; c < NR_D; c++) packed[to + c] = 0d;
                }
            }
            return;
        }
        // Full panels by gathers, as packF.
        int full = Math.max(firstPanel, Math.min(endPanel, len / NR_D));
        if (firstPanel < full) {
            int[] apart = apart(DL, k);
            for (int panel = firstPanel; panel < full; panel++) {
                int from = vo + panel * NR_D * k, base = panel * k * NR_D;
                for (int q = 0; q < k; q++) {
                    DoubleVector.fromArray(D, v, from + q, apart, 0).intoArray(packed, base + q * NR_D);
                    DoubleVector.fromArray(D, v, from + DL * k + q, apart, 0).intoArray(packed, base + q * NR_D + DL);
                }
            }
        }
        // The last panel, narrower than the lanes, element by element with zeros past len.
        for (int panel = full; panel < endPanel; panel++) {
            int y0 = panel * NR_D, width = Math.min(NR_D, len - y0), base = panel * k * NR_D;
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
