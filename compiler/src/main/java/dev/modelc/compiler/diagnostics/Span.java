package dev.modelc.compiler.diagnostics;

import java.util.Objects;

/**
 * A range of source text, as code-point offsets {@code [start, end)} into one file. Every AST
 * node carries one, so every error can point at what the user wrote.
 */
public record Span(SourceFile source, int start, int end) implements Comparable<Span> {
    public Span {
        Objects.requireNonNull(source, "source == null");
        if (start < 0 || end < start) throw new IllegalArgumentException("bad span " + start + ".." + end);
    }

    /** The smallest span covering both. */
    public Span to(Span other) {
        return new Span(source, Math.min(start, other.start), Math.max(end, other.end));
    }

    /**
     * Where the span starts, for labels in a file's own listings: {@code 9:27}, or, in a source
     * that is not a user's file (the prelude, {@code <prelude>}), {@code <prelude>:9:27}, so a
     * prelude line is never read as a line of the user's file.
     */
    public String where() {
        String at = line() + ":" + column();
        return source.name().startsWith("<") ? source.name() + ":" + at : at;
    }

    public int line() {
        return source.line(start);
    }

    public int column() {
        return source.column(start);
    }

    /** The source text this span covers. */
    public String text() {
        return source.slice(start, end);
    }

    @Override
    public int compareTo(Span o) {
        int c = source.name().compareTo(o.source.name());
        if (c != 0) return c;
        c = Integer.compare(start, o.start);
        return c != 0 ? c : Integer.compare(end, o.end);
    }

    @Override
    public String toString() {
        return source.name() + ":" + line() + ":" + column();
    }
}
