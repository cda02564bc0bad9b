package dev.modelc.compiler.ast;

/** Infix operators, with the verb a diagnostic uses for them. */
public enum BinaryOp {
    ADD("+", "add", Kind.ARITHMETIC),
    SUB("-", "subtract", Kind.ARITHMETIC),
    MUL("*", "multiply", Kind.ARITHMETIC),
    DIV("/", "divide", Kind.ARITHMETIC),
    POW("**", "raise", Kind.ARITHMETIC),
    MATMUL("@", "matrix-multiply", Kind.MATMUL),
    LT("<", "compare", Kind.COMPARISON),
    LE("<=", "compare", Kind.COMPARISON),
    GT(">", "compare", Kind.COMPARISON),
    GE(">=", "compare", Kind.COMPARISON),
    EQ("==", "compare", Kind.COMPARISON),
    NE("!=", "compare", Kind.COMPARISON),
    AND("&", "and", Kind.LOGICAL),
    OR("|", "or", Kind.LOGICAL);

    /** Operator families, which share typing rules. */
    public enum Kind { ARITHMETIC, MATMUL, COMPARISON, LOGICAL }

    private final String symbol;
    private final String verb;
    private final Kind kind;

    BinaryOp(String symbol, String verb, Kind kind) {
        this.symbol = symbol;
        this.verb = verb;
        this.kind = kind;
    }

    public String symbol() {
        return symbol;
    }

    public String verb() {
        return verb;
    }

    public Kind kind() {
        return kind;
    }
}
