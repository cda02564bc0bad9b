package dev.modelc.lsp;

import dev.modelc.compiler.ast.Decl;
import dev.modelc.compiler.ast.Expr;
import dev.modelc.compiler.ast.FunctionBody;
import dev.modelc.compiler.ast.Identifier;
import dev.modelc.compiler.ast.ModelFile;
import dev.modelc.compiler.ast.Param;
import dev.modelc.compiler.ast.Stmt;
import dev.modelc.compiler.ast.TypeExpr;
import dev.modelc.compiler.diagnostics.Span;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which declaration each name in a file means, by the language's scoping rules (docs/language.md,
 * names and scopes): local, then the enclosing body, then the file, then the prelude; defs see
 * only their parameters and the file. Built from the compiler's own syntax tree; names it cannot
 * resolve (built-ins, mistakes) are left out. Instance members ({@code mlp.fc1.weight}) resolve
 * through the layer an instance was made from.
 */
public final class Symbols {
    /** What a name declares, and the word hover uses for it. */
    public enum Kind {
        MODEL("model"), LAYER("layer"), DEF("def"), PARAMETER("parameter"), INPUT("input"), WEIGHT("param"),
        CONST("const"), LOCAL("local"), OUTPUT("output"), LOSS("loss"), DIM("dimension");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /** One declared name; {@code decl} is the whole declaration or statement. */
    public record Symbol(String name, Kind kind, Span nameSpan, Span declSpan, Optional<TypeExpr> declaredType,
                         Optional<Decl> declaration, Optional<Symbol> container, Optional<Span> value) {
        public boolean inPrelude(dev.modelc.compiler.diagnostics.SourceFile user) {
            return nameSpan.source() != user;
        }
    }

    /** A name written at {@code span} that means {@code symbol} (its declaration included). */
    public record Occurrence(Span span, Symbol symbol) {
    }

    private final TreeMap<Integer, Occurrence> occurrences = new TreeMap<>();
    private final List<Symbol> declared = new ArrayList<>();
    private final dev.modelc.compiler.diagnostics.SourceFile source;
    /** Each layer's members: its params, consts and instances, by name. */
    private final Map<Decl.Layer, Map<String, Symbol>> members = new IdentityHashMap<>();
    /** The layer each instance-valued name was made from. */
    private final Map<Symbol, Decl.Layer> instanceOf = new IdentityHashMap<>();
    private final Map<String, Symbol> fileScope = new LinkedHashMap<>();
    private final Map<String, Symbol> preludeScope = new LinkedHashMap<>();
    private final Map<Decl, Symbol> declSymbols = new IdentityHashMap<>();

    private Symbols(dev.modelc.compiler.diagnostics.SourceFile source) {
        this.source = source;
    }

    /** Resolves {@code file}'s names; {@code prelude} is the prelude's tree, whose names the file sees last. */
    public static Symbols of(ModelFile file, ModelFile prelude) {
        Symbols s = new Symbols(file.source());
        Map<String, Symbol> preludeScope = s.preludeScope;
        for (Decl d : prelude.decls()) preludeScope.put(d.name().text(), s.declSymbol(d));
        for (Decl d : file.decls()) {
            Symbol sym = s.declSymbol(d);
            s.fileScope.putIfAbsent(d.name().text(), sym);
            s.record(d.name().span(), sym);
        }
        Map<String, Symbol> visible = new LinkedHashMap<>(preludeScope);
        visible.putAll(s.fileScope);
        // Prelude layers first, silently (their own names are not this file's occurrences), for their members.
        for (Decl d : prelude.decls()) {
            if (d instanceof Decl.Layer l) s.layer(l, new Scope(preludeScope, null), false);
        }
        for (Decl d : file.decls()) {
            Scope top = new Scope(visible, null);
            switch (d) {
                case Decl.Layer l -> s.layer(l, top, true);
                case Decl.Def def -> s.def(def, top);
                case Decl.Model m -> s.body(m.body(), new Scope(new LinkedHashMap<>(), top), s.declSymbols.get(m), true);
            }
        }
        return s;
    }

    private Symbol declSymbol(Decl d) {
        Kind k = switch (d) {
            case Decl.Model m -> Kind.MODEL;
            case Decl.Layer l -> Kind.LAYER;
            case Decl.Def f -> Kind.DEF;
        };
        Symbol sym = new Symbol(d.name().text(), k, d.name().span(), d.span(), Optional.empty(), Optional.of(d), Optional.empty(), Optional.empty());
        declSymbols.put(d, sym);
        if (d.name().span().source() == source) declared.add(sym);
        return sym;
    }

    /** A chain of name tables, innermost first. */
    private record Scope(Map<String, Symbol> names, Scope parent) {
        Symbol lookup(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                Symbol sym = s.names.get(name);
                if (sym != null) return sym;
            }
            return null;
        }
    }

    private boolean recording = true;

    private void record(Span span, Symbol sym) {
        if (recording && span.source() == source) occurrences.put(span.start(), new Occurrence(span, sym));
    }

    private Symbol define(Scope scope, Identifier id, Kind kind, Span decl, Optional<TypeExpr> type, Symbol container) {
        return define(scope, id, kind, decl, type, container, null);
    }

    private Symbol define(Scope scope, Identifier id, Kind kind, Span decl, Optional<TypeExpr> type, Symbol container, Expr value) {
        Symbol existing = scope.names.get(id.text());
        if (existing != null) {
            record(id.span(), existing);
            return existing;
        }
        Symbol sym = new Symbol(id.text(), kind, id.span(), decl, type, Optional.empty(), Optional.ofNullable(container),
                Optional.ofNullable(value).map(Expr::span));
        scope.names.put(id.text(), sym);
        if (recording && id.span().source() == source) declared.add(sym);
        record(id.span(), sym);
        return sym;
    }

    private void layer(Decl.Layer l, Scope top, boolean own) {
        boolean was = recording;
        recording = own;
        try {
            Symbol container = declSymbols.get(l);
            Scope scope = new Scope(new LinkedHashMap<>(), top);
            params(l.params(), scope, container);
            Map<String, Symbol> mine = new LinkedHashMap<>();
            members.put(l, mine);
            Scope inner = new Scope(new LinkedHashMap<>(), scope);
            body(l.body(), inner, container, true);
            mine.putAll(inner.names);
        } finally {
            recording = was;
        }
    }

    private void def(Decl.Def def, Scope top) {
        Symbol container = declSymbols.get(def);
        Scope scope = new Scope(new LinkedHashMap<>(), top);
        params(def.params(), scope, container);
        functionBody(def.body(), scope, container);
    }

    private void params(List<Param> params, Scope scope, Symbol container) {
        for (Param p : params) {
            p.type().ifPresent(t -> type(t, scope, container));
            p.defaultValue().ifPresent(v -> expr(v, scope));
            define(scope, p.name(), Kind.PARAMETER, p.span(), p.type(), container);
        }
    }

    private void functionBody(FunctionBody b, Scope scope, Symbol container) {
        switch (b) {
            case FunctionBody.Expression e -> expr(e.expr(), scope);
            case FunctionBody.Block bl -> body(bl.statements(), new Scope(new LinkedHashMap<>(), scope), container, false);
        }
    }

    private void type(TypeExpr t, Scope scope, Symbol container) {
        for (TypeExpr.DimExpr d : t.dims()) {
            Identifier id = switch (d) {
                case TypeExpr.DimExpr.Literal lit -> null;
                case TypeExpr.DimExpr.Name n -> n.name();
                case TypeExpr.DimExpr.Spread s -> s.name();
            };
            if (id == null) continue;
            Symbol known = scope.lookup(id.text());
            if (known != null) record(id.span(), known);
            else define(dimScope(scope), id, Kind.DIM, id.span(), Optional.empty(), container);
        }
    }

    /** Dimension names belong to the outermost body scope (a model's or a def's), not a file's. */
    private static Scope dimScope(Scope scope) {
        Scope s = scope;
        while (s.parent != null && s.parent.parent != null) s = s.parent;
        return s;
    }

    private void body(List<Stmt> stmts, Scope scope, Symbol container, boolean top) {
        for (Stmt st : stmts) {
            switch (st) {
                case Stmt.Input in -> {
                    type(in.type(), scope, container);
                    define(scope, in.name(), Kind.INPUT, in.span(), Optional.of(in.type()), container);
                }
                case Stmt.Param p -> {
                    type(p.type(), scope, container);
                    p.init().ifPresent(e -> expr(e, scope));
                    define(scope, p.name(), Kind.WEIGHT, p.span(), Optional.of(p.type()), container);
                }
                case Stmt.Const c -> {
                    expr(c.value(), scope);
                    define(scope, c.name(), Kind.CONST, c.span(), Optional.empty(), container, c.value());
                }
                case Stmt.Let let -> {
                    expr(let.value(), scope);
                    Symbol sym = define(scope, let.name(), Kind.LOCAL, let.span(), Optional.empty(), container, let.value());
                    Decl.Layer made = layerCalled(let.value(), scope);
                    if (made != null) instanceOf.put(sym, made);
                }
                case Stmt.Output o -> {
                    if (o.value().isPresent()) {
                        expr(o.value().get(), scope);
                        define(scope, o.name(), Kind.OUTPUT, o.span(), Optional.empty(), container, o.value().get());
                    } else {
                        Symbol known = scope.lookup(o.name().text());
                        if (known != null) record(o.name().span(), known);
                    }
                }
                case Stmt.Loss l -> {
                    expr(l.value(), scope);
                    l.name().ifPresent(n -> define(scope, n, Kind.LOSS, l.span(), Optional.empty(), container, l.value()));
                }
                case Stmt.Update u -> {
                    Symbol target = scope.lookup(u.target().getFirst().text());
                    if (target != null) {
                        record(u.target().getFirst().span(), target);
                        for (Identifier m : u.target().subList(1, u.target().size())) {
                            target = member(target, m);
                            if (target == null) break;
                        }
                    }
                    expr(u.value(), scope);
                }
                case Stmt.Train t -> {
                    for (Stmt.TrainEntry e : t.entries()) expr(e.value(), scope);
                }
                case Stmt.Forward f -> {
                    Scope fs = new Scope(new LinkedHashMap<>(), scope);
                    params(f.params(), fs, container);
                    functionBody(f.body(), fs, container);
                }
                case Stmt.Return r -> expr(r.value(), scope);
            }
        }
    }

    /** The layer {@code e} instantiates, when it is a call of a layer's name. */
    private Decl.Layer layerCalled(Expr e, Scope scope) {
        if (e instanceof Expr.Call c && c.callee() instanceof Expr.Name n) {
            Symbol s = scope.lookup(n.id().text());
            if (s != null && s.declaration().orElse(null) instanceof Decl.Layer l) return l;
        }
        return null;
    }

    /** Records {@code m} as the member of {@code target}'s layer it names; that member, or null. */
    private Symbol member(Symbol target, Identifier m) {
        Decl.Layer layer = instanceOf.get(target);
        if (layer == null) return null;
        Map<String, Symbol> table = members.get(layer);
        Symbol sym = table == null ? null : table.get(m.text());
        if (sym != null) record(m.span(), sym);
        return sym;
    }

    /** Resolves the names of an expression; returns the symbol it names, for member chains. */
    private Symbol expr(Expr e, Scope scope) {
        switch (e) {
            case Expr.Name n -> {
                Symbol s = scope.lookup(n.id().text());
                if (s != null) record(n.id().span(), s);
                return s;
            }
            case Expr.Member m -> {
                Symbol target = expr(m.target(), scope);
                return target == null ? null : member(target, m.member());
            }
            case Expr.Call c -> {
                Symbol callee = expr(c.callee(), scope);
                for (Expr.Arg a : c.args()) {
                    expr(a.value(), scope);
                    if (a.keyword().isPresent() && callee != null && callee.declaration().isPresent()) {
                        Symbol p = parameter(callee.declaration().get(), a.keyword().get().text());
                        if (p != null) record(a.keyword().get().span(), p);
                    }
                }
                return null;
            }
            case Expr.ListLiteral l -> l.elements().forEach(x -> expr(x, scope));
            case Expr.Unary u -> expr(u.operand(), scope);
            case Expr.Binary b -> {
                expr(b.left(), scope);
                expr(b.right(), scope);
            }
            case Expr.Index i -> {
                expr(i.target(), scope);
                for (Expr.Subscript s : i.subscripts()) {
                    switch (s) {
                        case Expr.Subscript.At at -> expr(at.index(), scope);
                        case Expr.Subscript.Slice sl -> {
                            sl.start().ifPresent(x -> expr(x, scope));
                            sl.stop().ifPresent(x -> expr(x, scope));
                            sl.step().ifPresent(x -> expr(x, scope));
                        }
                    }
                }
            }
            case Expr.Number n -> { }
            case Expr.Bool b -> { }
            case Expr.Str s -> { }
        }
        return null;
    }

    /** The symbol of parameter {@code name} of a def or layer, once resolved (same name, same span). */
    private Symbol parameter(Decl d, String name) {
        List<Param> params = switch (d) {
            case Decl.Def def -> def.params();
            case Decl.Layer l -> l.params();
            case Decl.Model m -> List.of();
        };
        for (Param p : params) {
            if (!p.name().text().equals(name)) continue;
            Occurrence o = occurrences.get(p.name().span().start());
            if (o != null && o.span().equals(p.name().span())) return o.symbol();
            return new Symbol(name, Kind.PARAMETER, p.name().span(), p.span(), p.type(), Optional.empty(), Optional.ofNullable(declSymbols.get(d)), Optional.empty());
        }
        return null;
    }

    /** The name at {@code offset} (inside it or just after its last character), if any. */
    public Optional<Occurrence> at(int offset) {
        var e = occurrences.floorEntry(offset);
        if (e == null || offset > e.getValue().span().end()) return Optional.empty();
        return Optional.of(e.getValue());
    }

    /** The name that starts exactly at {@code offset}, if any (for classifying a token). */
    public Optional<Occurrence> startingAt(int offset) {
        return Optional.ofNullable(occurrences.get(offset));
    }

    /** Every occurrence of {@code symbol} in this file, declaration included when it is here. */
    public List<Span> occurrencesOf(Symbol symbol) {
        List<Span> out = new ArrayList<>();
        for (Occurrence o : occurrences.values()) if (sameSymbol(o.symbol(), symbol)) out.add(o.span());
        return out;
    }

    private static boolean sameSymbol(Symbol a, Symbol b) {
        return a.nameSpan().equals(b.nameSpan()) && a.name().equals(b.name());
    }

    /** The file's declared names, in order: decls, then their members. */
    public List<Symbol> declared() {
        return List.copyOf(declared);
    }

    /** The layer an instance-valued name was made from ({@code lin = Linear(3, 2)}). */
    public Optional<Decl.Layer> layerOf(Symbol instance) {
        return Optional.ofNullable(instanceOf.get(instance));
    }

    /** The members an instance-valued name offers after a dot, or none. */
    public Map<String, Symbol> membersOf(Symbol instance) {
        Decl.Layer l = instanceOf.get(instance);
        Map<String, Symbol> m = l == null ? null : members.get(l);
        return m == null ? Map.of() : m;
    }

    /** The names visible at {@code offset}: the enclosing declaration's names declared before it, then the file's. */
    public List<Symbol> visibleAt(int offset) {
        List<Symbol> out = new ArrayList<>();
        Symbol enclosing = null;
        for (Symbol s : declared) {
            if (s.container().isEmpty() && s.declSpan().start() <= offset && offset <= s.declSpan().end()) enclosing = s;
        }
        if (enclosing != null) {
            for (Symbol s : declared) {
                if (s.container().isPresent() && sameSymbol(s.container().get(), enclosing) && s.nameSpan().start() < offset) out.add(s);
            }
        }
        out.addAll(fileScope.values());
        for (Symbol p : preludeScope.values()) if (!fileScope.containsKey(p.name())) out.add(p);
        return out;
    }

    /** The symbol a declaration declares. */
    public Symbol symbolOf(Decl d) {
        return declSymbols.get(d);
    }
}
