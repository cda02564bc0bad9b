package dev.modelc.compiler.ast;

import dev.modelc.compiler.diagnostics.Span;
import java.util.Optional;

/** A parameter of a def, layer or forward: {@code name}, {@code name: f32[*S]}, {@code axis = -1}. */
public record Param(Identifier name, Optional<TypeExpr> type, Optional<Expr> defaultValue, Span span) {
}
