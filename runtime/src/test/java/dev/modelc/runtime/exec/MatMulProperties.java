package dev.modelc.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Every path of {@link Library#matmul} (vector lanes and scalar loops; both transposes; batched;
 * odd sizes, one row, one column, sizes that are not a multiple of the vector width) against the
 * plain loops and against the interpreter's {@link Reference#matmul}: f64 bit for bit, f32
 * within the error bound of an f32 sum of k terms.
 */
class MatMulProperties {
    /** f32's unit roundoff: the rounding of one fused multiply-add is at most this much relative to its result. */
    private static final double U = 0x1p-24;

    @Property(tries = 400)
    void everyPathGivesThePlainLoopsBitsAndStaysWithinF32sBoundOfTheInterpreter(
            @ForAll @IntRange(min = 1, max = 4) int batch,
            @ForAll @IntRange(min = 1, max = 70) int n,
            @ForAll @IntRange(min = 1, max = 90) int k,
            @ForAll @IntRange(min = 1, max = 70) int m,
            @ForAll boolean ta, @ForAll boolean tb, @ForAll boolean lanes, @ForAll long seed) {
        Random r = new Random(seed);
        double[] da = new double[batch * n * k], db = new double[batch * k * m];
        float[] a = new float[da.length], b = new float[db.length];
        for (int i = 0; i < a.length; i++) da[i] = a[i] = (float) r.nextGaussian();
        for (int i = 0; i < b.length; i++) db[i] = b[i] = (float) r.nextGaussian();
        String where = "batch=" + batch + " n=" + n + " k=" + k + " m=" + m + " tA=" + ta + " tB=" + tb + " lanes=" + lanes;

        float[] out = new float[batch * n * m];
        Library.matmul(a, b, out, batch, n, k, m, ta, tb, lanes);
        float[] plain = MatMulBitsTest.plain(a, b, batch, n, k, m, ta, tb);
        double[] reference = MatMulBitsTest.reference(da, db, batch, n, k, m, ta, tb);
        for (int i = 0; i < out.length; i++) {
            assertEquals(Float.floatToIntBits(plain[i]), Float.floatToIntBits(out[i]), where + " at " + i);
            // An in-order f32 sum of k rounded terms is within k * u * sum |a_p * b_p| of the exact sum
            // (Higham, Accuracy and Stability, 3.1); the interpreter's f64 sum is exact to far below that.
            int bt = i / (n * m), row = i % (n * m) / m, col = i % m;
            double magnitude = 0;
            for (int p = 0; p < k; p++) {
                magnitude += Math.abs((double) MatMulBitsTest.aAt(a, bt, n, k, row, p, ta) * MatMulBitsTest.bAt(b, bt, k, m, p, col, tb));
            }
            double bound = (k + 1) * U * magnitude;
            assertTrue(Math.abs(out[i] - reference[i]) <= bound,
                    where + " at " + i + ": " + out[i] + " vs the interpreter's " + reference[i] + ", bound " + bound);
        }

        double[] dout = new double[batch * n * m];
        Library.matmul(da, db, dout, batch, n, k, m, ta, tb, lanes);
        for (int i = 0; i < dout.length; i++) {
            assertEquals(Double.doubleToLongBits(reference[i]), Double.doubleToLongBits(dout[i]), "f64 " + where + " at " + i);
        }
    }
}
