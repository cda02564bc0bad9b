package dev.modelc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
        assertTrue(e.getMessage().startsWith("cannot write " + p.toAbsolutePath() + ": injected failure"), e.getMessage());
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
        // A kill may leave a temporary file behind, but only ever under a hidden .tmp name...
        for (String name : listDir()) {
            assertTrue(name.equals("killed.npy") || name.startsWith(".killed.npy.") && name.endsWith(".tmp"), name);
        }
        // ...and the next write of the same file removes it: its writer is dead, its lock gone. (An
        // empty one, killed between creating and locking it, waits until it is 5 s old.)
        Npy.write(p, Tensor.arange(3));
        for (String name : listDir()) {
            assertTrue(name.equals("killed.npy") || Files.size(dir.resolve(name)) == 0, name + " left");
            Files.setLastModifiedTime(dir.resolve(name), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        }
        Npy.write(p, Tensor.arange(3));
        assertEquals(List.of("killed.npy"), listDir());
    }

    private ProcessBuilder child(String... args) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = Path.of(Tensor.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                + File.pathSeparator
                + Path.of(AtomicWriteChild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> command = new java.util.ArrayList<>(List.of(javaBin, "-Xmx256m", "-cp", classpath, AtomicWriteChild.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    }

    @Test
    void staleTemporaryFilesOfTheTargetAreRemovedOnTheNextWrite() throws IOException {
        Path p = dir.resolve("w.npz");
        Files.write(dir.resolve(".w.npz.0123456789ab.tmp"), new byte[1 << 20]); // left by a killed writer
        Files.write(dir.resolve(".w.npz.a1b2c3d4e5f6.tmp"), new byte[10]);
        Files.write(dir.resolve(".other.npz.0123456789ab.tmp"), new byte[10]); // another target's
        Files.write(dir.resolve(".w.npz.notes.tmp"), new byte[10]); // not a name modelc makes
        Files.write(dir.resolve(".w.npz.0123456789AB.tmp"), new byte[10]); // nor this (upper case)
        Files.write(dir.resolve(".w.npz.00000000000a.tmp"), new byte[0]); // empty and new: a writer about to lock it
        Npz.write(p, Map.of("a", Tensor.arange(5)));
        assertEquals(List.of(".other.npz.0123456789ab.tmp", ".w.npz.00000000000a.tmp", ".w.npz.0123456789AB.tmp",
                ".w.npz.notes.tmp", "w.npz"), listDir());
        // An empty one of a dead writer goes once it is no longer new.
        Files.setLastModifiedTime(dir.resolve(".w.npz.00000000000a.tmp"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        Npz.write(p, Map.of("a", Tensor.arange(5)));
        assertEquals(List.of(".other.npz.0123456789ab.tmp", ".w.npz.0123456789AB.tmp", ".w.npz.notes.tmp", "w.npz"), listDir());
    }

    @Test
    void aLiveWriterInAnotherProcessKeepsItsTemporaryFile() throws Exception {
        Path p = dir.resolve("live.npy");
        Process holder = child(p.toString(), "hold").start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("holding", out.readLine(), "the child writer started");
            List<String> during = listDir();
            assertEquals(1, during.size(), during.toString());
            String theirs = during.getFirst();
            assertTrue(theirs.startsWith(".live.npy.") && theirs.endsWith(".tmp"), theirs);
            Npy.write(p, Tensor.arange(4)); // must not take the live writer's file for stale
            assertEquals(List.of(theirs, "live.npy"), listDir());
            holder.getOutputStream().close(); // the child finishes its write
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, holder.exitValue());
            assertEquals(List.of("live.npy"), listDir());
            assertEquals(AtomicWriteChild.SMALL, Npy.read(p).numel(), "the child's write, the last, won");
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void aLiveWriterInThisProcessKeepsItsTemporaryFile() throws IOException {
        Path p = dir.resolve("nested.npy");
        AtomicFiles.write(p, out -> {
            List<String> mine = listDir();
            Npy.write(p, Tensor.arange(2)); // a second writer of the same file, while the first is open
            assertEquals(mine, listDir().stream().filter(n -> !n.equals("nested.npy")).toList(), "the first writer's file stays");
            out.write(Npy.toBytes(Tensor.arange(7)));
        });
        assertEquals(Tensor.arange(7), Npy.read(p));
        assertEquals(List.of("nested.npy"), listDir());
    }

    @Test
    void aFailureNamesTheTargetTheDirectoryAndTheReason() {
        Path p = dir.resolve("full.npz");
        IOException e = assertThrows(IOException.class, () -> Npz.write(p, Map.of("a", Tensor.ones(DType.F32, 100_000)), false,
                out -> new FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        throw new java.nio.file.FileSystemException(dir.resolve(".full.npz.0123456789ab.tmp").toString(), null,
                                "No space left on device");
                    }
                }));
        assertEquals("cannot write " + p + ": no space left on device (writing in directory " + dir + ")", e.getMessage());
        Path file = dir.resolve("plain");
        IOException notDir = assertThrows(IOException.class, () -> {
            Files.createFile(file);
            Npy.write(file.resolve("x.npy"), Tensor.arange(2));
        });
        assertTrue(notDir.getMessage().startsWith("cannot write " + file.resolve("x.npy") + ": "), notDir.getMessage());
        assertTrue(notDir.getMessage().contains("directory " + file), notDir.getMessage());
        assertFalse(notDir.getMessage().contains(".tmp"), notDir.getMessage());
    }

    @Test
    void aReadOnlyDirectoryIsNamedWithTheReason() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(ro, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(ro), "root writes anywhere");
            IOException e = assertThrows(IOException.class, () -> Npy.write(ro.resolve("p.npy"), Tensor.arange(2)));
            assertEquals("cannot write " + ro.resolve("p.npy") + ": directory " + ro + " is not writable (permission denied)",
                    e.getMessage());
        } finally {
            Files.setPosixFilePermissions(ro, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
