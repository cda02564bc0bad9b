package dev.modelc.compiler.check;

import dev.modelc.compiler.diagnostics.Span;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The names of one body (a model, a layer instance, a call), chained to the enclosing body.
 * It also knows every name its body will define, so a use before the definition gets its own
 * message rather than "undefined".
 */
final class Scope {
    private final Scope parent;
    private final Map<String, Binding> names = new LinkedHashMap<>();
    private final Map<String, Span> definedLater = new HashMap<>();

    Scope(Scope parent) {
        this.parent = parent;
    }

    Scope parent() {
        return parent;
    }

    /** Declares that this body defines {@code name} at {@code at} (the first definition counts). */
    void willDefine(String name, Span at) {
        definedLater.putIfAbsent(name, at);
    }

    boolean definesLater(String name) {
        return definedLater.containsKey(name);
    }

    /** Where this body defines {@code name}, or null. */
    Span definitionOf(String name) {
        return definedLater.get(name);
    }

    /** Binds a name here; returns the earlier binding of the same name in this scope, if any. */
    Binding define(String name, Binding b) {
        return names.putIfAbsent(name, b);
    }

    /** This scope's own binding of {@code name}, or null. */
    Binding local(String name) {
        return names.get(name);
    }

    Map<String, Binding> bindings() {
        return names;
    }
}
