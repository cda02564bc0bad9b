package dev.modelc.compiler.syntax;

import dev.modelc.compiler.ast.ModelFile;
import dev.modelc.compiler.diagnostics.Diagnostics;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.grammar.ModelLexer;
import dev.modelc.grammar.ModelParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ListTokenSource;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;

/**
 * Turns source text into an AST, reporting every lexical and syntax error it can recover
 * from. Returns no AST when there was any such error: later stages only see well-formed trees.
 */
public final class SyntaxReader {
    /** Past this many syntax errors in one file the rest is noise; parsing stops. */
    private static final int MAX_SYNTAX_ERRORS = 50;

    private SyntaxReader() {
    }

    public static Optional<ModelFile> read(SourceFile source, Diagnostics diagnostics) {
        ModelLexer lexer = new ModelLexer(CharStreams.fromString(source.text(), source.name()));
        lexer.removeErrorListeners();
        List<Token> tokens = new ArrayList<>();
        int errors = 0;
        for (Token t = lexer.nextToken(); ; t = lexer.nextToken()) {
            if (t.getType() == ModelLexer.UNKNOWN) {
                if (errors++ < MAX_SYNTAX_ERRORS) {
                    diagnostics.error(span(source, t), "unexpected character " + describeCharacter(t.getText()),
                            hintFor(t.getText()));
                }
                continue; // the parser never sees it, so it reports what else is wrong
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

        ModelParser parser = new ModelParser(new CommonTokenStream(new ListTokenSource(tokens)));
        parser.removeErrorListeners();
        parser.setErrorHandler(new SyntaxErrorStrategy());
        int[] syntaxErrors = {0};
        parser.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> recognizer, Object offending, int line, int column,
                                    String message, RecognitionException e) {
                diagnostics.error(span(source, (Token) offending), message);
                if (++syntaxErrors[0] >= MAX_SYNTAX_ERRORS) throw new TooManyErrors();
            }
        });
        ModelParser.FileContext tree;
        try {
            tree = parser.file();
        } catch (TooManyErrors stop) {
            return Optional.empty();
        }
        if (syntaxErrors[0] > 0 || errors > 0) return Optional.empty();
        ModelFile file = new AstBuilder(source, diagnostics).file(tree);
        return diagnostics.hasErrors() ? Optional.empty() : Optional.of(file);
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
            case "\"", "'" -> new String[] {"the language has no strings"};
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
