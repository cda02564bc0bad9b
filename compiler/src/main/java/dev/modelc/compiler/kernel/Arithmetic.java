package dev.modelc.compiler.kernel;

import dev.modelc.compiler.graph.BinaryFn;
import dev.modelc.compiler.graph.UnaryFn;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.exec.Scalars;

/**
 * How a function let ({@link Expr.Unary}, {@link Expr.Binary}) is computed: in f32 by the float
 * instruction, or in f64 by {@link Scalars} and rounded once to the let's dtype. The kernel IR
 * decides it here, once, when a loop is built; every renderer (bytecode, Java source, CUDA C)
 * renders the decision and tests no dtype to make it.
 *
 * <p>Why this split gives the interpreter's bits: the interpreter computes every node in f64 and
 * rounds the result to the node's dtype. A function runs in f32 only where, on f32 operands,
 * that f64 result rounded to f32 is provably what the float operation gives, for every input
 * (NaN as NaN: Java compares NaNs by {@code Float.floatToIntBits}, and an f64 round trip does not
 * keep a signaling NaN's payload either):
 * <ul>
 *   <li>{@code + - *} and {@code /} (so {@code square} and {@code reciprocal}, {@code 1 / x}):
 *       the f64 result rounded to f32 is the correctly rounded f32 result, since f64 carries
 *       more than 2 * 24 + 2 bits and rounding twice is then harmless (Figueroa);</li>
 *   <li>{@code neg} and {@code abs}: the sign bit alone changes, in any precision;</li>
 *   <li>{@code maximum} and {@code minimum}: one operand is chosen, NaN if either is NaN, -0
 *       ordered below +0; {@code Math.max}/{@code Math.min} on floats have that very rule, and a
 *       chosen f32 operand widened and rounded back is itself;</li>
 *   <li>{@code relu}: {@code x} when {@code x > 0} or NaN, else +0, also a choice:
 *       {@code Math.max(x, +0f)} (NaN gives NaN, -0 gives +0).</li>
 * </ul>
 * Every other function (exp, sqrt, comparisons, ...) and every i32 or bool let goes through the
 * {@code Scalars} method in f64, the one definition of what the function means, and is rounded
 * once: to f32, wrapped to i32, or made 0/1. {@code ArithmeticTest} checks each f32 function
 * against {@code Scalars} bit for bit on special values and random bit patterns.
 */
public enum Arithmetic {
    /** The float instruction on f32 operands, giving an f32 let. */
    F32,
    /** Operands widened to f64, the function's {@code Scalars} method, the result rounded once to the let's dtype. */
    F64;

    /** The arithmetic of {@code fn} giving a {@code result} let from an {@code x} let. */
    public static Arithmetic of(UnaryFn fn, DType result, DType x) {
        boolean exact = switch (fn) {
            case NEG, SQUARE, ABS, RELU, RECIPROCAL -> true;
            default -> false;
        };
        return exact && result == DType.F32 && x == DType.F32 ? F32 : F64;
    }

    /** The arithmetic of {@code fn} giving a {@code result} let from lets {@code a} and {@code b}. */
    public static Arithmetic of(BinaryFn fn, DType result, DType a, DType b) {
        boolean exact = switch (fn) {
            case ADD, SUB, MUL, DIV, MAX, MIN -> true;
            default -> false;
        };
        return exact && result == DType.F32 && a == DType.F32 && b == DType.F32 ? F32 : F64;
    }
}
