package dev.modelc.runtime;

import java.util.Locale;

/**
 * The Java heap's limit ({@link Runtime#maxMemory()}, set with {@code -Xmx}) and the words for
 * refusing work that cannot fit under it: refusing up front, with what needs how much, beats an
 * {@link OutOfMemoryError} after minutes of work or gigabytes allocated.
 */
public final class HeapLimit {
    private HeapLimit() {}

    /** The most bytes the heap can ever hold. */
    public static long max() {
        return Runtime.getRuntime().maxMemory();
    }

    /** Whether {@code bytes} could fit in the heap at all (whatever else it holds). */
    public static boolean admits(long bytes) {
        return bytes <= max();
    }

    /**
     * {@code "<what> needs 3.6 GB, more than the 1.1 GB the Java heap may grow to; ..."}, ending
     * in how to raise the limit.
     */
    public static String shortfall(String what, long bytes) {
        return what + " needs " + size(bytes) + ", more than the " + size(max()) + " the Java heap may grow to; "
                + advice(bytes);
    }

    /** How to raise the limit so that {@code bytes} fit, with room to spare. */
    public static String advice(long bytes) {
        long gib = Math.max(1, (long) Math.ceil(bytes * 1.5 / (1L << 30)));
        return "raise the limit with -Xmx (for the modelc command, MODELC_OPTS=-Xmx" + gib + "g)";
    }

    /** A size in decimal units, one decimal where it matters: {@code 3.6 GB}, {@code 400 MB}, {@code 12 bytes}. */
    public static String size(long bytes) {
        String[] units = {"KB", "MB", "GB", "TB", "PB", "EB"};
        if (bytes < 1000) return bytes + (bytes == 1 ? " byte" : " bytes");
        double v = bytes;
        int u = -1;
        while (v >= 999.95 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return (v < 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.0f", v)) + " " + units[u];
    }
}
