package dev.modelc.compiler.diagnostics;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders diagnostics the way the language reference shows them:
 *
 * <pre>
 * crop_yield.model:10:26: error: cannot add f32[N, 2] and f32[3]
 *   output preds = x @ w.T + c
 *                  ~~~~~~~ ^ ~
 *   dimension -1 is 2 on the left and 3 on the right (NumPy broadcasting)
 * </pre>
 *
 * The source line is quoted as is (a very long one in part, around the caret); the marker line
 * copies its tabs so markers stay aligned.
 */
public final class DiagnosticRenderer {
    /**
     * Lines longer than this many code points are quoted in part, from {@link #QUOTED_BEFORE}
     * before the caret, with "..." for what is left out: a 20 MB line is not echoed whole. The
     * column in the header still counts every code point.
     */
    static final int MAX_QUOTED = 240;
    static final int QUOTED_BEFORE = 80;
    private static final String ELLIPSIS = "...";

    private DiagnosticRenderer() {
    }

    /** Renders diagnostics in source order, at most {@link Diagnostics#MAX_ERRORS_PER_FILE} errors per file. */
    public static String render(List<Diagnostic> diagnostics) {
        StringBuilder out = new StringBuilder();
        Map<SourceFile, Integer> errorsPerFile = new IdentityHashMap<>();
        Map<SourceFile, Integer> hidden = new LinkedHashMap<>();
        for (Diagnostic d : diagnostics) {
            SourceFile file = d.primary().source();
            if (d.isError()) {
                int n = errorsPerFile.merge(file, 1, Integer::sum);
                if (n > Diagnostics.MAX_ERRORS_PER_FILE) {
                    hidden.merge(file, 1, Integer::sum);
                    continue;
                }
            }
            out.append(render(d));
        }
        hidden.forEach((file, n) -> out.append(file.name()).append(": ").append(n)
                .append(n == 1 ? " more error not shown" : " more errors not shown")
                .append(" (at most ").append(Diagnostics.MAX_ERRORS_PER_FILE).append(" per file)\n"));
        return out.toString();
    }

    /** Renders one diagnostic, ending with a newline. */
    public static String render(Diagnostic d) {
        Span at = d.primary();
        SourceFile file = at.source();
        int line = at.line();
        StringBuilder out = new StringBuilder();
        out.append(file.name()).append(':').append(line).append(':').append(at.column())
                .append(": ").append(d.severity().label()).append(": ").append(d.message()).append('\n');

        int length = file.lineLength(line);
        int lineStart = file.lineStart(line);
        // The part of the line quoted: all of it, or a window from a little before the caret
        // (only that part is copied: a file may have thousands of warnings on a 20 MB line).
        int from = 0, to = length;
        if (length > MAX_QUOTED) {
            from = Math.clamp(at.start() - lineStart - QUOTED_BEFORE, 0, length - MAX_QUOTED);
            to = from + MAX_QUOTED;
        }
        int[] window = file.lineCodePoints(line, from, to);
        String before = from > 0 ? ELLIPSIS : "", after = to < length ? ELLIPSIS : "";
        char[] marks = new char[to - from + 1];
        Arrays.fill(marks, ' ');
        for (Span s : d.related()) {
            if (s.source() == file && s.line() == line) mark(marks, s, lineStart + from, to - from, '~');
        }
        mark(marks, at, lineStart + from, to - from, '^');
        int last = marks.length - 1;
        while (last >= 0 && marks[last] == ' ') last--;

        StringBuilder quoted = new StringBuilder(before);
        for (int c : window) quoted.appendCodePoint(c);
        out.append(quoted).append(after).append('\n');
        StringBuilder marker = new StringBuilder(" ".repeat(before.length()));
        for (int i = 0; i <= last; i++) {
            marker.append(marks[i] == ' ' && i < window.length && window[i] == '\t' ? '\t' : marks[i]);
        }
        out.append(marker).append('\n');
        for (String note : d.notes()) {
            for (String noteLine : note.split("\n", -1)) out.append("  ").append(noteLine).append('\n');
        }
        return out.toString();
    }

    /** Marks {@code s} in {@code marks}, which covers the {@code length} code points from offset {@code origin}. */
    private static void mark(char[] marks, Span s, int origin, int length, char c) {
        int from = s.start() - origin;
        int to = Math.min(s.end() - origin, length);
        if (to <= from) to = from + 1; // an empty span (end of file, a missing token) still gets a caret
        for (int i = Math.max(0, from); i < to && i < marks.length; i++) marks[i] = c;
    }
}
