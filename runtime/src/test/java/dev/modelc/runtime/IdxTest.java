package dev.modelc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Idx} against files written here byte by byte as the format's description says (the
 * real Fashion-MNIST subset is read by the samples' tests): every element type, plain and
 * gzipped, and the ways a file can be broken.
 */
class IdxTest {
    @TempDir
    Path dir;

    /** An IDX file: the magic, the sizes, then {@code body} (the values, big-endian). */
    private static byte[] idx(int type, int[] shape, byte[] body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {0, 0, (byte) type, (byte) shape.length});
        for (int s : shape) out.writeInt(s);
        out.write(body);
        return bytes.toByteArray();
    }

    private Path file(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private Path gzip(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(content);
        }
        return p;
    }

    @Test
    void unsignedBytesAreReadAsStoredInTheirShape() throws IOException {
        byte[] body = {0, 1, 127, (byte) 128, (byte) 200, (byte) 255};
        Idx.Array a = Idx.read(file("images-idx3-ubyte", idx(0x08, new int[] {1, 2, 3}, body)));
        assertEquals(Idx.Type.UBYTE, a.type());
        assertEquals(DType.I32, a.values().dtype());
        assertArrayEquals(new int[] {1, 2, 3}, a.values().shape());
        assertArrayEquals(new int[] {0, 1, 127, 128, 200, 255}, (int[]) a.values().storage());
    }

    /** Values past the reader's 64 KiB chunks land where they belong, signed and unsigned. */
    @Test
    void valuesSpanningManyChunksKeepTheirPlaces() throws IOException {
        int n = 200_003;
        byte[] body = new byte[n];
        for (int i = 0; i < n; i++) body[i] = (byte) (i * 31 + i / 251);
        int[] unsigned = (int[]) Idx.read(gzip("u", idx(0x08, new int[] {n}, body))).values().storage();
        int[] signed = (int[]) Idx.read(gzip("s", idx(0x09, new int[] {n}, body))).values().storage();
        for (int i = 0; i < n; i++) {
            assertEquals(body[i] & 0xff, unsigned[i], "unsigned at " + i);
            assertEquals(body[i], signed[i], "signed at " + i);
        }
    }

    @Test
    void gzipIsRecognizedByItsMagicBytesNotItsName() throws IOException {
        byte[] content = idx(0x08, new int[] {4}, new byte[] {9, 0, 0, 3});
        Idx.Array plain = Idx.read(file("labels.gz", content));
        Idx.Array zipped = Idx.read(gzip("labels", content));
        assertArrayEquals(new int[] {9, 0, 0, 3}, (int[]) plain.values().storage());
        assertArrayEquals(new int[] {9, 0, 0, 3}, (int[]) zipped.values().storage());
    }

    @Test
    void everyElementTypeIsBigEndian() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeShort(-2);
        d.writeShort(300);
        assertArrayEquals(new int[] {-2, 300}, (int[]) Idx.read(file("s", idx(0x0B, new int[] {2}, b.toByteArray()))).values().storage());
        b.reset();
        d.writeInt(-70000);
        d.writeInt(Integer.MAX_VALUE);
        assertArrayEquals(new int[] {-70000, Integer.MAX_VALUE},
                (int[]) Idx.read(file("i", idx(0x0C, new int[] {2}, b.toByteArray()))).values().storage());
        b.reset();
        d.writeFloat(0.1f);
        d.writeFloat(Float.NaN);
        Idx.Array f = Idx.read(file("f", idx(0x0D, new int[] {2}, b.toByteArray())));
        assertEquals(DType.F32, f.values().dtype());
        assertArrayEquals(new float[] {0.1f, Float.NaN}, (float[]) f.values().storage());
        b.reset();
        d.writeDouble(Math.PI);
        Idx.Array g = Idx.read(file("g", idx(0x0E, new int[] {1}, b.toByteArray())));
        assertEquals(DType.F64, g.values().dtype());
        assertArrayEquals(new double[] {Math.PI}, (double[]) g.values().storage());
        assertArrayEquals(new int[] {-1, 127}, (int[]) Idx.read(file("b", idx(0x09, new int[] {2}, new byte[] {-1, 127}))).values().storage());
    }

    @Test
    void scalingToTheUnitIntervalIsTorchvisionsToTensor() {
        Tensor bytes = Tensor.of(new int[] {0, 1, 128, 254, 255}, 5);
        float[] f = (float[]) Idx.scaled(bytes, DType.F32).storage();
        for (int i = 0; i < f.length; i++) {
            // one correctly rounded f32 division, as byte.float().div(255) in PyTorch
            assertEquals(Float.floatToIntBits((float) ((int[]) bytes.storage())[i] / 255f), Float.floatToIntBits(f[i]));
        }
        assertEquals(0f, f[0]);
        assertEquals(1f, f[4]);
        assertArrayEquals(new double[] {0, 1 / 255.0, 128 / 255.0, 254 / 255.0, 1}, (double[]) Idx.scaled(bytes, DType.F64).storage());
    }

    private String refusal(Path p) {
        return assertThrows(Idx.FormatException.class, () -> Idx.read(p)).getMessage();
    }

    @Test
    void brokenFilesAreRefusedWithWhatIsWrong() throws IOException {
        String m = refusal(file("npy", new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'}));
        assertTrue(m.contains("not an IDX file") && m.contains("0x93"), m);
        m = refusal(file("short", new byte[] {0, 0}));
        assertTrue(m.contains("ends after 2 bytes"), m);
        m = refusal(file("type", idx(0x07, new int[] {1}, new byte[] {1})));
        assertTrue(m.contains("unknown IDX element type 0x07"), m);
        m = refusal(file("rank0", new byte[] {0, 0, 8, 0}));
        assertTrue(m.contains("rank 0"), m);
        m = refusal(file("header", Arrays.copyOf(idx(0x08, new int[] {2, 2}, new byte[0]), 9)));
        assertTrue(m.contains("header ends before size 2 of 2"), m);
        m = refusal(file("truncated", idx(0x08, new int[] {2, 3}, new byte[] {1, 2, 3})));
        assertTrue(m.contains("[2, 3] unsigned byte values (6 bytes after the 12-byte header), but the file has 3 (truncated?)"), m);
        m = refusal(file("long", idx(0x08, new int[] {2}, new byte[] {1, 2, 3})));
        assertTrue(m.contains("more than the header says"), m);
        m = refusal(file("huge", idx(0x08, new int[] {-1}, new byte[0])));
        assertTrue(m.contains("size 1 is 4294967295"), m);
        m = refusal(file("toomany", idx(0x08, new int[] {65536, 65536}, new byte[0])));
        assertTrue(m.contains("more than 2147483647 elements"), m);
    }

    @Test
    void brokenGzippedFilesAreRefusedToo() throws IOException {
        m(gzip("truncated.gz", idx(0x08, new int[] {10}, new byte[] {1, 2})), "the data ends before the 10 values");
        m(gzip("long.gz", idx(0x08, new int[] {1}, new byte[] {1, 2})), "more data after the 1 values");
        byte[] whole = Files.readAllBytes(gzip("whole.gz", idx(0x08, new int[] {100}, new byte[100])));
        m(file("cut.gz", Arrays.copyOf(whole, whole.length - 12)), "the data ends before the 100 values");
    }

    private void m(Path p, String expected) {
        String m = refusal(p);
        assertTrue(m.contains(expected) && m.startsWith(p.toString()), m);
    }

    @Test
    void bytesScaledToF32ComeBackExactlyInEveryDtype() {
        int[] bytes = new int[256];
        for (int b = 0; b < 256; b++) bytes[b] = b;
        Tensor raw = Tensor.of(bytes, 256);
        Tensor f32 = Idx.scaled(raw, DType.F32);
        assertArrayEquals(bytes, (int[]) Idx.rescaled(f32, DType.I32).storage());
        assertArrayEquals((double[]) Idx.scaled(raw, DType.F64).storage(), (double[]) Idx.rescaled(f32, DType.F64).storage(), 0.0);
        assertSame(f32, Idx.rescaled(f32, DType.F32));
    }
}
