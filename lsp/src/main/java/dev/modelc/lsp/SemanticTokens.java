package dev.modelc.lsp;

import dev.modelc.compiler.check.BuiltinSignatures;
import dev.modelc.grammar.ModelLexer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.SemanticTokensLegend;

/**
 * Semantic tokens from the compiler's lexer (so half-typed text is coloured too), with names
 * classified by what they resolve to when the text parses: defs and built-ins as functions,
 * layers and models as classes, parameters, dimension names as type parameters.
 */
final class SemanticTokens {
    static final List<String> TYPES = List.of("keyword", "number", "comment", "operator", "function", "class",
            "parameter", "variable", "property", "type", "typeParameter", "string");
    static final List<String> MODIFIERS = List.of("declaration", "defaultLibrary");
    static final SemanticTokensLegend LEGEND = new SemanticTokensLegend(TYPES, MODIFIERS);

    private static final class Names {
        static final Set<String> BUILTINS = new HashSet<>();

        static {
            for (BuiltinSignatures.Entry e : BuiltinSignatures.all()) BUILTINS.add(e.name());
        }
    }

    private SemanticTokens() {
    }

    static org.eclipse.lsp4j.SemanticTokens of(Analysis a) {
        List<Integer> data = new ArrayList<>();
        int lastLine = 0, lastChar = 0;
        for (SourceTokens.Piece piece : a.tokens().pieces()) {
            int type;
            int modifiers = 0;
            String text;
            switch (piece) {
                case SourceTokens.Newline n -> {
                    continue;
                }
                case SourceTokens.Comment c -> {
                    type = TYPES.indexOf("comment");
                    text = c.text();
                }
                case SourceTokens.Code c -> {
                    text = c.text();
                    type = classify(a, c);
                    if (type < 0) continue;
                    if (type == TYPES.indexOf("function") && Names.BUILTINS.contains(c.text())
                            && a.symbols().flatMap(s -> s.startingAt(c.start())).isEmpty()) {
                        modifiers = 1 << MODIFIERS.indexOf("defaultLibrary");
                    }
                    Optional<Symbols.Occurrence> occ = a.symbols().flatMap(s -> s.startingAt(c.start()));
                    if (occ.isPresent() && occ.get().span().equals(occ.get().symbol().nameSpan())) {
                        modifiers |= 1 << MODIFIERS.indexOf("declaration");
                    }
                }
            }
            Position p = a.lines().position(piece.start());
            int deltaLine = p.getLine() - lastLine;
            int deltaChar = deltaLine == 0 ? p.getCharacter() - lastChar : p.getCharacter();
            data.add(deltaLine);
            data.add(deltaChar);
            data.add(text.length());
            data.add(type);
            data.add(modifiers);
            lastLine = p.getLine();
            lastChar = p.getCharacter();
        }
        return new org.eclipse.lsp4j.SemanticTokens(data);
    }

    private static int classify(Analysis a, SourceTokens.Code c) {
        return switch (c.type()) {
            case ModelLexer.MODEL, ModelLexer.LAYER, ModelLexer.DEF, ModelLexer.RETURN, ModelLexer.INPUT, ModelLexer.PARAM,
                 ModelLexer.CONST, ModelLexer.OUTPUT, ModelLexer.LOSS, ModelLexer.UPDATE, ModelLexer.TRAIN, ModelLexer.FORWARD,
                 ModelLexer.TRUE, ModelLexer.FALSE -> TYPES.indexOf("keyword");
            case ModelLexer.INT, ModelLexer.FLOAT -> TYPES.indexOf("number");
            case ModelLexer.ID -> name(a, c);
            case ModelLexer.POW, ModelLexer.STAR, ModelLexer.SLASH, ModelLexer.AT, ModelLexer.PLUS, ModelLexer.MINUS,
                 ModelLexer.TILDE, ModelLexer.AMP, ModelLexer.PIPE, ModelLexer.CARET, ModelLexer.LE, ModelLexer.GE,
                 ModelLexer.EQ, ModelLexer.NE, ModelLexer.LT, ModelLexer.GT, ModelLexer.ASSIGN -> TYPES.indexOf("operator");
            default -> -1;
        };
    }

    private static int name(Analysis a, SourceTokens.Code c) {
        Optional<Symbols.Occurrence> occ = a.symbols().flatMap(s -> s.startingAt(c.start()));
        if (occ.isPresent()) {
            return TYPES.indexOf(switch (occ.get().symbol().kind()) {
                case DEF -> "function";
                case LAYER, MODEL -> "class";
                case PARAMETER -> "parameter";
                case DIM -> "typeParameter";
                case WEIGHT -> occ.get().span().equals(occ.get().symbol().nameSpan()) ? "variable" : "property";
                case INPUT, CONST, LOCAL, OUTPUT, LOSS -> "variable";
            });
        }
        if (Keywords.DTYPES.contains(c.text())) return TYPES.indexOf("type");
        if (Names.BUILTINS.contains(c.text())) return TYPES.indexOf("function");
        return TYPES.indexOf("variable");
    }
}
