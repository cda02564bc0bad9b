package dev.modelc.runtime;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Enumeration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes NumPy's {@code .npz} archives: zip files of {@code .npy} entries, as made by
 * {@code np.savez} (stored) and {@code np.savez_compressed} (deflated). Names are given without
 * the {@code .npy} suffix, in the order of the archive.
 */
public final class Npz {
    /** Entry timestamps are fixed so that the same arrays always make the same bytes. */
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    /** Deflate's best ratio: 258 bytes from 2 bits, a little over 1032 to 1. */
    private static final long MAX_DEFLATE_RATIO = 1033;

    private Npz() {}

    /** Every array in {@code file}, by name without {@code .npy}, in the order the archive lists them. */
    public static LinkedHashMap<String, Tensor> read(Path file) throws IOException {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        long fileSize = Files.size(file);
        ZipFile zip = open(file);
        try (zip) {
            for (ZipEntry e : arrayEntries(zip, file)) {
                String name = e.getName();
                String key = key(e);
                if (out.containsKey(key)) throw new Npy.FormatException(file + ": entry '" + name + "' appears twice");
                try (InputStream in = new BufferedInputStream(zip.getInputStream(e), 1 << 16)) {
                    out.put(key, Npy.read(in, file + "[" + name + "]", extent(e, fileSize)));
                } catch (ZipException ze) {
                    throw new Npy.FormatException(file + "[" + name + "]: the zip entry is damaged: " + ze.getMessage());
                }
            }
        }
        return out;
    }

    /**
     * The most bytes entry {@code e} of a zip file of {@code fileSize} bytes can hold, whatever the
     * zip claims: a stored entry no more than the file, a deflated one no more than deflate's
     * 1032:1 ratio allows; and no more than its declared size, which a hostile zip may overstate
     * (so the array still grows only as data arrives).
     */
    private static Npy.Extent extent(ZipEntry e, long fileSize) {
        boolean stored = e.getMethod() == ZipEntry.STORED;
        long bound = stored ? fileSize : Math.multiplyHigh(fileSize, MAX_DEFLATE_RATIO) != 0 ? Long.MAX_VALUE
                : fileSize * MAX_DEFLATE_RATIO;
        String why = stored ? "a stored entry of the " + fileSize + "-byte file"
                : "a deflated entry of the " + fileSize + "-byte file";
        if (e.getSize() >= 0 && e.getSize() < bound) {
            bound = e.getSize();
            why = "the zip entry (by its declared size)";
        }
        return new Npy.Extent(bound, false, why);
    }

    /**
     * The names of the arrays in {@code file} (without {@code .npy}), read from the zip's central
     * directory alone: no array is read, so this is cheap for any size. Fails as {@link #read}
     * does on a file that is not a zip or holds an entry that is not a {@code .npy}.
     */
    public static List<String> names(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        ZipFile zip = open(file);
        try (zip) {
            for (ZipEntry e : arrayEntries(zip, file)) out.add(key(e));
        }
        return out;
    }

    /** The archive's entries other than folders, in its order; each must be a {@code .npy}. */
    private static List<ZipEntry> arrayEntries(ZipFile zip, Path file) throws Npy.FormatException {
        List<ZipEntry> out = new ArrayList<>();
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry e = entries.nextElement();
            if (e.isDirectory()) continue;
            if (!e.getName().endsWith(".npy")) {
                throw new Npy.FormatException(file + ": entry '" + e.getName() + "' is not a .npy file");
            }
            out.add(e);
        }
        return out;
    }

    /** An array's name: its entry's without {@code .npy}. */
    private static String key(ZipEntry e) {
        return e.getName().substring(0, e.getName().length() - ".npy".length());
    }

    /** Writes {@code arrays} as an uncompressed archive like {@code np.savez}, replacing {@code file} atomically. */
    public static void write(Path file, Map<String, Tensor> arrays) throws IOException {
        write(file, arrays, false, UnaryOperator.identity());
    }

    /** Writes {@code arrays} as a deflated archive like {@code np.savez_compressed}, replacing {@code file} atomically. */
    public static void writeCompressed(Path file, Map<String, Tensor> arrays) throws IOException {
        write(file, arrays, true, UnaryOperator.identity());
    }

    /** The writer behind both public forms, with a wrapper around the output stream for tests that make writing fail. */
    static void write(Path file, Map<String, Tensor> arrays, boolean compress, UnaryOperator<OutputStream> wrap) throws IOException {
        for (String name : arrays.keySet()) {
            if (name == null || name.isEmpty()) throw new IllegalArgumentException("npz array names must not be empty");
        }
        AtomicFiles.write(file, out -> writeTo(out, arrays, compress), wrap);
    }

    private static void writeTo(OutputStream out, Map<String, Tensor> arrays, boolean compress) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        zip.setMethod(compress ? ZipOutputStream.DEFLATED : ZipOutputStream.STORED);
        for (Map.Entry<String, Tensor> a : arrays.entrySet()) {
            byte[] bytes = Npy.toBytes(a.getValue());
            ZipEntry e = new ZipEntry(a.getKey() + ".npy");
            e.setTimeLocal(ENTRY_TIME);
            if (!compress) {
                CRC32 crc = new CRC32();
                crc.update(bytes);
                e.setSize(bytes.length);
                e.setCompressedSize(bytes.length);
                e.setCrc(crc.getValue());
            }
            zip.putNextEntry(e);
            zip.write(bytes);
            zip.closeEntry();
        }
        zip.finish(); // not close: the stream belongs to the caller
    }

    private static ZipFile open(Path file) throws IOException {
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new Npy.FormatException(file + ": not a readable .npz (zip) file: " + e.getMessage());
        }
    }
}
