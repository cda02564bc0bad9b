package dev.modelc.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Every {@link VectorGemm.Path}, forced whatever {@link VectorGemm.Path#choose} would pick, gives
 * the plain loop's bits in f32 (each element's k terms chained in order through fused
 * multiply-adds) and the interpreter's {@link Reference#matmul} bits in f64, for every layout
 * (both transposes): odd sizes, one row, one column, sizes that are not a multiple of the vector width
 * or of a panel (two vectors) or of a register block's rows or of a columns path's strip, k cut
 * into several k-blocks (partial sums stored and resumed) and k not a multiple of them, operands
 * at offsets inside larger arrays (as a batched product reads them). {@link MatMulProperties} covers the chosen path
 * through {@link Library#matmul}, with and without lanes.
 */
class VectorGemmPathProperties {
    @Property(tries = 300)
    void everyPathGivesThePlainLoopsBits(
            @ForAll @IntRange(min = 1, max = 100) int n,
            @ForAll @IntRange(min = 1, max = 80) int k,
            @ForAll @IntRange(min = 1, max = 150) int m,
            @ForAll boolean ta, @ForAll boolean tb,
            @ForAll @IntRange(min = 0, max = 9) int offset, @ForAll long seed) {
        for (VectorGemm.Path path : VectorGemm.Path.values()) check(n, k, m, ta, tb, offset, path, new Random(seed));
    }

    @Property(tries = 60)
    void kCutIntoBlocksGivesThePlainLoopsBits(
            @ForAll @IntRange(min = 1, max = 40) int n,
            @ForAll @IntRange(min = VectorGemm.KC - 3, max = 3 * VectorGemm.KC + 50) int k,
            @ForAll @IntRange(min = 1, max = 70) int m,
            @ForAll boolean ta, @ForAll boolean tb,
            @ForAll @IntRange(min = 0, max = 3) int offset, @ForAll long seed) {
        for (VectorGemm.Path path : VectorGemm.Path.values()) check(n, k, m, ta, tb, offset, path, new Random(seed));
    }

    @Test
    void kBlocksAreAtMostKcAndAsEqualAsCanBe() {
        assertEquals(VectorGemm.KC, VectorGemm.kBlock(VectorGemm.KC));
        assertEquals(196, VectorGemm.kBlock(784));
        assertEquals(129, VectorGemm.kBlock(VectorGemm.KC + 1));
        assertEquals(10, VectorGemm.kBlock(10));
        assertEquals(1, VectorGemm.kBlock(1));
        assertEquals(1, VectorGemm.kBlock(0));
    }

    @Test
    void theMlpsShapesGiveThePlainLoopsBitsOnEveryPath() {
        // The products of a 784-512-512-10 training step at batch 64 and a few edge shapes.
        int[][] shapes = {{64, 784, 512}, {64, 512, 512}, {64, 512, 10}, {64, 10, 512}, {512, 64, 10}, {784, 64, 512},
            {1, 1, 1}, {1, 300, 17}, {17, 300, 1}, {33, 5, 65}, {97, 3, 200},
            // Register blocks of 12 rows and their leftovers (4-row blocks, single rows), k-blocks, k = 0.
            {12, 257, 32}, {13, 513, 33}, {24, 256, 64}, {27, 770, 31}, {11, 300, 5}, {5, 0, 40}, {40, 0, 5},
            // A transposed a of more than PACK_A_MIN elements (its rows packed when chosen), 12-row blocks and 6 rows left, 4 k-blocks.
            {150, 900, 20}};
        Random r = new Random(16);
        for (int[] s : shapes) {
            for (int layout = 0; layout < 4; layout++) {
                for (VectorGemm.Path path : VectorGemm.Path.values()) {
                    check(s[0], s[1], s[2], (layout & 1) != 0, (layout & 2) != 0, 3, path, r);
                }
            }
        }
    }

    /** Panel widths of the cost model: two vectors of f32 on AVX-512 and on AVX2. */
    private static final int AVX512 = 32, AVX2 = 16;

    @Test
    void theQuickstartsProductsTakeTheirPaths() {
        // The choices on AVX-512's 32-lane panels (the machine the cost model was fitted on); the
        // model takes the panel width, so these hold on any machine.
        // x @ w.T (w stored [out, in], as Linear keeps it) at batch 64 packs the 64 x 784 x, not the 512 x 784 weight.
        assertEquals(VectorGemm.Path.COLUMNS_PACKED, VectorGemm.Path.choose(64, 784, 512, false, true, AVX512, 12));
        assertEquals(VectorGemm.Path.COLUMNS_PACKED, VectorGemm.Path.choose(64, 512, 512, false, true, AVX512, 12));
        // At batch 256 the weight's copy pays for itself over 64 row blocks.
        assertEquals(VectorGemm.Path.ROWS_PACKED, VectorGemm.Path.choose(256, 256, 256, false, true, AVX512, 12));
        // g @ w at batch 64 packs g's 64 columns and reads w in place, 12 adjacent elements at each k.
        assertEquals(VectorGemm.Path.COLUMNS_PACKED, VectorGemm.Path.choose(64, 512, 512, false, false, AVX512, 12));
        // At batch 256, and for the weight gradients g.T @ x, the operand whose rows fill the lanes is packed, in vector copies.
        assertEquals(VectorGemm.Path.ROWS_PACKED, VectorGemm.Path.choose(256, 256, 256, false, false, AVX512, 12));
        assertEquals(VectorGemm.Path.ROWS_PACKED, VectorGemm.Path.choose(512, 64, 784, true, false, AVX512, 12));
        assertEquals(VectorGemm.Path.ROWS_PACKED, VectorGemm.Path.choose(10, 64, 512, true, false, AVX512, 12));
        // The MLP's x.T @ g1 at batch 256: x (256 x 784) read transposed, its rows packed as well.
        assertEquals(VectorGemm.Path.ROWS_BOTH_PACKED, VectorGemm.Path.choose(784, 256, 256, true, false, AVX512, 12));
        assertEquals(VectorGemm.Path.ROWS_PACKED, VectorGemm.Path.choose(256, 256, 256, true, false, AVX512, 12));
        // An im2col weight gradient (a 288 x 50,176 transposed a, 32 channels): a is read in place.
        assertEquals(VectorGemm.Path.ROWS_PACKED, VectorGemm.Path.choose(288, 50176, 32, true, false, AVX512, 12));
        // h.T @ g with 10 columns: h's 512 columns fill the lanes, rather than 10 of every 32 lanes.
        assertEquals(VectorGemm.Path.COLUMNS_PACKED, VectorGemm.Path.choose(512, 64, 10, true, false, AVX512, 12));
    }

    @Test
    void fourRowBlocksChooseByTheirOwnCosts() {
        // AVX2: 16-lane panels, 4-row blocks (the choices measured fastest on a Zen 3 core, f32).
        // 10 columns waste 6 of 16 lanes, not 22 of 32: h's 512 columns are not packed.
        assertEquals(VectorGemm.Path.ROWS_PACKED, VectorGemm.Path.choose(512, 64, 10, true, false, AVX2, 4));
        assertEquals(VectorGemm.Path.COLUMNS_PACKED, VectorGemm.Path.choose(64, 784, 512, false, true, AVX2, 4));
        // g @ w at batch 64: four adjacent elements of w a k step use a quarter of a line; w is packed.
        assertEquals(VectorGemm.Path.ROWS_PACKED, VectorGemm.Path.choose(64, 512, 512, false, false, AVX2, 4));
        // Weight gradients from a transposed a of 32 K elements and more pack a's rows.
        assertEquals(VectorGemm.Path.ROWS_BOTH_PACKED, VectorGemm.Path.choose(512, 64, 512, true, false, AVX2, 4));
        assertEquals(VectorGemm.Path.ROWS_BOTH_PACKED, VectorGemm.Path.choose(256, 256, 256, true, false, AVX2, 4));
        assertEquals(VectorGemm.Path.ROWS_PACKED, VectorGemm.Path.choose(128, 128, 128, true, false, AVX2, 4));
        assertEquals(VectorGemm.Path.ROWS_PACKED, VectorGemm.Path.choose(256, 256, 10, true, false, AVX2, 4));
    }

    private static void check(int n, int k, int m, boolean ta, boolean tb, int offset, VectorGemm.Path path, Random r) {
        int ao = offset, bo = 2 * offset, oo = 3 * offset;
        float[] a = new float[ao + n * k + offset], b = new float[bo + k * m + offset], out = new float[oo + n * m + offset];
        double[] da = new double[a.length], db = new double[b.length], dout = new double[out.length];
        for (int i = 0; i < a.length; i++) da[i] = a[i] = (float) r.nextGaussian();
        for (int i = 0; i < b.length; i++) db[i] = b[i] = (float) r.nextGaussian();
        for (int i = 0; i < out.length; i++) dout[i] = out[i] = Float.NaN;
        String where = path + " n=" + n + " k=" + k + " m=" + m + " tA=" + ta + " tB=" + tb + " offset=" + offset;

        VectorGemm.matmul(a, b, out, ao, bo, oo, n, k, m, ta, tb, path);
        float[] want = MatMulBitsTest.plain(slice(a, ao, n * k), slice(b, bo, k * m), 1, n, k, m, ta, tb);
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(out[oo + i]), where + " at " + i);
        }
        for (int i = 0; i < offset; i++) {
            assertTrue(Float.isNaN(out[i]) && Float.isNaN(out[oo + n * m + i]), where + ": wrote outside the result");
        }

        VectorGemm.matmul(da, db, dout, ao, bo, oo, n, k, m, ta, tb, path);
        double[] dwant = MatMulBitsTest.reference(slice(da, ao, n * k), slice(db, bo, k * m), 1, n, k, m, ta, tb);
        for (int i = 0; i < dwant.length; i++) {
            assertEquals(Double.doubleToLongBits(dwant[i]), Double.doubleToLongBits(dout[oo + i]), "f64 " + where + " at " + i);
        }
        for (int i = 0; i < offset; i++) {
            assertTrue(Double.isNaN(dout[i]) && Double.isNaN(dout[oo + n * m + i]), "f64 " + where + ": wrote outside the result");
        }
    }

    private static float[] slice(float[] x, int from, int length) {
        return java.util.Arrays.copyOfRange(x, from, from + length);
    }

    private static double[] slice(double[] x, int from, int length) {
        return java.util.Arrays.copyOfRange(x, from, from + length);
    }
}
