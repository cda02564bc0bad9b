package dev.modelc.compiler.diagnostics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects the diagnostics of one compilation, dropping exact repeats (a def inlined at two
 * calls reports the same mistake once) and sorting them by position.
 */
public final class Diagnostics {
    /** At most this many errors are shown per file, as the language reference promises. */
    public static final int MAX_ERRORS_PER_FILE = 20;

    private final Set<Diagnostic> all = new LinkedHashSet<>();
    /** Kept as reports come, since the checker asks after every model and a file may have 10,000. */
    private int errors;
    private long reports;

    public void report(Diagnostic d) {
        reports++;
        if (all.add(d) && d.isError()) errors++;
    }

    /** How many reports were made so far, repeats included: whether a piece of work reported anything. */
    public long reports() {
        return reports;
    }

    public void error(Span at, String message, String... notes) {
        report(Diagnostic.error(at, message, notes));
    }

    public void warning(Span at, String message, String... notes) {
        report(Diagnostic.warning(at, message, notes));
    }

    public boolean hasErrors() {
        return errors > 0;
    }

    public int errorCount() {
        return errors;
    }

    /** Everything reported, in source order. */
    public List<Diagnostic> sorted() {
        List<Diagnostic> out = new ArrayList<>(all);
        Collections.sort(out);
        return out;
    }
}
