package dev.modelc.compiler.check;

import dev.modelc.compiler.ast.Decl;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.types.TensorType;

/**
 * Told the type of each expression as the checker evaluates it, for tools that show types at a
 * position (the language server's hover). An expression in a def is evaluated once per distinct
 * call, so a span may be told several types; one the checker could not type is not told.
 */
public interface TypeListener {
    /** The listener that ignores everything: what the compiler itself uses. */
    TypeListener NONE = new TypeListener() {
        @Override
        public void tensor(Span span, TensorType type) {
        }

        @Override
        public void instance(Span span, Decl.Layer layer) {
        }
    };

    /** {@code span} evaluated to a tensor of {@code type}. */
    void tensor(Span span, TensorType type);

    /** {@code span} evaluated to an instance of {@code layer}. */
    void instance(Span span, Decl.Layer layer);
}
