package dev.modelc.compiler.check;

import dev.modelc.compiler.ast.Expr;
import dev.modelc.compiler.ast.FunctionBody;
import dev.modelc.compiler.ast.Param;
import dev.modelc.compiler.ast.Stmt;
import dev.modelc.compiler.ast.Subexpressions;
import dev.modelc.compiler.check.Value.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The results of the def calls and forward applications inlined so far in the model being
 * checked, by callee and argument values, so that a call equal to an earlier one is not
 * elaborated again: {@code def f1(x) = f0(x) + f0(x)} nested 30 deep is 30 elaborations, not 2^30.
 *
 * <p>Sharing is sound because elaboration is a function of the arguments: a body sees only its
 * arguments and top-level names, graph nodes are hash-consed, and a call that reported anything
 * or drew random numbers (initializers) is never cached. The one thing that tells two equal
 * calls apart is an alias node (a name {@code grad} can differentiate with respect to); a body
 * that can call {@code grad} keeps its names (see {@link #keepsNames}), and its calls, whose
 * results then hold fresh aliases, are shared only when they are equal as called.
 */
final class InlineCache {
    /** Callee (a def or a layer instance, by identity) to argument key to result. */
    private final Map<Object, Map<List<Object>, Value>> results = new IdentityHashMap<>();
    private final Map<FunctionBody, Boolean> keepsNames = new IdentityHashMap<>();

    /** An argument compared by identity (a layer instance, a def, a built-in): only tensors compare by value. */
    private record Same(Value value) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Same s && s.value == value;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(value);
        }
    }

    /** The key of a call's arguments: each argument's keyword (or null) and value. */
    static List<Object> key(Expr.Call call, List<Value> values) {
        List<Object> key = new ArrayList<>(2 * values.size());
        for (int i = 0; i < values.size(); i++) {
            key.add(call.args().get(i).keyword().map(k -> k.text()).orElse(null));
            Value v = values.get(i);
            key.add(v instanceof Tensor ? v : new Same(v));
        }
        return key;
    }

    Value get(Object callee, List<Object> key) {
        Map<List<Object>, Value> m = results.get(callee);
        return m == null ? null : m.get(key);
    }

    void put(Object callee, List<Object> key, Value result) {
        results.computeIfAbsent(callee, c -> new HashMap<>()).put(key, result);
    }

    /**
     * Whether a def's or forward's body must give its arguments and locals names of their own
     * (alias nodes): when it calls {@code grad}, which differentiates with respect to a name,
     * or calls one of its parameters (which may be {@code grad}). Other bodies use their
     * arguments' nodes as they are, so equal calls build equal, shared nodes.
     */
    boolean keepsNames(FunctionBody body, List<Param> params) {
        return keepsNames.computeIfAbsent(body, b -> callsGradOrAParameter(b, params));
    }

    private static boolean callsGradOrAParameter(FunctionBody body, List<Param> params) {
        Set<String> callees = new HashSet<>();
        callees.add("grad");
        for (Param p : params) callees.add(p.name().text());
        List<Expr> roots = new ArrayList<>();
        switch (body) {
            case FunctionBody.Expression e -> roots.add(e.expr());
            case FunctionBody.Block b -> {
                for (Stmt s : b.statements()) {
                    switch (s) {
                        case Stmt.Let l -> roots.add(l.value());
                        case Stmt.Const c -> roots.add(c.value());
                        case Stmt.Return r -> roots.add(r.value());
                        // Anything else in a block is an error reported when it runs.
                        default -> {
                            return true;
                        }
                    }
                }
            }
        }
        for (Expr e : Subexpressions.of(roots)) {
            if (e instanceof Expr.Call c && c.callee() instanceof Expr.Name n && callees.contains(n.id().text())) return true;
        }
        return false;
    }
}
