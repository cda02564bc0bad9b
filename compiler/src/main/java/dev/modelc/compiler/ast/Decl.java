package dev.modelc.compiler.ast;

import dev.modelc.compiler.diagnostics.Span;
import java.util.List;

/** A top-level declaration: a function, a layer or a model. */
public sealed interface Decl {
    Identifier name();

    Span span();

    /** {@code def f(a, b) = expr} or {@code def f(a, b) { ...; return expr }}: inlined at each call. */
    record Def(Identifier name, List<Param> params, FunctionBody body, Span span) implements Decl {
        public Def {
            params = List.copyOf(params);
        }
    }

    /** {@code layer L(p, q) { param ...; forward(x) = expr }}: a parametrised block. */
    record Layer(Identifier name, List<Param> params, List<Stmt> body, Span span) implements Decl {
        public Layer {
            params = List.copyOf(params);
            body = List.copyOf(body);
        }
    }

    /** {@code model M { ... }}: a unit that compiles to forward, loss, gradient and training step. */
    record Model(Identifier name, List<Stmt> body, Span span) implements Decl {
        public Model {
            body = List.copyOf(body);
        }
    }
}
