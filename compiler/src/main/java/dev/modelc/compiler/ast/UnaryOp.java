package dev.modelc.compiler.ast;

/** Prefix operators. */
public enum UnaryOp {
    NEG("-", "negate"),
    PLUS("+", "apply unary + to"),
    NOT("~", "invert");

    private final String symbol;
    private final String verb;

    UnaryOp(String symbol, String verb) {
        this.symbol = symbol;
        this.verb = verb;
    }

    public String symbol() {
        return symbol;
    }

    /** How a diagnostic says it: "cannot negate bool[3]". */
    public String verb() {
        return verb;
    }
}
