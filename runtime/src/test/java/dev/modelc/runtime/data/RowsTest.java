package dev.modelc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** Rows gathered by copying storage: every dtype's values keep their bits, and bad indices are named. */
class RowsTest {
    @Test
    void aGatherCopiesWholeRowsOfEveryDtypeBitForBit() {
        // A NaN with a payload and a negative zero: copies of storage keep them exactly.
        float payloadNan = Float.intBitsToFloat(0x7fa00001);
        Tensor f = Tensor.of(new float[] {1.5f, payloadNan, -0f, 3, 4, 5}, 3, 2);
        Tensor gathered = Rows.gather(f, new int[] {2, 0, 0});
        assertArrayEquals(new int[] {3, 2}, gathered.shape());
        float[] got = (float[]) gathered.storage();
        float[] want = {4, 5, 1.5f, payloadNan, 1.5f, payloadNan};
        for (int i = 0; i < want.length; i++) assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "at " + i);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits((float) Rows.row(f, 1).getDouble(0)));

        Tensor i = Tensor.of(new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, 7}, 3);
        assertArrayEquals(new int[] {7, Integer.MIN_VALUE}, (int[]) Rows.gather(i, new int[] {2, 1}).storage());
        Tensor b = Tensor.of(new boolean[] {true, false, false, true}, 2, 2);
        assertArrayEquals(new boolean[] {false, true}, (boolean[]) Rows.row(b, 1).storage());
        Tensor d = Tensor.of(new double[] {0.1, 1e-300, 2, 3}, 2, 1, 2);
        Tensor slice = Rows.slice(d, 1, 2);
        assertArrayEquals(new int[] {1, 1, 2}, slice.shape());
        assertArrayEquals(new double[] {2, 3}, (double[]) slice.storage());
        assertEquals(DType.F64, slice.dtype());
    }

    @Test
    void consecutiveRowsAreCopiedInOneRunWithTheirBits() {
        float nan = Float.intBitsToFloat(0x7fc00123);
        Tensor f = Tensor.of(new float[] {1, 2, nan, -0f, 5, 6}, 3, 2);
        Tensor mid = Rows.gather(f, new int[] {1, 2});
        assertArrayEquals(new int[] {2, 2}, mid.shape());
        float[] got = (float[]) mid.storage();
        assertEquals(0x7fc00123, Float.floatToRawIntBits(got[0]));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(got[1]));
        assertArrayEquals(new float[] {5, 6}, java.util.Arrays.copyOfRange(got, 2, 4));
        Tensor i = Tensor.of(new int[] {1, 2, 3, 4, 5, 6}, 3, 2);
        assertArrayEquals(new int[] {3, 4, 5, 6}, (int[]) Rows.slice(i, 1, 3).storage());
        Tensor none = Rows.slice(i, 3, 3);
        assertArrayEquals(new int[] {0, 2}, none.shape());
        assertEquals(0, ((int[]) none.storage()).length);
    }

    @Test
    void aGatherNeverSharesStorageWithItsSource() {
        float[] values = {1, 2, 3, 4};
        Tensor t = Tensor.of(values, 2, 2);
        Tensor all = Rows.slice(t, 0, 2);
        ((float[]) t.storage())[0] = 9;
        assertEquals(1f, ((float[]) all.storage())[0]);
    }

    @Test
    void aRowPastTheEndIsNamed() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        var e = assertThrows(IndexOutOfBoundsException.class, () -> Rows.gather(t, new int[] {0, 2}));
        assertEquals("row 2 of a tensor with 2 rows", e.getMessage());
    }
}
