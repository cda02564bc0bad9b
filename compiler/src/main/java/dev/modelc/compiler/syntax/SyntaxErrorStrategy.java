package dev.modelc.compiler.syntax;

import dev.modelc.grammar.ModelLexer;
import dev.modelc.grammar.ModelParser;
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
    /**
     * Where the strategy sends each syntax error: the token found, what was expected there
     * ("an expression"; null when only "unexpected" can be said), and whether the parser mends
     * it in place (inserting or deleting one token) and goes on in step with the text, rather
     * than skipping ahead to where it can resynchronise.
     */
    @FunctionalInterface
    interface Reporter {
        void report(Token found, String expected, boolean repaired);
    }

    /**
     * Tokens that are never deleted to repair a statement: they start or end a declaration or a
     * body, so deleting one (to parse `model M {` as the missing expression of the line
     * before) turns one mistake into a cascade over the whole declaration.
     */
    private static final Set<Integer> STRUCTURAL = Set.of(
            ModelLexer.MODEL, ModelLexer.LAYER, ModelLexer.DEF, ModelLexer.LBRACE, ModelLexer.RBRACE);

    private final Reporter reporter;
    /** Whether the token being reported as unwanted is being deleted (else recovery skips ahead). */
    private boolean deleting;

    SyntaxErrorStrategy(Reporter reporter) {
        this.reporter = reporter;
    }

    @Override
    protected void reportNoViableAlternative(Parser parser, NoViableAltException e) {
        Token found = e.getOffendingToken();
        // What the parser expects is known only where the decision started; when it looked
        // further ahead (`def f(x):` fails at ':' while choosing which kind of def it is), that
        // set names the wrong place.
        boolean atStart = e.getStartToken() == null || e.getStartToken().getTokenIndex() == found.getTokenIndex();
        reporter.report(found, atStart ? summarize(parser.getExpectedTokens()) : null, false);
    }

    @Override
    protected void reportInputMismatch(Parser parser, InputMismatchException e) {
        Token found = e.getOffendingToken();
        reporter.report(found, summarize(e.getExpectedTokens()), false);
    }

    @Override
    protected void reportUnwantedToken(Parser parser) {
        if (inErrorRecoveryMode(parser)) return;
        beginErrorCondition(parser);
        // Within a statement the parser knows what it expects; once it has left the statement's
        // rules (to match the '}' of the body), what it expects ('}' after `y = x,`) misleads.
        Token found = parser.getCurrentToken();
        boolean inStatement = !(parser.getContext() instanceof ModelParser.DeclContext
                || parser.getContext() instanceof ModelParser.FileContext);
        reporter.report(found, inStatement ? summarize(getExpectedTokens(parser)) : null, deleting);
    }

    @Override
    protected void reportMissingToken(Parser parser) {
        if (inErrorRecoveryMode(parser)) return;
        beginErrorCondition(parser);
        Token found = parser.getCurrentToken();
        reporter.report(found, summarize(getExpectedTokens(parser)), true);
    }

    @Override
    protected Token singleTokenDeletion(Parser parser) {
        if (STRUCTURAL.contains(parser.getCurrentToken().getType())) return null;
        deleting = true;
        try {
            return super.singleTokenDeletion(parser);
        } finally {
            deleting = false;
        }
    }

    /** How a token is named in a message: {@code ')'}, {@code a name}, {@code end of line}. */
    static String describe(Token t) {
        return switch (t.getType()) {
            case Token.EOF -> "end of file";
            case ModelLexer.NL -> "end of line";
            case ModelLexer.ID -> "name '" + t.getText() + "'";
            case ModelLexer.INT, ModelLexer.FLOAT -> "number " + t.getText();
            case ModelLexer.STRING -> "string " + t.getText();
            default -> "'" + t.getText() + "'";
        };
    }

    private static final Set<Integer> EXPRESSION_STARTS = Set.of(
            ModelLexer.INT, ModelLexer.FLOAT, ModelLexer.ID, ModelLexer.LPAREN, ModelLexer.LBRACK,
            ModelLexer.MINUS, ModelLexer.PLUS, ModelLexer.TILDE, ModelLexer.TRUE, ModelLexer.FALSE, ModelLexer.STRING);
    private static final Set<Integer> STATEMENT_STARTS = Set.of(
            ModelLexer.INPUT, ModelLexer.PARAM, ModelLexer.STATE, ModelLexer.CONST, ModelLexer.OUTPUT, ModelLexer.LOSS,
            ModelLexer.UPDATE, ModelLexer.TRAIN, ModelLexer.FORWARD, ModelLexer.RETURN);
    private static final Set<Integer> DECLARATION_STARTS = Set.of(ModelLexer.MODEL, ModelLexer.LAYER, ModelLexer.DEF);
    private static final Set<Integer> NAME_KEYWORDS = Set.of(
            ModelLexer.INPUT, ModelLexer.PARAM, ModelLexer.STATE, ModelLexer.CONST, ModelLexer.OUTPUT, ModelLexer.LOSS,
            ModelLexer.UPDATE, ModelLexer.TRAIN, ModelLexer.FORWARD);
    /** Binary operators; with the postfix ones they are what may follow a complete expression. */
    private static final Set<Integer> BINARY_OPERATORS = Set.of(
            ModelLexer.POW, ModelLexer.STAR, ModelLexer.SLASH, ModelLexer.AT, ModelLexer.PLUS, ModelLexer.MINUS,
            ModelLexer.LT, ModelLexer.LE, ModelLexer.GT, ModelLexer.GE, ModelLexer.EQ, ModelLexer.NE,
            ModelLexer.AMP, ModelLexer.PIPE);
    private static final Set<Integer> POSTFIX_OPERATORS = Set.of(
            ModelLexer.LPAREN, ModelLexer.LBRACK, ModelLexer.DOT, ModelLexer.CARET);

    /** Names a set of expected tokens briefly: many expression starters read as "an expression". */
    static String summarize(IntervalSet expected) {
        Set<Integer> types = new LinkedHashSet<>(expected.toList());
        List<String> parts = new ArrayList<>();
        boolean statement = types.containsAll(STATEMENT_STARTS);
        boolean expression = types.containsAll(Set.of(ModelLexer.INT, ModelLexer.ID, ModelLexer.LPAREN));
        // After a complete expression every operator may follow; listing them all hides what matters.
        boolean operator = !expression && types.containsAll(BINARY_OPERATORS);
        if (types.containsAll(DECLARATION_STARTS)) {
            types.removeAll(DECLARATION_STARTS);
            parts.add("a declaration (model, layer or def)");
        }
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
        if (operator) {
            types.removeAll(BINARY_OPERATORS);
            types.removeAll(POSTFIX_OPERATORS);
            parts.add("an operator");
        }
        // A statement may end before '}' without a terminator; "end of statement" already says it.
        if (types.contains(ModelLexer.NL) || types.contains(ModelLexer.SEMI)) types.remove(ModelLexer.RBRACE);
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
