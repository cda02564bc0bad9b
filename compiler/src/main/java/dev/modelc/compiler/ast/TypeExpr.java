package dev.modelc.compiler.ast;

import dev.modelc.compiler.diagnostics.Span;
import java.util.List;

/** A written type such as {@code f32[N, 3]}; {@code f32} and {@code f32[]} are scalars. */
public record TypeExpr(Identifier dtype, List<DimExpr> dims, Span span) {
    public TypeExpr {
        dims = List.copyOf(dims);
    }

    /** One dimension of a written type. */
    public sealed interface DimExpr {
        Span span();

        /** A fixed size: {@code 3}. */
        record Literal(long value, Span span) implements DimExpr {
        }

        /** A layer argument, a const or a symbolic dimension: {@code N}. */
        record Name(Identifier name) implements DimExpr {
            @Override
            public Span span() {
                return name.span();
            }
        }

        /** A whole shape bound by name in a def annotation: {@code *S}. */
        record Spread(Identifier name, Span span) implements DimExpr {
        }
    }
}
