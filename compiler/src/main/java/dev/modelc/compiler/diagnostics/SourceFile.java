package dev.modelc.compiler.diagnostics;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The text of one `.model` file with its name, indexed by code point so that columns match
 * what diagnostics print (1-based code points; a tab counts as one).
 */
public final class SourceFile {
    private final String name;
    private final String text;
    private final int[] codePoints;
    private final int[] lineStarts;

    public SourceFile(String name, String text) {
        this.name = Objects.requireNonNull(name, "name == null");
        this.text = Objects.requireNonNull(text, "text == null");
        this.codePoints = text.codePoints().toArray();
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < codePoints.length; i++) {
            int c = codePoints[i];
            if (c == '\n' || (c == '\r' && (i + 1 >= codePoints.length || codePoints[i + 1] != '\n'))) {
                starts.add(i + 1);
            }
        }
        this.lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The name diagnostics print, usually the path as the user gave it. */
    public String name() {
        return name;
    }

    public String text() {
        return text;
    }

    /** Length in code points. */
    public int length() {
        return codePoints.length;
    }

    /** 1-based line of a code-point offset. */
    public int line(int offset) {
        int lo = 0, hi = lineStarts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (lineStarts[mid] <= offset) lo = mid; else hi = mid - 1;
        }
        return lo + 1;
    }

    /** 1-based column, in code points, of an offset. */
    public int column(int offset) {
        return offset - lineStarts[line(offset) - 1] + 1;
    }

    /** Offset of the first code point of a 1-based line. */
    public int lineStart(int line) {
        return lineStarts[line - 1];
    }

    /** The text of a 1-based line, without its line break, as code points. */
    public int[] lineCodePoints(int line) {
        return lineCodePoints(line, 0, lineLength(line));
    }

    /** Code points {@code from} (inclusive) to {@code to} (exclusive) of a 1-based line, counted from its start. */
    public int[] lineCodePoints(int line, int from, int to) {
        int start = lineStarts[line - 1];
        int[] out = new int[to - from];
        System.arraycopy(codePoints, start + from, out, 0, out.length);
        return out;
    }

    /** The length of a 1-based line in code points, without its line break. */
    public int lineLength(int line) {
        int start = lineStarts[line - 1];
        int end = line < lineStarts.length ? lineStarts[line] : codePoints.length;
        while (end > start && (codePoints[end - 1] == '\n' || codePoints[end - 1] == '\r')) end--;
        return end - start;
    }

    /** The text between two code-point offsets. */
    public String slice(int start, int end) {
        return new String(codePoints, start, Math.max(0, end - start));
    }

    @Override
    public String toString() {
        return name;
    }
}
