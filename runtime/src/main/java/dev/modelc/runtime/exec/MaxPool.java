package dev.modelc.runtime.exec;

import java.util.Arrays;
import java.util.List;

/**
 * Max pooling over the trailing one or two axes (PyTorch's {@code F.max_pool1d/2d}: windows of
 * {@code kernel} every {@code stride}, {@code padding} on both sides read as -inf) and the two
 * ops its derivatives need, with their loops. Each window's <em>winner</em> is found by one
 * running comparison over its offsets in row-major order, {@code v > best || isnan(v)} (PyTorch's
 * CPU kernel's rule): the first maximum wins, a later equal value does not, a NaN always does.
 * <ul>
 *   <li>{@link Kind#MAX} {@code y = max_pool(x)}: each window's winner ({@code -inf} when a
 *       padding position wins, which only a window of {@code -inf}s lets happen);</li>
 *   <li>{@link Kind#SCATTER} {@code dx = max_pool_scatter(x, g)}, shape of x: each window's
 *       {@code g} added at its winner's position (dropped at a padding winner): the gradient of
 *       MAX and of SELECT in their second operand;</li>
 *   <li>{@link Kind#SELECT} {@code y = max_pool_select(x, u)}, u of x's shape, the pooled shape:
 *       {@code u} read at each window's winner (0 at a padding winner): the adjoint of SCATTER
 *       in g.</li>
 * </ul>
 * The winners do not move under small changes of x away from ties, so every op's derivative in
 * x is zero and the three are closed under differentiation (SCATTER and SELECT are linear in
 * their second operand and each other's adjoints). A window's sum in SCATTER (overlapping
 * windows can share a winner) is one f64 sum in row-major window order, rounded once, on every
 * backend. A pool over one axis runs as one over two of height 1.
 */
public record MaxPool(Kind kind, List<Integer> kernel, List<Integer> stride, List<Integer> padding) {

    /** Which of the three a node or call computes. */
    public enum Kind {
        MAX("max_pool"), SCATTER("max_pool_scatter"), SELECT("max_pool_select");

        private final String spelling;

        Kind(String spelling) {
            this.spelling = spelling;
        }

        /** The name the graph and plan text print. */
        public String spelling() {
            return spelling;
        }

        public static Kind of(String spelling) {
            for (Kind k : values()) if (k.spelling.equals(spelling)) return k;
            throw new IllegalArgumentException("no max pool " + spelling);
        }
    }

    public MaxPool {
        kernel = List.copyOf(kernel);
        stride = List.copyOf(stride);
        padding = List.copyOf(padding);
        if (kernel.size() != stride.size() || kernel.size() != padding.size() || kernel.isEmpty() || kernel.size() > 2) {
            throw new IllegalArgumentException("a max pool has one or two axes, given " + kernel + stride + padding);
        }
    }

    /** The number of pooled axes: 1 or 2. */
    public int spatial() {
        return kernel.size();
    }

    /** The same geometry computing {@code k}. */
    public MaxPool as(Kind k) {
        return new MaxPool(k, kernel, stride, padding);
    }

    /** How many operands the kind takes: x, and for SCATTER and SELECT the value it moves. */
    public int arity() {
        return kind == Kind.MAX ? 1 : 2;
    }

    /** The pooled size along axis {@code a} of an input of {@code size}: {@code (size + 2 padding - kernel) / stride + 1}, rounded down. */
    public long outputSize(int a, long size) {
        return Math.floorDiv(size + 2L * padding.get(a) - kernel.get(a), stride.get(a)) + 1;
    }

    /** The text form: {@code max_pool[kernel=(2,2) stride=(2,2) padding=(0,0)]}. */
    public String label() {
        return kind.spelling + "[kernel=" + tuple(kernel) + " stride=" + tuple(stride) + " padding=" + tuple(padding) + "]";
    }

    private static String tuple(List<Integer> v) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < v.size(); i++) b.append(i == 0 ? "" : ",").append(v.get(i));
        return b.append(')').toString();
    }

    /**
     * The sizes of one call on an input of shape {@code xs}: the leading axes as one count of
     * planes, each plane {@code h x w} pooled to {@code oh x ow}, and the geometry (a 1-D pool as
     * a 2-D one of height 1).
     */
    public record Sizes(int planes, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow) {
        /** Whether no window reaches into the padding, so no position needs a bounds test. */
        boolean unpadded() {
            return ph == 0 && pw == 0;
        }

        /**
         * Whether the windows are the CNNs' 2 x 2 of stride 2, unpadded: each row pair cut in
         * column pairs, which {@link PairPool} and {@link VectorPairPool} run.
         */
        boolean pairs() {
            return unpadded() && kh == 2 && kw == 2 && sh == 2 && sw == 2;
        }

        /** Whether the windows tile each plane: stride = kernel, no padding, every position in one window. */
        boolean tiled() {
            return unpadded() && sh == kh && sw == kw && oh * kh == h && ow * kw == w;
        }

        /** Whether windows share positions along some axis, so a SCATTER may add several values at one. */
        boolean overlapping() {
            return sh < kh || sw < kw;
        }
    }

    /** The sizes of a call whose pooled input has shape {@code xs}. */
    public Sizes sizes(int[] xs) {
        int r = xs.length;
        boolean one = spatial() == 1;
        int last = one ? 0 : 1;
        int planes = 1;
        for (int a = 0; a < r - spatial(); a++) planes *= xs[a];
        int h = one ? 1 : xs[r - 2], w = xs[r - 1];
        return new Sizes(planes, h, w, one ? 1 : kernel.get(0), kernel.get(last), one ? 1 : stride.get(0), stride.get(last),
                one ? 0 : padding.get(0), padding.get(last), one ? 1 : (int) outputSize(0, h), (int) outputSize(last, w));
    }

    /**
     * The flat position in {@code x} of the winner of window {@code (oi, oj)} of the plane that
     * starts at {@code base}, or -1 when a padding position wins.
     */
    static int winner(double[] x, int base, Sizes z, int oi, int oj) {
        int h0 = oi * z.sh - z.ph, w0 = oj * z.sw - z.pw, at = -1;
        double best = 0;
        boolean first = true;
        for (int i = 0; i < z.kh; i++) {
            int h = h0 + i;
            for (int j = 0; j < z.kw; j++) {
                int w = w0 + j;
                boolean inside = h >= 0 && h < z.h && w >= 0 && w < z.w;
                double v = inside ? x[base + h * z.w + w] : Double.NEGATIVE_INFINITY;
                if (first || v > best || v != v) {
                    best = v;
                    at = inside ? base + h * z.w + w : -1;
                    first = false;
                }
            }
        }
        return at;
    }

    /** {@link #winner} on f32 values: the same comparisons (an f32 compares in f32 as in f64). */
    static int winner(float[] x, int base, Sizes z, int oi, int oj) {
        int h0 = oi * z.sh - z.ph, w0 = oj * z.sw - z.pw;
        if (z.unpadded()) {
            // Every window lies inside its plane: no bounds tests, the first offset the start.
            int row = base + h0 * z.w + w0, at = row;
            // A 2 x 2 window at any stride: straight-line, without branches on the values.
            if (z.kh == 2 && z.kw == 2) return PairPool.winner(x, row, z.w);
            float best = x[at];
            for (int i = 0; i < z.kh; i++, row += z.w) {
                for (int j = i == 0 ? 1 : 0; j < z.kw; j++) {
                    float v = x[row + j];
                    if (v > best || v != v) {
                        best = v;
                        at = row + j;
                    }
                }
            }
            return at;
        }
        int at = -1;
        float best = 0;
        boolean first = true;
        for (int i = 0; i < z.kh; i++) {
            int h = h0 + i;
            for (int j = 0; j < z.kw; j++) {
                int w = w0 + j;
                boolean inside = h >= 0 && h < z.h && w >= 0 && w < z.w;
                float v = inside ? x[base + h * z.w + w] : Float.NEGATIVE_INFINITY;
                if (first || v > best || v != v) {
                    best = v;
                    at = inside ? base + h * z.w + w : -1;
                    first = false;
                }
            }
        }
        return at;
    }

    /**
     * This op on {@code x} (shape {@code xs}) and, for SCATTER and SELECT, {@code b}, in f64 into
     * a new array: what the reference interpreter and f64 plans run. SCATTER's sums start from 0
     * and add each window's value in row-major window order.
     */
    public double[] reference(double[] x, int[] xs, double[] b) {
        Sizes z = sizes(xs);
        int plane = z.h * z.w, pooled = z.oh * z.ow;
        double[] out = new double[kind == Kind.SCATTER ? z.planes * plane : z.planes * pooled];
        for (int p = 0; p < z.planes; p++) {
            for (int oi = 0; oi < z.oh; oi++) {
                for (int oj = 0; oj < z.ow; oj++) {
                    int at = winner(x, p * plane, z, oi, oj), o = p * pooled + oi * z.ow + oj;
                    switch (kind) {
                        case MAX -> out[o] = at < 0 ? Double.NEGATIVE_INFINITY : x[at];
                        case SELECT -> out[o] = at < 0 ? 0 : b[at];
                        case SCATTER -> {
                            if (at >= 0) out[at] += b[o];
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * Runs this op on the JVM's arrays (the operands and {@code out} all float[] or all
     * double[]): one pass over x, planes on all cores. f64 runs {@link #reference}'s loops in
     * place; f32 compares in f32 and, for a SCATTER of overlapping windows, sums a plane in f64
     * before rounding, so both give the reference's bits. Unpadded 2 x 2 windows of stride 2
     * (the CNNs' pool) run on loops of their own, {@link VectorPairPool} on vector lanes where the
     * JVM has them, else {@link PairPool}, with the same bits.
     */
    public void run(Object x, int[] xs, Object b, Object out) {
        run(x, xs, b, out, LANES);
    }

    /**
     * Whether 2 x 2 windows of stride 2 run on {@code jdk.incubator.vector} lanes
     * ({@link VectorPairPool}) or as scalar code ({@link PairPool}): lanes when
     * {@link dev.modelc.runtime.Lanes#current()} says so and the lanes' permutes are compiled
     * ({@link VectorPairPool#compiled()}). Both give the same bits.
     */
    private static final boolean LANES = dev.modelc.runtime.Lanes.current().on() && VectorPairPool.compiled();

    /** {@link #run(Object, int[], Object, Object)} with 2 x 2 windows of stride 2 on lanes or not (tests run both). */
    void run(Object x, int[] xs, Object b, Object out, boolean lanes) {
        Sizes z = sizes(xs);
        long work = (long) z.h * z.w + (long) z.oh * z.ow * z.kh * z.kw;
        if (x instanceof float[] fx) {
            float[] fb = (float[]) b, fo = (float[]) out;
            if (z.pairs() && lanes) Parallel.forRange(z.planes, work, (s, e) -> VectorPairPool.planes(kind, fx, fb, fo, z, s, e));
            else if (z.pairs()) Parallel.forRange(z.planes, work, (s, e) -> PairPool.planes(kind, fx, fb, fo, z, s, e));
            else Parallel.forRange(z.planes, work, (s, e) -> planes(fx, fb, fo, z, s, e));
        } else {
            double[] dx = (double[]) x, db = (double[]) b, dout = (double[]) out;
            if (z.pairs() && lanes) Parallel.forRange(z.planes, work, (s, e) -> VectorPairPool.planes(kind, dx, db, dout, z, s, e));
            else if (z.pairs()) Parallel.forRange(z.planes, work, (s, e) -> PairPool.planes(kind, dx, db, dout, z, s, e));
            else Parallel.forRange(z.planes, work, (s, e) -> planes(dx, db, dout, z, s, e));
        }
    }

    private void planes(float[] x, float[] b, float[] out, Sizes z, int start, int end) {
        int plane = z.h * z.w, pooled = z.oh * z.ow;
        if (kind == Kind.SCATTER && z.tiled()) {
            scatterTiles(x, b, out, z, start, end);
            return;
        }
        double[] sums = kind == Kind.SCATTER && z.overlapping() ? new double[plane] : null;
        for (int p = start; p < end; p++) {
            int base = p * plane;
            if (kind == Kind.SCATTER) {
                if (sums != null) Arrays.fill(sums, 0);
                else Arrays.fill(out, base, base + plane, 0f);
            }
            for (int oi = 0; oi < z.oh; oi++) {
                for (int oj = 0; oj < z.ow; oj++) {
                    int at = winner(x, base, z, oi, oj), o = p * pooled + oi * z.ow + oj;
                    switch (kind) {
                        case MAX -> out[o] = at < 0 ? Float.NEGATIVE_INFINITY : x[at];
                        case SELECT -> out[o] = at < 0 ? 0f : b[at];
                        case SCATTER -> {
                            // Apart (each position wins at most one window): 0 + g, as the reference's sum.
                            if (at >= 0 && sums != null) sums[at - base] += b[o];
                            else if (at >= 0) out[at] += b[o];
                        }
                    }
                }
            }
            if (sums != null) for (int k = 0; k < plane; k++) out[base + k] = (float) sums[k];
        }
    }

    /**
     * A SCATTER whose windows tile the planes: each window writes all its positions, {@code 0 +
     * g} at the winner (the reference's sum, so a -0 gradient lands as +0) and 0 elsewhere, with
     * no separate pass to zero the result.
     */
    private static void scatterTiles(float[] x, float[] g, float[] out, Sizes z, int start, int end) {
        int plane = z.h * z.w, pooled = z.oh * z.ow;
        for (int p = start; p < end; p++) {
            int base = p * plane;
            for (int oi = 0; oi < z.oh; oi++) {
                for (int oj = 0; oj < z.ow; oj++) {
                    int at = winner(x, base, z, oi, oj), row = base + oi * z.kh * z.w + oj * z.kw;
                    float v = 0f + g[p * pooled + oi * z.ow + oj];
                    for (int i = 0; i < z.kh; i++, row += z.w) {
                        for (int j = 0; j < z.kw; j++) out[row + j] = row + j == at ? v : 0f;
                    }
                }
            }
        }
    }

    private void planes(double[] x, double[] b, double[] out, Sizes z, int start, int end) {
        int plane = z.h * z.w, pooled = z.oh * z.ow;
        for (int p = start; p < end; p++) {
            int base = p * plane;
            if (kind == Kind.SCATTER) Arrays.fill(out, base, base + plane, 0);
            for (int oi = 0; oi < z.oh; oi++) {
                for (int oj = 0; oj < z.ow; oj++) {
                    int at = winner(x, base, z, oi, oj), o = p * pooled + oi * z.ow + oj;
                    switch (kind) {
                        case MAX -> out[o] = at < 0 ? Double.NEGATIVE_INFINITY : x[at];
                        case SELECT -> out[o] = at < 0 ? 0 : b[at];
                        case SCATTER -> {
                            if (at >= 0) out[at] += b[o];
                        }
                    }
                }
            }
        }
    }

    /**
     * For finite differences: the smallest non-zero gap between a window's maximum and another
     * of its values in {@code x} (NaNs and padding left out), +inf when there is none.
     */
    public double nearestTie(double[] x, int[] xs) {
        Sizes z = sizes(xs);
        int plane = z.h * z.w;
        double margin = Double.POSITIVE_INFINITY;
        for (int p = 0; p < z.planes; p++) {
            for (int oi = 0; oi < z.oh; oi++) {
                for (int oj = 0; oj < z.ow; oj++) {
                    int at = winner(x, p * plane, z, oi, oj);
                    if (at < 0) continue;
                    for (int i = 0; i < z.kh; i++) {
                        for (int j = 0; j < z.kw; j++) {
                            int h = oi * z.sh - z.ph + i, w = oj * z.sw - z.pw + j;
                            if (h < 0 || h >= z.h || w < 0 || w >= z.w) continue;
                            double d = Math.abs(x[at] - x[p * plane + h * z.w + w]);
                            if (d > 0 && d < margin) margin = d;
                        }
                    }
                }
            }
        }
        return margin;
    }

    /** Each window's winner (its flat position in x, -1 for padding), in row-major window order: which side of every tie a point is on. */
    public int[] winners(double[] x, int[] xs) {
        Sizes z = sizes(xs);
        int plane = z.h * z.w, pooled = z.oh * z.ow;
        int[] out = new int[z.planes * pooled];
        for (int p = 0; p < z.planes; p++) {
            for (int oi = 0; oi < z.oh; oi++) {
                for (int oj = 0; oj < z.ow; oj++) out[p * pooled + oi * z.ow + oj] = winner(x, p * plane, z, oi, oj);
            }
        }
        return out;
    }
}
