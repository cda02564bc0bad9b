package dev.modelc.compiler.graph;

import dev.modelc.compiler.types.Shape;
import dev.modelc.runtime.exec.Scalars;
import java.util.function.UnaryOperator;

/**
 * Elementwise functions of one operand: the op table. An entry carries the spelling users write,
 * which dtypes it takes, its CUDA C text and whether vector lanes have it; beside the entries,
 * exhaustive switches give its scalar meaning ({@link #apply}, a call of the {@link Scalars}
 * method named like the entry, which generated code calls too, so it lives in the runtime) and
 * its derivative ({@link #vjp}). The checker, the differentiator, the interpreter, constant
 * folding and every renderer read this table; adding a function is an entry and two cases here
 * and a method in {@code Scalars} (see docs/architecture.md, "Adding an op").
 */
public enum UnaryFn {
    NEG("neg", Takes.NUMBER, x -> "(-" + x + ")", Lanes.EXACT),
    ABS("abs", Takes.NUMBER, x -> "fabs(" + x + ")", Lanes.EXACT),
    EXP("exp", Takes.FLOAT, x -> "exp(" + x + ")", Lanes.CLOSE),
    LOG("log", Takes.FLOAT, x -> "log(" + x + ")", Lanes.CLOSE),
    LOG1P("log1p", Takes.FLOAT, x -> "log1p(" + x + ")", Lanes.CLOSE),
    SQRT("sqrt", Takes.FLOAT, x -> "sqrt(" + x + ")", Lanes.EXACT),
    SQUARE("square", Takes.NUMBER, x -> "(" + x + " * " + x + ")", Lanes.EXACT),
    SIN("sin", Takes.FLOAT, x -> "sin(" + x + ")", Lanes.CLOSE),
    COS("cos", Takes.FLOAT, x -> "cos(" + x + ")", Lanes.CLOSE),
    TANH("tanh", Takes.FLOAT, x -> "tanh(" + x + ")", Lanes.CLOSE),
    SIGMOID("sigmoid", Takes.FLOAT, x -> "mc_sigmoid(" + x + ")", Lanes.NONE),
    RELU("relu", Takes.NUMBER, x -> "mc_relu(" + x + ")", Lanes.EXACT),
    SOFTPLUS("softplus", Takes.FLOAT, x -> "mc_softplus(" + x + ")", Lanes.NONE),
    SIGN("sign", Takes.NUMBER, x -> "mc_sign(" + x + ")", Lanes.NONE),
    RECIPROCAL("reciprocal", Takes.FLOAT, x -> "(1.0 / " + x + ")", Lanes.EXACT),
    // The `not` operator.
    NOT("not", Takes.OPERATOR, x -> "(" + x + " == 0 ? 1.0 : 0.0)", Lanes.NONE),
    ERF("erf", Takes.FLOAT, x -> "erf(" + x + ")", Lanes.NONE),
    ATAN("atan", Takes.FLOAT, x -> "atan(" + x + ")", Lanes.NONE),
    ASIN("asin", Takes.FLOAT, x -> "asin(" + x + ")", Lanes.NONE),
    ACOS("acos", Takes.FLOAT, x -> "acos(" + x + ")", Lanes.NONE),
    SINH("sinh", Takes.FLOAT, x -> "sinh(" + x + ")", Lanes.NONE),
    COSH("cosh", Takes.FLOAT, x -> "cosh(" + x + ")", Lanes.NONE),
    LOG2("log2", Takes.FLOAT, x -> "log2(" + x + ")", Lanes.NONE),
    EXP2("exp2", Takes.FLOAT, x -> "exp2(" + x + ")", Lanes.NONE),
    RSQRT("rsqrt", Takes.FLOAT, x -> "(1.0 / sqrt(" + x + "))", Lanes.NONE),
    FLOOR("floor", Takes.NUMBER, x -> "floor(" + x + ")", Lanes.EXACT),
    CEIL("ceil", Takes.NUMBER, x -> "ceil(" + x + ")", Lanes.EXACT),
    ROUND("round", Takes.NUMBER, x -> "rint(" + x + ")", Lanes.EXACT),
    TRUNC("trunc", Takes.NUMBER, x -> "trunc(" + x + ")", Lanes.EXACT),
    ISNAN("isnan", Takes.NUMBER_TO_BOOL, x -> "(mc_isnan(" + x + ") ? 1.0 : 0.0)", Lanes.EXACT),
    ISFINITE("isfinite", Takes.NUMBER_TO_BOOL, x -> "(fabs(" + x + ") < MC_INF ? 1.0 : 0.0)", Lanes.EXACT);

    /**
     * Whether {@code jdk.incubator.vector} lanes compute a function, and how closely. Left out, for
     * want of an operation the Vector API has that gives the scalar path's bits: ERF, LOG2, EXP2
     * (no such operation); ATAN, ASIN, ACOS, SINH, COSH (the Vector API has them, but its
     * intrinsics are within ulps, not the bits of {@code (float) Math.atan(x)}); RSQRT (1 / sqrt(x)
     * in float rounds twice where the scalar path rounds once from f64); SIGMOID, SOFTPLUS, SIGN
     * (compositions nobody wrote yet); NOT (its operand is a bool, and lanes load no bools). ISNAN
     * and ISFINITE have lanes as masks, which a {@code where} reads or a bool store writes.
     */
    public enum Lanes {
        /** No lanes: a loop that uses the function runs its scalar loop. */
        NONE,
        /** Lanes give the scalar path's bits: IEEE-exact operations, or an exact composition of them (floor, round, ...). */
        EXACT,
        /**
         * f32 lanes compute it with {@code dev.modelc.runtime.exec.LaneMath}: within 1 ulp of the
         * correctly rounded value, not always bit for bit like {@code (float) Math.exp(x)}, but
         * deterministic: made of operations the Vector API specifies exactly, so the same on
         * every machine and JIT tier, and the loop's scalar remainder calls the same function's
         * scalar twin. f64 loops with such a function run scalar (f64 promises {@code Math}'s bits).
         */
        CLOSE
    }

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
    private final UnaryOperator<String> cuda;
    private final Lanes lanes;

    UnaryFn(String spelling, Takes takes, UnaryOperator<String> cuda, Lanes lanes) {
        this.spelling = spelling;
        this.takes = takes;
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
        // A switch of static calls rather than a DoubleUnaryOperator per entry: the interpreter's
        // loop calls this per element, and static calls inline where a megamorphic lambda call does not.
        return switch (this) {
            case NEG -> Scalars.neg(x);
            case ABS -> Scalars.abs(x);
            case EXP -> Scalars.exp(x);
            case LOG -> Scalars.log(x);
            case LOG1P -> Scalars.log1p(x);
            case SQRT -> Scalars.sqrt(x);
            case SQUARE -> Scalars.square(x);
            case SIN -> Scalars.sin(x);
            case COS -> Scalars.cos(x);
            case TANH -> Scalars.tanh(x);
            case SIGMOID -> Scalars.sigmoid(x);
            case RELU -> Scalars.relu(x);
            case SOFTPLUS -> Scalars.softplus(x);
            case SIGN -> Scalars.sign(x);
            case RECIPROCAL -> Scalars.reciprocal(x);
            case NOT -> Scalars.not(x);
            case ERF -> Scalars.erf(x);
            case ATAN -> Scalars.atan(x);
            case ASIN -> Scalars.asin(x);
            case ACOS -> Scalars.acos(x);
            case SINH -> Scalars.sinh(x);
            case COSH -> Scalars.cosh(x);
            case LOG2 -> Scalars.log2(x);
            case EXP2 -> Scalars.exp2(x);
            case RSQRT -> Scalars.rsqrt(x);
            case FLOOR -> Scalars.floor(x);
            case CEIL -> Scalars.ceil(x);
            case ROUND -> Scalars.round(x);
            case TRUNC -> Scalars.trunc(x);
            case ISNAN -> Scalars.isnan(x);
            case ISFINITE -> Scalars.isfinite(x);
        };
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
     * Whether {@code jdk.incubator.vector} lanes compute it, and how closely: the bytecode renderer
     * writes NEG, ABS, SQUARE, RECIPROCAL, RELU, FLOOR, CEIL, ROUND, TRUNC, ISNAN and ISFINITE
     * itself, SQRT as {@code VectorOperators.SQRT} and the {@link Lanes#CLOSE} ones by copying
     * {@code LaneMath}'s methods into the loop ({@code backend.bytecode.LaneMathInliner}).
     */
    public Lanes lanes() {
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
            // relu'(0) = 0. The mask reads the result (y > 0 exactly where x > 0, NaN in neither), so
            // the backward pass needs only relu's output, and relu fuses into the loop that makes x
            // (a convolution's bias, a layer's) instead of x being stored for the mask.
            case RELU -> e.mul(g, e.cast(e.binary(BinaryFn.GT, y, c(e, 0, x)), e.dtype(x)));
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
