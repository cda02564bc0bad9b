package dev.modelc.compiler.syntax;

import dev.modelc.grammar.ModelLexer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * ANTLR's recovery (single-token insertion and deletion, resynchronisation) with messages in
 * modelc's words: "expected ')', found end of line" rather than ANTLR's token dumps.
 */
final class SyntaxErrorStrategy extends DefaultErrorStrategy {

    @Override
    protected void reportNoViableAlternative(Parser parser, NoViableAltException e) {
        Token found = e.getOffendingToken();
        parser.notifyErrorListeners(found, expectedFound(parser, parser.getExpectedTokens(), found), e);
    }

    @Override
    protected void reportInputMismatch(Parser parser, InputMismatchException e) {
        Token found = e.getOffendingToken();
        parser.notifyErrorListeners(found, expectedFound(parser, e.getExpectedTokens(), found), e);
    }

    @Override
    protected void reportUnwantedToken(Parser parser) {
        if (inErrorRecoveryMode(parser)) return;
        beginErrorCondition(parser);
        Token found = parser.getCurrentToken();
        parser.notifyErrorListeners(found, "unexpected " + describe(found), null);
    }

    @Override
    protected void reportMissingToken(Parser parser) {
        if (inErrorRecoveryMode(parser)) return;
        beginErrorCondition(parser);
        Token found = parser.getCurrentToken();
        parser.notifyErrorListeners(found, expectedFound(parser, getExpectedTokens(parser), found), null);
    }

    private static String expectedFound(Parser parser, IntervalSet expected, Token found) {
        return "expected " + summarize(expected) + ", found " + describe(found);
    }

    /** How a token is named in a message: {@code ')'}, {@code a name}, {@code end of line}. */
    static String describe(Token t) {
        return switch (t.getType()) {
            case Token.EOF -> "end of file";
            case ModelLexer.NL -> "end of line";
            case ModelLexer.ID -> "name '" + t.getText() + "'";
            case ModelLexer.INT, ModelLexer.FLOAT -> "number " + t.getText();
            default -> "'" + t.getText() + "'";
        };
    }

    private static final Set<Integer> EXPRESSION_STARTS = Set.of(
            ModelLexer.INT, ModelLexer.FLOAT, ModelLexer.ID, ModelLexer.LPAREN, ModelLexer.LBRACK,
            ModelLexer.MINUS, ModelLexer.PLUS, ModelLexer.TILDE, ModelLexer.TRUE, ModelLexer.FALSE);
    private static final Set<Integer> STATEMENT_STARTS = Set.of(
            ModelLexer.INPUT, ModelLexer.PARAM, ModelLexer.CONST, ModelLexer.OUTPUT, ModelLexer.LOSS,
            ModelLexer.UPDATE, ModelLexer.TRAIN, ModelLexer.FORWARD, ModelLexer.RETURN);
    private static final Set<Integer> NAME_KEYWORDS = Set.of(
            ModelLexer.INPUT, ModelLexer.PARAM, ModelLexer.CONST, ModelLexer.OUTPUT, ModelLexer.LOSS,
            ModelLexer.UPDATE, ModelLexer.TRAIN, ModelLexer.FORWARD);

    /** Names a set of expected tokens briefly: many expression starters read as "an expression". */
    static String summarize(IntervalSet expected) {
        Set<Integer> types = new LinkedHashSet<>(expected.toList());
        List<String> parts = new ArrayList<>();
        boolean statement = types.containsAll(STATEMENT_STARTS);
        boolean expression = types.containsAll(Set.of(ModelLexer.INT, ModelLexer.ID, ModelLexer.LPAREN));
        if (statement) {
            types.removeAll(STATEMENT_STARTS);
            types.remove(ModelLexer.ID);
            parts.add("a statement");
        }
        if (expression) {
            types.removeAll(EXPRESSION_STARTS);
            types.removeAll(NAME_KEYWORDS);
            parts.add("an expression");
        } else if (types.contains(ModelLexer.ID) && types.containsAll(NAME_KEYWORDS)) {
            types.removeAll(NAME_KEYWORDS);
        }
        for (int type : types) {
            if (type == ModelLexer.NL || type == ModelLexer.SEMI) {
                if (!parts.contains("end of statement")) parts.add("end of statement");
                continue;
            }
            parts.add(switch (type) {
                case Token.EOF -> "end of file";
                case ModelLexer.ID -> "a name";
                case ModelLexer.INT, ModelLexer.FLOAT -> "a number";
                default -> ModelLexer.VOCABULARY.getLiteralName(type) != null
                        ? ModelLexer.VOCABULARY.getLiteralName(type)
                        : ModelLexer.VOCABULARY.getDisplayName(type);
            });
        }
        if (parts.isEmpty()) return "something else";
        if (parts.size() > 6) {
            parts = new ArrayList<>(parts.subList(0, 6));
            parts.add("...");
            return "one of " + String.join(", ", parts);
        }
        if (parts.size() == 1) return parts.getFirst();
        return String.join(", ", parts.subList(0, parts.size() - 1)) + " or " + parts.getLast();
    }
}
