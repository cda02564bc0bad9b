package dev.modelc.runtime.data;

import java.nio.file.Path;

/** A data file that cannot be read as asked, with the file and, where known, the 1-based row and column. */
public final class DataException extends Exception {
    private final Path file;
    private final int row;
    private final int column;
    private final String detail;

    /**
     * A problem at a position in {@code file}; {@code row} and {@code column} are 1-based as a
     * spreadsheet shows them (the header is row 1), or 0 where unknown or not applicable.
     */
    public DataException(Path file, int row, int column, String detail) {
        this(file, row, column, detail, null);
    }

    /** As {@link #DataException(Path, int, int, String)}, caused by {@code cause}. */
    public DataException(Path file, int row, int column, String detail, Throwable cause) {
        super(render(file, row, column, detail), cause);
        this.file = file;
        this.row = row;
        this.column = column;
        this.detail = detail;
    }

    private static String render(Path file, int row, int column, String detail) {
        StringBuilder sb = new StringBuilder().append(file);
        if (row > 0) sb.append(": row ").append(row);
        if (column > 0) sb.append(row > 0 ? ", column " : ": column ").append(column);
        return sb.append(": ").append(detail).toString();
    }

    /** The file that could not be read. */
    public Path file() {
        return file;
    }

    /** The 1-based row (the header is row 1), or 0 when the problem is not in one row. */
    public int row() {
        return row;
    }

    /** The 1-based column, or 0 when the problem is not in one column. */
    public int column() {
        return column;
    }

    /** The problem without the position. */
    public String detail() {
        return detail;
    }
}
