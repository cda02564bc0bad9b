package dev.modelc.compiler.syntax;

import dev.modelc.grammar.ModelLexer;
import java.util.Locale;
import java.util.Set;
import org.antlr.v4.runtime.Token;

/**
 * Counts the numbers written in each outermost tensor literal as the lexer produces tokens, so
 * that a literal past {@link #MAX_ELEMENTS} (or a file's literals past {@link #MAX_FILE_ELEMENTS})
 * is refused before the parser holds them: a 10^7-number
 * literal (a 20 MB file) took a minute and 6 GB to parse and check. Large data belongs in a
 * data file given to an input.
 */
final class LiteralSize {
    /** The most numbers one tensor literal may hold (nested rows included). */
    static final int MAX_ELEMENTS = 100_000;
    /** The most numbers all the literals of a file may hold together (the same cost, split up). */
    static final int MAX_FILE_ELEMENTS = 1_000_000;

    /** A literal that passes a limit: its opening bracket, and what to say there. */
    record TooLarge(Token literal, String message) {
    }

    /** Tokens after which '[' indexes or types what comes before it ({@code x[0]}, {@code f32[3]}), rather than opening a literal. */
    private static final Set<Integer> ENDS_OPERAND = Set.of(ModelLexer.ID, ModelLexer.INT, ModelLexer.FLOAT,
            ModelLexer.RPAREN, ModelLexer.RBRACK, ModelLexer.TRUE, ModelLexer.FALSE, ModelLexer.INPUT,
            ModelLexer.PARAM, ModelLexer.STATE, ModelLexer.CONST, ModelLexer.OUTPUT, ModelLexer.LOSS, ModelLexer.UPDATE,
            ModelLexer.TRAIN, ModelLexer.FORWARD);

    private int previousType = Token.INVALID_TYPE;
    /** The '[' of the outermost literal being read, or null outside literals. */
    private Token literal;
    /** Brackets of any kind open inside it, the literal's own included. */
    private int depth;
    private int elements;
    private int fileElements;

    /** Takes the next token; returns the literal it takes past a limit, else null. */
    TooLarge next(Token t) {
        int type = t.getType();
        if (type == ModelLexer.NL) return null; // newlines inside brackets are layout
        TooLarge tooLarge = null;
        if (literal == null) {
            if (type == ModelLexer.LBRACK && !ENDS_OPERAND.contains(previousType)) {
                literal = t;
                depth = 1;
                elements = 0;
            }
        } else {
            switch (type) {
                case ModelLexer.LBRACK, ModelLexer.LPAREN -> depth++;
                case ModelLexer.RBRACK, ModelLexer.RPAREN -> {
                    if (--depth == 0) literal = null;
                }
                case ModelLexer.INT, ModelLexer.FLOAT, ModelLexer.TRUE, ModelLexer.FALSE -> {
                    if (++elements > MAX_ELEMENTS) {
                        tooLarge = new TooLarge(literal, "this tensor literal has more than " + count(MAX_ELEMENTS) + " elements");
                    } else if (++fileElements > MAX_FILE_ELEMENTS) {
                        tooLarge = new TooLarge(literal, "with the literals before it, this file's tensor literals have more than "
                                + count(MAX_FILE_ELEMENTS) + " elements");
                    }
                }
                default -> {
                }
            }
        }
        previousType = type;
        return tooLarge;
    }

    private static String count(int n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
