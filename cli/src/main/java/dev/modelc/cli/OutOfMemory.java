package dev.modelc.cli;

/**
 * The message for a Java heap that ran out during {@code train}, {@code eval} or {@code predict}:
 * a limit the user can raise, not a bug in modelc, so exit 1 with what to change.
 */
final class OutOfMemory {
    private OutOfMemory() {
    }

    /**
     * {@code modelc: out of memory while <doing> (the Java heap's limit is 256 MiB); ...} with
     * the ways out: a larger heap through the launcher, and, where {@code batchHint}, a smaller
     * {@code --batch}.
     */
    static String message(String doing, boolean batchHint) {
        return "out of memory while " + doing + " (the Java heap's limit is " + mebibytes(Runtime.getRuntime().maxMemory())
                + "); give Java more heap, e.g. MODELC_OPTS=-Xmx8g ./modelc ... (the launcher passes MODELC_OPTS and JAVA_OPTS"
                + " to java)" + (batchHint ? ", or train in smaller batches with --batch" : "");
    }

    private static String mebibytes(long bytes) {
        return bytes == Long.MAX_VALUE ? "unlimited" : (bytes >> 20) + " MiB";
    }
}
