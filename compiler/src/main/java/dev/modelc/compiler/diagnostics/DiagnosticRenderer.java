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
 * The source line is quoted as is; the marker line copies its tabs so markers stay aligned.
 */
public final class DiagnosticRenderer {
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

        int[] text = file.lineCodePoints(line);
        int lineStart = file.lineStart(line);
        char[] marks = new char[text.length + 1];
        Arrays.fill(marks, ' ');
        for (Span s : d.related()) {
            if (s.source() == file && s.line() == line) mark(marks, s, lineStart, text.length, '~');
        }
        mark(marks, at, lineStart, text.length, '^');
        int last = marks.length - 1;
        while (last >= 0 && marks[last] == ' ') last--;

        StringBuilder quoted = new StringBuilder();
        for (int c : text) quoted.appendCodePoint(c);
        out.append(quoted).append('\n');
        StringBuilder marker = new StringBuilder();
        for (int i = 0; i <= last; i++) {
            marker.append(marks[i] == ' ' && i < text.length && text[i] == '\t' ? '\t' : marks[i]);
        }
        out.append(marker).append('\n');
        for (String note : d.notes()) {
            for (String noteLine : note.split("\n", -1)) out.append("  ").append(noteLine).append('\n');
        }
        return out.toString();
    }

    private static void mark(char[] marks, Span s, int lineStart, int lineLength, char c) {
        int from = s.start() - lineStart;
        int to = Math.min(s.end() - lineStart, lineLength);
        if (to <= from) to = from + 1; // an empty span (end of file, a missing token) still gets a caret
        for (int i = Math.max(0, from); i < to && i < marks.length; i++) marks[i] = c;
    }
}
