package dev.modelc.compiler.graph;

import dev.modelc.compiler.types.Shape;
import dev.modelc.runtime.exec.Scalars;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

/**
 * Elementwise functions of one operand: the op table. Each entry is the whole definition of its
 * function but for its scalar meaning, which is a method of {@link Scalars} (generated code calls
 * it, so it lives in the runtime) named like the entry in lower case: the spelling users write,
 * which dtypes it takes, its derivative, its CUDA C text and whether vector lanes have it. The
 * checker, the differentiator, the interpreter, constant folding and every renderer read this
 * table; adding a function is an entry here and a method in {@code Scalars} (see
 * docs/architecture.md, "Adding an op").
 */
public enum UnaryFn {
    NEG("neg", Takes.NUMBER, Scalars::neg, x -> "(-" + x + ")", true),
    ABS("abs", Takes.NUMBER, Scalars::abs, x -> "fabs(" + x + ")", true),
    EXP("exp", Takes.FLOAT, Scalars::exp, x -> "exp(" + x + ")", true),
    LOG("log", Takes.FLOAT, Scalars::log, x -> "log(" + x + ")", true),
    LOG1P("log1p", Takes.FLOAT, Scalars::log1p, x -> "log1p(" + x + ")", true),
    SQRT("sqrt", Takes.FLOAT, Scalars::sqrt, x -> "sqrt(" + x + ")", true),
    SQUARE("square", Takes.NUMBER, Scalars::square, x -> "(" + x + " * " + x + ")", true),
    SIN("sin", Takes.FLOAT, Scalars::sin, x -> "sin(" + x + ")", true),
    COS("cos", Takes.FLOAT, Scalars::cos, x -> "cos(" + x + ")", true),
    TANH("tanh", Takes.FLOAT, Scalars::tanh, x -> "tanh(" + x + ")", true),
    SIGMOID("sigmoid", Takes.FLOAT, Scalars::sigmoid, x -> "mc_sigmoid(" + x + ")", false),
    RELU("relu", Takes.NUMBER, Scalars::relu, x -> "mc_relu(" + x + ")", true),
    SOFTPLUS("softplus", Takes.FLOAT, Scalars::softplus, x -> "mc_softplus(" + x + ")", false),
    SIGN("sign", Takes.NUMBER, Scalars::sign, x -> "mc_sign(" + x + ")", false),
    RECIPROCAL("reciprocal", Takes.FLOAT, Scalars::reciprocal, x -> "(1.0 / " + x + ")", true),
    // The `not` operator.
    NOT("not", Takes.OPERATOR, Scalars::not, x -> "(" + x + " == 0 ? 1.0 : 0.0)", false),
    ERF("erf", Takes.FLOAT, Scalars::erf, x -> "erf(" + x + ")", false),
    ATAN("atan", Takes.FLOAT, Scalars::atan, x -> "atan(" + x + ")", false),
    ASIN("asin", Takes.FLOAT, Scalars::asin, x -> "asin(" + x + ")", false),
    ACOS("acos", Takes.FLOAT, Scalars::acos, x -> "acos(" + x + ")", false),
    SINH("sinh", Takes.FLOAT, Scalars::sinh, x -> "sinh(" + x + ")", false),
    COSH("cosh", Takes.FLOAT, Scalars::cosh, x -> "cosh(" + x + ")", false),
    LOG2("log2", Takes.FLOAT, Scalars::log2, x -> "log2(" + x + ")", false),
    EXP2("exp2", Takes.FLOAT, Scalars::exp2, x -> "exp2(" + x + ")", false),
    RSQRT("rsqrt", Takes.FLOAT, Scalars::rsqrt, x -> "(1.0 / sqrt(" + x + "))", false),
    FLOOR("floor", Takes.NUMBER, Scalars::floor, x -> "floor(" + x + ")", false),
    CEIL("ceil", Takes.NUMBER, Scalars::ceil, x -> "ceil(" + x + ")", false),
    ROUND("round", Takes.NUMBER, Scalars::round, x -> "rint(" + x + ")", false),
    TRUNC("trunc", Takes.NUMBER, Scalars::trunc, x -> "trunc(" + x + ")", false),
    ISNAN("isnan", Takes.NUMBER_TO_BOOL, Scalars::isnan, x -> "(mc_isnan(" + x + ") ? 1.0 : 0.0)", false),
    ISFINITE("isfinite", Takes.NUMBER_TO_BOOL, Scalars::isfinite, x -> "(fabs(" + x + ") < MC_INF ? 1.0 : 0.0)", false);

    /** Which operands a built-in takes, and so its result type. */
    public enum Takes {
        /** f32 or f64 (a weak operand gives a weak float); the result has the operand's type. */
        FLOAT,
        /** Any number (not bool); the result has the operand's type. */
        NUMBER,
        /** Any number; the result is a bool mask of the operand's shape. */
        NUMBER_TO_BOOL,
        /** No built-in name: an operator or a node only passes make. */
        OPERATOR
    }

    private final String spelling;
    private final Takes takes;
    private final DoubleUnaryOperator meaning;
    private final UnaryOperator<String> cuda;
    private final boolean lanes;

    UnaryFn(String spelling, Takes takes, DoubleUnaryOperator meaning, UnaryOperator<String> cuda, boolean lanes) {
        this.spelling = spelling;
        this.takes = takes;
        this.meaning = meaning;
        this.cuda = cuda;
        this.lanes = lanes;
    }

    public String spelling() {
        return spelling;
    }

    public Takes takes() {
        return takes;
    }

    /** Whether the result is a bool mask rather than a number of the operand's dtype. */
    public boolean givesBool() {
        return this == NOT || takes == Takes.NUMBER_TO_BOOL;
    }

    /** The function on one f64 value; bools are 0 and 1. Its meaning lives in {@link Scalars}, shared with generated code. */
    public double apply(double x) {
        return meaning.applyAsDouble(x);
    }

    /** The name of the {@link Scalars} method that computes it. */
    public String scalarsMethod() {
        return name().toLowerCase();
    }

    /**
     * The CUDA C text of the function applied to the f64 expression {@code x}, an f64 expression
     * ({@code x} may appear more than once: renderers pass a local or a cast of one). Helpers
     * named {@code mc_*} are in the CUDA renderer's prelude.
     */
    public String cuda(String x) {
        return cuda.apply(x);
    }

    /**
     * Whether {@code jdk.incubator.vector} lanes compute it: the bytecode renderer writes NEG, ABS,
     * SQUARE, RECIPROCAL and RELU itself and the rest as {@code VectorOperators.<NAME>}.
     */
    public boolean lanes() {
        return lanes;
    }

    /**
     * The operand's gradient given the operand {@code x}, the result {@code y} and the result's
     * gradient {@code g}: a vector-Jacobian product built from ordinary nodes, so it
     * differentiates again. (A switch rather than a field of each entry, since an entry's
     * initializer may not name the entries after it.)
     */
    public int vjp(Emitter e, int x, int y, int g) {
        return switch (this) {
            case NEG -> e.neg(g);  // d(-x) = -1
            case ABS -> e.mul(g, e.unary(SIGN, x));  // abs'(0) = 0
            case EXP -> e.mul(g, y);  // d e^x = e^x
            case LOG -> e.safeMul(g, e.unary(RECIPROCAL, x));  // 1/x
            case LOG1P -> e.safeMul(g, e.unary(RECIPROCAL, e.add(c(e, 1, x), x)));
            case SQRT -> e.safeMul(g, e.unary(RECIPROCAL, e.scale(2, y)));  // 1/(2 sqrt x)
            case SQUARE -> e.mul(g, e.scale(2, x));
            case SIN -> e.mul(g, e.unary(COS, x));
            case COS -> e.neg(e.mul(g, e.unary(SIN, x)));
            case TANH -> e.mul(g, e.sub(c(e, 1, y), e.mul(y, y)));  // 1 - tanh^2
            case SIGMOID -> e.mul(g, e.mul(y, e.sub(c(e, 1, y), y)));  // s(1 - s)
            case RELU -> e.mul(g, e.cast(e.binary(BinaryFn.GT, x, c(e, 0, x)), e.dtype(x)));  // relu'(0) = 0
            case SOFTPLUS -> e.mul(g, e.unary(SIGMOID, x));
            case SIGN -> e.full(0, e.type(x));
            case RECIPROCAL -> e.safeMul(g, e.neg(e.mul(y, y)));  // -1/x^2
            case NOT -> e.full(0, e.type(x));
            case ERF -> e.mul(g, e.scale(1.1283791670955126, e.unary(EXP, e.neg(e.unary(SQUARE, x)))));  // 2/sqrt(pi) e^-x^2
            case ATAN -> e.mul(g, e.unary(RECIPROCAL, e.add(c(e, 1, x), e.unary(SQUARE, x))));  // 1/(1 + x^2)
            case ASIN -> e.safeMul(g, e.unary(RECIPROCAL, e.unary(SQRT, e.sub(c(e, 1, x), e.unary(SQUARE, x)))));  // 1/sqrt(1 - x^2), infinite at +-1
            case ACOS -> e.safeMul(g, e.neg(e.unary(RECIPROCAL, e.unary(SQRT, e.sub(c(e, 1, x), e.unary(SQUARE, x))))));  // -1/sqrt(1 - x^2)
            case SINH -> e.mul(g, e.unary(COSH, x));
            case COSH -> e.mul(g, e.unary(SINH, x));
            case LOG2 -> e.safeMul(g, e.unary(RECIPROCAL, e.scale(0.6931471805599453, x)));  // 1/(x ln 2)
            case EXP2 -> e.mul(g, e.scale(0.6931471805599453, y));  // 2^x ln 2
            case RSQRT -> e.safeMul(g, e.scale(-0.5, e.mul(y, e.mul(y, y))));  // -x^(-3/2) / 2
            case FLOOR -> e.full(0, e.type(x));  // zero, as in PyTorch
            case CEIL -> e.full(0, e.type(x));  // zero, as in PyTorch
            case ROUND -> e.full(0, e.type(x));  // zero, as in PyTorch
            case TRUNC -> e.full(0, e.type(x));  // zero, as in PyTorch
            case ISNAN -> e.full(0, e.type(x));  // a mask: no gradient
            case ISFINITE -> e.full(0, e.type(x));  // a mask: no gradient
        };
    }

    private static int c(Emitter e, double v, int like) {
        return e.full(v, e.dtype(like), Shape.SCALAR);
    }
}
