package dev.modelc.compiler.backend.java;

import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.diagnostics.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code #} comments of a {@code .model} file that document a model: the comment lines
 * right above its {@code model} line, and the comment beside (or right above) each of its
 * inputs, params and outputs. The lexer drops comments, so they are read from the source text;
 * the language has no string literals, so a {@code #} always starts one.
 */
final class ModelComments {
    private final SourceFile source;

    ModelComments(SourceFile source) {
        this.source = source;
    }

    /** The comment lines directly above {@code model name}, joined; empty when there are none. */
    String model(String name) {
        Pattern decl = Pattern.compile("\\s*model\\s+" + Pattern.quote(name) + "\\b.*");
        for (int line = 1; line <= lineCount(); line++) {
            if (decl.matcher(text(line)).matches()) return above(line);
        }
        return "";
    }

    /**
     * The comment after the code at {@code span}, else the comment lines directly above it; empty
     * when there is none, or when the span is in another file (a prelude layer's param: its line
     * number means nothing in this one).
     */
    String entry(Span span) {
        return span.source().name().equals(source.name()) ? entry(span.line()) : "";
    }

    private String entry(int line) {
        String text = text(line);
        int hash = text.indexOf('#');
        if (hash > 0 && !text.substring(0, hash).isBlank()) return strip(text.substring(hash));
        return above(line);
    }

    private String above(int line) {
        List<String> lines = new ArrayList<>();
        for (int l = line - 1; l >= 1 && text(l).strip().startsWith("#"); l--) lines.addFirst(strip(text(l).strip()));
        return String.join("\n", lines).strip();
    }

    /** {@code # text} without the marks: {@code ## text} and {@code #text} too. */
    private static String strip(String comment) {
        int i = 0;
        while (i < comment.length() && comment.charAt(i) == '#') i++;
        return comment.substring(i).strip();
    }

    private int lineCount() {
        return source.line(source.length());
    }

    private String text(int line) {
        int[] cps = source.lineCodePoints(line);
        return new String(cps, 0, cps.length);
    }
}
