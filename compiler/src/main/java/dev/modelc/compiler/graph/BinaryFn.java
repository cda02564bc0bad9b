package dev.modelc.compiler.graph;

import dev.modelc.runtime.exec.Scalars;

/** Elementwise functions of two operands. Comparisons and logic give bools (0 or 1). */
public enum BinaryFn {
    ADD("add"), SUB("sub"), MUL("mul"), DIV("div"), POW("pow"), MAX("maximum"), MIN("minimum"),
    LT("lt"), LE("le"), GT("gt"), GE("ge"), EQ("eq"), NE("ne"), AND("and"), OR("or");

    private final String spelling;

    BinaryFn(String spelling) {
        this.spelling = spelling;
    }

    public String spelling() {
        return spelling;
    }

    /** Whether the result is a bool mask rather than a number of the operands' dtype. */
    public boolean givesBool() {
        return ordinal() >= LT.ordinal();
    }

    public boolean isCommutative() {
        return switch (this) {
            case ADD, MUL, MAX, MIN, EQ, NE, AND, OR -> true;
            default -> false;
        };
    }

    /** The function on f64 values; its meaning lives in {@link Scalars}, shared with generated code. */
    public double apply(double a, double b) {
        return switch (this) {
            case ADD -> Scalars.add(a, b);
            case SUB -> Scalars.sub(a, b);
            case MUL -> Scalars.mul(a, b);
            case DIV -> Scalars.div(a, b);
            case POW -> Scalars.pow(a, b);
            case MAX -> Scalars.maximum(a, b);
            case MIN -> Scalars.minimum(a, b);
            case LT -> Scalars.lt(a, b);
            case LE -> Scalars.le(a, b);
            case GT -> Scalars.gt(a, b);
            case GE -> Scalars.ge(a, b);
            case EQ -> Scalars.eq(a, b);
            case NE -> Scalars.ne(a, b);
            case AND -> Scalars.and(a, b);
            case OR -> Scalars.or(a, b);
        };
    }

    /** The name of the {@link Scalars} method that computes it. */
    public String scalarsMethod() {
        return switch (this) {
            case MAX -> "maximum";
            case MIN -> "minimum";
            default -> name().toLowerCase();
        };
    }
}
