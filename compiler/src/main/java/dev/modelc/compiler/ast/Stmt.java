package dev.modelc.compiler.ast;

import dev.modelc.compiler.diagnostics.Span;
import java.util.List;
import java.util.Optional;

/** A statement in a model, layer, def or forward body. */
public sealed interface Stmt {
    Span span();

    /** {@code input x: f32[N, 3]}. */
    record Input(Identifier name, TypeExpr type, Span span) implements Stmt {
    }

    /**
     * {@code param w: f32[2, 3] = randn()}, or with {@code state} a state ({@code state
     * running_mean: f32[C] = zeros()}); the initializer is required, but checked, not parsed, so
     * it gets a clear message.
     */
    record Param(Identifier name, TypeExpr type, Optional<Expr> init, Span span, boolean state) implements Stmt {
        public Param(Identifier name, TypeExpr type, Optional<Expr> init, Span span) {
            this(name, type, init, span, false);
        }

        /** {@code param} or {@code state}, as written. */
        public String keyword() {
            return state ? "state" : "param";
        }
    }

    /** {@code const lr = 1e-5}. */
    record Const(Identifier name, Expr value, Span span) implements Stmt {
    }

    /** {@code name = expr}: a local value, or a layer instance when {@code expr} calls a layer. */
    record Let(Identifier name, Expr value, Span span) implements Stmt {
    }

    /** {@code output n} or {@code output n = expr}. */
    record Output(Identifier name, Optional<Expr> value, Span span) implements Stmt {
    }

    /** {@code loss = expr} or {@code loss name = expr}. */
    record Loss(Optional<Identifier> name, Expr value, Span span) implements Stmt {
    }

    /** {@code update w = expr} or {@code update linear.weight = expr}. */
    record Update(List<Identifier> target, Expr value, Span span) implements Stmt {
        public Update {
            target = List.copyOf(target);
        }

        /** The target as a dotted path, {@code linear.weight}. */
        public String path() {
            return String.join(".", target.stream().map(Identifier::text).toList());
        }

        public Span targetSpan() {
            return target.getFirst().span().to(target.getLast().span());
        }
    }

    /** {@code train { batch = 5; optimizer = sgd(lr = 1e-5) }}. */
    record Train(List<TrainEntry> entries, Span span) implements Stmt {
        public Train {
            entries = List.copyOf(entries);
        }
    }

    /** One {@code key = value} of a train block. */
    record TrainEntry(Identifier key, Expr value, Span span) {
    }

    /** {@code forward(x) = expr} in a layer. */
    record Forward(List<dev.modelc.compiler.ast.Param> params, FunctionBody body, Span span) implements Stmt {
        public Forward {
            params = List.copyOf(params);
        }
    }

    /** {@code return expr}, the last statement of a block body. */
    record Return(Expr value, Span span) implements Stmt {
    }
}
