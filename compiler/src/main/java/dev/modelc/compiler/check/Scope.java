package dev.modelc.compiler.check;

import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.diagnostics.Spelling;
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
    /** The names bound here by length, for "did you mean": a model body may bind 20,000. */
    private final Spelling.Index spelling = new Spelling.Index();

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
        Binding prior = names.putIfAbsent(name, b);
        if (prior == null) spelling.add(name);
        return prior;
    }

    /** Offers the names bound here to a spelling search. */
    void offerNames(Spelling.Search search) {
        search.consider(spelling);
    }

    /** This scope's own binding of {@code name}, or null. */
    Binding local(String name) {
        return names.get(name);
    }

    Map<String, Binding> bindings() {
        return names;
    }
}
