package dev.modelc.compiler.graph;

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

    public double apply(double a, double b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> Math.pow(a, b);
            case MAX -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
            case MIN -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case AND -> a != 0 && b != 0 ? 1 : 0;
            case OR -> a != 0 || b != 0 ? 1 : 0;
        };
    }
}
