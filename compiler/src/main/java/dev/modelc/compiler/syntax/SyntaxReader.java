package dev.modelc.compiler.syntax;

import dev.modelc.compiler.ast.ModelFile;
import dev.modelc.compiler.diagnostics.Diagnostic;
import dev.modelc.compiler.diagnostics.Diagnostics;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.grammar.ModelLexer;
import dev.modelc.grammar.ModelParser;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ListTokenSource;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.Pair;

/**
 * Turns source text into an AST, reporting every lexical and syntax error it can recover
 * from. Returns no AST when there was any such error: later stages only see well-formed trees.
 */
public final class SyntaxReader {
    /** Tokens that can never continue an expression from the line before. */
    private static final Set<Integer> CANNOT_CONTINUE = Set.of(
            ModelLexer.RBRACE, ModelLexer.MODEL, ModelLexer.LAYER, ModelLexer.DEF);

    /** Words that are never names, unlike the statement keywords. */
    private static final Set<Integer> RESERVED = Set.of(
            ModelLexer.MODEL, ModelLexer.LAYER, ModelLexer.DEF, ModelLexer.RETURN, ModelLexer.TRUE, ModelLexer.FALSE);

    /** Past this many syntax errors in one file the rest is noise; parsing stops. */
    private static final int MAX_SYNTAX_ERRORS = 50;

    private SyntaxReader() {
    }

    public static Optional<ModelFile> read(SourceFile source, Diagnostics diagnostics) {
        ModelLexer lexer = new ModelLexer(CharStreams.fromString(source.text(), source.name()));
        lexer.removeErrorListeners();
        List<Token> tokens = new ArrayList<>();
        int errors = 0;
        int depth = 0; // of ( and [, as the lexer counts it
        LiteralSize literals = new LiteralSize();
        for (Token t = lexer.nextToken(); ; t = lexer.nextToken()) {
            LiteralSize.TooLarge tooLarge = literals.next(t);
            if (tooLarge != null) {
                // Reported before the parser sees the file: parsing a literal that large is the cost.
                diagnostics.error(span(source, tooLarge.literal()), tooLarge.message(),
                        "literals are for small constants; put large data in a .npy file and declare it as an input"
                                + " (input table: f32[...]), given with --data table=FILE.npy");
                return Optional.empty();
            }
            if (t.getType() == ModelLexer.UNKNOWN) {
                if (errors++ < MAX_SYNTAX_ERRORS) {
                    diagnostics.error(span(source, t), "unexpected character " + describeCharacter(t.getText()),
                            hintFor(t.getText()));
                }
                continue; // the parser never sees it, so it reports what else is wrong
            }
            // A '}' always ends its statement (a train block, a forward or def block), but the
            // lexer lets a newline end a statement only after a token that can end an
            // expression, which '}' is not; so `train { ... }` followed by another statement
            // on the next line would not parse. The newline is put back here.
            Token last = tokens.isEmpty() ? null : tokens.getLast();
            if (last != null && last.getType() == ModelLexer.RBRACE && t.getType() != Token.EOF
                    && t.getType() != ModelLexer.NL && t.getLine() > last.getLine() && depth == 0) {
                // With the '}'s source, as ANTLR's recovery builds missing tokens from the one it is at.
                CommonToken newline = new CommonToken(new Pair<>(last.getTokenSource(), last.getInputStream()),
                        ModelLexer.NL, Token.DEFAULT_CHANNEL, last.getStopIndex() + 1, last.getStopIndex());
                newline.setText("\n");
                newline.setLine(last.getLine());
                newline.setCharPositionInLine(last.getCharPositionInLine() + 1);
                tokens.add(newline);
            }
            switch (t.getType()) {
                case ModelLexer.LPAREN, ModelLexer.LBRACK -> depth++;
                case ModelLexer.RPAREN, ModelLexer.RBRACK -> depth = Math.max(0, depth - 1);
                default -> {
                }
            }
            tokens.add(t);
            if (t.getType() == Token.EOF) break;
        }
        if (lexer.tooDeep() != null) {
            diagnostics.error(span(source, lexer.tooDeep()),
                    "brackets nested too deeply (more than " + ModelLexer.MAX_NESTING + " levels)",
                    "split the expression into named locals");
            return Optional.empty();
        }

        // A bracket that is never closed (or closed by the wrong one) is reported at the bracket
        // itself; newlines inside brackets do not end statements, so whatever the parser says
        // after an open bracket is noise.
        Brackets brackets = checkBrackets(source, tokens);
        int damaged = brackets == null ? -1 : brackets.noiseFrom();
        int[] regionEnds = regionEnds(tokens);

        // Most files are correct: parse them first with ANTLR's fast SLL prediction, which bails
        // out at the first problem; only then parse again with full LL and error recovery.
        if (brackets == null && errors == 0) {
            ModelParser fast = new ModelParser(new CommonTokenStream(new ListTokenSource(tokens)));
            fast.removeErrorListeners();
            fast.getInterpreter().setPredictionMode(PredictionMode.SLL);
            fast.setErrorHandler(new BailErrorStrategy());
            try {
                ModelParser.FileContext tree = fast.file();
                ModelFile file = new AstBuilder(source, diagnostics).file(tree);
                return diagnostics.hasErrors() ? Optional.empty() : Optional.of(file);
            } catch (ParseCancellationException slowPath) {
                // a syntax error, or SLL was not enough: the full parse below decides and reports
            }
        }

        ModelParser parser = new ModelParser(new CommonTokenStream(new ListTokenSource(tokens)));
        parser.removeErrorListeners();
        int[] syntaxErrors = {0};
        int[] quietThrough = {-1};
        int[] firstKept = {Integer.MAX_VALUE};
        Reported report = (index, where, message, notes) -> {
            if (++syntaxErrors[0] >= MAX_SYNTAX_ERRORS) throw new TooManyErrors();
            if (damaged >= 0 && where.start() >= damaged) return;
            if (index >= 0 && index <= quietThrough[0]) return;
            firstKept[0] = Math.min(firstKept[0], where.start());
            diagnostics.error(where, message, notes);
        };
        SyntaxErrorStrategy.Reporter reporter = (found, expected, repaired) -> {
            int index = found.getTokenIndex();
            boolean quiet = index >= 0 && index <= quietThrough[0];
            String message = expected == null ? "unexpected " + SyntaxErrorStrategy.describe(found)
                    : "expected " + expected + ", found " + SyntaxErrorStrategy.describe(found);
            Span where = span(source, tokens, found);
            // `def f(x) =` with nothing after it: the newline was skipped (it cannot end a
            // statement after '='), so the parser finds the next declaration or '}'. Point at
            // the end of the line that is cut short, not at the innocent line below.
            Token before = index > 0 ? tokens.get(index - 1) : null;
            if (expected != null && before != null && CANNOT_CONTINUE.contains(found.getType())
                    && before.getLine() < found.getLine()) {
                int end = span(source, before).end();
                where = new Span(source, end, end);
                message = "expected " + expected + ", found end of line";
            }
            report.report(index, where, message, hint(found, expected));
            // When the parser skips ahead to resynchronise it has often lost its place in the
            // block, and what it says next in that block is follow-on noise.
            if (!quiet && index >= 0 && !repaired) quietThrough[0] = regionEnds[index];
        };
        parser.setErrorHandler(new SyntaxErrorStrategy(reporter));
        parser.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> recognizer, Object offending, int line, int column,
                                    String message, RecognitionException e) {
                Token t = (Token) offending;
                report.report(t.getTokenIndex(), span(source, tokens, t), message);
            }
        });
        ModelParser.FileContext tree;
        try {
            tree = parser.file();
        } catch (TooManyErrors stop) {
            tree = null;
        }
        if (brackets != null) {
            // A '}' with no '{' is what a missing '{' leaves behind, and the parser has
            // already said so where the '{' belongs.
            if (!brackets.unmatchedCloser() || firstKept[0] > brackets.error().primary().start()) {
                diagnostics.report(brackets.error());
            }
            return Optional.empty();
        }
        if (tree == null || syntaxErrors[0] > 0 || errors > 0) return Optional.empty();
        ModelFile file = new AstBuilder(source, diagnostics).file(tree);
        return diagnostics.hasErrors() ? Optional.empty() : Optional.of(file);
    }

    /** Reports one syntax error at the token numbered {@code index}, unless it is follow-on noise. */
    @FunctionalInterface
    private interface Reported {
        void report(int index, Span where, String message, String... notes);
    }

    /** A hint for the mistakes that habits from Python and PyTorch make; none when there is no likely one. */
    private static String[] hint(Token found, String expected) {
        if (found.getType() == ModelLexer.COLON) {
            if ("'='".equals(expected)) return new String[] {"locals take the type of their value: write name = expr"};
            return new String[] {"bodies are written in braces, not after ':' as in Python:"
                    + " model M { ... }, def f(x) = expr or def f(x) { ...; return expr }"};
        }
        if (RESERVED.contains(found.getType()) && (expected == null || expected.contains("a name"))) {
            return new String[] {"'" + found.getText() + "' is a reserved word and cannot be a name"};
        }
        if (found.getType() == ModelLexer.ASSIGN && "':'".equals(expected)) {
            return new String[] {"params and inputs are declared with a type: param w: f32[2, 3] = randn(), input x: f32[N, 3]"};
        }
        return new String[0];
    }

    /**
     * The first bracket that does not pair up: the error, the offset from which the parser's own
     * errors are follow-on noise, and whether it is a closer with no opener.
     */
    private record Brackets(Diagnostic error, int noiseFrom, boolean unmatchedCloser) {
    }

    /**
     * Matches ( [ { with ) ] } and finds the first bracket that does not pair up, to be
     * reported at the bracket itself as Python does ("'(' was never closed"); null when every
     * bracket pairs up.
     */
    private static Brackets checkBrackets(SourceFile source, List<Token> tokens) {
        Deque<Token> open = new ArrayDeque<>();
        // Braces closed by a '}' indented differently from the line that opened them: when a
        // '{' is left open at the end, the one such pair whose '}' lines up with it is likelier
        // the one missing its '}' (a train block closed by the model's '}').
        List<Token[]> misaligned = new ArrayList<>();
        for (Token t : tokens) {
            int type = t.getType();
            switch (type) {
                case ModelLexer.LPAREN, ModelLexer.LBRACK, ModelLexer.LBRACE -> open.push(t);
                case ModelLexer.RPAREN, ModelLexer.RBRACK, ModelLexer.RBRACE -> {
                    Token opener = open.peek();
                    if (opener != null && closer(opener.getType()) == type) {
                        open.pop();
                        if (type == ModelLexer.RBRACE && column(source, t) != indentation(source, opener)) {
                            misaligned.add(new Token[] {opener, t});
                        }
                    } else if (opener != null && opener.getType() != ModelLexer.LBRACE && type == ModelLexer.RBRACE) {
                        return new Brackets(Diagnostic.error(span(source, opener), "'" + opener.getText() + "' is never closed",
                                "expected a matching '" + closing(opener) + "'; inside brackets a newline does not end the"
                                        + " statement, so the lines after it were read as part of it"),
                                span(source, opener).start(), false);
                    } else if (opener == null || opener.getType() == ModelLexer.LBRACE) {
                        return new Brackets(Diagnostic.error(span(source, t), "unmatched '" + t.getText() + "'",
                                "there is no '" + opening(type) + "' before it for it to close"),
                                span(source, t).start(), true);
                    } else {
                        return new Brackets(Diagnostic.error(span(source, t), "expected '" + closing(opener)
                                        + "', found '" + t.getText() + "'",
                                "'" + t.getText() + "' cannot close the '" + opener.getText() + "' at " + span(source, opener))
                                .withRelated(span(source, opener)), span(source, opener).start(), false);
                    }
                }
                default -> {
                }
            }
        }
        if (open.isEmpty()) return null;
        Token innermost = open.peek();
        if (innermost.getType() != ModelLexer.LBRACE) {
            return new Brackets(Diagnostic.error(span(source, innermost), "'" + innermost.getText() + "' is never closed",
                    "expected '" + closing(innermost) + "' before the end of the file"), span(source, innermost).start(), false);
        }
        Token unclosed = innermost;
        for (Token[] pair : misaligned) {
            if (pair[0].getStartIndex() > innermost.getStartIndex()
                    && column(source, pair[1]) == indentation(source, innermost)) {
                unclosed = pair[0];
                break;
            }
        }
        Diagnostic error = Diagnostic.error(span(source, unclosed), "'{' is never closed",
                unclosed == innermost ? "expected '}' to end " + bodyOf(tokens, unclosed) + " before the end of the file"
                        : "expected '}' to close it; the '}' at " + span(source, closerOf(misaligned, unclosed))
                        + " is indented like the '{' at " + span(source, innermost));
        // Only the parser's "found end of file", placed after the last token, is noise.
        return new Brackets(error, span(source, tokens, tokens.getLast()).start(), false);
    }

    /** What a '{' opens, from the start of its line: "the body of model 'M'", "the train block". */
    private static String bodyOf(List<Token> tokens, Token brace) {
        int i = tokens.indexOf(brace); // the parser has not numbered the tokens yet
        while (i > 0 && tokens.get(i - 1).getLine() == brace.getLine()
                && tokens.get(i - 1).getType() != ModelLexer.SEMI && tokens.get(i - 1).getType() != ModelLexer.NL) {
            i--;
        }
        Token first = tokens.get(i);
        Token name = i + 1 < tokens.size() ? tokens.get(i + 1) : first;
        return switch (first.getType()) {
            case ModelLexer.MODEL, ModelLexer.LAYER, ModelLexer.DEF -> "the body of " + first.getText() + " '" + name.getText() + "'";
            case ModelLexer.TRAIN -> "the train block";
            case ModelLexer.FORWARD -> "the body of forward";
            default -> "the block";
        };
    }

    private static Token closerOf(List<Token[]> pairs, Token opener) {
        for (Token[] p : pairs) if (p[0] == opener) return p[1];
        throw new IllegalStateException("no closer for " + opener);
    }

    private static int closer(int openType) {
        return switch (openType) {
            case ModelLexer.LPAREN -> ModelLexer.RPAREN;
            case ModelLexer.LBRACK -> ModelLexer.RBRACK;
            default -> ModelLexer.RBRACE;
        };
    }

    private static String closing(Token opener) {
        return switch (opener.getType()) {
            case ModelLexer.LPAREN -> ")";
            case ModelLexer.LBRACK -> "]";
            default -> "}";
        };
    }

    private static String opening(int closeType) {
        return switch (closeType) {
            case ModelLexer.RPAREN -> "(";
            case ModelLexer.RBRACK -> "[";
            default -> "{";
        };
    }

    /** 0-based column of a token. */
    private static int column(SourceFile source, Token t) {
        return source.column(span(source, t).start()) - 1;
    }

    /** The indentation (in code points) of the line a token is on. */
    private static int indentation(SourceFile source, Token t) {
        int[] line = source.lineCodePoints(source.line(span(source, t).start()));
        int n = 0;
        while (n < line.length && (line[n] == ' ' || line[n] == '\t')) n++;
        return n;
    }

    /**
     * For each token, the index of the last token of its block: the '}' that closes the
     * innermost braces around it or, outside braces, the token before the next declaration.
     * A declaration keyword or '}' ends the block before it, so an error found there (a
     * statement cut short by the next declaration) does not hide errors in what follows.
     */
    private static int[] regionEnds(List<Token> tokens) {
        int n = tokens.size();
        int[] end = new int[n];
        int[] closeOf = new int[n];
        Deque<Integer> open = new ArrayDeque<>();
        java.util.Arrays.fill(closeOf, n - 1);
        for (int i = 0; i < n; i++) {
            int type = tokens.get(i).getType();
            if (type == ModelLexer.LBRACE) open.push(i);
            else if (type == ModelLexer.RBRACE && !open.isEmpty()) closeOf[open.pop()] = i;
        }
        int nextDecl = n - 1;
        Deque<Integer> enclosing = new ArrayDeque<>();
        int[] depthOpen = new int[n];
        for (int i = 0; i < n; i++) {
            int type = tokens.get(i).getType();
            if (type == ModelLexer.RBRACE && !enclosing.isEmpty()) {
                end[i] = i;
                enclosing.pop();
                continue;
            }
            depthOpen[i] = enclosing.isEmpty() ? -1 : enclosing.peek();
            if (type == ModelLexer.LBRACE) enclosing.push(i);
        }
        for (int i = n - 1; i >= 0; i--) {
            int type = tokens.get(i).getType();
            boolean declStart = type == ModelLexer.MODEL || type == ModelLexer.LAYER || type == ModelLexer.DEF;
            if (type == ModelLexer.RBRACE && end[i] == i) continue;
            if (depthOpen[i] >= 0) end[i] = closeOf[depthOpen[i]];
            else end[i] = declStart || type == Token.EOF ? i : nextDecl;
            if (depthOpen[i] < 0 && declStart) nextDecl = i - 1;
        }
        return end;
    }

    /** Like {@link #span(SourceFile, Token)}, but the end of the file is placed right after the last token, not after trailing comments. */
    private static Span span(SourceFile source, List<Token> tokens, Token t) {
        if (t.getType() != Token.EOF) return span(source, t);
        for (int i = tokens.size() - 1; i >= 0; i--) {
            Token last = tokens.get(i);
            if (last.getType() != Token.EOF && last.getType() != ModelLexer.NL) {
                int end = span(source, last).end();
                return new Span(source, end, end);
            }
        }
        return span(source, t);
    }

    static Span span(SourceFile source, Token t) {
        int start = Math.min(t.getStartIndex(), source.length());
        if (t.getType() == Token.EOF || start < 0) return new Span(source, source.length(), source.length());
        int end = Math.max(start, Math.min(t.getStopIndex() + 1, source.length()));
        return new Span(source, start, end);
    }

    private static String describeCharacter(String text) {
        int c = text.codePointAt(0);
        String code = String.format("U+%04X", c);
        if (Character.isISOControl(c) || Character.isWhitespace(c) || !Character.isDefined(c)) return code;
        return "'" + text + "' (" + code + ")";
    }

    private static String[] hintFor(String text) {
        return switch (text) {
            case "\"" -> new String[] {"a string (einsum's equation) ends with '\"' on the line it starts"};
            case "'" -> new String[] {"strings are written in double quotes, and only as einsum's equation: einsum(\"ij,jk->ik\", a, b)"};
            case "!" -> new String[] {"use ~ for logical not, != for inequality"};
            case "%" -> new String[] {"there is no % operator"};
            default -> text.codePointAt(0) > 127
                    ? new String[] {"names are ASCII letters, digits and '_'; other characters may appear only in comments"}
                    : new String[0];
        };
    }

    /** Thrown by the error listener to stop a parse that has gone off the rails. */
    private static final class TooManyErrors extends RuntimeException {
        TooManyErrors() {
            super(null, null, false, false);
        }
    }
}
