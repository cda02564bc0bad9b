package dev.modelc.runtime.exec;

import java.util.Arrays;
import java.util.List;

/**
 * What generated code calls for work it does not write out as loops: matrix products (register
 * blocks on vector lanes, {@link VectorGemm}, where the JVM has them; packed row-parallel loops
 * the JIT vectorizes otherwise) and the rare ops (softmax, pad, concat, argmax,
 * one-hot, row selection and gather with their scatter-adds, random initializers, logsumexp), which go through the {@link Reference} kernels on
 * f64 copies and are rounded to the result's dtype as the interpreter rounds them. Buffers are
 * storage arrays: float[], double[], int[] or boolean[].
 */
public final class Library {
    private Library() {
    }

    /** The first {@code n} values of a storage array as f64 (slots may be longer than the buffer they hold). */
    public static double[] toDoubles(Object array, int n) {
        double[] out = new double[n];
        switch (array) {
            case float[] f -> {
                for (int i = 0; i < n; i++) out[i] = f[i];
            }
            case double[] d -> System.arraycopy(d, 0, out, 0, n);
            case int[] v -> {
                for (int i = 0; i < n; i++) out[i] = v[i];
            }
            case boolean[] z -> {
                for (int i = 0; i < n; i++) out[i] = z[i] ? 1 : 0;
            }
            default -> throw new IllegalArgumentException("not a storage array: " + array.getClass().getName());
        }
        return out;
    }

    /** Stores f64 values into the start of a storage array, rounding as the interpreter does (f32, i32 wrap, bool non-zero). */
    public static void store(double[] values, Object out) {
        int n = values.length;
        switch (out) {
            case float[] f -> {
                for (int i = 0; i < n; i++) f[i] = (float) values[i];
            }
            case double[] d -> System.arraycopy(values, 0, d, 0, n);
            case int[] v -> {
                for (int i = 0; i < n; i++) v[i] = (int) (long) values[i];
            }
            case boolean[] z -> {
                for (int i = 0; i < n; i++) z[i] = values[i] != 0;
            }
            default -> throw new IllegalArgumentException("not a storage array: " + out.getClass().getName());
        }
    }

    private static double[] in(Object x, int[] shape) {
        return toDoubles(x, Reference.numel(shape));
    }

    /** {@code out = softmax(x)} or {@code log_softmax(x)} along {@code axis}. */
    public static void softmax(Object x, int[] shape, int axis, boolean log, Object out) {
        store(Reference.softmax(in(x, shape), shape, axis, log), out);
    }

    /** {@code out = logsumexp(x)} over {@code axes}, shifted by the maximum. */
    public static void logsumexp(Object x, int[] shape, int[] axes, Object out) {
        int outSize = 1;
        for (int a = 0; a < shape.length; a++) {
            final int axis = a;
            if (Arrays.stream(axes).noneMatch(r -> r == axis)) outSize *= shape[a];
        }
        store(Reference.reduce(Reference.Reduction.LOGSUMEXP, in(x, shape), shape, Arrays.stream(axes).boxed().toList(), outSize), out);
    }

    /** Index of the first largest (smallest) element along {@code axis}, or of the flattened tensor when it is -1. */
    public static void argReduce(boolean max, Object x, int[] shape, int axis, Object out) {
        store(Reference.argReduce(max, in(x, shape), shape, axis), out);
    }

    /** The adjoint of a strided slice: {@code x} placed at the window, zeros elsewhere. */
    public static void pad(Object x, int[] shape, long[] starts, long[] steps, int[] outShape, Object out) {
        store(Reference.pad(in(x, shape), shape, starts, steps, outShape), out);
    }

    /** Joins parts along {@code axis}. */
    public static void concat(Object[] parts, int[][] shapes, int axis, int[] outShape, Object out) {
        List<double[]> values = new java.util.ArrayList<>();
        for (int i = 0; i < parts.length; i++) values.add(in(parts[i], shapes[i]));
        store(Reference.concat(values, Arrays.asList(shapes), axis, outShape), out);
    }

    /** Class indices (of shape {@code shape}) to one-hot rows. */
    public static void oneHot(Object labels, int[] shape, long classes, Object out) {
        store(Reference.oneHot(in(labels, shape), classes), out);
    }

    /** {@code out = x[ids]}: rows of x (shape {@code xs}) picked by the i32 indices {@code ids} (shape {@code is}). */
    public static void indexSelect(Object x, int[] xs, Object ids, int[] is, String what, Object out) {
        // Rows are copied as they are (the f64 round trip would give the same values): no copy of the table.
        if (ids instanceof int[] id && x.getClass() == out.getClass()) {
            int rows = xs[0], inner = Reference.numel(Arrays.copyOfRange(xs, 1, xs.length)), n = Reference.numel(is);
            boolean inRange = true;
            for (int k = 0; k < n && inRange; k++) inRange = id[k] >= 0 && id[k] < rows;
            if (inRange) {
                for (int k = 0; k < n; k++) System.arraycopy(x, id[k] * inner, out, k * inner, inner);
                return;
            }
        }
        // The reference refuses the index out of range, in the same words as the interpreter.
        store(Reference.indexSelect(in(x, xs), xs, in(ids, is), is, what), out);
    }

    /** The adjoint of {@link #indexSelect}: rows of g (shape {@code gs}) added into zeros of shape {@code os}. */
    public static void indexAdd(Object g, int[] gs, Object ids, int[] is, int[] os, String what, Object out) {
        store(Reference.indexAdd(in(g, gs), in(ids, is), is, os, what), out);
    }

    /** {@code out = torch.gather(x, axis, idx)}. */
    public static void gather(Object x, int[] xs, Object idx, int[] is, int axis, String what, Object out) {
        store(Reference.gather(in(x, xs), xs, in(idx, is), is, axis, what), out);
    }

    /** The adjoint of {@link #gather}: g (idx's shape) added into zeros of shape {@code os}. */
    public static void scatterAdd(Object g, int[] gs, Object idx, int[] is, int axis, int[] os, String what, Object out) {
        store(Reference.scatterAdd(in(g, gs), in(idx, is), is, axis, os, what), out);
    }

    /**
     * One of the three convolutions ({@link Convolution.Kind}) of {@code a} (shape {@code as}) and
     * {@code b} (shape {@code bs}) into {@code out} (shape {@code os}). In f32 as matrix products
     * (f32 sums, as PyTorch's CPU convolutions): on vector lanes ({@link Im2Col} chooses) by direct
     * kernels at a stride of 1 ({@link DirectForward}, {@link DirectInputGrad},
     * {@link ChannelsWeightGrad}) or through {@link VectorGemm}, the windows unrolled by chunks of
     * images or the whole batch (the weight gradient an image at a time, {@link RowsWeightGrad}),
     * else an image at a time on scalar loops ({@link ImageIm2Col}); all give the same bits. Otherwise on f64 copies with the reference
     * loops, rounded once to the result's dtype: the interpreter's bits.
     */
    public static void conv(Convolution conv, Object a, int[] as, Object b, int[] bs, int[] os, Object out) {
        if (a instanceof float[] fa && b instanceof float[] fb && out instanceof float[] fo) {
            Convolution.Sizes z = conv.sizes(as, bs, os);
            conv.checkFits(z);
            if (LANES) Im2Col.run(conv, fa, fb, fo, z);
            else ImageIm2Col.run(conv, fa, fb, fo, z);
            return;
        }
        store(conv.reference(in(a, as), as, in(b, bs), bs, os), out);
    }

    /**
     * Max pooling of {@code x} (shape {@code xs}) or one of its derivatives' ops, {@code b} the
     * value SCATTER and SELECT move (null for MAX): f32 and f64 arrays in place, one pass.
     */
    public static void maxPool(MaxPool pool, Object x, int[] xs, Object b, int[] bs, Object out) {
        if ((x instanceof float[] && out instanceof float[]) || (x instanceof double[] && out instanceof double[])) {
            pool.run(x, xs, b, out);
            return;
        }
        store(pool.reference(in(x, xs), xs, b == null ? null : in(b, bs)), out);
    }

    /** A random initializer of {@code size} elements: draws from the stream named {@code stream} of {@code seed}. */
    /** A step draw into {@code out}: see {@link Reference#draw}; f32 when {@code out} is a float array. */
    public static void draw(boolean normal, int site, long key, int size, Object out) {
        store(Reference.draw(normal, site, key, out instanceof float[], size), out);
    }

    public static void random(boolean normal, double a, double b, long seed, String stream, int size, Object out) {
        store(Reference.random(normal, a, b, seed, stream, size), out);
    }

    /** Below this many columns a row of the result is computed as dot products, with no packing or allocation. */
    static final int NARROW = 32;
    /** f32 products with at most this many results and at least {@link #SPLIT_K} terms each are split along k. */
    static final int SPLIT_RESULTS = 64;
    static final int SPLIT_K = 1 << 15;
    /** The length of one k chunk: fixed, so results do not depend on the number of cores. */
    static final int K_CHUNK = 1 << 14;

    /**
     * Whether the matrix products run on {@code jdk.incubator.vector} lanes ({@link VectorGemm}):
     * as {@link dev.modelc.runtime.Lanes#current()} says. Both paths give the same bits.
     */
    static final boolean LANES = dev.modelc.runtime.Lanes.current().on();

    /**
     * {@code out = op(a) @ op(b)} for {@code batch} stacked matrices, op being a transpose of the
     * last two axes when asked: a is {@code [n, k]} (stored {@code [k, n]} when transposed), b is
     * {@code [k, m]} (stored {@code [m, k]}). Each element is summed over k in order from zero in
     * f32, one fused multiply-add per term ({@code acc = fma(a, b, acc)}, as BLAS kernels and
     * PyTorch's CPU GEMM accumulate), except for the tall products a gradient makes
     * ({@code x.T @ g}: few results, k in the millions), which sum fixed 16384-term chunks in f32
     * on all cores and add the chunks' sums in f64, in order. The entry point every f32 product
     * goes through (plans' matmuls, convolutions' im2col products).
     */
    public static void matmul(float[] a, float[] b, float[] out, int batch, int n, int k, int m,
                              boolean transA, boolean transB) {
        matmul(a, b, out, batch, n, k, m, transA, transB, LANES);
    }

    /** {@link #matmul(float[], float[], float[], int, int, int, int, boolean, boolean)} on lanes or on the scalar loops (tests run both). */
    static void matmul(float[] a, float[] b, float[] out, int batch, int n, int k, int m,
                       boolean transA, boolean transB, boolean lanes) {
        matmul(a, b, out, batch, n, k, m, transA, transB, lanes, true);
    }

    /**
     * {@link #matmul(float[], float[], float[], int, int, int, int, boolean, boolean)} without the
     * split along k: every element one chain of fused multiply-adds over k in order, whatever the
     * shape. The convolutions on lanes ({@link Im2Col}) use it, so they keep the bits of the
     * image-at-a-time path ({@link ImageIm2Col}) even where a chunk of images or a tiny layer makes
     * a product of at most {@link #SPLIT_RESULTS} results over {@link #SPLIT_K} terms or more.
     */
    static void chainedMatmul(float[] a, float[] b, float[] out, int batch, int n, int k, int m,
                              boolean transA, boolean transB) {
        matmul(a, b, out, batch, n, k, m, transA, transB, LANES, false);
    }

    private static void matmul(float[] a, float[] b, float[] out, int batch, int n, int k, int m,
                               boolean transA, boolean transB, boolean lanes, boolean split) {
        for (int bt = 0; bt < batch; bt++) {
            int ao = bt * n * k, bo = bt * k * m, oo = bt * n * m;
            if (split && (long) n * m <= SPLIT_RESULTS && k >= SPLIT_K) {
                splitK(a, b, out, ao, bo, oo, n, k, m, transA, transB);
            } else if (lanes && VectorGemm.fits(n, k, m)) {
                VectorGemm.matmul(a, b, out, ao, bo, oo, n, k, m, transA, transB);
            } else if (m <= NARROW) {
                if (Parallel.tasks(n, (long) k * m) <= 1) {
                    dots(a, b, out, ao, bo, oo, n, k, m, transA, transB, 0, n);
                } else {
                    Parallel.forRange(n, (long) k * m, (s, e) -> dots(a, b, out, ao, bo, oo, n, k, m, transA, transB, s, e));
                }
            } else {
                float[][] packed = packF(b, bo, k, m, transB);
                Parallel.forRange(n, (long) k * m, (start, end) -> {
                    float[] r0 = new float[m], r1 = new float[m], r2 = new float[m], r3 = new float[m];
                    int stride = transA ? n : 1;
                    int i = start;
                    for (; i + 4 <= end; i += 4) {
                        packedRows(a, ao + (transA ? i : i * k), transA ? 1 : k, stride, k, packed, r0, r1, r2, r3);
                        System.arraycopy(r0, 0, out, oo + i * m, m);
                        System.arraycopy(r1, 0, out, oo + (i + 1) * m, m);
                        System.arraycopy(r2, 0, out, oo + (i + 2) * m, m);
                        System.arraycopy(r3, 0, out, oo + (i + 3) * m, m);
                    }
                    for (; i < end; i++) {
                        packedRow(a, ao + (transA ? i : i * k), stride, k, packed, r0);
                        System.arraycopy(r0, 0, out, oo + i * m, m);
                    }
                });
            }
        }
    }

    /**
     * One row of a packed product. A method of its own, called once per row: C2 compiles it
     * normally (and vectorizes the inner loop); a loop nest inside one long call would run in
     * on-stack-replacement code, which C2 optimizes far less (measured: 10x slower).
     */
    private static void packedRow(float[] a, int offset, int stride, int k, float[][] packed, float[] row) {
        Arrays.fill(row, 0f);
        for (int p = 0; p < k; p++) {
            // No branch on the transpose here: a method that has run both ways lost its vectorized
            // inner loop (measured 6x slower), so the layout is an offset and a stride.
            float av = a[offset + p * stride];
            float[] brow = packed[p];
            // Same index on both sides: C2 vectorizes this even though it cannot prove row != brow.
            for (int j = 0; j < row.length; j++) row[j] = Math.fma(av, brow[j], row[j]);
        }
    }

    /**
     * Four rows of a packed product at once: each row of {@code packed} is read once for all four
     * (a quarter of the memory traffic of four {@link #packedRow} calls). Every element still sums
     * its k terms in order, one rounding per fused multiply-add, so the result is the same bits.
     * Rows start {@code rowStep} apart in {@code a}.
     */
    private static void packedRows(float[] a, int offset, int rowStep, int stride, int k, float[][] packed,
                                   float[] r0, float[] r1, float[] r2, float[] r3) {
        Arrays.fill(r0, 0f);
        Arrays.fill(r1, 0f);
        Arrays.fill(r2, 0f);
        Arrays.fill(r3, 0f);
        int m = r0.length;
        for (int p = 0; p < k; p++) {
            int at = offset + p * stride;
            float a0 = a[at], a1 = a[at + rowStep], a2 = a[at + 2 * rowStep], a3 = a[at + 3 * rowStep];
            float[] brow = packed[p];
            // Same index everywhere: C2 vectorizes it without proving the arrays distinct.
            for (int j = 0; j < m; j++) {
                float bj = brow[j];
                r0[j] = Math.fma(a0, bj, r0[j]);
                r1[j] = Math.fma(a1, bj, r1[j]);
                r2[j] = Math.fma(a2, bj, r2[j]);
                r3[j] = Math.fma(a3, bj, r3[j]);
            }
        }
    }

    private static void dots(float[] a, float[] b, float[] out, int ao, int bo, int oo, int n, int k, int m,
                             boolean transA, boolean transB, int start, int end) {
        int as = transA ? n : 1, bs = transB ? 1 : m;
        for (int i = start; i < end; i++) {
            int ar = ao + (transA ? i : i * k);
            for (int j = 0; j < m; j++) {
                int bc = bo + (transB ? j * k : j);
                float acc = 0f;
                for (int p = 0; p < k; p++) acc = Math.fma(a[ar + p * as], b[bc + p * bs], acc);
                out[oo + i * m + j] = acc;
            }
        }
    }

    private static void splitK(float[] a, float[] b, float[] out, int ao, int bo, int oo, int n, int k, int m,
                               boolean transA, boolean transB) {
        int chunks = (k + K_CHUNK - 1) / K_CHUNK;
        double[] partial = new double[chunks * n * m];
        int as = transA ? n : 1, bs = transB ? 1 : m;
        Parallel.forRange(chunks, (long) K_CHUNK * n * m, (s, e) -> {
            for (int c = s; c < e; c++) {
                int p0 = c * K_CHUNK, p1 = Math.min(k, p0 + K_CHUNK);
                for (int i = 0; i < n; i++) {
                    int ar = ao + (transA ? i : i * k);
                    int j = 0;
                    // Two columns per pass over the chunk: a is read once for both.
                    for (; j + 1 < m; j += 2) {
                        int bc = bo + (transB ? j * k : j), bd = bo + (transB ? (j + 1) * k : j + 1);
                        float s0 = 0, s1 = 0, t0 = 0, t1 = 0;
                        int p = p0;
                        for (; p + 1 < p1; p += 2) {
                            float a0 = a[ar + p * as], a1 = a[ar + (p + 1) * as];
                            s0 += a0 * b[bc + p * bs];
                            t0 += a0 * b[bd + p * bs];
                            s1 += a1 * b[bc + (p + 1) * bs];
                            t1 += a1 * b[bd + (p + 1) * bs];
                        }
                        for (; p < p1; p++) {
                            float a0 = a[ar + p * as];
                            s0 += a0 * b[bc + p * bs];
                            t0 += a0 * b[bd + p * bs];
                        }
                        partial[(c * n + i) * m + j] = (double) s0 + s1;
                        partial[(c * n + i) * m + j + 1] = (double) t0 + t1;
                    }
                    for (; j < m; j++) {
                        int bc = bo + (transB ? j * k : j);
                        // Running sums hide the latency of the adds; a chunk stays in cache across the dots.
                        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                        int p = p0;
                        for (; p + 3 < p1; p += 4) {
                            s0 += a[ar + p * as] * b[bc + p * bs];
                            s1 += a[ar + (p + 1) * as] * b[bc + (p + 1) * bs];
                            s2 += a[ar + (p + 2) * as] * b[bc + (p + 2) * bs];
                            s3 += a[ar + (p + 3) * as] * b[bc + (p + 3) * bs];
                        }
                        for (; p < p1; p++) s0 += a[ar + p * as] * b[bc + p * bs];
                        partial[(c * n + i) * m + j] = (double) s0 + s1 + s2 + s3;
                    }
                }
            }
        });
        for (int r = 0; r < n * m; r++) {
            double sum = 0;
            for (int c = 0; c < chunks; c++) sum += partial[c * n * m + r];
            out[oo + r] = (float) sum;
        }
    }

    /**
     * The f64 form. Every element is summed over k in order from zero, always: f64 results equal
     * the reference interpreter's bit for bit, so no k-splitting here.
     */
    public static void matmul(double[] a, double[] b, double[] out, int batch, int n, int k, int m,
                              boolean transA, boolean transB) {
        matmul(a, b, out, batch, n, k, m, transA, transB, LANES);
    }

    /** The f64 product on lanes or on the scalar loops. */
    static void matmul(double[] a, double[] b, double[] out, int batch, int n, int k, int m,
                       boolean transA, boolean transB, boolean lanes) {
        for (int bt = 0; bt < batch; bt++) {
            int ao = bt * n * k, bo = bt * k * m, oo = bt * n * m;
            if (lanes && VectorGemm.fits(n, k, m)) {
                VectorGemm.matmul(a, b, out, ao, bo, oo, n, k, m, transA, transB);
                continue;
            }
            if (m <= NARROW) {
                if (Parallel.tasks(n, (long) k * m) <= 1) {
                    dots(a, b, out, ao, bo, oo, n, k, m, transA, transB, 0, n);
                } else {
                    Parallel.forRange(n, (long) k * m, (s, e) -> dots(a, b, out, ao, bo, oo, n, k, m, transA, transB, s, e));
                }
                continue;
            }
            double[][] packed = packD(b, bo, k, m, transB);
            Parallel.forRange(n, (long) k * m, (start, end) -> {
                double[] row = new double[m];
                for (int i = start; i < end; i++) {
                    packedRow(a, ao + (transA ? i : i * k), transA ? n : 1, k, packed, row);
                    System.arraycopy(row, 0, out, oo + i * m, m);
                }
            });
        }
    }

    private static void packedRow(double[] a, int offset, int stride, int k, double[][] packed, double[] row) {
        Arrays.fill(row, 0d);
        for (int p = 0; p < k; p++) {
            double av = a[offset + p * stride];
            double[] brow = packed[p];
            for (int j = 0; j < row.length; j++) row[j] += av * brow[j];
        }
    }

    private static void dots(double[] a, double[] b, double[] out, int ao, int bo, int oo, int n, int k, int m,
                             boolean transA, boolean transB, int start, int end) {
        int as = transA ? n : 1, bs = transB ? 1 : m;
        for (int i = start; i < end; i++) {
            int ar = ao + (transA ? i : i * k);
            for (int j = 0; j < m; j++) {
                int bc = bo + (transB ? j * k : j);
                double acc = 0;
                for (int p = 0; p < k; p++) acc += a[ar + p * as] * b[bc + p * bs];
                out[oo + i * m + j] = acc;
            }
        }
    }

    /** The rows of b as {@code [k][m]}, read transposed from {@code [m, k]} storage when asked. */
    /** The side of the square tiles a transposed operand is packed by: 64 x 64 floats, 16 KB, stay in L1. */
    private static final int TILE = 64;

    /**
     * {@code b}'s k x m matrix (its transpose's, with {@code trans}) as k rows of m. A transpose is
     * copied a tile at a time: column by column over the whole matrix, every read of {@code b}
     * would miss the cache (measured: packing a 784 x 512 transpose took longer than the product).
     */
    private static float[][] packF(float[] b, int offset, int k, int m, boolean trans) {
        float[][] rows = new float[k][m];
        if (!trans) {
            for (int p = 0; p < k; p++) System.arraycopy(b, offset + p * m, rows[p], 0, m);
            return rows;
        }
        for (int j0 = 0; j0 < m; j0 += TILE) {
            int j1 = Math.min(m, j0 + TILE);
            for (int p0 = 0; p0 < k; p0 += TILE) {
                int p1 = Math.min(k, p0 + TILE);
                for (int j = j0; j < j1; j++) {
                    int from = offset + j * k;
                    for (int p = p0; p < p1; p++) rows[p][j] = b[from + p];
                }
            }
        }
        return rows;
    }

    private static double[][] packD(double[] b, int offset, int k, int m, boolean trans) {
        double[][] rows = new double[k][m];
        if (!trans) {
            for (int p = 0; p < k; p++) System.arraycopy(b, offset + p * m, rows[p], 0, m);
            return rows;
        }
        for (int j0 = 0; j0 < m; j0 += TILE) {
            int j1 = Math.min(m, j0 + TILE);
            for (int p0 = 0; p0 < k; p0 += TILE) {
                int p1 = Math.min(k, p0 + TILE);
                for (int j = j0; j < j1; j++) {
                    int from = offset + j * k;
                    for (int p = p0; p < p1; p++) rows[p][j] = b[from + p];
                }
            }
        }
        return rows;
    }
}
