package dev.modelc.compiler.graph;

import dev.modelc.compiler.diagnostics.Span;

/**
 * How a run-time index error names the indexing it happened in ({@code emb.model:4: weight[ids]}):
 * the file, the line and the source text of the forward op, which the gradient's scatter-adds
 * share. The interpreter and every compiled plan word it the same way.
 */
public final class IndexSite {
    /** Source text past this many characters is cut, so a long expression does not flood the message. */
    private static final int LONGEST = 60;

    private IndexSite() {
    }

    public static String describe(Span span) {
        if (span == null) return "indexing";
        String name = span.source().name();
        String file = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        String text = span.text().replaceAll("\\s+", " ");
        if (text.length() > LONGEST) text = text.substring(0, LONGEST) + "...";
        return file + ":" + span.line() + ": " + text;
    }
}
