package dev.modelc.lsp;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.ast.Decl;
import dev.modelc.compiler.ast.ModelFile;
import dev.modelc.compiler.check.TypeListener;
import dev.modelc.compiler.diagnostics.Diagnostic;
import dev.modelc.compiler.diagnostics.Diagnostics;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.syntax.SyntaxReader;
import dev.modelc.compiler.types.TensorType;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One version of a document, as the compiler sees it: its tokens, its diagnostics (exactly the
 * command line's), its syntax tree and names when it parses, and the type of every expression
 * the checker evaluated. Built on a thread with a large stack (see {@link Server}).
 */
public final class Analysis {
    private final String text;
    private final SourceFile source;
    private final SourceTokens tokens;
    private final LineIndex lines;
    private final List<Diagnostic> diagnostics;
    private final Optional<ModelFile> tree;
    private final Optional<Symbols> symbols;
    /** Types by span ({@code start << 32 | end}), in the order the checker met them. */
    private final Map<Long, Set<String>> types;

    private Analysis(String text, SourceFile source, SourceTokens tokens, List<Diagnostic> diagnostics,
                     Optional<ModelFile> tree, Optional<Symbols> symbols, Map<Long, Set<String>> types) {
        this.text = text;
        this.source = source;
        this.tokens = tokens;
        this.lines = new LineIndex(tokens.codePoints());
        this.diagnostics = diagnostics;
        this.tree = tree;
        this.symbols = symbols;
        this.types = types;
    }

    public static Analysis of(String name, String text, PreludeDocument prelude) {
        SourceFile source = new SourceFile(name, text);
        Map<Long, Set<String>> types = new HashMap<>();
        TypeListener listener = new TypeListener() {
            @Override
            public void tensor(Span span, TensorType type) {
                if (span.source() == source) add(span, type.toString());
            }

            @Override
            public void instance(Span span, Decl.Layer layer) {
                if (span.source() == source) add(span, "instance of layer " + layer.name().text());
            }

            private void add(Span span, String what) {
                types.computeIfAbsent(key(span.start(), span.end()), k -> new LinkedHashSet<>()).add(what);
            }
        };
        Compilation c = Compiler.compile(source, listener);
        Optional<ModelFile> tree;
        try {
            tree = SyntaxReader.read(source, new Diagnostics());
        } catch (StackOverflowError e) {
            tree = Optional.empty();
        }
        Optional<Symbols> symbols = tree.map(t -> Symbols.of(t, prelude.tree()));
        return new Analysis(text, source, SourceTokens.of(text), c.diagnostics(), tree, symbols, types);
    }

    private static long key(int start, int end) {
        return (long) start << 32 | end;
    }

    public String text() {
        return text;
    }

    public SourceFile source() {
        return source;
    }

    public SourceTokens tokens() {
        return tokens;
    }

    public LineIndex lines() {
        return lines;
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    public Optional<ModelFile> tree() {
        return tree;
    }

    public Optional<Symbols> symbols() {
        return symbols;
    }

    /** The types the checker gave exactly this span (several when a def's expression was inlined at different types). */
    public Set<String> typesOf(Span span) {
        return types.getOrDefault(key(span.start(), span.end()), Set.of());
    }

    /** The smallest typed span containing {@code offset}, with its types. */
    public Optional<Map.Entry<Span, Set<String>>> innermostTypedAt(int offset) {
        long best = -1;
        int bestLength = Integer.MAX_VALUE;
        for (long k : types.keySet()) {
            int start = (int) (k >>> 32), end = (int) k;
            if (start <= offset && offset < end && end - start < bestLength) {
                best = k;
                bestLength = end - start;
            }
        }
        if (best < 0) return Optional.empty();
        Span span = new Span(source, (int) (best >>> 32), (int) best);
        return Optional.of(Map.entry(span, types.get(best)));
    }
}
