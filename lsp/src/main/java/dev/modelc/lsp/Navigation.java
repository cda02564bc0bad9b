package dev.modelc.lsp;

import dev.modelc.compiler.diagnostics.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.WorkspaceEdit;

/** Go to definition (into the prelude too), find references, rename. */
final class Navigation {
    private Navigation() {
    }

    static List<Location> definition(Analysis a, String uri, PreludeDocument prelude, int offset) {
        Optional<Symbols.Occurrence> occ = a.symbols().flatMap(s -> s.at(offset));
        if (occ.isEmpty()) return List.of();
        Span at = occ.get().symbol().nameSpan();
        if (at.source() == a.source()) return List.of(new Location(uri, a.lines().range(at.start(), at.end())));
        if (at.source() == prelude.source()) return List.of(new Location(prelude.uri(), prelude.lines().range(at.start(), at.end())));
        return List.of();
    }

    static List<Location> references(Analysis a, String uri, int offset, boolean includeDeclaration) {
        Optional<Symbols.Occurrence> occ = a.symbols().flatMap(s -> s.at(offset));
        if (occ.isEmpty()) return List.of();
        Symbols.Symbol sym = occ.get().symbol();
        List<Location> out = new ArrayList<>();
        for (Span s : a.symbols().get().occurrencesOf(sym)) {
            if (!includeDeclaration && s.equals(sym.nameSpan())) continue;
            out.add(new Location(uri, a.lines().range(s.start(), s.end())));
        }
        return out;
    }

    static WorkspaceEdit rename(Analysis a, String uri, int offset, String newName) {
        Optional<Symbols.Occurrence> occ = a.symbols().flatMap(s -> s.at(offset));
        if (occ.isEmpty()) throw new RequestRefused("there is no name here that can be renamed");
        Symbols.Symbol sym = occ.get().symbol();
        if (sym.nameSpan().source() != a.source()) {
            throw new RequestRefused("'" + sym.name() + "' is declared in the prelude, which cannot be edited");
        }
        if (!newName.matches("[A-Za-z_][A-Za-z0-9_]*") || Keywords.RESERVED.contains(newName)) {
            throw new RequestRefused("'" + newName + "' is not a name: a name is a letter or _ followed by letters, digits and _");
        }
        List<TextEdit> edits = new ArrayList<>();
        for (Span s : a.symbols().get().occurrencesOf(sym)) edits.add(new TextEdit(a.lines().range(s.start(), s.end()), newName));
        return new WorkspaceEdit(Map.of(uri, edits));
    }
}
