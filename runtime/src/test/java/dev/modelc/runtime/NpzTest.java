package dev.modelc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Npz} against archives made by numpy's savez and savez_compressed, and against itself. */
class NpzTest {
    @TempDir
    Path dir;

    private static final Tensor INPUTS = Tensor.fromArray(new float[][] {{73, 67, 43}, {91, 88, 64}, {87, 134, 58}, {102, 43, 37}, {69, 96, 70}});
    private static final Tensor TARGETS = Tensor.fromArray(new float[][] {{56, 70}, {81, 101}, {119, 133}, {22, 37}, {103, 119}});

    @Test
    void readsNumpySavez() throws IOException {
        LinkedHashMap<String, Tensor> m = Npz.read(NpyTest.fixture("two.npz"));
        assertEquals(List.of("inputs", "targets"), new ArrayList<>(m.keySet()));
        assertEquals(INPUTS, m.get("inputs"));
        assertEquals(TARGETS, m.get("targets"));
    }

    @Test
    void readsNumpySavezCompressed() throws IOException {
        Path file = NpyTest.fixture("two_compressed.npz");
        try (ZipFile z = new ZipFile(file.toFile())) {
            assertEquals(ZipEntry.DEFLATED, z.getEntry("inputs.npy").getMethod());
        }
        LinkedHashMap<String, Tensor> m = Npz.read(file);
        assertEquals(List.of("inputs", "targets"), new ArrayList<>(m.keySet()));
        assertEquals(INPUTS, m.get("inputs"));
        assertEquals(TARGETS, m.get("targets"));
    }

    @Test
    void roundTripsStoredAndDeflatedKeepingOrder() throws IOException {
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        arrays.put("zeta", Tensor.of(new float[] {Float.NaN, -0f, Float.MIN_VALUE}, 3));
        arrays.put("alpha", Tensor.arange(12).reshape(3, 4));
        arrays.put("mask", Tensor.of(new boolean[] {true, false}, 2));
        arrays.put("w", Tensor.scalar(DType.F64, -0.0));
        arrays.put("layer/empty", Tensor.zeros(DType.F64, 0, 2));
        for (boolean compress : new boolean[] {false, true}) {
            Path p = dir.resolve(compress ? "c.npz" : "s.npz");
            if (compress) Npz.writeCompressed(p, arrays);
            else Npz.write(p, arrays);
            try (ZipFile z = new ZipFile(p.toFile())) {
                assertEquals(compress ? ZipEntry.DEFLATED : ZipEntry.STORED, z.getEntry("zeta.npy").getMethod());
            }
            LinkedHashMap<String, Tensor> back = Npz.read(p);
            assertEquals(new ArrayList<>(arrays.keySet()), new ArrayList<>(back.keySet()));
            for (String k : arrays.keySet()) NpyTest.assertBitsEqual(arrays.get(k), back.get(k));
        }
        // Fixed entry times: the same arrays make the same bytes.
        Npz.write(dir.resolve("again.npz"), arrays);
        assertEquals(-1, Files.mismatch(dir.resolve("s.npz"), dir.resolve("again.npz")));
    }

    @Test
    void refusesArchivesThatAreNotNpz() throws IOException {
        Path notZip = dir.resolve("not.npz");
        Files.writeString(notZip, "hello");
        Npy.FormatException e = assertThrows(Npy.FormatException.class, () -> Npz.read(notZip));
        assertTrue(e.getMessage().startsWith(notZip + ": not a readable .npz (zip) file"), e.getMessage());

        Path other = dir.resolve("other.npz");
        try (OutputStream out = Files.newOutputStream(other); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("readme.txt"));
            z.write("hi".getBytes());
            z.closeEntry();
        }
        e = assertThrows(Npy.FormatException.class, () -> Npz.read(other));
        assertEquals(other + ": entry 'readme.txt' is not a .npy file", e.getMessage());

        Path bad = dir.resolve("bad.npz");
        try (OutputStream out = Files.newOutputStream(bad); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("x.npy"));
            z.write(Files.readAllBytes(NpyTest.fixture("fortran.npy")));
            z.closeEntry();
        }
        e = assertThrows(Npy.FormatException.class, () -> Npz.read(bad));
        assertTrue(e.getMessage().startsWith(bad + "[x.npy]: Fortran-order"), e.getMessage());
    }
}
