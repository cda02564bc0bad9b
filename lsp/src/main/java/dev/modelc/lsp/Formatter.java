package dev.modelc.lsp;

import dev.modelc.grammar.ModelLexer;
import java.util.ArrayList;
import java.util.List;

/**
 * The one layout of a {@code .model} file, like gofmt's: it reads the compiler's tokens and
 * rewrites only what lies between them. Line breaks stay where the author put them (a newline
 * can end a statement, so moving one could change the program), at most one blank line is kept
 * between lines, none after an opening brace or before a closing one; each line is indented two
 * spaces per open brace and per open bracket, plus one step after a line that ends in an
 * operator or {@code =}; within a line, tokens are spaced by the pairs below. Comments are kept
 * as written (trailing blanks removed), a trailing one two spaces after its code. Tokens of a
 * kind the formatter does not know (an {@code UNKNOWN} character, or a kind a later grammar
 * adds) keep the spacing they had. Formatting a formatted file changes nothing.
 */
public final class Formatter {
    private static final String INDENT = "  ";

    private Formatter() {
    }

    public static String format(String text) {
        return new Run(SourceTokens.of(text)).format();
    }

    private static final class Run {
        private final SourceTokens tokens;
        private final List<String> lines = new ArrayList<>();
        private final StringBuilder line = new StringBuilder();
        /** Whether {@link #line} holds code or a comment (it is only the indentation otherwise). */
        private boolean lineHasContent;
        /** The open brackets ({, ( and [), innermost last: each indents the lines inside it one step. */
        private final java.util.ArrayDeque<Integer> open = new java.util.ArrayDeque<>();
        private SourceTokens.Code prev;
        /** Line breaks since the last content: two or more make a blank line. */
        private int newlines;

        Run(SourceTokens tokens) {
            this.tokens = tokens;
        }

        String format() {
            List<SourceTokens.Piece> pieces = tokens.pieces();
            for (int i = 0; i < pieces.size(); i++) {
                switch (pieces.get(i)) {
                    case SourceTokens.Newline n -> newline();
                    case SourceTokens.Comment c -> comment(c);
                    case SourceTokens.Code c -> code(c, i);
                }
            }
            endLine();
            while (!lines.isEmpty() && lines.getLast().isEmpty()) lines.removeLast();
            return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
        }

        private void newline() {
            if (lineHasContent) endLine();
            newlines++;
        }

        private void endLine() {
            if (lineHasContent) lines.add(line.toString().stripTrailing());
            line.setLength(0);
            lineHasContent = false;
            newlines = 0;
        }

        private void startLine(int indent, boolean closing) {
            boolean afterOpen = prev != null && prev.type() == ModelLexer.LBRACE;
            if (newlines >= 2 && !lines.isEmpty() && !afterOpen && !closing && !lines.getLast().isEmpty()) lines.add("");
            line.append(INDENT.repeat(Math.max(0, indent)));
            lineHasContent = true;
            newlines = 0;
        }

        private void comment(SourceTokens.Comment c) {
            if (lineHasContent) {
                line.append("  ").append(c.text());
            } else {
                startLine(open.size(), false);
                line.append(c.text());
            }
        }

        private void code(SourceTokens.Code c, int index) {
            int t = c.type();
            if (!lineHasContent) {
                boolean closer = t == ModelLexer.RPAREN || t == ModelLexer.RBRACK || t == ModelLexer.RBRACE;
                int indent = open.size() - (closer && !open.isEmpty() ? 1 : 0);
                if (!insideBrackets() && prev != null && continues(prev.type())) indent++;
                startLine(indent, t == ModelLexer.RBRACE);
                line.append(c.text());
            } else {
                if (spaced(prev, c, index) || joins(prev, c)) line.append(' ');
                line.append(c.text());
            }
            switch (t) {
                case ModelLexer.LBRACE, ModelLexer.LPAREN, ModelLexer.LBRACK -> open.addLast(t);
                case ModelLexer.RBRACE, ModelLexer.RPAREN, ModelLexer.RBRACK -> open.pollLast();
                default -> { }
            }
            prev = c;
        }

        /**
         * Whether {@code a} and {@code b} written together would lex as other tokens ({@code * *S}
         * as {@code **S}, {@code < =} as {@code <=}): then a space stays between them.
         */
        private static boolean joins(SourceTokens.Code a, SourceTokens.Code b) {
            ModelLexer lexer = new ModelLexer(org.antlr.v4.runtime.CharStreams.fromString(a.text() + b.text()));
            lexer.removeErrorListeners();
            return !lexer.nextToken().getText().equals(a.text());
        }

        /** Whether the innermost open bracket is a ( or a [ (where newlines never end a statement). */
        private boolean insideBrackets() {
            return !open.isEmpty() && open.peekLast() != ModelLexer.LBRACE;
        }

        /** Whether a line after one ending in {@code type} continues its expression (the lexer skipped the newline). */
        private static boolean continues(int type) {
            return binary(type) || type == ModelLexer.ASSIGN || type == ModelLexer.COMMA || type == ModelLexer.TILDE
                    || type == ModelLexer.COLON || type == ModelLexer.DOT;
        }

        private static boolean binary(int type) {
            return switch (type) {
                case ModelLexer.POW, ModelLexer.STAR, ModelLexer.SLASH, ModelLexer.AT, ModelLexer.PLUS, ModelLexer.MINUS,
                     ModelLexer.AMP, ModelLexer.PIPE, ModelLexer.CARET, ModelLexer.LE, ModelLexer.GE, ModelLexer.EQ,
                     ModelLexer.NE, ModelLexer.LT, ModelLexer.GT -> true;
                default -> false;
            };
        }

        /**
         * The token kinds this formatter has rules for, named one by one: a kind a later grammar
         * adds (a string literal) is not among them, whatever number ANTLR gives it.
         */
        private static boolean known(int type) {
            return switch (type) {
                case ModelLexer.MODEL, ModelLexer.LAYER, ModelLexer.DEF, ModelLexer.RETURN, ModelLexer.TRUE, ModelLexer.FALSE,
                     ModelLexer.INPUT, ModelLexer.PARAM, ModelLexer.CONST, ModelLexer.OUTPUT, ModelLexer.LOSS, ModelLexer.UPDATE,
                     ModelLexer.TRAIN, ModelLexer.FORWARD, ModelLexer.LPAREN, ModelLexer.RPAREN, ModelLexer.LBRACK,
                     ModelLexer.RBRACK, ModelLexer.LBRACE, ModelLexer.RBRACE, ModelLexer.COMMA, ModelLexer.COLON, ModelLexer.SEMI,
                     ModelLexer.DOT, ModelLexer.POW, ModelLexer.STAR, ModelLexer.SLASH, ModelLexer.AT, ModelLexer.PLUS,
                     ModelLexer.MINUS, ModelLexer.TILDE, ModelLexer.AMP, ModelLexer.PIPE, ModelLexer.CARET, ModelLexer.LE,
                     ModelLexer.GE, ModelLexer.EQ, ModelLexer.NE, ModelLexer.LT, ModelLexer.GT, ModelLexer.ASSIGN,
                     ModelLexer.FLOAT, ModelLexer.INT, ModelLexer.ID -> true;
                default -> false;
            };
        }

        /** Whether a prefix operator stands here: after nothing, an operator, an opening bracket, a separator or a keyword. */
        private static boolean operandExpected(SourceTokens.Code before) {
            if (before == null) return true;
            int t = before.type();
            return binary(t) || t == ModelLexer.ASSIGN || t == ModelLexer.LPAREN || t == ModelLexer.LBRACK
                    || t == ModelLexer.LBRACE || t == ModelLexer.COMMA || t == ModelLexer.COLON || t == ModelLexer.SEMI
                    || t == ModelLexer.RETURN || t == ModelLexer.TILDE;
        }

        private boolean unary(int index) {
            SourceTokens.Code c = code(index);
            int t = c.type();
            if (t != ModelLexer.MINUS && t != ModelLexer.PLUS && t != ModelLexer.TILDE && t != ModelLexer.STAR) return false;
            return operandExpected(previousCode(index));
        }

        private SourceTokens.Code code(int index) {
            return (SourceTokens.Code) tokens.pieces().get(index);
        }

        private SourceTokens.Code previousCode(int index) {
            for (int i = index - 1; i >= 0; i--) {
                if (tokens.pieces().get(i) instanceof SourceTokens.Code c) return c;
            }
            return null;
        }

        /** Whether one space separates {@code a} and {@code b} on a line. */
        private boolean spaced(SourceTokens.Code a, SourceTokens.Code b, int index) {
            int x = a.type();
            int y = b.type();
            if (!known(x) || !known(y)) return a.end() < b.start(); // as written
            int prevIndex = index - 1;
            while (!(tokens.pieces().get(prevIndex) instanceof SourceTokens.Code)) prevIndex--;
            if (unary(prevIndex)) return false; // -x, ~m, *S
            if (y == ModelLexer.COMMA || y == ModelLexer.SEMI || y == ModelLexer.DOT || x == ModelLexer.DOT) return false;
            if (x == ModelLexer.LPAREN || x == ModelLexer.LBRACK) return false;
            if (y == ModelLexer.RPAREN || y == ModelLexer.RBRACK) return false;
            if (y == ModelLexer.LPAREN || y == ModelLexer.LBRACK) {
                // a call, an index, a type's sizes, or a parameter list: attached to what comes before
                return !(x == ModelLexer.ID || x == ModelLexer.RPAREN || x == ModelLexer.RBRACK || x == ModelLexer.FORWARD
                        || nameKeyword(x));
            }
            if (y == ModelLexer.COLON) return x == ModelLexer.COMMA; // `x: f32`, `x[1:]`, but `x[0, :]`
            if (x == ModelLexer.COLON) return open.isEmpty() || open.peekLast() != ModelLexer.LBRACK; // `x: f32`, but `x[1:2]`
            return true;
        }

        private static boolean nameKeyword(int type) {
            return switch (type) {
                case ModelLexer.INPUT, ModelLexer.PARAM, ModelLexer.CONST, ModelLexer.OUTPUT, ModelLexer.LOSS,
                     ModelLexer.UPDATE, ModelLexer.TRAIN -> true;
                default -> false;
            };
        }
    }
}
