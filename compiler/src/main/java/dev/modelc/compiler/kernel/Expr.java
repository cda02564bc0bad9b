package dev.modelc.compiler.kernel;

import dev.modelc.compiler.graph.BinaryFn;
import dev.modelc.compiler.graph.UnaryFn;
import dev.modelc.compiler.types.Dim;

/**
 * The right-hand side of one {@link Let}: a scalar computed once per loop iteration. Operands
 * are earlier lets of the same body, by id, so a body is straight-line SSA code.
 */
public sealed interface Expr {
    /** Element {@code index} of a buffer. */
    record Load(int buffer, Affine index) implements Expr {
    }

    record Constant(double value) implements Expr {
    }

    /** A symbolic size's value ({@code numel(x)}, the count behind {@code mean}). */
    record SizeOf(Dim size) implements Expr {
    }

    /** A position as a number ({@code arange}). */
    record Position(Affine index) implements Expr {
    }

    /** {@code fn(x)}, computed as {@code arithmetic} says (see {@link Arithmetic}: the loop builder decides it). */
    record Unary(UnaryFn fn, int x, Arithmetic arithmetic) implements Expr {
    }

    /** {@code fn(a, b)}, computed as {@code arithmetic} says. */
    record Binary(BinaryFn fn, int a, int b, Arithmetic arithmetic) implements Expr {
    }

    /** {@code where(mask, a, b)}. */
    record Select(int mask, int a, int b) implements Expr {
    }

    /** Let {@code x} converted to this let's dtype. */
    record Convert(int x) implements Expr {
    }

    /** The loop's reduction result (after the inner loop; divided by the count for a mean). */
    record Accumulated() implements Expr {
    }
}
