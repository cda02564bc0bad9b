package dev.modelc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The convenience API of {@link Tensor}: creation, shapes, broadcasting arithmetic, reductions, comparison. */
class TensorTest {
    private static final float[][] INPUTS = {{73, 67, 43}, {91, 88, 64}, {87, 134, 58}, {102, 43, 37}, {69, 96, 70}};

    @Test
    void zerosOnesFull() {
        Tensor z = Tensor.zeros(DType.F64, 2, 3);
        assertEquals(DType.F64, z.dtype());
        assertArrayEquals(new int[] {2, 3}, z.shape());
        assertArrayEquals(new double[6], z.toDoubleArray());
        assertArrayEquals(new double[] {1, 1}, Tensor.ones(DType.I32, 2).toDoubleArray());
        assertEquals(1.0, Tensor.ones(DType.BOOL).item());
        assertArrayEquals(new double[] {42, 42, 42}, Tensor.full(DType.F32, new int[] {3}, 42).toDoubleArray());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.F32, 2, -1));
    }

    @Test
    void randomTensorsAreSeededAndShaped() {
        Tensor a = Tensor.randn(DType.F32, Generator.of(7, "w"), 2, 3);
        Tensor b = Tensor.randn(DType.F32, Generator.of(7, "w"), 2, 3);
        assertEquals(a, b);
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertNotEquals(a, Tensor.randn(DType.F32, Generator.of(8, "w"), 2, 3));
        Tensor many = Tensor.randn(DType.F64, Generator.of(1, "n"), 20000);
        assertEquals(0, many.mean().item(), 0.05);
        Tensor sq = many.mul(many);
        assertEquals(1, sq.mean().item(), 0.05);
        Tensor u = Tensor.rand(DType.F32, Generator.of(1, "u"), 10000);
        for (double v : u.toDoubleArray()) assertTrue(v >= 0 && v < 1, "rand value " + v);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.randn(DType.I32, Generator.of(1, "x"), 2));
        assertEquals("randn needs a floating dtype (f32 or f64), got i32", e.getMessage());
    }

    @Test
    void arange() {
        assertEquals(Tensor.of(new int[] {0, 1, 2, 3, 4}, 5), Tensor.arange(5));
        assertEquals(Tensor.of(new float[] {1, 1.5f, 2, 2.5f}, 4), Tensor.arange(DType.F32, 1, 3, 0.5));
        assertEquals(Tensor.of(new double[] {3, 2, 1}, 3), Tensor.arange(DType.F64, 3, 0, -1));
        assertEquals(0, Tensor.arange(DType.F64, 3, 0, 1).numel());
        assertThrows(IllegalArgumentException.class, () -> Tensor.arange(DType.F32, 0, 1, 0));
    }

    @Test
    void fromNestedArrays() {
        Tensor t = Tensor.fromArray(INPUTS);
        assertEquals(DType.F32, t.dtype());
        assertArrayEquals(new int[] {5, 3}, t.shape());
        assertEquals(134, t.get(2, 1));
        assertEquals(DType.F64, Tensor.fromArray(new double[] {1, 2}).dtype());
        Tensor i3 = Tensor.fromArray(new int[][][] {{{1, 2}}, {{3, 4}}});
        assertEquals(DType.I32, i3.dtype());
        assertArrayEquals(new int[] {2, 1, 2}, i3.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4}, i3.toDoubleArray());
        assertEquals(Tensor.of(new boolean[] {true, false}, 1, 2), Tensor.fromArray(new boolean[][] {{true, false}}));
        assertArrayEquals(new int[] {2, 0}, Tensor.fromArray(new float[2][0]).shape());
        assertArrayEquals(new int[] {0, 0}, Tensor.fromArray(new float[0][5]).shape());
    }

    @Test
    void raggedArraysHaveAnImproperShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.fromArray(new float[][] {{5, 6}, {7, 8, 9}}));
        assertEquals("an improper shape: expected length 2 at axis 1 but the sub-array at index [1] has length 3"
                + " (nested arrays must be rectangular)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.fromArray(new int[][][] {{{1}, {2}}, {{3}, {}}}));
        assertTrue(e.getMessage().contains("index [1, 1] has length 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.fromArray(new double[][] {{1}, null}));
        assertEquals("an improper shape: null sub-array at index [1]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.fromArray(new long[] {1}));
        assertTrue(e.getMessage().contains("got elements of type long"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.fromArray("not an array"));
    }

    @Test
    void reshape() {
        Tensor t = Tensor.arange(12);
        assertArrayEquals(new int[] {3, 4}, t.reshape(3, 4).shape());
        assertArrayEquals(new int[] {2, 2, 3}, t.reshape(2, -1, 3).shape());
        assertArrayEquals(new int[] {12}, t.reshape(3, 4).reshape(-1).shape());
        assertEquals(7, t.reshape(3, 4).get(1, 3));
        assertArrayEquals(new int[0], Tensor.arange(1).reshape().shape());
        assertEquals("reshape to [5, -1] is invalid for 12 elements",
                assertThrows(IllegalArgumentException.class, () -> t.reshape(5, -1)).getMessage());
        assertEquals("reshape to [-1, -1]: only one size can be -1",
                assertThrows(IllegalArgumentException.class, () -> t.reshape(-1, -1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.reshape(5, 2));
    }

    @Test
    void cat() {
        Tensor a = Tensor.fromArray(new int[][] {{1, 2}, {3, 4}});
        Tensor b = Tensor.fromArray(new int[][] {{5, 6}});
        assertEquals(Tensor.fromArray(new int[][] {{1, 2}, {3, 4}, {5, 6}}), Tensor.cat(0, a, b));
        Tensor c = Tensor.fromArray(new int[][] {{7}, {8}});
        assertEquals(Tensor.fromArray(new int[][] {{1, 2, 7}, {3, 4, 8}}), Tensor.cat(-1, a, c));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.cat(0, a, a.to(DType.F32)));
        assertEquals("cat needs tensors of the same dtype, got i32 and f32 (tensor 1)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.cat(1, a, b));
        assertEquals("cat along axis 1: shapes [2, 2] and [1, 2] differ at axis 0 (tensor 1)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.cat(2, a, b));
    }

    @Test
    void broadcastingArithmetic() {
        Tensor m = Tensor.fromArray(new float[][] {{1, 2, 3}, {4, 5, 6}});
        Tensor row = Tensor.of(new float[] {10, 20, 30}, 3);
        Tensor col = Tensor.fromArray(new float[][] {{1}, {2}});
        assertEquals(Tensor.fromArray(new float[][] {{11, 22, 33}, {14, 25, 36}}), m.add(row));
        assertEquals(Tensor.fromArray(new float[][] {{0, 1, 2}, {2, 3, 4}}), m.sub(col));
        assertEquals(Tensor.fromArray(new float[][] {{10, 20, 30}, {20, 40, 60}}), col.mul(row));
        assertEquals(Tensor.fromArray(new float[][] {{0.5f, 1, 1.5f}, {2, 2.5f, 3}}), m.div(Tensor.scalar(DType.F32, 2)));
        assertEquals(Tensor.of(new int[] {-3, 0, 3}, 3), Tensor.of(new int[] {1, 2, 3}, 3).mul(Tensor.scalar(DType.I32, 3)).sub(Tensor.scalar(DType.I32, 6)));
        // f32 arithmetic rounds to f32 at each step.
        assertEquals(0.1f + 0.2f, (float) Tensor.scalar(DType.F32, 0.1).add(Tensor.scalar(DType.F32, 0.2)).item());
        assertArrayEquals(new int[] {2, 4, 3}, Tensor.zeros(DType.F64, 2, 1, 3).add(Tensor.zeros(DType.F64, 4, 1)).shape());
    }

    @Test
    void arithmeticRefusals() {
        Tensor f = Tensor.zeros(DType.F32, 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.add(Tensor.zeros(DType.F64, 2, 3)));
        assertEquals("add needs tensors of the same dtype, got f32 and f64; convert one with to(DType)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> f.mul(Tensor.zeros(DType.F32, 2)));
        assertEquals("mul: shapes [2, 3] and [2] cannot be broadcast (sizes 3 and 2 at axis 1 of the result)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.arange(3).div(Tensor.arange(3)));
        assertEquals("div needs f32 or f64 tensors, got i32; convert with to(DType.F32) first", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.ones(DType.BOOL, 2).add(Tensor.ones(DType.BOOL, 2)));
        assertEquals("add is not defined on bool tensors", e.getMessage());
    }

    @Test
    void sumAndMean() {
        Tensor m = Tensor.fromArray(new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertEquals(Tensor.scalar(DType.F64, 21), m.sum());
        assertEquals(Tensor.of(new double[] {5, 7, 9}, 3), m.sum(0));
        assertEquals(Tensor.of(new double[] {6, 15}, 2), m.sum(-1));
        assertEquals(Tensor.scalar(DType.F64, 3.5), m.mean());
        assertEquals(Tensor.of(new double[] {2, 5}, 2), m.mean(1));
        assertEquals(Tensor.scalar(DType.I32, 2), Tensor.of(new boolean[] {true, false, true}, 3).sum());
        assertEquals(Tensor.scalar(DType.I32, 6), Tensor.arange(4).sum());
        assertEquals("mean needs a floating dtype (f32 or f64), got i32",
                assertThrows(IllegalArgumentException.class, () -> Tensor.arange(4).mean()).getMessage());
        assertThrows(ArithmeticException.class, () -> Tensor.full(DType.I32, new int[] {3}, Integer.MAX_VALUE).sum());
        assertEquals("sum: axis 2 is out of range for rank 2",
                assertThrows(IllegalArgumentException.class, () -> m.sum(2)).getMessage());
    }

    @Test
    void seedLinearModelPredictions() {
        // preds = inputs @ w.t() + b with the seed's printed weights; the printed preds agree to the rounding of w and b.
        Tensor inputs = Tensor.fromArray(INPUTS);
        Tensor w = Tensor.fromArray(new float[][] {{0.5121f, 0.0860f, -0.1805f}, {1.3327f, -1.7127f, 0.5562f}});
        Tensor b = Tensor.of(new float[] {-0.5312f, -1.3984f}, 2);
        Tensor preds = inputs.matmul(w.t()).add(b);
        Tensor printed = Tensor.fromArray(new float[][] {{34.8536f, 5.0537f}, {42.0872f, 4.7558f}, {45.0799f, -82.6961f},
                {48.7221f, 81.4687f}, {30.4267f, -34.9273f}});
        assertArrayEquals(new int[] {5, 2}, preds.shape());
        assertTrue(preds.allClose(printed, 0, 0.02), preds.toString());
        Tensor targets = Tensor.fromArray(new float[][] {{56, 70}, {81, 101}, {119, 133}, {22, 37}, {103, 119}});
        Tensor diff = preds.sub(targets);
        double loss = diff.mul(diff).mean().item();
        assertEquals(9908.3359, loss, 2.0); // the seed's first loss
    }

    @Test
    void matmulAndTranspose() {
        Tensor a = Tensor.fromArray(new int[][] {{1, 2, 3}, {4, 5, 6}});
        assertEquals(Tensor.fromArray(new int[][] {{1, 4}, {2, 5}, {3, 6}}), a.transpose());
        assertEquals(Tensor.fromArray(new int[][] {{14, 32}, {32, 77}}), a.matmul(a.t()));
        Tensor v = Tensor.arange(3);
        assertSame(v, v.t());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.matmul(a));
        assertEquals("matmul shapes [2, 3] and [2, 3] do not line up: 3 columns against 2 rows", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.matmul(v));
        assertEquals("matmul needs 2-d tensors, got shapes [2, 3] and [3]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.F32, 1, 2, 3).transpose());
    }

    @Test
    void equalsAndAllClose() {
        Tensor nan = Tensor.of(new float[] {Float.NaN, 1}, 2);
        assertEquals(nan, Tensor.of(new float[] {Float.NaN, 1}, 2));
        assertEquals(nan.hashCode(), Tensor.of(new float[] {Float.NaN, 1}, 2).hashCode());
        assertNotEquals(Tensor.of(new float[] {0f}, 1), Tensor.of(new float[] {-0f}, 1));
        assertNotEquals(Tensor.of(new float[] {1}, 1), Tensor.of(new double[] {1}, 1));
        assertNotEquals(Tensor.arange(4), Tensor.arange(4).reshape(2, 2));

        Tensor x = Tensor.of(new double[] {1, 100, Double.POSITIVE_INFINITY}, 3);
        assertTrue(x.allClose(Tensor.of(new double[] {1 + 1e-9, 100.0005, Double.POSITIVE_INFINITY}, 3)));
        assertFalse(x.allClose(Tensor.of(new double[] {1.001, 100, Double.POSITIVE_INFINITY}, 3)));
        assertTrue(x.allClose(Tensor.of(new double[] {1.001, 100, Double.POSITIVE_INFINITY}, 3), 0, 0.01));
        assertFalse(x.allClose(Tensor.of(new double[] {1, 100, Double.NEGATIVE_INFINITY}, 3), 1, 1));
        assertFalse(nan.allClose(nan));
        assertFalse(x.allClose(x.reshape(3, 1)));
        assertTrue(Tensor.of(new float[] {0.1f}, 1).allClose(Tensor.of(new double[] {0.1}, 1)));
    }
}
