package dev.modelc.compiler.check;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The names of one body (a model, a layer instance, a call), chained to the enclosing body.
 * It also knows every name its body will define, so a use before the definition gets its own
 * message rather than "undefined".
 */
final class Scope {
    private final Scope parent;
    private final Map<String, Binding> names = new LinkedHashMap<>();
    private final Set<String> definedLater = new HashSet<>();

    Scope(Scope parent) {
        this.parent = parent;
    }

    Scope parent() {
        return parent;
    }

    /** Declares that this body defines {@code name} somewhere. */
    void willDefine(String name) {
        definedLater.add(name);
    }

    boolean definesLater(String name) {
        return definedLater.contains(name);
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
