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
 * rounds the result to the node's dtype. For IEEE {@code + - * /} (negation and {@code x*x}
 * included) on f32 operands, that f64 result rounded to f32 is exactly the correctly rounded
 * f32 result the float instruction gives (f64 carries more than 2 * 24 + 2 bits, so rounding
 * twice is harmless). Every other function (exp, max with its NaN rule, comparisons, ...) and
 * every i32 or bool let goes through the {@code Scalars} method in f64, the one definition of
 * what the function means, and is rounded once: to f32, wrapped to i32, or made 0/1.
 */
public enum Arithmetic {
    /** The float instruction on f32 operands, giving an f32 let. */
    F32,
    /** Operands widened to f64, the function's {@code Scalars} method, the result rounded once to the let's dtype. */
    F64;

    /** The arithmetic of {@code fn} giving a {@code result} let from an {@code x} let. */
    public static Arithmetic of(UnaryFn fn, DType result, DType x) {
        boolean exact = fn == UnaryFn.NEG || fn == UnaryFn.SQUARE;
        return exact && result == DType.F32 && x == DType.F32 ? F32 : F64;
    }

    /** The arithmetic of {@code fn} giving a {@code result} let from lets {@code a} and {@code b}. */
    public static Arithmetic of(BinaryFn fn, DType result, DType a, DType b) {
        boolean exact = switch (fn) {
            case ADD, SUB, MUL, DIV -> true;
            default -> false;
        };
        return exact && result == DType.F32 && a == DType.F32 && b == DType.F32 ? F32 : F64;
    }
}
