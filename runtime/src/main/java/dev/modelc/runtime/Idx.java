package dev.modelc.runtime;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST ({@code train-images-idx3-ubyte}), plain or
 * gzipped as the data sets ship (gzip is recognized by its magic bytes, not the name). An IDX
 * file is two zero bytes, a type byte, the rank, each size as a big-endian int32, then the
 * values big-endian in row-major order.
 *
 * <p>Integer types become i32 tensors holding the values as stored (unsigned bytes 0 to 255);
 * {@code float} and {@code double} become f32 and f64. What the values mean is the caller's: the
 * command line scales unsigned bytes read into a floating input to {@code [0, 1]}, as
 * torchvision's {@code ToTensor} does ({@link #scaled}).
 */
public final class Idx {
    private static final int CHUNK = 1 << 16;

    private Idx() {
    }

    /** A malformed or unsupported IDX file; the message names the file. */
    public static final class FormatException extends IOException {
        public FormatException(String message) {
            super(message);
        }
    }

    /** The element types IDX defines, by their type byte. */
    public enum Type {
        UBYTE(0x08, 1, "unsigned byte"),
        BYTE(0x09, 1, "signed byte"),
        SHORT(0x0B, 2, "int16"),
        INT(0x0C, 4, "int32"),
        FLOAT(0x0D, 4, "float32"),
        DOUBLE(0x0E, 8, "float64");

        final int code, bytes;
        final String spelling;

        Type(int code, int bytes, String spelling) {
            this.code = code;
            this.bytes = bytes;
            this.spelling = spelling;
        }

        static Type of(int code) {
            for (Type t : values()) if (t.code == code) return t;
            return null;
        }

        public String spelling() {
            return spelling;
        }

        DType dtype() {
            return switch (this) {
                case UBYTE, BYTE, SHORT, INT -> DType.I32;
                case FLOAT -> DType.F32;
                case DOUBLE -> DType.F64;
            };
        }
    }

    /** The array in an IDX file: its element type as stored, and the values (i32, f32 or f64). */
    public record Array(Type type, Tensor values) {
    }

    /** Whether {@code file} starts as a gzip stream does. */
    private static boolean gzipped(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /** Reads the array in {@code file}, gzipped or not. */
    public static Array read(Path file) throws IOException {
        boolean gz = gzipped(file);
        long fileSize = Files.isRegularFile(file) ? Files.size(file) : -1;
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = new BufferedInputStream(gz ? new GZIPInputStream(raw, CHUNK) : raw, CHUNK)) {
            return read(in, file.toString(), gz ? -1 : fileSize);
        } catch (ZipException | EOFException e) {
            if (e instanceof FormatException) throw e;
            throw new FormatException(file + ": not a complete gzip stream (" + e.getMessage() + ")");
        }
    }

    /**
     * Reads one array from {@code in}; {@code source} names it in messages. {@code exactBytes},
     * when not negative, is the whole input's size (a plain file's), so a header claiming more or
     * less data than is there is refused before anything is allocated.
     */
    static Array read(InputStream in, String source, long exactBytes) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int[] magic = new int[4];
        for (int i = 0; i < 4; i++) {
            magic[i] = in.read();
            if (magic[i] < 0) throw new FormatException(source + ": not an IDX file (it ends after " + i + " bytes)");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new FormatException(source + ": not an IDX file (an IDX file starts with two zero bytes, found 0x"
                    + hex(magic[0]) + " 0x" + hex(magic[1]) + ")");
        }
        Type type = Type.of(magic[2]);
        if (type == null) {
            throw new FormatException(source + ": unknown IDX element type 0x" + hex(magic[2])
                    + " (IDX defines 0x08 unsigned byte, 0x09 byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64)");
        }
        int rank = magic[3];
        if (rank == 0) throw new FormatException(source + ": an IDX array of rank 0 holds nothing (the rank byte is 0)");
        int[] shape = new int[rank];
        long numel = 1;
        for (int i = 0; i < rank; i++) {
            int size;
            try {
                size = data.readInt();
            } catch (EOFException e) {
                throw new FormatException(source + ": the header ends before size " + (i + 1) + " of " + rank);
            }
            if (size < 0) {
                throw new FormatException(source + ": size " + (i + 1) + " is " + Integer.toUnsignedString(size)
                        + ", more than a tensor axis can hold (" + Integer.MAX_VALUE + ")");
            }
            shape[i] = size;
            numel *= size;
            if (numel > Integer.MAX_VALUE) {
                throw new FormatException(source + ": shape " + Arrays.toString(Arrays.copyOf(shape, i + 1))
                        + (i + 1 < rank ? "..." : "") + " has more than " + Integer.MAX_VALUE + " elements, more than one tensor holds");
            }
        }
        long header = 4 + 4L * rank, dataBytes = numel * type.bytes;
        if (exactBytes >= 0 && exactBytes != header + dataBytes) {
            throw new FormatException(source + ": the header claims " + Arrays.toString(shape) + " " + type.spelling + " values ("
                    + dataBytes + " bytes after the " + header + "-byte header), but the file has " + (exactBytes - header)
                    + (exactBytes < header + dataBytes ? " (truncated?)" : " (more than the header says)"));
        }
        long storage = numel * type.dtype().byteSize();
        if (!HeapLimit.admits(storage)) {
            throw new FormatException(source + ": " + HeapLimit.shortfall("shape " + Arrays.toString(shape), storage));
        }
        Tensor values = values(data, type, shape, (int) numel, source);
        if (in.read() >= 0) {
            throw new FormatException(source + ": more data after the " + numel + " values the header claims "
                    + Arrays.toString(shape));
        }
        return new Array(type, values);
    }

    private static Tensor values(DataInputStream in, Type type, int[] shape, int n, String source) throws IOException {
        int i = 0;
        try {
            switch (type) {
                case UBYTE, BYTE -> {
                    int[] out = new int[n];
                    byte[] chunk = new byte[CHUNK];
                    while (i < n) {
                        int want = Math.min(CHUNK, n - i);
                        in.readFully(chunk, 0, want);
                        widen(chunk, want, out, i, type == Type.UBYTE);
                        i += want;
                    }
                    return Tensor.wrap(DType.I32, shape, out);
                }
                case SHORT -> {
                    int[] out = new int[n];
                    for (; i < n; i++) out[i] = in.readShort();
                    return Tensor.wrap(DType.I32, shape, out);
                }
                case INT -> {
                    int[] out = new int[n];
                    for (; i < n; i++) out[i] = in.readInt();
                    return Tensor.wrap(DType.I32, shape, out);
                }
                case FLOAT -> {
                    float[] out = new float[n];
                    for (; i < n; i++) out[i] = in.readFloat();
                    return Tensor.wrap(DType.F32, shape, out);
                }
                case DOUBLE -> {
                    double[] out = new double[n];
                    for (; i < n; i++) out[i] = in.readDouble();
                    return Tensor.wrap(DType.F64, shape, out);
                }
            }
        } catch (EOFException e) {
            throw new FormatException(source + ": the data ends before the " + n + " values the header claims "
                    + Arrays.toString(shape) + " (truncated?)");
        }
        throw new AssertionError(type);
    }

    /**
     * {@code bytes[0, count)} into {@code out} from {@code at}, unsigned or signed. A method of its
     * own so the JIT compiles this loop alone, once: inside {@link #values} an on-stack
     * replacement compiled the whole method with the stream reads inlined, three times over in
     * one {@code train} run (about 0.45 s of the C2 thread, competing with the model's compile for
     * the two cores while the command starts).
     */
    private static void widen(byte[] bytes, int count, int[] out, int at, boolean unsigned) {
        if (unsigned) {
            for (int k = 0; k < count; k++) out[at + k] = bytes[k] & 0xff;
        } else {
            for (int k = 0; k < count; k++) out[at + k] = bytes[k];
        }
    }

    /**
     * Unsigned bytes as {@code dtype} values in {@code [0, 1]}: {@code v / 255} computed in
     * {@code dtype} itself, so f32 values are exactly torchvision's {@code ToTensor()}
     * ({@code byte.float().div(255)}, one correctly rounded f32 division).
     */
    public static Tensor scaled(Tensor bytes, DType dtype) {
        int[] v = (int[]) bytes.storage();
        return switch (dtype) {
            case F32 -> {
                float[] out = new float[v.length];
                for (int i = 0; i < v.length; i++) out[i] = v[i] / 255f;
                yield Tensor.wrap(DType.F32, bytes.shape(), out);
            }
            case F64 -> {
                double[] out = new double[v.length];
                for (int i = 0; i < v.length; i++) out[i] = v[i] / 255.0;
                yield Tensor.wrap(DType.F64, bytes.shape(), out);
            }
            case I32, BOOL -> throw new IllegalArgumentException("scaled bytes are floating, not " + dtype);
        };
    }

    /**
     * The bytes behind {@link #scaled}'s f32 values, as {@code dtype}: {@code I32} the bytes
     * themselves, {@code F64} the bytes scaled in f64 (what {@link #scaled} gives in f64),
     * {@code F32} the values. Exact: {@code Math.round(v * 255f)} is b for every {@code v = b / 255f}
     * (IdxTest checks all 256), so a file read ahead as f32 can still feed an input of another dtype.
     */
    public static Tensor rescaled(Tensor scaledF32, DType dtype) {
        float[] v = (float[]) scaledF32.storage();
        return switch (dtype) {
            case F32 -> scaledF32;
            case F64 -> {
                double[] out = new double[v.length];
                for (int i = 0; i < v.length; i++) out[i] = Math.round(v[i] * 255f) / 255.0;
                yield Tensor.wrap(DType.F64, scaledF32.shape(), out);
            }
            case I32 -> {
                int[] out = new int[v.length];
                for (int i = 0; i < v.length; i++) out[i] = Math.round(v[i] * 255f);
                yield Tensor.wrap(DType.I32, scaledF32.shape(), out);
            }
            case BOOL -> throw new IllegalArgumentException("bytes are numbers, not " + dtype);
        };
    }

    private static String hex(int b) {
        return String.format("%02X", b);
    }
}
