package dev.modelc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@link Tensor#toString()} against PyTorch's repr. The "seed" cases are copied from the
 * printed tensors in the PyTorch basics tutorial (shared/seed), without their grad suffixes;
 * the others were derived by hand from the rules of torch/_tensor_str.py.
 */
class TensorFormatTest {
    private static Tensor f32(float[][] rows) {
        return Tensor.fromArray(rows);
    }

    // ---- copied from the seed tutorial ----

    @Test
    void seedScalarsAndVectors() {
        assertEquals("tensor(4.)", Tensor.scalar(DType.F32, 4).toString());
        assertEquals("tensor([1., 2., 3., 4.])", Tensor.of(new float[] {1, 2, 3, 4}, 4).toString());
        assertEquals("tensor(9908.3359)", Tensor.scalar(DType.F32, 9908.3359).toString());
        assertEquals("tensor([0., 0.])", Tensor.zeros(DType.F32, 2).toString());
        assertEquals("tensor([-0.5312, -1.3984])", Tensor.of(new float[] {-0.5312f, -1.3984f}, 2).toString());
        assertEquals("tensor([-28.8346, -78.1205])", Tensor.of(new float[] {-28.8346f, -78.1205f}, 2).toString());
    }

    @Test
    void seedMatrices() {
        Tensor t3 = f32(new float[][] {{5, 6}, {7, 8}, {9, 10}});
        assertEquals("""
                tensor([[ 5.,  6.],
                        [ 7.,  8.],
                        [ 9., 10.]])""", t3.toString());
        assertEquals("""
                tensor([[0., 0., 0.],
                        [0., 0., 0.]])""", Tensor.zeros(DType.F32, 2, 3).toString());
    }

    @Test
    void seedThreeDimensions() {
        Tensor t4 = Tensor.fromArray(new float[][][] {{{11, 12, 13}, {13, 14, 15}}, {{15, 16, 17}, {17, 18, 19}}});
        assertEquals("""
                tensor([[[11., 12., 13.],
                         [13., 14., 15.]],

                        [[15., 16., 17.],
                         [17., 18., 19.]]])""", t4.toString());
    }

    @Test
    void seedCatCosAndReshape() {
        Tensor t3 = f32(new float[][] {{5, 6}, {7, 8}, {9, 10}});
        Tensor t6 = Tensor.full(DType.F32, new int[] {3, 2}, 42);
        Tensor t7 = Tensor.cat(0, t3, t6);
        assertEquals("""
                tensor([[ 5.,  6.],
                        [ 7.,  8.],
                        [ 9., 10.],
                        [42., 42.],
                        [42., 42.],
                        [42., 42.]])""", t7.toString());
        Tensor t8 = t7.map(Math::sin);
        assertEquals("""
                tensor([[-0.9589, -0.2794],
                        [ 0.6570,  0.9894],
                        [ 0.4121, -0.5440],
                        [-0.9165, -0.9165],
                        [-0.9165, -0.9165],
                        [-0.9165, -0.9165]])""", t8.toString());
        Tensor cos = t7.map(Math::cos);
        assertEquals("""
                tensor([[[ 0.2837,  0.9602],
                         [ 0.7539, -0.1455]],

                        [[-0.9111, -0.8391],
                         [-0.4000, -0.4000]],

                        [[-0.4000, -0.4000],
                         [-0.4000, -0.4000]]])""", cos.reshape(3, 2, 2).toString());
    }

    @Test
    void seedInputsTargetsAndWeights() {
        Tensor inputs = f32(new float[][] {{73, 67, 43}, {91, 88, 64}, {87, 134, 58}, {102, 43, 37}, {69, 96, 70}});
        assertEquals("""
                tensor([[ 73.,  67.,  43.],
                        [ 91.,  88.,  64.],
                        [ 87., 134.,  58.],
                        [102.,  43.,  37.],
                        [ 69.,  96.,  70.]])""", inputs.toString());
        Tensor targets = f32(new float[][] {{56, 70}, {81, 101}, {119, 133}, {22, 37}, {103, 119}});
        assertEquals("""
                tensor([[ 56.,  70.],
                        [ 81., 101.],
                        [119., 133.],
                        [ 22.,  37.],
                        [103., 119.]])""", targets.toString());
        Tensor w = f32(new float[][] {{0.5121f, 0.0860f, -0.1805f}, {1.3327f, -1.7127f, 0.5562f}});
        assertEquals("""
                tensor([[ 0.5121,  0.0860, -0.1805],
                        [ 1.3327, -1.7127,  0.5562]])""", w.toString());
        Tensor grad = f32(new float[][] {{-2759.5403f, -4112.8838f, -2355.6990f}, {-7670.0073f, -10917.8066f, -6118.4521f}});
        assertEquals("""
                tensor([[ -2759.5403,  -4112.8838,  -2355.6990],
                        [ -7670.0073, -10917.8066,  -6118.4521]])""", grad.toString());
        Tensor preds = f32(new float[][] {{34.8536f, 5.0537f}, {42.0872f, 4.7558f}, {45.0799f, -82.6961f}, {48.7221f, 81.4687f},
                {30.4267f, -34.9273f}});
        assertEquals("""
                tensor([[ 34.8536,   5.0537],
                        [ 42.0872,   4.7558],
                        [ 45.0799, -82.6961],
                        [ 48.7221,  81.4687],
                        [ 30.4267, -34.9273]])""", preds.toString());
    }

    @Test
    void seedFromNumpyIsFloat64() {
        Tensor y = Tensor.fromArray(new double[][] {{1, 2}, {3, 4.}});
        assertEquals("""
                tensor([[1., 2.],
                        [3., 4.]], dtype=torch.float64)""", y.toString());
    }

    @Test
    void seedFullOfIntegersShowsItsDtype() {
        // The seed's torch.full((3, 2), 42) is int64, which torch does not name; i32 is named.
        assertEquals("""
                tensor([[42, 42],
                        [42, 42],
                        [42, 42]], dtype=torch.int32)""", Tensor.full(DType.I32, new int[] {3, 2}, 42).toString());
    }

    // ---- derived by hand from torch/_tensor_str.py ----

    @Test
    void dtypesAndScalars() {
        assertEquals("tensor([1, 2, 3], dtype=torch.int32)", Tensor.of(new int[] {1, 2, 3}, 3).toString());
        assertEquals("tensor([-1, 20], dtype=torch.int32)", Tensor.of(new int[] {-1, 20}, 2).toString());
        assertEquals("tensor(3.)", Tensor.scalar(DType.F32, 3).toString());
        assertEquals("tensor(0.5000)", Tensor.scalar(DType.F32, 0.5).toString());
        assertEquals("tensor(2.5000, dtype=torch.float64)", Tensor.scalar(DType.F64, 2.5).toString());
        assertEquals("tensor(7, dtype=torch.int32)", Tensor.scalar(DType.I32, 7).toString());
        assertEquals("tensor(True)", Tensor.scalar(DType.BOOL, 1).toString());
        assertEquals("tensor([0.5000, 1.2500])", Tensor.of(new float[] {0.5f, 1.25f}, 2).toString());
        assertEquals("tensor([1., 2.], dtype=torch.float64)", Tensor.of(new double[] {1, 2}, 2).toString());
        assertEquals("tensor([-1.5000,  2.2500])", Tensor.of(new float[] {-1.5f, 2.25f}, 2).toString());
    }

    @Test
    void bools() {
        assertEquals("tensor([ True, False])", Tensor.of(new boolean[] {true, false}, 2).toString());
        assertEquals("tensor([True, True])", Tensor.of(new boolean[] {true, true}, 2).toString());
        assertEquals("""
                tensor([[ True, False],
                        [False,  True]])""", Tensor.fromArray(new boolean[][] {{true, false}, {false, true}}).toString());
    }

    @Test
    void scientificNotation() {
        assertEquals("tensor([1.0000e-05, 1.0000e+03])", Tensor.of(new float[] {1e-5f, 1000}, 2).toString());
        // Integers spanning more than three orders of magnitude.
        assertEquals("tensor([1.0000e+00, 1.0000e+09])", Tensor.of(new float[] {1, 1e9f}, 2).toString());
        // Small values alone are enough; zero is printed in the same notation.
        assertEquals("tensor([0.0000e+00, 1.0000e-05])", Tensor.of(new float[] {0, 1e-5f}, 2).toString());
        assertEquals("tensor([-1.2346e+04,  1.0000e-01], dtype=torch.float64)", Tensor.of(new double[] {-12345.5, 0.1}, 2).toString());
        // A ratio just over 1000 switches to scientific notation; exactly 1000 stays fixed.
        assertEquals("tensor([1.0000e-01, 1.0010e+02])", Tensor.of(new float[] {0.1f, 100.1f}, 2).toString());
        assertEquals("tensor([   1., 1000.])", Tensor.of(new float[] {1, 1000}, 2).toString());
    }

    @Test
    void roundsHalfEvenOnTheExactValueAsPythonDoes() {
        // 0.03125 is exact in binary: Python's '{:.4f}' gives 0.0312, where Java's %.4f would give 0.0313.
        assertEquals("tensor([0.0312, 1.0000])", Tensor.of(new float[] {0.03125f, 1}, 2).toString());
        // f32 0.1 is 0.100000001490116..., printed as 0.1000.
        assertEquals("tensor([0.1000, 0.2000])", Tensor.of(new float[] {0.1f, 0.2f}, 2).toString());
    }

    @Test
    void nonFiniteAndNegativeZero() {
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY;
        assertEquals("tensor([1., nan, inf, -inf])", Tensor.of(new float[] {1, nan, inf, -inf}, 4).toString());
        assertEquals("tensor([1.5000,    nan])", Tensor.of(new float[] {1.5f, nan}, 2).toString());
        assertEquals("tensor([nan])", Tensor.of(new float[] {nan}, 1).toString());
        assertEquals("tensor([0., nan])", Tensor.of(new float[] {0, nan}, 2).toString());
        assertEquals("tensor([-0., 1.])", Tensor.of(new float[] {-0f, 1}, 2).toString());
        // Zeros do not count towards the width, so "-0.0000" is one character wider than the rest.
        assertEquals("tensor([-0.0000, 0.5000])", Tensor.of(new float[] {-0f, 0.5f}, 2).toString());
    }

    @Test
    void emptyTensors() {
        assertEquals("tensor([])", Tensor.zeros(DType.F32, 0).toString());
        assertEquals("tensor([], size=(0, 3))", Tensor.zeros(DType.F32, 0, 3).toString());
        assertEquals("tensor([], dtype=torch.int32)", Tensor.zeros(DType.I32, 0).toString());
        assertEquals("tensor([], dtype=torch.bool)", Tensor.zeros(DType.BOOL, 0).toString());
        assertEquals("tensor([], size=(2, 0), dtype=torch.float64)", Tensor.zeros(DType.F64, 2, 0).toString());
    }

    @Test
    void longRowsWrapAtEightyColumns() {
        Tensor quarters = Tensor.arange(DType.F32, 0, 30, 1).div(Tensor.scalar(DType.F32, 4));
        assertEquals("""
                tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000, 1.2500, 1.5000, 1.7500, 2.0000,
                        2.2500, 2.5000, 2.7500, 3.0000, 3.2500, 3.5000, 3.7500, 4.0000, 4.2500,
                        4.5000, 4.7500, 5.0000, 5.2500, 5.5000, 5.7500, 6.0000, 6.2500, 6.5000,
                        6.7500, 7.0000, 7.2500])""", quarters.toString());
        Tensor halves = Tensor.arange(DType.F32, 0.5, 24, 1).reshape(2, 12);
        assertEquals("""
                tensor([[ 0.5000,  1.5000,  2.5000,  3.5000,  4.5000,  5.5000,  6.5000,  7.5000,
                          8.5000,  9.5000, 10.5000, 11.5000],
                        [12.5000, 13.5000, 14.5000, 15.5000, 16.5000, 17.5000, 18.5000, 19.5000,
                         20.5000, 21.5000, 22.5000, 23.5000]])""", halves.toString());
    }

    @Test
    void suffixMovesToItsOwnLineWhenTheLastLineIsFull() {
        assertEquals("""
                tensor([0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000],
                       dtype=torch.float64)""", Tensor.full(DType.F64, new int[] {9}, 0.5).toString());
        assertEquals("""
                tensor([0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000,
                        0.5000], dtype=torch.float64)""", Tensor.full(DType.F64, new int[] {10}, 0.5).toString());
    }

    @Test
    void summarisesMoreThanAThousandElements() {
        assertEquals("tensor([   0,    1,    2,  ..., 1997, 1998, 1999], dtype=torch.int32)", Tensor.arange(2000).toString());
        // 1000 elements are printed in full; 1001 are summarised, and the width comes from the shown values only.
        assertEquals(1000, Tensor.arange(1000).toString().split(",").length - 1);
        assertEquals("tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])", Tensor.arange(DType.F32, 0, 1001, 1).toString());
        assertEquals("""
                tensor([[   0,    1,    2,  ...,   27,   28,   29],
                        [  30,   31,   32,  ...,   57,   58,   59],
                        [  60,   61,   62,  ...,   87,   88,   89],
                        ...,
                        [1110, 1111, 1112,  ..., 1137, 1138, 1139],
                        [1140, 1141, 1142,  ..., 1167, 1168, 1169],
                        [1170, 1171, 1172,  ..., 1197, 1198, 1199]], dtype=torch.int32)""",
                Tensor.arange(1200).reshape(40, 30).toString());
    }

    @Test
    void summarisesEveryLongAxisOfAThreeDimensionalTensor() {
        String row = "[1., 1., 1.,  ..., 1., 1., 1.]";
        String block = "[" + row + ",\n         " + row + "]";
        String expected = "tensor([" + String.join(",\n\n        ", block, block, block, "...", block, block, block) + "])";
        assertEquals(expected, Tensor.ones(DType.F32, 7, 2, 100).toString());
    }
}
