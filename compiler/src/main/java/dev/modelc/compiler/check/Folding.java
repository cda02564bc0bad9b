package dev.modelc.compiler.check;

import dev.modelc.compiler.ast.BinaryOp;
import dev.modelc.compiler.check.Value.Known;
import dev.modelc.compiler.types.Dim;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * Folds scalar constants exactly as the language reference says: in f64, with true division.
 * Integer sizes (including symbolic ones from {@code size(x, k)}) fold through + - *, so
 * {@code size(x, 0) * 3} is still a size a reshape can use.
 */
final class Folding {
    private Folding() {
    }

    static Known scalar(double v) {
        return new Known.Numbers(new double[] {v});
    }

    /** The value of a scalar constant, or NaN when it is not a known number. */
    static double number(Known k) {
        return switch (k) {
            case Known.Numbers n when n.data().length == 1 -> n.data()[0];
            case Known.Sizes s when s.dims().size() == 1 && s.dims().getFirst().isConstant() -> s.dims().getFirst().constant();
            case null, default -> Double.NaN;
        };
    }

    /** The value as a list of sizes, when every element is an integer or a symbolic size; else null. */
    static List<Dim> sizes(Known k) {
        return switch (k) {
            case Known.Sizes s -> s.dims();
            case Known.Numbers n -> {
                List<Dim> out = new ArrayList<>();
                for (double v : n.data()) {
                    if (v != Math.rint(v) || Math.abs(v) > Long.MAX_VALUE / 2.0) yield null;
                    out.add(Dim.of((long) v));
                }
                yield out;
            }
            case null -> null;
        };
    }

    static Known binary(BinaryOp op, Known a, Known b) {
        if (a == null || b == null) return null;
        List<Dim> da = sizes(a), db = sizes(b);
        boolean symbolic = a instanceof Known.Sizes || b instanceof Known.Sizes;
        if (symbolic && da != null && db != null && da.size() == 1 && db.size() == 1) {
            Dim x = da.getFirst(), y = db.getFirst();
            Dim r = switch (op) {
                case ADD -> x.plus(y);
                case SUB -> x.minus(y);
                case MUL -> x.times(y);
                default -> null;
            };
            if (r != null) return new Known.Sizes(List.of(r));
            if (!(x.isConstant() && y.isConstant())) return null;
        }
        double x = number(a), y = number(b);
        if (Double.isNaN(x) || Double.isNaN(y)) return null;
        return switch (op) {
            case ADD -> scalar(x + y);
            case SUB -> scalar(x - y);
            case MUL -> scalar(x * y);
            case DIV -> scalar(x / y);
            case POW -> scalar(Math.pow(x, y));
            case LT -> scalar(x < y ? 1 : 0);
            case LE -> scalar(x <= y ? 1 : 0);
            case GT -> scalar(x > y ? 1 : 0);
            case GE -> scalar(x >= y ? 1 : 0);
            case EQ -> scalar(x == y ? 1 : 0);
            case NE -> scalar(x != y ? 1 : 0);
            case AND -> scalar(x != 0 && y != 0 ? 1 : 0);
            case OR -> scalar(x != 0 || y != 0 ? 1 : 0);
            case MATMUL -> null;
        };
    }

    static Known unary(DoubleUnaryOperator f, Known a) {
        if (a instanceof Known.Sizes s && s.dims().size() == 1 && f == NEGATE) {
            return new Known.Sizes(List.of(s.dims().getFirst().times(Dim.of(-1))));
        }
        double x = number(a);
        return Double.isNaN(x) ? null : scalar(f.applyAsDouble(x));
    }

    static final DoubleUnaryOperator NEGATE = x -> -x;
}
