package dev.modelc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Npy} against files made by real numpy (src/test/resources/npy, from make_fixtures.py)
 * and against itself: bit-exact round trips for every dtype.
 */
class NpyTest {
    @TempDir
    Path dir;

    static Path fixture(String name) {
        try {
            return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing fixture " + name, e);
        }
    }

    private static Tensor roundTrip(Tensor t) throws IOException {
        return Npy.fromBytes(Npy.toBytes(t), "round trip");
    }

    /** Equal dtype and shape and the very same bits, NaN payloads included. */
    static void assertBitsEqual(Tensor expected, Tensor actual) {
        assertEquals(expected.dtype(), actual.dtype());
        assertArrayEquals(expected.shape(), actual.shape());
        switch (expected.dtype()) {
            case F32 -> {
                float[] a = (float[]) expected.data(), b = (float[]) actual.data();
                for (int i = 0; i < a.length; i++) {
                    assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "f32 bits at " + i);
                }
            }
            case F64 -> {
                double[] a = (double[]) expected.data(), b = (double[]) actual.data();
                for (int i = 0; i < a.length; i++) {
                    assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(b[i]), "f64 bits at " + i);
                }
            }
            case I32 -> assertArrayEquals((int[]) expected.data(), (int[]) actual.data());
            case BOOL -> assertArrayEquals((boolean[]) expected.data(), (boolean[]) actual.data());
        }
    }

    // ---- fixtures written by numpy ----

    @Test
    void readsEachDtypeWrittenByNumpy() throws IOException {
        Tensor f32 = Npy.read(fixture("f32.npy"));
        assertBitsEqual(Tensor.of(new float[] {1.5f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE, Float.MAX_VALUE}, 2, 3), f32);
        Tensor f64 = Npy.read(fixture("f64.npy"));
        assertBitsEqual(Tensor.of(new double[] {0.1, -2.5, Double.MIN_VALUE, Double.NEGATIVE_INFINITY}, 4), f64);
        assertEquals(Tensor.fromArray(new int[][] {{Integer.MIN_VALUE, -1, 0}, {1, 42, Integer.MAX_VALUE}}), Npy.read(fixture("i32.npy")));
        assertEquals(Tensor.fromArray(new boolean[][] {{true, false, true}, {false, false, true}}), Npy.read(fixture("bool.npy")));
        Tensor scalar = Npy.read(fixture("scalar.npy"));
        assertEquals(Tensor.scalar(DType.F32, 3.5), scalar);
        assertEquals("tensor(3.5000)", scalar.toString());
        Tensor empty = Npy.read(fixture("empty.npy"));
        assertEquals(DType.F64, empty.dtype());
        assertArrayEquals(new int[] {0, 3}, empty.shape());
    }

    @Test
    void readsTheSeedInputsAsTorchPrintsThem() throws IOException {
        assertEquals("""
                tensor([[ 73.,  67.,  43.],
                        [ 91.,  88.,  64.],
                        [ 87., 134.,  58.],
                        [102.,  43.,  37.],
                        [ 69.,  96.,  70.]])""", Npy.read(fixture("inputs.npy")).toString());
    }

    @Test
    void readsInt64AsI32WithARangeCheck() throws IOException {
        assertEquals(Tensor.of(new int[] {1, -2, Integer.MAX_VALUE, Integer.MIN_VALUE}, 4), Npy.read(fixture("i64.npy")));
        Npy.FormatException e = assertThrows(Npy.FormatException.class, () -> Npy.read(fixture("i64_overflow.npy")));
        assertTrue(e.getMessage().startsWith(fixture("i64_overflow.npy").toString() + ": "), e.getMessage());
        assertTrue(e.getMessage().endsWith("int64 value 2147483648 at flat index 2 does not fit in i32 (modelc reads '<i8' as i32)"), e.getMessage());
    }

    @Test
    void readsBigEndianFiles() throws IOException {
        assertEquals(Tensor.of(new float[] {1, -2.5f, 3.25f}, 3), Npy.read(fixture("f32_be.npy")));
        assertBitsEqual(Tensor.fromArray(new double[][] {{0.1, -0.0}, {1e300, Double.MIN_VALUE}}), Npy.read(fixture("f64_be.npy")));
        assertEquals(Tensor.of(new int[] {1, -2, 65536}, 3), Npy.read(fixture("i32_be.npy")));
        assertEquals(Tensor.of(new int[] {3, -4}, 2), Npy.read(fixture("i64_be.npy")));
    }

    @Test
    void readsFormatVersion2() throws IOException {
        byte[] bytes = Files.readAllBytes(fixture("f32_v2.npy"));
        assertEquals(2, bytes[6]);
        assertEquals(Tensor.fromArray(new float[][] {{1, 2}, {3, 4}}), Npy.read(fixture("f32_v2.npy")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"inputs.npy", "f32.npy", "f64.npy", "i32.npy", "bool.npy", "scalar.npy", "empty.npy"})
    void writesWhatNumpyWritesByteForByte(String name) throws IOException {
        byte[] numpy = Files.readAllBytes(fixture(name));
        assertArrayEquals(numpy, Npy.toBytes(Npy.read(fixture(name))), name);
    }

    @Test
    void refusesFortranOrder() {
        Npy.FormatException e = assertThrows(Npy.FormatException.class, () -> Npy.read(fixture("fortran.npy")));
        assertEquals(fixture("fortran.npy") + ": Fortran-order (column-major) arrays are not supported; save np.ascontiguousarray(a) instead",
                e.getMessage());
    }

    @Test
    void refusesOtherDtypesNamingFileAndDtype() {
        Npy.FormatException e = assertThrows(Npy.FormatException.class, () -> Npy.read(fixture("f16.npy")));
        assertEquals(fixture("f16.npy") + ": dtype '<f2' is not supported; supported dtypes are <f4, <f8, <i4, <i8 (read as i32),"
                + " their big-endian forms, and |b1", e.getMessage());
        e = assertThrows(Npy.FormatException.class, () -> Npy.read(fixture("object.npy")));
        assertTrue(e.getMessage().startsWith(fixture("object.npy") + ": dtype '|O' is an object array (pickled Python objects)"), e.getMessage());
        e = assertThrows(Npy.FormatException.class, () -> Npy.read(fixture("structured.npy")));
        assertEquals(fixture("structured.npy") + ": structured dtype [('a', '<f4'), ('b', '<i4')] is not supported;"
                + " save each field as its own array", e.getMessage());
    }

    // ---- round trips ----

    @Test
    void roundTripsF32BitExactly() throws IOException {
        float[] v = {
            0f, -0f, 1.5f, -3.25e7f, Float.MIN_VALUE, -Float.MIN_VALUE, 0x1p-130f, Float.MIN_NORMAL, Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
            Float.intBitsToFloat(0x7fc12345), Float.intBitsToFloat(0xffc00001), Float.intBitsToFloat(0x7fffffff),
        };
        Tensor t = Tensor.of(v, 3, 5);
        assertBitsEqual(t, roundTrip(t));
        Path p = dir.resolve("f32.npy");
        Npy.write(p, t);
        assertBitsEqual(t, Npy.read(p));
    }

    @Test
    void roundTripsF64BitExactly() throws IOException {
        double[] v = {
            0, -0.0, 0.1, -1e300, Double.MIN_VALUE, -Double.MIN_VALUE, 0x1p-1070, Double.MIN_NORMAL, Double.MAX_VALUE,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN,
            Double.longBitsToDouble(0x7ff8000000000123L), Double.longBitsToDouble(0xfff8dead0000beefL),
        };
        Tensor t = Tensor.of(v, 2, 7);
        assertBitsEqual(t, roundTrip(t));
    }

    @Test
    void roundTripsI32AndBool() throws IOException {
        Tensor i = Tensor.of(new int[] {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE, 123456789}, 3, 2);
        assertBitsEqual(i, roundTrip(i));
        Tensor b = Tensor.of(new boolean[] {true, false, false, true}, 2, 1, 2);
        assertBitsEqual(b, roundTrip(b));
    }

    @Test
    void roundTripsEmptyAndZeroDimensionalArraysOfEveryDtype() throws IOException {
        for (DType d : DType.values()) {
            for (int[] shape : new int[][] {{}, {0}, {0, 3}, {3, 0, 2}}) {
                Tensor t = shape.length == 0 ? Tensor.scalar(d, 1) : Tensor.zeros(d, shape);
                assertBitsEqual(t, roundTrip(t));
                byte[] bytes = Npy.toBytes(t);
                int headerEnd = bytes.length - t.numel() * switch (d) {
                    case F32, I32 -> 4;
                    case F64 -> 8;
                    case BOOL -> 1;
                };
                assertEquals(0, headerEnd % 64, "the data starts 64-byte aligned for " + d + Arrays.toString(shape));
            }
        }
    }

    @Test
    void writesFormatVersion2WhenTheHeaderDoesNotFitVersion1() throws IOException {
        int[] shape = new int[22000]; // "1, " for each axis makes a header over 65535 bytes
        Arrays.fill(shape, 1);
        Tensor t = Tensor.full(DType.F64, shape, 2.5);
        byte[] bytes = Npy.toBytes(t);
        assertEquals(2, bytes[6]);
        assertEquals(0, (bytes.length - 8) % 64);
        assertBitsEqual(t, Npy.fromBytes(bytes, "v2"));
        assertEquals(1, Npy.toBytes(Tensor.zeros(DType.F64, 1000))[6]);
    }

    @Test
    void refusesDamagedFiles() throws IOException {
        byte[] good = Npy.toBytes(Tensor.arange(10));
        Npy.FormatException e = assertThrows(Npy.FormatException.class, () -> Npy.fromBytes(Arrays.copyOf(good, good.length - 3), "cut.npy"));
        assertEquals("cut.npy: the header claims shape (10,) <i4, 10 elements in 40 bytes, but the file has 37 bytes after its "
                + "128-byte header: the data is truncated, or the header is wrong", e.getMessage());
        e = assertThrows(Npy.FormatException.class, () -> Npy.fromBytes(Arrays.copyOf(good, 40), "short.npy"));
        assertEquals("short.npy: the header claims to be 118 bytes long, but the file has 40 bytes", e.getMessage());
        e = assertThrows(Npy.FormatException.class, () -> Npy.fromBytes("PK\3\4 not numpy".getBytes(), "x.npz"));
        assertEquals("x.npz: not a .npy file (the magic string \\x93NUMPY is missing)", e.getMessage());
        byte[] v9 = good.clone();
        v9[6] = 9;
        e = assertThrows(Npy.FormatException.class, () -> Npy.fromBytes(v9, "v9.npy"));
        assertEquals("v9.npy: .npy format version 9.0 is not supported (1.0, 2.0 and 3.0 are)", e.getMessage());
    }

    @Test
    void readsHandWrittenHeadersWithOtherSpacingAndKeyOrder() throws IOException {
        String header = "{\"shape\": (2L,), \"fortran_order\": False, \"descr\": \"<i4\"}";
        byte[] h = header.getBytes();
        byte[] bytes = new byte[10 + h.length + 8];
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length, 0};
        System.arraycopy(magic, 0, bytes, 0, 10);
        System.arraycopy(h, 0, bytes, 10, h.length);
        bytes[10 + h.length] = 7;
        bytes[10 + h.length + 4] = 8;
        assertEquals(Tensor.of(new int[] {7, 8}, 2), Npy.fromBytes(bytes, "hand.npy"));
    }
}
