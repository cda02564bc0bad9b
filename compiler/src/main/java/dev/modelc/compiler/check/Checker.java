package dev.modelc.compiler.check;

import dev.modelc.compiler.ast.Decl;
import dev.modelc.compiler.ast.Expr;
import dev.modelc.compiler.ast.FunctionBody;
import dev.modelc.compiler.ast.ModelFile;
import dev.modelc.compiler.ast.Param;
import dev.modelc.compiler.ast.Stmt;
import dev.modelc.compiler.ast.Subexpressions;
import dev.modelc.compiler.diagnostics.Diagnostics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a parsed file: top-level names (unique, not protected, no recursion among defs), then
 * each model in turn. Defs and layers are checked where they are used, with the types they are
 * used at, since they are shape-polymorphic and inlined.
 */
public final class Checker {
    private Checker() {
    }

    public static CheckedProgram check(ModelFile file, Diagnostics diagnostics) {
        return check(file, diagnostics, TypeListener.NONE);
    }

    /** Checks {@code file}, telling {@code types} each expression's type as it goes. */
    public static CheckedProgram check(ModelFile file, Diagnostics diagnostics, TypeListener types) {
        FileScope scope = new FileScope(Prelude.scope());
        for (Decl d : file.decls()) {
            if (Bodies.PROTECTED.contains(d.name().text())) {
                diagnostics.error(d.name().span(), "'" + d.name().text() + "' is built in and cannot be redefined");
                continue;
            }
            Decl prior = scope.putIfAbsent(d);
            if (prior != null) {
                diagnostics.error(d.name().span(), "'" + d.name().text() + "' is already defined",
                        "first defined at " + prior.name().span());
            }
            if (d instanceof Decl.Def def) checkParams(def.params(), diagnostics);
            if (d instanceof Decl.Layer layer) {
                checkParams(layer.params(), diagnostics);
                for (Stmt s : layer.body()) if (s instanceof Stmt.Forward f) checkParams(f.params(), diagnostics);
            }
        }
        Set<Decl.Def> recursive = recursiveDefs(scope, diagnostics);
        Elaborator elaborator = new Elaborator(diagnostics, recursive, types);
        Bodies bodies = new Bodies(elaborator);
        elaborator.bodies(bodies);
        List<CheckedModel> models = new ArrayList<>();
        for (Decl d : file.decls()) {
            if (d instanceof Decl.Model m && scope.decls().get(m.name().text()) == m) models.add(bodies.model(m, scope));
        }
        return new CheckedProgram(file, models);
    }

    /** Parameter names are unique, and those with defaults come last. */
    private static void checkParams(List<Param> params, Diagnostics diagnostics) {
        Set<String> seen = new HashSet<>();
        boolean defaults = false;
        for (Param p : params) {
            if (Bodies.PROTECTED.contains(p.name().text())) {
                diagnostics.error(p.name().span(), "'" + p.name().text() + "' is built in and cannot be redefined",
                        "choose another parameter name");
            }
            if (!seen.add(p.name().text())) {
                diagnostics.error(p.name().span(), "parameter '" + p.name().text() + "' is declared twice");
            }
            if (p.defaultValue().isPresent()) defaults = true;
            else if (defaults) {
                diagnostics.error(p.name().span(), "parameter '" + p.name().text() + "' without a default follows one with a default",
                        "put parameters with defaults last");
            }
        }
    }

    /**
     * Finds defs that call themselves, directly or through other defs, and reports each cycle
     * once, at its first def in source order. Defs are inlined, so recursion could not end.
     * The cycles are the strongly connected components of the call graph (Tarjan's algorithm,
     * iterative, linear in the size of the file: a chain of 20,000 defs is no harder than 20).
     */
    private static Set<Decl.Def> recursiveDefs(FileScope scope, Diagnostics diagnostics) {
        // Identity maps: defs are records, and hashing one hashes its whole syntax tree.
        List<Decl.Def> defs = new ArrayList<>();
        Map<Decl.Def, List<Decl.Def>> calls = new IdentityHashMap<>();
        for (Decl d : scope.decls().values()) {
            if (d instanceof Decl.Def def) {
                defs.add(def);
                calls.put(def, callees(def, scope));
            }
        }
        Set<Decl.Def> recursive = identitySet();
        for (List<Decl.Def> component : components(defs, calls)) {
            Decl.Def start = component.getFirst();
            if (component.size() == 1 && calls.get(start).stream().noneMatch(d -> d == start)) continue;
            recursive.addAll(component);
            Set<Decl.Def> members = identitySet();
            members.addAll(component);
            List<Decl.Def> cycle = cycleThrough(start, calls, members);
            List<String> names = new ArrayList<>();
            for (Decl.Def d : cycle) names.add(d.name().text());
            names.add(start.name().text());
            diagnostics.error(start.name().span(), cycle.size() == 1 ? "def '" + start.name().text() + "' calls itself"
                            : "defs " + String.join(", ", names.subList(0, cycle.size())) + " call each other",
                    String.join(" -> ", names) + "; defs are inlined at each call, so recursion cannot end");
        }
        return recursive;
    }

    static <T> Set<T> identitySet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }

    /** The strongly connected components of the call graph, each in source order. */
    private static List<List<Decl.Def>> components(List<Decl.Def> defs, Map<Decl.Def, List<Decl.Def>> calls) {
        Map<Decl.Def, Integer> index = new IdentityHashMap<>(), low = new IdentityHashMap<>();
        Deque<Decl.Def> stack = new ArrayDeque<>();
        Set<Decl.Def> onStack = identitySet();
        List<List<Decl.Def>> out = new ArrayList<>();
        Map<Decl.Def, Integer> order = new IdentityHashMap<>();
        for (Decl.Def d : defs) order.put(d, order.size());
        for (Decl.Def root : defs) {
            if (index.containsKey(root)) continue;
            // Each frame: a def and how many of its callees have been visited.
            Deque<Object[]> frames = new ArrayDeque<>();
            frames.push(new Object[] {root, 0});
            index.put(root, index.size());
            low.put(root, index.get(root));
            stack.push(root);
            onStack.add(root);
            while (!frames.isEmpty()) {
                Object[] f = frames.peek();
                Decl.Def d = (Decl.Def) f[0];
                List<Decl.Def> next = calls.getOrDefault(d, List.of());
                int i = (int) f[1];
                if (i < next.size()) {
                    f[1] = i + 1;
                    Decl.Def w = next.get(i);
                    if (!index.containsKey(w)) {
                        index.put(w, index.size());
                        low.put(w, index.get(w));
                        stack.push(w);
                        onStack.add(w);
                        frames.push(new Object[] {w, 0});
                    } else if (onStack.contains(w)) {
                        low.put(d, Math.min(low.get(d), index.get(w)));
                    }
                    continue;
                }
                frames.pop();
                if (!frames.isEmpty()) {
                    Decl.Def parent = (Decl.Def) frames.peek()[0];
                    low.put(parent, Math.min(low.get(parent), low.get(d)));
                }
                if (low.get(d).equals(index.get(d))) {
                    List<Decl.Def> component = new ArrayList<>();
                    Decl.Def w;
                    do {
                        w = stack.pop();
                        onStack.remove(w);
                        component.add(w);
                    } while (w != d);
                    component.sort(java.util.Comparator.comparing(order::get));
                    out.add(component);
                }
            }
        }
        out.sort(java.util.Comparator.comparing(c -> order.get(c.getFirst())));
        return out;
    }

    /** A path of calls from {@code start} back to itself within its component (a breadth-first search, so the shortest). */
    private static List<Decl.Def> cycleThrough(Decl.Def start, Map<Decl.Def, List<Decl.Def>> calls, Set<Decl.Def> component) {
        Map<Decl.Def, Decl.Def> parent = new IdentityHashMap<>();
        Deque<Decl.Def> queue = new ArrayDeque<>();
        Set<Decl.Def> seen = identitySet();
        queue.add(start);
        while (!queue.isEmpty()) {
            Decl.Def d = queue.poll();
            for (Decl.Def next : calls.getOrDefault(d, List.of())) {
                if (next == start) {
                    List<Decl.Def> path = new ArrayList<>();
                    for (Decl.Def p = d; p != null; p = parent.get(p)) path.addFirst(p);
                    return path;
                }
                if (component.contains(next) && seen.add(next)) {
                    parent.put(next, d);
                    queue.add(next);
                }
            }
        }
        throw new IllegalStateException("no cycle through " + start.name() + " in its component");
    }

    /** The file's defs that a def's body calls by name (names shadowed by its params or locals excluded). */
    private static List<Decl.Def> callees(Decl.Def def, FileScope scope) {
        Set<String> local = new HashSet<>();
        for (Param p : def.params()) local.add(p.name().text());
        List<Expr> roots = new ArrayList<>();
        switch (def.body()) {
            case FunctionBody.Expression e -> roots.add(e.expr());
            case FunctionBody.Block b -> {
                for (Stmt s : b.statements()) {
                    switch (s) {
                        case Stmt.Let l -> {
                            local.add(l.name().text());
                            roots.add(l.value());
                        }
                        case Stmt.Const c -> {
                            local.add(c.name().text());
                            roots.add(c.value());
                        }
                        case Stmt.Return r -> roots.add(r.value());
                        default -> {
                        }
                    }
                }
            }
        }
        for (Param p : def.params()) p.defaultValue().ifPresent(roots::add);
        List<Decl.Def> out = new ArrayList<>();
        // By identity, and not by scanning out: a def may call 20,000 others, and a def's
        // equals compares whole syntax trees.
        Set<Decl.Def> seen = identitySet();
        for (Expr e : Subexpressions.of(roots)) {
            if (e instanceof Expr.Call c && c.callee() instanceof Expr.Name n && !local.contains(n.id().text())
                    && scope.decls().get(n.id().text()) instanceof Decl.Def target && seen.add(target)) {
                out.add(target);
            }
        }
        return out;
    }
}
