package dev.modelc.compiler.ast;

import dev.modelc.compiler.diagnostics.Span;
import java.util.List;

/** The body of a def or a forward: one expression, or statements ending in {@code return}. */
public sealed interface FunctionBody {
    Span span();

    /** {@code = expr}. */
    record Expression(Expr expr) implements FunctionBody {
        @Override
        public Span span() {
            return expr.span();
        }
    }

    /** <code>{ stmt; ...; return expr }</code>. */
    record Block(List<Stmt> statements, Span span) implements FunctionBody {
        public Block {
            statements = List.copyOf(statements);
        }
    }
}
