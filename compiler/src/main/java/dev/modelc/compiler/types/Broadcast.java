package dev.modelc.compiler.types;

import java.util.ArrayList;
import java.util.List;

/** NumPy broadcasting over symbolic shapes: a symbolic size meets only itself and 1. */
public final class Broadcast {
    private Broadcast() {
    }

    /** The outcome of broadcasting two shapes: the shape, or the first axis (from the right) that clashes. */
    public sealed interface Result {
        record Ok(Shape shape) implements Result {
        }

        /** {@code axis} counts from the right, as NumPy reports it: -1 is the last axis. */
        record Clash(int axis, Dim left, Dim right) implements Result {
            public String explain() {
                return "dimension " + axis + " is " + left + " on the left and " + right
                        + " on the right (NumPy broadcasting)";
            }
        }
    }

    public static Result shapes(Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        List<Dim> out = new ArrayList<>(rank);
        for (int i = rank; i >= 1; i--) {
            Dim da = i <= a.rank() ? a.dim(a.rank() - i) : Dim.of(1);
            Dim db = i <= b.rank() ? b.dim(b.rank() - i) : Dim.of(1);
            if (da.equals(db) || db.isConstant(1)) out.add(da);
            else if (da.isConstant(1)) out.add(db);
            else return new Result.Clash(-i, da, db);
        }
        return new Result.Ok(new Shape(out));
    }

    /** Whether {@code from} broadcasts to exactly {@code to} (only {@code from}'s axes stretch). */
    public static boolean to(Shape from, Shape to) {
        if (from.rank() > to.rank()) return false;
        for (int i = 1; i <= from.rank(); i++) {
            Dim f = from.dim(from.rank() - i);
            Dim t = to.dim(to.rank() - i);
            if (!f.equals(t) && !f.isConstant(1)) return false;
        }
        return true;
    }
}
