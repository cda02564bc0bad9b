package dev.modelc.lsp;

import dev.modelc.compiler.ast.Decl;
import dev.modelc.compiler.ast.Param;
import dev.modelc.compiler.check.BuiltinSignatures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemKind;
import org.eclipse.lsp4j.CompletionList;

/**
 * Completion from the text before the cursor, which is usually half-typed and does not parse:
 * the names come from the last version of the document that did. After {@code name.}: the
 * members of the layer {@code name} is an instance of. In a type ({@code x: f32[}): dimension
 * names in brackets, dtypes before them. Inside a call: its keyword arguments first, then
 * everything in scope: the enclosing declaration's names, the file's, the prelude's, the
 * built-ins (each with its signature) and the keywords.
 */
final class Completions {
    private Completions() {
    }

    static CompletionList complete(Analysis current, Analysis lastParsed, int offset) {
        int[] cps = current.tokens().codePoints();
        offset = Math.clamp(offset, 0, cps.length);
        int wordStart = offset;
        while (wordStart > 0 && identifierPart(cps[wordStart - 1])) wordStart--;
        Analysis named = current.symbols().isPresent() ? current : lastParsed;
        Symbols symbols = named == null ? null : named.symbols().orElse(null);
        Map<String, CompletionItem> items = new LinkedHashMap<>();

        if (wordStart > 0 && cps[wordStart - 1] == '.') {
            int targetEnd = wordStart - 1, targetStart = targetEnd;
            while (targetStart > 0 && identifierPart(cps[targetStart - 1])) targetStart--;
            String target = new String(cps, targetStart, targetEnd - targetStart);
            if (symbols != null) {
                for (Symbols.Symbol s : symbols.declared()) {
                    if (!s.name().equals(target)) continue;
                    for (Symbols.Symbol m : symbols.membersOf(s).values()) add(items, m.name(), CompletionItemKind.Field, Hovers.signature(m));
                }
            }
            if (target.isEmpty() || !items.isEmpty()) return new CompletionList(false, List.copyOf(items.values()));
            add(items, "T", CompletionItemKind.Property, "x.T: a 2-D tensor transposed");
            return new CompletionList(false, List.copyOf(items.values()));
        }

        String line = lineBefore(cps, wordStart);
        int typeColon = typeColon(line);
        if (typeColon >= 0) {
            String afterColon = line.substring(typeColon + 1);
            if (afterColon.indexOf('[') >= 0 && afterColon.indexOf(']') < 0) {
                if (symbols != null) {
                    for (Symbols.Symbol s : symbols.declared()) if (s.kind() == Symbols.Kind.DIM) add(items, s.name(), CompletionItemKind.TypeParameter, "dimension");
                }
                return new CompletionList(false, List.copyOf(items.values()));
            }
            for (String d : Keywords.DTYPES) add(items, d, CompletionItemKind.TypeParameter, "dtype");
            return new CompletionList(false, List.copyOf(items.values()));
        }

        String callee = enclosingCallee(cps, wordStart);
        if (callee != null) keywordArguments(items, callee, symbols);
        if (symbols != null) {
            for (Symbols.Symbol s : symbols.visibleAt(inParsed(cps, named, wordStart))) {
                add(items, s.name(), kind(s.kind()), Hovers.signature(s));
            }
        }
        for (BuiltinSignatures.Entry e : BuiltinSignatures.all()) add(items, e.name(), CompletionItemKind.Function, e.label());
        for (String k : Keywords.STATEMENTS) add(items, k, CompletionItemKind.Keyword, "keyword");
        for (String k : Keywords.DECLARATIONS) add(items, k, CompletionItemKind.Keyword, "keyword");
        add(items, "true", CompletionItemKind.Keyword, "bool");
        add(items, "false", CompletionItemKind.Keyword, "bool");
        return new CompletionList(false, List.copyOf(items.values()));
    }

    private static void keywordArguments(Map<String, CompletionItem> items, String callee, Symbols symbols) {
        for (BuiltinSignatures.Entry e : BuiltinSignatures.all()) {
            if (!e.name().equals(callee)) continue;
            List<String> names = new ArrayList<>(e.positional());
            names.addAll(e.keywordOnly());
            for (String n : names) keyword(items, n, e.label());
            return;
        }
        if (symbols == null) return;
        for (Symbols.Symbol s : symbols.visibleAt(Integer.MAX_VALUE)) {
            if (!s.name().equals(callee) || s.declaration().isEmpty()) continue;
            List<Param> params = switch (s.declaration().get()) {
                case Decl.Def d -> d.params();
                case Decl.Layer l -> l.params();
                case Decl.Model m -> List.of();
            };
            for (Param p : params) keyword(items, p.name().text(), Hovers.signature(s));
        }
    }

    private static void keyword(Map<String, CompletionItem> items, String name, String detail) {
        CompletionItem item = new CompletionItem(name + " =");
        item.setKind(CompletionItemKind.Property);
        item.setInsertText(name + " = ");
        item.setFilterText(name);
        item.setSortText("0" + name);
        item.setDetail(detail);
        items.putIfAbsent(name + " =", item);
    }

    private static void add(Map<String, CompletionItem> items, String label, CompletionItemKind kind, String detail) {
        if (items.containsKey(label)) return;
        CompletionItem item = new CompletionItem(label);
        item.setKind(kind);
        item.setDetail(detail);
        item.setSortText((kind == CompletionItemKind.Keyword ? "3" : kind == CompletionItemKind.Function ? "2" : "1") + label);
        items.put(label, item);
    }

    private static CompletionItemKind kind(Symbols.Kind k) {
        return switch (k) {
            case MODEL, LAYER -> CompletionItemKind.Class;
            case DEF -> CompletionItemKind.Function;
            case PARAMETER, INPUT, LOCAL, OUTPUT, LOSS -> CompletionItemKind.Variable;
            case WEIGHT -> CompletionItemKind.Field;
            case CONST -> CompletionItemKind.Constant;
            case DIM -> CompletionItemKind.TypeParameter;
        };
    }

    /**
     * Where {@code offset} of the current text was in the last text that parsed: the same
     * offset up to the first difference (typing happens there), that difference after it.
     */
    private static int inParsed(int[] current, Analysis parsed, int offset) {
        int[] old = parsed.tokens().codePoints();
        int same = 0;
        while (same < old.length && same < current.length && old[same] == current[same]) same++;
        return Math.min(offset, same);
    }

    static boolean identifierPart(int c) {
        return c == '_' || c < 128 && Character.isLetterOrDigit(c);
    }

    private static String lineBefore(int[] cps, int end) {
        int start = end;
        while (start > 0 && cps[start - 1] != '\n' && cps[start - 1] != '\r') start--;
        return new String(cps, start, end - start);
    }

    /**
     * Where the colon of a type annotation is on this line ({@code input x: f32[}, {@code a: float[*S]}
     * in a parameter list), or -1: a colon after a name with no {@code =} after it, outside an index's brackets.
     */
    private static int typeColon(String line) {
        String code = line.contains("#") ? line.substring(0, line.indexOf('#')) : line;
        int colon = code.lastIndexOf(':');
        if (colon < 0 || code.indexOf('=', colon) >= 0 || code.indexOf(',', colon) >= 0 && code.indexOf('[', colon) < 0) return -1;
        String before = code.substring(0, colon).stripTrailing();
        if (before.isEmpty() || !identifierPart(before.charAt(before.length() - 1))) return -1;
        int depth = 0;
        for (int i = 0; i < colon; i++) {
            if (code.charAt(i) == '[') depth++;
            if (code.charAt(i) == ']') depth--;
        }
        return depth > 0 ? -1 : colon;
    }

    /** The name called by the innermost unclosed {@code (} before {@code offset}, or null. */
    private static String enclosingCallee(int[] cps, int offset) {
        int depth = 0;
        for (int i = offset - 1; i >= 0; i--) {
            int c = cps[i];
            if (c == ')' || c == ']') depth++;
            else if (c == '[') {
                if (depth == 0) return null;
                depth--;
            } else if (c == '(') {
                if (depth == 0) {
                    int end = i, start = i;
                    while (start > 0 && identifierPart(cps[start - 1])) start--;
                    return start < end ? new String(cps, start, end - start) : null;
                }
                depth--;
            } else if (c == '{' || c == '}') {
                return null;
            }
        }
        return null;
    }
}
