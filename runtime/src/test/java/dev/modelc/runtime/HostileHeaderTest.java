package dev.modelc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small {@code .npy} and {@code .npz} files whose headers claim more than they hold: each is refused
 * with a message naming the file, the claim and what is there, before anything the size of the
 * claim is allocated (measured with the thread's allocation counter).
 */
class HostileHeaderTest {
    @TempDir
    Path dir;

    /** A version-1.0 .npy with {@code header} (padded as numpy pads it) and {@code data} after it. */
    static byte[] npy(String header, int dataBytes) {
        String text = header + " ".repeat(Math.max(0, 117 - header.length())) + "\n";
        byte[] h = text.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h);
        return b.array();
    }

    static String header(String descr, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** Runs {@code read}, expects a FormatException, and checks it allocated under 16 MB on the way. */
    private static String refusedCheaply(IoAction read) {
        long before = allocatedBytes();
        Npy.FormatException e = assertThrows(Npy.FormatException.class, read::run);
        long spent = allocatedBytes() - before;
        assertTrue(spent < 16 << 20, "allocated " + spent + " bytes before refusing: " + e.getMessage());
        return e.getMessage();
    }

    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }

    @Test
    void aSmallNpyClaimingHundredsOfMillionsOfRowsIsRefusedBeforeAllocating() throws IOException {
        Path p = dir.resolve("claim.npy");
        Files.write(p, npy(header("<f4", "(700000000, 3)"), 12));
        String m = refusedCheaply(() -> Npy.read(p));
        assertEquals(p + ": the header claims shape (700000000, 3) <f4, 2100000000 elements in 8400000000 bytes, "
                + "but the file has 12 bytes after its 128-byte header: the data is truncated, or the header is wrong", m);
        // 600M f4 elements: 2.4 GB used to be allocated before the data ran out.
        Files.write(p, npy(header("<f4", "(600000000,)"), 4096));
        assertTrue(refusedCheaply(() -> Npy.read(p)).contains("(600000000,) <f4, 600000000 elements in 2400000000 bytes, "
                + "but the file has 4096 bytes"));
    }

    @Test
    void anNpzEntryClaimingBillionsOfElementsIsRefusedBeforeAllocating() throws IOException {
        for (boolean deflated : new boolean[] {false, true}) {
            Path p = dir.resolve(deflated ? "deflated.npz" : "stored.npz");
            writeZip(p, "x.npy", npy(header("<f4", "(2100000000,)"), 64), deflated);
            String m = refusedCheaply(() -> Npz.read(p));
            assertTrue(m.startsWith(p + "[x.npy]: the header claims shape (2100000000,) <f4, 2100000000 elements in 8400000000 "
                    + "bytes, but the zip entry (by its declared size) holds at most 64 bytes after its 128-byte header"), m);
        }
    }

    @Test
    void anNpzEntryWhoseDeclaredSizeOverstatesItsDataIsBoundByTheFileSize() throws IOException {
        // The zip's directory can lie about an entry's size; a stored entry cannot hold more than the file.
        Path p = dir.resolve("lying.npz");
        byte[] entry = npy(header("<f8", "(100000000,)"), 800);
        writeZip(p, "x.npy", entry, false);
        byte[] zip = Files.readAllBytes(p);
        patchDeclaredSize(zip, entry.length, 800_000_128);
        Files.write(p, zip);
        String m = refusedCheaply(() -> Npz.read(p));
        assertEquals(p + "[x.npy]: the header claims shape (100000000,) <f8, 100000000 elements in 800000000 bytes, but a stored "
                + "entry of the " + zip.length + "-byte file holds at most " + (zip.length - 128) + " bytes after its 128-byte "
                + "header: the data is truncated, or the header is wrong", m);
    }

    @Test
    void shapesWhoseProductOverflowsAreRefusedWithTheExactCount() {
        String m = refusedCheaply(() -> Npy.fromBytes(npy(header("<f8", "(2147483647, 2147483647, 2147483647, 8)"), 0), "big.npy"));
        assertTrue(m.startsWith("big.npy: the header claims shape (2147483647, 2147483647, 2147483647, 8) <f8, "
                + "79228162403583873202826248184 elements in 633825299228670985622609985472 bytes"), m);
        // Where the size of the source is unknown, the element count still bounds the allocation.
        m = refusedCheaply(() -> Npy.read(new ByteArrayInputStream(npy(header("<f4", "(65536, 65536)"), 0)), "stream.npy"));
        assertEquals("stream.npy: shape (65536, 65536) has 4294967296 elements, more than the 2147483647 a tensor can hold", m);
    }

    @Test
    void claimsBeyondTheHeapAreRefusedNamingTheLimitAndHowToRaiseIt() {
        long storage = 2_000_000_000L * 8;
        assumeTrue(HeapLimit.max() < storage, "the heap can hold 16 GB");
        String m = refusedCheaply(() -> Npy.read(new ByteArrayInputStream(npy(header("<f8", "(2000000000,)"), 0)), "s.npy"));
        assertEquals("s.npy: shape (2000000000,) f64 needs 16 GB, more than the " + HeapLimit.size(HeapLimit.max())
                + " the Java heap may grow to; raise the limit with -Xmx (for the modelc command, MODELC_OPTS=-Xmx23g)", m);
    }

    @Test
    void negativeAndOversizedDimsNameTheSize() {
        assertEquals("n.npy: shape (-1, 3) has the negative size -1",
                refusedCheaply(() -> Npy.fromBytes(npy(header("<f4", "(-1, 3)"), 0), "n.npy")));
        assertEquals("o.npy: shape (3000000000,) has the size 3000000000, more than the 2147483647 an axis can hold",
                refusedCheaply(() -> Npy.fromBytes(npy(header("<f4", "(3000000000,)"), 0), "o.npy")));
        assertEquals("s.npy: shape (2, 'a') has 'a' where a size belongs",
                refusedCheaply(() -> Npy.fromBytes(npy(header("<f4", "(2, 'a')"), 0), "s.npy")));
    }

    @Test
    void aHeaderLengthPastTheFileIsRefusedBeforeReadingIt() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(1 << 30);
        Path p = dir.resolve("h.npy");
        Files.write(p, b.array());
        assertEquals(p + ": the header claims to be 1073741824 bytes long, but the file has 20 bytes", refusedCheaply(() -> Npy.read(p)));
    }

    @Test
    void badDtypesFortranOrderAndTruncatedDataAreRefused() throws IOException {
        assertTrue(refusedCheaply(() -> Npy.fromBytes(npy(header("<c8", "(2,)"), 16), "c.npy"))
                .startsWith("c.npy: dtype '<c8' is not supported"));
        assertTrue(refusedCheaply(() -> Npy.fromBytes(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16), "f.npy"))
                .startsWith("f.npy: Fortran-order (column-major) arrays are not supported"));
        assertEquals("t.stream: the data is truncated: (4,) <f4 needs 16 bytes, found 8", refusedCheaply(() ->
                Npy.read(new ByteArrayInputStream(npy(header("<f4", "(4,)"), 8)), "t.stream")));
    }

    @Test
    void largeArraysInZipEntriesStillReadWhole() throws IOException {
        // More elements than the first allocation of an entry whose size is only declared.
        Tensor big = Tensor.arange(DType.F32, 0, 3_000_000, 1);
        for (boolean compressed : new boolean[] {false, true}) {
            Path p = dir.resolve("big" + compressed + ".npz");
            if (compressed) Npz.writeCompressed(p, Map.of("a", big));
            else Npz.write(p, Map.of("a", big));
            assertEquals(big, Npz.read(p).get("a"));
        }
    }

    @Test
    void aPipeHasNoSizeToCheckAndStillReads() throws Exception {
        // bash's --data x=<(python make.py) hands modelc a pipe, whose size reads as 0.
        Path fifo = dir.resolve("x.npy");
        Process mk;
        try {
            mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            assumeTrue(false, "no mkfifo here");
            return;
        }
        assumeTrue(mk.waitFor() == 0, "mkfifo failed");
        Tensor t = Tensor.arange(DType.F32, 0, 10, 1);
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                Files.write(fifo, Npy.toBytes(t));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertEquals(t, Npy.read(fifo));
        writer.join();
    }

    private static void writeZip(Path p, String name, byte[] bytes, boolean deflated) throws IOException {
        try (OutputStream out = Files.newOutputStream(p); ZipOutputStream zip = new ZipOutputStream(out)) {
            ZipEntry e = new ZipEntry(name);
            if (!deflated) {
                CRC32 crc = new CRC32();
                crc.update(bytes);
                e.setMethod(ZipEntry.STORED);
                e.setSize(bytes.length);
                e.setCompressedSize(bytes.length);
                e.setCrc(crc.getValue());
            }
            zip.putNextEntry(e);
            zip.write(bytes);
            zip.closeEntry();
        }
    }

    /** Rewrites the uncompressed size in the central directory record (signature PK\1\2, size at offset 24). */
    private static void patchDeclaredSize(byte[] zip, int from, int to) {
        for (int i = zip.length - 46; i >= 0; i--) {
            if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 1 && zip[i + 3] == 2) {
                ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
                assertEquals(from, b.getInt(i + 24));
                b.putInt(i + 24, to);
                return;
            }
        }
        throw new AssertionError("no central directory");
    }
}
