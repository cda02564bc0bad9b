package dev.modelc.torch.peer;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The gzipped IDX files of MNIST and Fashion-MNIST, unsigned bytes only: enough for the peer
 * (modelc's own reader, with every check, is {@code dev.modelc.runtime.Idx}; this module stays
 * free of modelc's jars so it builds alone).
 */
final class IdxFile {
    private IdxFile() {
    }

    /** The dimensions and the values, each byte as 0..255. */
    record Array(int[] shape, int[] values) {
    }

    static Array read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16))) {
            int magic = in.readInt();
            if ((magic >>> 8) != 0x08) throw new IOException(file + ": not an IDX file of unsigned bytes (magic " + Integer.toHexString(magic) + ")");
            int[] shape = new int[magic & 0xff];
            long n = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = in.readInt();
                n *= shape[i];
            }
            byte[] bytes = in.readNBytes(Math.toIntExact(n));
            if (bytes.length != n) throw new IOException(file + ": " + bytes.length + " values, the header says " + n);
            int[] values = new int[bytes.length];
            for (int i = 0; i < values.length; i++) values[i] = bytes[i] & 0xff;
            return new Array(shape, values);
        }
    }
}
