package dev.modelc.compiler.graph;

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

    /** The function on one f64 value; bools are 0 and 1. Stable forms where the naive one overflows. */
    public double apply(double x) {
        return switch (this) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case LOG1P -> Math.log1p(x);
            case SQRT -> Math.sqrt(x);
            case SQUARE -> x * x;
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case TANH -> Math.tanh(x);
            // 1/(1+e^-x) overflows e^-x for very negative x only harmlessly (gives 0); for positive x it is exact.
            case SIGMOID -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
            case RELU -> x > 0 || Double.isNaN(x) ? x : 0;                 // NaN stays NaN, as in PyTorch
            // log(1 + e^x) = max(x, 0) + log1p(e^-|x|): never overflows.
            case SOFTPLUS -> Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
            case SIGN -> Math.signum(x);
            case RECIPROCAL -> 1 / x;
            case NOT -> x == 0 ? 1 : 0;
        };
    }
}
