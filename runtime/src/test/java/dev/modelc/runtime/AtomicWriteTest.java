package dev.modelc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes that fail midway, or whose process is killed, leave the destination holding the
 * complete old or the complete new content, never a partial file.
 */
class AtomicWriteTest {
    @TempDir
    Path dir;

    /** Lets {@code limit} bytes through, then fails as a full disk would. */
    private static UnaryOperator<OutputStream> failAfter(long limit) {
        return out -> new FilterOutputStream(out) {
            long written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (written + len > limit) throw new IOException("injected failure after " + written + " bytes");
                written += len;
                out.write(b, off, len);
            }
        };
    }

    private List<String> listDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFailedOverwriteLeavesTheOldFileWhole() throws IOException {
        Path p = dir.resolve("w.npy");
        Tensor old = Tensor.arange(DType.F32, 0, 100, 1);
        Npy.write(p, old);
        byte[] before = Files.readAllBytes(p);
        Tensor big = Tensor.ones(DType.F64, 200_000);
        IOException e = assertThrows(IOException.class, () -> Npy.write(p, big, failAfter(300_000)));
        assertTrue(e.getMessage().startsWith("injected failure"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(p));
        assertEquals(List.of("w.npy"), listDir(), "the temporary file is removed");
    }

    @Test
    void aFailedFirstWriteLeavesNoFile() throws IOException {
        Path p = dir.resolve("new.npz");
        assertThrows(IOException.class, () -> Npz.write(p, Map.of("a", Tensor.ones(DType.F32, 100_000)), false, failAfter(1000)));
        assertFalse(Files.exists(p));
        assertEquals(List.of(), listDir(), "the temporary file is removed");
    }

    @Test
    void aSuccessfulWriteReplacesTheFileAndLeavesNothingElse() throws IOException {
        Path p = dir.resolve("w.npz");
        Npz.write(p, Map.of("a", Tensor.arange(5)));
        Npz.writeCompressed(p, Map.of("b", Tensor.arange(7)));
        assertEquals(Map.of("b", Tensor.arange(7)), Npz.read(p));
        Npy.write(dir.resolve("x.npy"), Tensor.arange(3));
        assertEquals(List.of("w.npz", "x.npy"), listDir());
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            // Permissions are those of an ordinary new file, not the 0600 of Files.createTempFile.
            Path plain = Files.createFile(dir.resolve("plain"));
            assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(p));
        }
    }

    @Test
    void aKilledWriterLeavesTheOldOrTheNewFileWhole() throws Exception {
        Path p = dir.resolve("killed.npy");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = Path.of(Tensor.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                + File.pathSeparator
                + Path.of(AtomicWriteChild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        for (int round = 0; round < 2; round++) {
            Process child = new ProcessBuilder(javaBin, "-Xmx256m", "-cp", classpath, AtomicWriteChild.class.getName(), p.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                // Wait until the file has been replaced at least once in this round, then kill mid-loop.
                for (int writes = 0; writes < round + 1; writes++) {
                    assertEquals("wrote", out.readLine(), "the child writer started");
                }
                Thread.sleep(7L + 11L * round);
            } finally {
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            }
            Tensor t = Npy.read(p);
            int n = t.numel();
            assertTrue(n == AtomicWriteChild.SMALL || n == AtomicWriteChild.LARGE, "size " + n);
            float expected = n == AtomicWriteChild.SMALL ? 1 : 2;
            float[] values = (float[]) t.data();
            for (int i = 0; i < n; i++) {
                if (values[i] != expected) throw new AssertionError("partial content: value " + values[i] + " at " + i);
            }
            assertEquals(Npy.toBytes(t).length, Files.size(p), "no trailing bytes");
        }
        // A kill may leave a temporary file behind, but only ever under a hidden .tmp name.
        for (String name : listDir()) {
            assertTrue(name.equals("killed.npy") || name.startsWith(".killed.npy.") && name.endsWith(".tmp"), name);
        }
    }
}
