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

    public void report(Diagnostic d) {
        all.add(d);
    }

    public void error(Span at, String message, String... notes) {
        report(Diagnostic.error(at, message, notes));
    }

    public void warning(Span at, String message, String... notes) {
        report(Diagnostic.warning(at, message, notes));
    }

    public boolean hasErrors() {
        for (Diagnostic d : all) if (d.isError()) return true;
        return false;
    }

    public int errorCount() {
        int n = 0;
        for (Diagnostic d : all) if (d.isError()) n++;
        return n;
    }

    /** Everything reported, in source order. */
    public List<Diagnostic> sorted() {
        List<Diagnostic> out = new ArrayList<>(all);
        Collections.sort(out);
        return out;
    }
}
