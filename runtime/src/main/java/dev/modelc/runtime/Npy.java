package dev.modelc.runtime;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Reads and writes NumPy's {@code .npy} format. Reading takes format versions 1.0, 2.0 and 3.0
 * with dtypes {@code f4}, {@code f8}, {@code i4}, {@code i8} (converted to i32, with a range
 * check) in either byte order and {@code |b1}, in C order; writing produces what
 * {@code np.save} does for the same array, byte for byte (version 1.0, or 2.0 when the header
 * is too long for 1.0), and replaces the file atomically.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy aligns the start of the data to this many bytes. */
    private static final int ALIGN = 64;
    /** numpy leaves room in the header for the first axis to grow to this many digits. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final int CHUNK = 1 << 16;
    /** Where an array whose size is only claimed starts (4 MB of f32), before it grows with the data. */
    private static final int INITIAL_ELEMENTS = 1 << 20;

    private Npy() {}

    /** A malformed or unsupported {@code .npy} file; the message names the file. */
    public static final class FormatException extends IOException {
        public FormatException(String message) {
            super(message);
        }
    }

    /**
     * The most bytes a source of a {@code .npy} can hold, header included, and what the source is
     * ({@code "the file"}, {@code "the zip entry"}), so that a header claiming more is refused before
     * anything is allocated. When {@code exact}, the bytes are known to be there (a file's size), so
     * the array may be allocated whole; otherwise (a zip entry's declared size, which a zip may
     * overstate) it grows as the data arrives.
     */
    public record Extent(long bytes, boolean exact, String what) {
        /** Nothing known: no claim is refused for size, and the array grows as data arrives. */
        public static final Extent UNKNOWN = new Extent(Long.MAX_VALUE, false, "the stream");

        /** {@code "the file has 37 bytes"}, or {@code "the zip entry holds at most 37 bytes"}, for {@code bytes}. */
        String holds(long bytes) {
            return what + (exact ? " has " : " holds at most ") + bytes + (bytes == 1 ? " byte" : " bytes");
        }
    }

    /** Reads the array in {@code file}. */
    public static Tensor read(Path file) throws IOException {
        // A pipe (bash's <(...)) has no size to check against: its data is read as it comes.
        Extent extent = Files.isRegularFile(file) ? new Extent(Files.size(file), true, "the file") : Extent.UNKNOWN;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), CHUNK)) {
            return read(in, file.toString(), extent);
        }
    }

    /** Reads one array from {@code in}; {@code source} names it in error messages (a path, or an npz entry). */
    public static Tensor read(InputStream in, String source) throws IOException {
        return read(in, source, Extent.UNKNOWN);
    }

    /**
     * Reads one array from {@code in}, which holds at most {@code extent.bytes()} bytes: a header
     * claiming more data than that, more elements than a tensor holds (2^31 - 1), or more bytes
     * than the Java heap can hold is refused before the array is allocated.
     */
    public static Tensor read(InputStream in, String source, Extent extent) throws IOException {
        byte[] prefix = readFully(in, MAGIC.length + 2, source, "the magic string and version");
        for (int i = 0; i < MAGIC.length; i++) {
            if (prefix[i] != MAGIC[i]) throw new FormatException(source + ": not a .npy file (the magic string \\x93NUMPY is missing)");
        }
        int major = prefix[6] & 0xff, minor = prefix[7] & 0xff;
        int headerLen, lenBytes;
        if (major == 1) {
            lenBytes = 2;
            headerLen = ByteBuffer.wrap(readFully(in, 2, source, "the header length")).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
        } else if (major == 2 || major == 3) {
            lenBytes = 4;
            int n = ByteBuffer.wrap(readFully(in, 4, source, "the header length")).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (n < 0) throw new FormatException(source + ": header length " + Integer.toUnsignedString(n) + " is too large");
            headerLen = n;
        } else {
            throw new FormatException(source + ": .npy format version " + major + "." + minor + " is not supported (1.0, 2.0 and 3.0 are)");
        }
        long dataStart = MAGIC.length + 2L + lenBytes + headerLen;
        if (dataStart > extent.bytes()) {
            throw new FormatException(source + ": the header claims to be " + headerLen + " bytes long, but "
                    + extent.holds(extent.bytes()));
        }
        byte[] headerBytes = readFully(in, headerLen, source, "the header");
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Header h = Header.parse(header, source);

        // Claims are checked in long arithmetic, before anything the size of the claim is allocated.
        BigInteger claimed = h.elements();
        BigInteger bytes = claimed.multiply(BigInteger.valueOf(h.itemSize));
        if (bytes.compareTo(BigInteger.valueOf(extent.bytes() - dataStart)) > 0) {
            throw new FormatException(source + ": the header claims shape " + h.shapeText() + " " + h.descr + ", " + claimed
                    + " elements in " + bytes + " bytes, but " + extent.holds(extent.bytes() - dataStart) + " after its "
                    + dataStart + "-byte header: the data is truncated, or the header is wrong");
        }
        if (claimed.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
            throw new FormatException(source + ": shape " + h.shapeText() + " has " + claimed + " elements, more than the "
                    + Integer.MAX_VALUE + " a tensor can hold");
        }
        int n = claimed.intValueExact();
        long storage = (long) n * h.dtype.byteSize();
        if (!HeapLimit.admits(storage)) {
            throw new FormatException(source + ": " + HeapLimit.shortfall("shape " + h.shapeText() + " " + h.dtype, storage));
        }
        ByteBuffer buf = ByteBuffer.allocate(CHUNK - CHUNK % 8).order(h.order);
        // Allocated whole when the bytes are known to exist; else grown as they arrive, so a lying
        // zip entry costs memory in proportion to the data it really holds.
        Object out = TensorMath.newStorage(h.dtype, extent.exact() ? n : Math.min(n, INITIAL_ELEMENTS));
        int capacity = extent.exact() ? n : Math.min(n, INITIAL_ELEMENTS);
        int done = 0;
        long remaining = (long) n * h.itemSize;
        while (done < n) {
            buf.clear();
            int want = (int) Math.min(buf.capacity(), remaining);
            int got = in.readNBytes(buf.array(), 0, want);
            if (got < want) {
                throw new FormatException(source + ": the data is truncated: " + h.shapeText() + " " + h.descr + " needs " + bytes
                        + " bytes, found " + ((long) n * h.itemSize - remaining + got));
            }
            if (done + want / h.itemSize > capacity) {
                capacity = (int) Math.min(n, Math.max(2L * capacity, done + want / h.itemSize));
                out = grow(out, capacity);
            }
            buf.limit(want);
            remaining -= want;
            while (buf.hasRemaining()) {
                switch (h.kind) {
                    case "f4" -> ((float[]) out)[done] = buf.getFloat();
                    case "f8" -> ((double[]) out)[done] = buf.getDouble();
                    case "i4" -> ((int[]) out)[done] = buf.getInt();
                    case "i8" -> {
                        long v = buf.getLong();
                        if (v != (int) v) {
                            throw new FormatException(source + ": int64 value " + v + " at flat index " + done
                                    + " does not fit in i32 (modelc reads '" + h.descr + "' as i32)");
                        }
                        ((int[]) out)[done] = (int) v;
                    }
                    case "b1" -> ((boolean[]) out)[done] = buf.get() != 0;
                    default -> throw new AssertionError(h.kind);
                }
                done++;
            }
        }
        return Tensor.wrap(h.dtype, h.shape, out);
    }

    /** A copy of {@code storage} (a primitive array) with room for {@code length} elements. */
    private static Object grow(Object storage, int length) {
        return switch (storage) {
            case float[] a -> Arrays.copyOf(a, length);
            case double[] a -> Arrays.copyOf(a, length);
            case int[] a -> Arrays.copyOf(a, length);
            case boolean[] a -> Arrays.copyOf(a, length);
            default -> throw new AssertionError(storage.getClass());
        };
    }

    /** Writes {@code t} to {@code file} atomically: a crash leaves the old file or the new one, never a mix. */
    public static void write(Path file, Tensor t) throws IOException {
        write(file, t, UnaryOperator.identity());
    }

    /** {@link #write(Path, Tensor)} with a wrapper around the output stream, for tests that make writing fail. */
    static void write(Path file, Tensor t, UnaryOperator<OutputStream> wrap) throws IOException {
        AtomicFiles.write(file, out -> write(out, t), wrap);
    }

    /** The bytes of {@code t} as a {@code .npy} file. */
    public static byte[] toBytes(Tensor t) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(out, t);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /** Reads an array from the bytes of a {@code .npy} file. */
    public static Tensor fromBytes(byte[] bytes, String source) throws IOException {
        return read(new ByteArrayInputStream(bytes), source, new Extent(bytes.length, true, "the file"));
    }

    /** Writes {@code t} as a {@code .npy} file to {@code out}, without closing it. */
    public static void write(OutputStream out, Tensor t) throws IOException {
        out.write(header(t));
        int n = t.numel();
        Object data = t.data();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            if (buf.remaining() < 8) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            switch (t.dtype()) {
                case F32 -> buf.putFloat(((float[]) data)[i]);
                case F64 -> buf.putDouble(((double[]) data)[i]);
                case I32 -> buf.putInt(((int[]) data)[i]);
                case BOOL -> buf.put((byte) (((boolean[]) data)[i] ? 1 : 0));
            }
        }
        out.write(buf.array(), 0, buf.position());
    }

    /** The numpy descr string that {@code dtype} is written as. */
    static String descr(DType dtype) {
        return switch (dtype) {
            case F32 -> "<f4";
            case F64 -> "<f8";
            case I32 -> "<i4";
            case BOOL -> "|b1";
        };
    }

    /** The magic string, version, header length and header, laid out as numpy's {@code _wrap_header} does. */
    static byte[] header(Tensor t) {
        int[] shape = t.shape();
        StringBuilder dict = new StringBuilder();
        dict.append("{'descr': '").append(descr(t.dtype())).append("', 'fortran_order': False, 'shape': ")
                .append(pythonTuple(shape)).append(", }");
        if (shape.length > 0) dict.append(" ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - Integer.toString(shape[0]).length())));
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        int hlen = text.length + 1; // the closing newline
        int major = 1, lenBytes = 2;
        int pad = ALIGN - (MAGIC.length + 2 + lenBytes + hlen) % ALIGN;
        if (hlen + pad > 0xffff) {
            major = 2;
            lenBytes = 4;
            pad = ALIGN - (MAGIC.length + 2 + lenBytes + hlen) % ALIGN;
        }
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 2 + lenBytes + hlen + pad).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) b.putShort((short) (hlen + pad));
        else b.putInt(hlen + pad);
        b.put(text);
        for (int i = 0; i < pad; i++) b.put((byte) ' ');
        b.put((byte) '\n');
        return b.array();
    }

    private static String pythonTuple(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(shape[i]);
        }
        if (shape.length == 1) sb.append(',');
        return sb.append(')').toString();
    }

    private static byte[] readFully(InputStream in, int n, String source, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) throw new FormatException(source + ": the file ends inside " + what + " (" + b.length + " of " + n + " bytes)");
        return b;
    }

    /** The parts of a header dictionary that matter here. */
    private record Header(String descr, String kind, ByteOrder order, int itemSize, DType dtype, int[] shape) {
        private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

        String shapeText() {
            return pythonTuple(shape);
        }

        /** The number of elements the shape claims, exactly: a hostile header's product may not fit a long. */
        BigInteger elements() {
            BigInteger n = BigInteger.ONE;
            for (int d : shape) n = n.multiply(BigInteger.valueOf(d));
            return n;
        }

        static Header parse(String text, String source) throws FormatException {
            Object parsed = new Literal(text.strip(), source).parseWhole();
            if (!(parsed instanceof Map<?, ?> map)) throw new FormatException(source + ": the header is not a dictionary: " + text.strip());
            if (!map.keySet().equals(KEYS)) {
                throw new FormatException(source + ": the header has keys " + map.keySet() + ", expected descr, fortran_order and shape");
            }
            Object descrValue = map.get("descr");
            if (!(descrValue instanceof String descr)) {
                throw new FormatException(source + ": structured dtype " + Literal.show(descrValue)
                        + " is not supported; save each field as its own array");
            }
            if (!(map.get("fortran_order") instanceof Boolean fortran)) {
                throw new FormatException(source + ": fortran_order is " + Literal.show(map.get("fortran_order")) + ", expected True or False");
            }
            if (fortran) {
                throw new FormatException(source + ": Fortran-order (column-major) arrays are not supported; "
                        + "save np.ascontiguousarray(a) instead");
            }
            if (!(map.get("shape") instanceof Tuple(List<Object> dims))) {
                throw new FormatException(source + ": shape is " + Literal.show(map.get("shape")) + ", expected a tuple of sizes");
            }
            int[] shape = new int[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                if (!(dims.get(i) instanceof Long d)) {
                    throw new FormatException(source + ": shape " + Literal.show(map.get("shape")) + " has " + Literal.show(dims.get(i))
                            + " where a size belongs");
                }
                if (d < 0) throw new FormatException(source + ": shape " + Literal.show(map.get("shape")) + " has the negative size " + d);
                if (d > Integer.MAX_VALUE) {
                    throw new FormatException(source + ": shape " + Literal.show(map.get("shape")) + " has the size " + d
                            + ", more than the " + Integer.MAX_VALUE + " an axis can hold");
                }
                shape[i] = (int) (long) d;
            }
            String supported = "supported dtypes are <f4, <f8, <i4, <i8 (read as i32), their big-endian forms, and |b1";
            if (descr.length() < 2) throw new FormatException(source + ": dtype '" + descr + "' is not supported; " + supported);
            char orderChar = descr.charAt(0);
            String kind = descr.substring(1);
            if (kind.startsWith("O")) {
                throw new FormatException(source + ": dtype '" + descr + "' is an object array (pickled Python objects), "
                        + "which cannot be read; " + supported);
            }
            ByteOrder order = switch (orderChar) {
                case '<', '|' -> ByteOrder.LITTLE_ENDIAN;
                case '>' -> ByteOrder.BIG_ENDIAN;
                default -> throw new FormatException(source + ": dtype '" + descr + "' has no byte order (<, > or |); " + supported);
            };
            DType dtype;
            int size;
            switch (kind) {
                case "f4" -> { dtype = DType.F32; size = 4; }
                case "f8" -> { dtype = DType.F64; size = 8; }
                case "i4" -> { dtype = DType.I32; size = 4; }
                case "i8" -> { dtype = DType.I32; size = 8; }
                case "b1" -> { dtype = DType.BOOL; size = 1; }
                default -> throw new FormatException(source + ": dtype '" + descr + "' is not supported; " + supported);
            }
            if (orderChar == '|' && size != 1) {
                throw new FormatException(source + ": dtype '" + descr + "' has no byte order but needs one; " + supported);
            }
            return new Header(descr, kind, order, size, dtype, shape);
        }
    }

    /** A Python tuple in a header, kept apart from a list (which only structured dtypes use). */
    private record Tuple(List<Object> items) {}

    /** A parser for the Python literals in a header: dicts, tuples, lists, strings, integers, True, False and None. */
    private static final class Literal {
        private final String s;
        private final String source;
        private int pos;

        Literal(String s, String source) {
            this.s = s;
            this.source = source;
        }

        Object parseWhole() throws FormatException {
            Object v = value();
            skipSpace();
            if (pos != s.length()) throw error("unexpected text after the dictionary");
            return v;
        }

        private Object value() throws FormatException {
            skipSpace();
            if (pos >= s.length()) throw error("the header ends early");
            char c = s.charAt(pos);
            if (c == '{') {
                pos++;
                Map<Object, Object> m = new LinkedHashMap<>();
                while (true) {
                    skipSpace();
                    if (peek('}')) break;
                    Object k = value();
                    skipSpace();
                    expect(':');
                    m.put(k, value());
                    skipSpace();
                    if (!peek(',')) {
                        skipSpace();
                        expect('}');
                        return m;
                    }
                    pos++;
                }
                pos++;
                return m;
            }
            if (c == '(' || c == '[') {
                char close = c == '(' ? ')' : ']';
                pos++;
                List<Object> items = new ArrayList<>();
                while (true) {
                    skipSpace();
                    if (peek(close)) break;
                    items.add(value());
                    skipSpace();
                    if (!peek(',')) {
                        skipSpace();
                        expect(close);
                        return c == '(' ? new Tuple(items) : items;
                    }
                    pos++;
                }
                pos++;
                return c == '(' ? new Tuple(items) : items;
            }
            if (c == '\'' || c == '"') {
                int end = s.indexOf(c, pos + 1);
                if (end < 0) throw error("a string is not closed");
                String v = s.substring(pos + 1, end);
                pos = end + 1;
                return v;
            }
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '-' || s.charAt(pos) == '_')) pos++;
            String word = s.substring(start, pos);
            switch (word) {
                case "True": return Boolean.TRUE;
                case "False": return Boolean.FALSE;
                case "None": return null;
                default:
            }
            String digits = word.endsWith("L") ? word.substring(0, word.length() - 1) : word; // Python 2 wrote longs as 3L
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw error(word.isEmpty() ? "unexpected '" + c + "'" : "unexpected '" + word + "'");
            }
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }

        private boolean peek(char c) {
            return pos < s.length() && s.charAt(pos) == c;
        }

        private void expect(char c) throws FormatException {
            if (!peek(c)) throw error("expected '" + c + "'");
            pos++;
        }

        private FormatException error(String what) {
            return new FormatException(source + ": cannot parse the header at character " + pos + ": " + what + " in " + s);
        }

        static String show(Object v) {
            if (v instanceof Tuple(List<Object> items)) {
                List<String> parts = new ArrayList<>();
                for (Object o : items) parts.add(show(o));
                return "(" + String.join(", ", parts) + (items.size() == 1 ? ",)" : ")");
            }
            if (v instanceof List<?> l) {
                List<String> parts = new ArrayList<>();
                for (Object o : l) parts.add(show(o));
                return "[" + String.join(", ", parts) + "]";
            }
            if (v instanceof String str) return "'" + str + "'";
            if (v instanceof Boolean b) return b ? "True" : "False";
            return String.valueOf(v);
        }
    }
}
