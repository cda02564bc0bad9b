package dev.modelc.lsp;

import dev.modelc.compiler.diagnostics.Span;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.SymbolInformation;
import org.eclipse.lsp4j.SymbolKind;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

/** Document symbols: each model, layer and def, with its params, inputs, outputs, consts and locals inside. */
final class Outline {
    private Outline() {
    }

    static List<Either<SymbolInformation, DocumentSymbol>> symbols(Analysis a) {
        if (a.symbols().isEmpty()) return List.of();
        List<Either<SymbolInformation, DocumentSymbol>> out = new ArrayList<>();
        List<Symbols.Symbol> all = a.symbols().get().declared();
        for (Symbols.Symbol top : all) {
            if (top.container().isPresent()) continue;
            DocumentSymbol ds = symbol(a, top);
            List<DocumentSymbol> children = new ArrayList<>();
            for (Symbols.Symbol s : all) {
                if (s.kind() == Symbols.Kind.DIM || s.container().isEmpty()) continue;
                if (s.container().get().nameSpan().equals(top.nameSpan())) children.add(symbol(a, s));
            }
            ds.setChildren(children);
            out.add(Either.forRight(ds));
        }
        return out;
    }

    private static DocumentSymbol symbol(Analysis a, Symbols.Symbol s) {
        Span name = s.nameSpan();
        Span whole = s.declSpan().to(name);
        DocumentSymbol ds = new DocumentSymbol(s.name(), kind(s.kind()), a.lines().range(whole.start(), whole.end()),
                a.lines().range(name.start(), name.end()));
        ds.setDetail(s.kind().word());
        return ds;
    }

    private static SymbolKind kind(Symbols.Kind k) {
        return switch (k) {
            case MODEL -> SymbolKind.Module;
            case LAYER -> SymbolKind.Class;
            case DEF -> SymbolKind.Function;
            case PARAMETER -> SymbolKind.Variable;
            case INPUT -> SymbolKind.Variable;
            case WEIGHT -> SymbolKind.Field;
            case CONST -> SymbolKind.Constant;
            case LOCAL -> SymbolKind.Variable;
            case OUTPUT, LOSS -> SymbolKind.Event;
            case DIM -> SymbolKind.TypeParameter;
        };
    }
}
