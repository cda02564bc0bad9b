package dev.modelc.lsp;

import dev.modelc.compiler.ast.Decl;
import dev.modelc.compiler.ast.Param;
import dev.modelc.compiler.ast.Stmt;
import dev.modelc.compiler.check.BuiltinSignatures;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.diagnostics.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;

/**
 * Hover: for a name, what it declares (a def's or layer's signature and doc comment, an input's
 * or param's declared type) and the type the checker gave it here; for a built-in, its
 * signature from the checker's table and its row of docs/language.md; for any other expression,
 * its type ({@code f32[N, 512]}, with symbolic dims).
 */
final class Hovers {
    private Hovers() {
    }

    static Hover hover(Analysis a, int offset) {
        Optional<Symbols.Occurrence> occ = a.symbols().flatMap(s -> s.at(offset));
        if (occ.isPresent()) return markdown(a, occ.get().span(), symbol(a, occ.get()));
        SourceTokens.Code token = tokenAt(a, offset);
        if (token != null && token.type() == dev.modelc.grammar.ModelLexer.ID) {
            String builtin = builtin(token.text());
            if (builtin != null) {
                Set<String> types = a.typesOf(new Span(a.source(), token.start(), token.end()));
                return markdown(a, new Span(a.source(), token.start(), token.end()), builtin + typeLines(types));
            }
        }
        return a.innermostTypedAt(offset)
                .map(e -> markdown(a, e.getKey(), typeLines(e.getValue()).strip()))
                .orElse(null);
    }

    private static Hover markdown(Analysis a, Span span, String md) {
        if (md == null || md.isBlank()) return null;
        Hover h = new Hover(new MarkupContent(MarkupKind.MARKDOWN, md));
        h.setRange(a.lines().range(span.start(), span.end()));
        return h;
    }

    static SourceTokens.Code tokenAt(Analysis a, int offset) {
        for (SourceTokens.Code c : a.tokens().code()) {
            if (c.start() <= offset && offset <= c.end() && c.end() > c.start()) {
                if (offset == c.end() && c.type() != dev.modelc.grammar.ModelLexer.ID) continue;
                return c;
            }
            if (c.start() > offset) break;
        }
        return null;
    }

    /** The built-in named {@code name}: its signature and its row of docs/language.md. */
    static String builtin(String name) {
        for (BuiltinSignatures.Entry e : BuiltinSignatures.all()) {
            if (!e.name().equals(name)) continue;
            String doc = BuiltinDocs.get().describe(name);
            return "```model\n" + e.label() + "\n```\nbuilt-in" + (doc == null ? "" : "\n\n" + doc);
        }
        return null;
    }

    private static String typeLines(Set<String> types) {
        if (types.isEmpty()) return "";
        List<String> quoted = new ArrayList<>();
        for (String t : types) quoted.add("`" + t + "`");
        return "\n\n" + (types.size() == 1 ? "type: " + quoted.getFirst() : "types, per call: " + String.join(", ", quoted));
    }

    private static String symbol(Analysis a, Symbols.Occurrence occ) {
        Symbols.Symbol s = occ.symbol();
        StringBuilder md = new StringBuilder("```model\n").append(signature(s)).append("\n```");
        Set<String> types = a.typesOf(occ.span());
        if (types.isEmpty() && occ.span().equals(s.nameSpan()) && s.value().isPresent()) types = a.typesOf(s.value().get());
        if (types.isEmpty()) {
            // a member (`lin.weight`): the type of the member expression that ends with this name
            var member = a.innermostTypedAt(occ.span().start());
            if (member.isPresent() && member.get().getKey().end() == occ.span().end()) types = member.get().getValue();
        }
        if (types.isEmpty()) {
            // instances are made by the statement, not typed as an expression
            types = a.symbols().flatMap(sy -> sy.layerOf(s)).map(l -> Set.of("instance of layer " + l.name().text())).orElse(Set.of());
        }
        md.append(typeLines(types));
        String where = s.container().map(c -> " in " + c.kind().word() + " " + c.name()).orElse("");
        boolean prelude = s.nameSpan().source() != a.source();
        md.append("\n\n").append(s.kind().word()).append(where).append(prelude ? " (prelude)" : "");
        String doc = docComment(s.nameSpan().source(), s.declSpan().start());
        if (!doc.isEmpty()) md.append("\n\n").append(doc);
        return md.toString();
    }

    static String signature(Symbols.Symbol s) {
        return switch (s.kind()) {
            case DEF -> {
                Decl.Def d = (Decl.Def) s.declaration().orElseThrow();
                yield "def " + s.name() + "(" + params(d.params()) + ")";
            }
            case LAYER -> {
                Decl.Layer l = (Decl.Layer) s.declaration().orElseThrow();
                StringBuilder sb = new StringBuilder("layer " + s.name() + "(" + params(l.params()) + ")");
                for (Stmt st : l.body()) {
                    if (st instanceof Stmt.Forward f) sb.append("\n  forward(").append(params(f.params())).append(")");
                    if (st instanceof Stmt.Param p) sb.append("\n  param ").append(p.name().text()).append(": ").append(p.type().span().text());
                }
                yield sb.toString();
            }
            case MODEL -> {
                Decl.Model m = (Decl.Model) s.declaration().orElseThrow();
                StringBuilder sb = new StringBuilder("model " + s.name());
                for (Stmt st : m.body()) {
                    if (st instanceof Stmt.Input in) sb.append("\n  input ").append(in.name().text()).append(": ").append(in.type().span().text());
                    if (st instanceof Stmt.Output o) sb.append("\n  output ").append(o.name().text());
                }
                yield sb.toString();
            }
            case INPUT -> "input " + s.name() + ": " + s.declaredType().map(t -> t.span().text()).orElse("?");
            case WEIGHT -> "param " + s.name() + ": " + s.declaredType().map(t -> t.span().text()).orElse("?");
            case PARAMETER -> s.name() + s.declaredType().map(t -> ": " + t.span().text()).orElse("");
            case CONST -> "const " + s.name();
            case OUTPUT -> "output " + s.name();
            case LOSS -> "loss " + s.name();
            case LOCAL -> s.name();
            case DIM -> "dimension " + s.name();
        };
    }

    private static String params(List<Param> params) {
        List<String> out = new ArrayList<>();
        for (Param p : params) out.add(p.span().text());
        return String.join(", ", out);
    }

    /** The comment lines right above {@code offset}'s line (no blank line between), without their {@code #}. */
    static String docComment(SourceFile file, int offset) {
        int line = file.line(offset);
        List<String> lines = new ArrayList<>();
        for (int l = line - 1; l >= 1; l--) {
            int[] cps = file.lineCodePoints(l);
            String text = new String(cps, 0, cps.length).strip();
            if (!text.startsWith("#")) break;
            lines.addFirst(text.substring(1).strip());
        }
        return String.join("\n", lines);
    }
}
