package dev.modelc.compiler.check;

import dev.modelc.compiler.diagnostics.Span;

/** A name bound in a scope: what kind of thing it is, its value, and where it was defined. */
record Binding(Kind kind, Value value, Span definedAt, String path) {

    /** The kinds of names, as diagnostics call them. */
    enum Kind {
        INPUT("an input"),
        PARAM("a param"),
        STATE("a state"),
        CONST("a const"),
        LOCAL("a local"),
        ARGUMENT("an argument"),
        LAYER_ARGUMENT("a layer argument"),
        INSTANCE("a layer instance");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        String description() {
            return description;
        }
    }
}
