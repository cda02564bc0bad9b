package dev.modelc.lsp;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;

/**
 * Converts between the compiler's offsets (code points from the start of the file) and the
 * protocol's positions (a zero-based line and a column in UTF-16 code units, LSP's default).
 */
public final class LineIndex {
    private final int[] codePoints;
    /** The code-point offset where each line starts. */
    private final int[] lineStarts;

    public LineIndex(int[] codePoints) {
        this.codePoints = codePoints;
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < codePoints.length; i++) {
            int c = codePoints[i];
            if (c == '\r' && i + 1 < codePoints.length && codePoints[i + 1] == '\n') continue;
            if (c == '\n' || c == '\r') starts.add(i + 1);
        }
        lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    public Position position(int offset) {
        offset = Math.clamp(offset, 0, codePoints.length);
        int line = line(offset);
        int col = 0;
        for (int i = lineStarts[line]; i < offset; i++) col += Character.charCount(codePoints[i]);
        return new Position(line, col);
    }

    public Range range(int start, int end) {
        return new Range(position(start), position(end));
    }

    /** The offset of a protocol position, clamped into the file (editors may ask past a line's end). */
    public int offset(Position p) {
        if (p.getLine() < 0) return 0;
        if (p.getLine() >= lineStarts.length) return codePoints.length;
        int i = lineStarts[p.getLine()];
        int end = p.getLine() + 1 < lineStarts.length ? lineStarts[p.getLine() + 1] : codePoints.length;
        int units = 0;
        while (i < end && units < p.getCharacter() && codePoints[i] != '\n' && codePoints[i] != '\r') {
            units += Character.charCount(codePoints[i]);
            i++;
        }
        return i;
    }

    public int line(int offset) {
        int lo = 0, hi = lineStarts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (lineStarts[mid] <= offset) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }
}
