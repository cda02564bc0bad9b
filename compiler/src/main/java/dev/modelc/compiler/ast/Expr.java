package dev.modelc.compiler.ast;

import dev.modelc.compiler.diagnostics.Span;
import java.util.List;
import java.util.Optional;

/** An expression; every node knows the span it was written at. */
public sealed interface Expr {
    Span span();

    /** A number as written: {@code 42}, {@code 1e-5}. Integer literals have no '.' or exponent. */
    record Number(String text, double value, boolean integer, Span span) implements Expr {
    }

    /** {@code true} or {@code false}. */
    record Bool(boolean value, Span span) implements Expr {
    }

    /** A string in double quotes, {@code value} without them: only einsum's equation, {@code "ij,jk->ik"}. */
    record Str(String value, Span span) implements Expr {
    }

    /** A use of a name. */
    record Name(Identifier id) implements Expr {
        @Override
        public Span span() {
            return id.span();
        }
    }

    /** A tensor literal or a static list: {@code [[1, 2], [3, 4]]}, {@code [0, 1]}. */
    record ListLiteral(List<Expr> elements, Span span) implements Expr {
        public ListLiteral {
            elements = List.copyOf(elements);
        }
    }

    /** {@code -x}, {@code +x}, {@code ~mask}. */
    record Unary(UnaryOp op, Expr operand, Span opSpan, Span span) implements Expr {
    }

    /** {@code a + b} and every other infix operator. */
    record Binary(BinaryOp op, Expr left, Expr right, Span opSpan, Span span) implements Expr {
    }

    /** {@code f(a, axis = 1)}. */
    record Call(Expr callee, List<Arg> args, Span span) implements Expr {
        public Call {
            args = List.copyOf(args);
        }
    }

    /** {@code x.T}, {@code linear.weight}. */
    record Member(Expr target, Identifier member, Span span) implements Expr {
    }

    /** {@code x[0, 1:3]}. */
    record Index(Expr target, List<Subscript> subscripts, Span span) implements Expr {
        public Index {
            subscripts = List.copyOf(subscripts);
        }
    }

    /** An argument of a call, positional or {@code keyword = value}. */
    record Arg(Optional<Identifier> keyword, Expr value, Span span) {
    }

    /** One entry between the brackets of an index expression. */
    sealed interface Subscript {
        Span span();

        /** {@code x[i]}: selects one position and drops the axis. */
        record At(Expr index) implements Subscript {
            @Override
            public Span span() {
                return index.span();
            }
        }

        /** {@code x[a:b:c]}: keeps the axis; any bound may be left out. */
        record Slice(Optional<Expr> start, Optional<Expr> stop, Optional<Expr> step, Span span) implements Subscript {
        }
    }
}
