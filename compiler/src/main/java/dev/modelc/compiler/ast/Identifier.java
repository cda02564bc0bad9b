package dev.modelc.compiler.ast;

import dev.modelc.compiler.diagnostics.Span;

/** A name as written in source, with where it was written. */
public record Identifier(String text, Span span) {
    @Override
    public String toString() {
        return text;
    }
}
