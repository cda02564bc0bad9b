package dev.modelc.compiler.graph;

import dev.modelc.runtime.exec.Scalars;

/** Elementwise functions of one operand. */
public enum UnaryFn {
    NEG("neg"), ABS("abs"), EXP("exp"), LOG("log"), LOG1P("log1p"), SQRT("sqrt"), SQUARE("square"),
    SIN("sin"), COS("cos"), TANH("tanh"), SIGMOID("sigmoid"), RELU("relu"), SOFTPLUS("softplus"),
    SIGN("sign"), RECIPROCAL("reciprocal"), NOT("not");

    private final String spelling;

    UnaryFn(String spelling) {
        this.spelling = spelling;
    }

    public String spelling() {
        return spelling;
    }

    /** The function on one f64 value; bools are 0 and 1. Its meaning lives in {@link Scalars}, shared with generated code. */
    public double apply(double x) {
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
        };
    }

    /** The name of the {@link Scalars} method that computes it. */
    public String scalarsMethod() {
        return name().toLowerCase();
    }
}
