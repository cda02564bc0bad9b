package dev.modelc.lsp;

import dev.modelc.grammar.ModelLexer;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;

/**
 * A file as the compiler's own lexer reads it, plus what that lexer skips and tools must keep:
 * the comments and line breaks between tokens. Offsets are code points, as in
 * {@link dev.modelc.compiler.diagnostics.SourceFile}. The lexer never fails (any other
 * character is an {@code UNKNOWN} token), so every text, however half-typed, has tokens.
 */
public record SourceTokens(int[] codePoints, List<Piece> pieces) {

    /** One thing in the file, in order: a token, a comment, or a line break. */
    public sealed interface Piece {
        int start();

        int end();
    }

    /** A token the parser sees (without the newline tokens: line breaks are {@link Newline}s). */
    public record Code(int type, String text, int start, int end) implements Piece {
    }

    /** {@code # ...} to the end of its line, without trailing blanks. */
    public record Comment(String text, int start, int end) implements Piece {
    }

    /** A line break ({@code \n}, {@code \r\n} or {@code \r}). */
    public record Newline(int start, int end) implements Piece {
    }

    public static SourceTokens of(String text) {
        int[] cps = text.codePoints().toArray();
        ModelLexer lexer = new ModelLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        List<Piece> pieces = new ArrayList<>();
        int at = 0;
        while (true) {
            Token t = lexer.nextToken();
            int start = t.getType() == Token.EOF ? cps.length : t.getStartIndex();
            gap(cps, at, start, pieces);
            if (t.getType() == Token.EOF) break;
            int end = t.getStopIndex() + 1;
            if (t.getType() != ModelLexer.NL) pieces.add(new Code(t.getType(), t.getText(), start, end));
            else gap(cps, start, end, pieces);
            at = end;
        }
        return new SourceTokens(cps, List.copyOf(pieces));
    }

    /** What the lexer skipped between {@code from} and {@code to}: blanks, comments, newlines. */
    private static void gap(int[] cps, int from, int to, List<Piece> out) {
        int i = from;
        while (i < to) {
            int c = cps[i];
            if (c == '#') {
                int j = i;
                while (j < to && cps[j] != '\n' && cps[j] != '\r') j++;
                int e = j;
                while (e > i && (cps[e - 1] == ' ' || cps[e - 1] == '\t' || cps[e - 1] == '\f')) e--;
                out.add(new Comment(new String(cps, i, e - i), i, e));
                i = j;
            } else if (c == '\r' && i + 1 < to && cps[i + 1] == '\n') {
                out.add(new Newline(i, i + 2));
                i += 2;
            } else if (c == '\n' || c == '\r') {
                out.add(new Newline(i, i + 1));
                i++;
            } else {
                i++;
            }
        }
    }

    /** The code tokens alone. */
    public List<Code> code() {
        List<Code> out = new ArrayList<>();
        for (Piece p : pieces) if (p instanceof Code c) out.add(c);
        return out;
    }
}
