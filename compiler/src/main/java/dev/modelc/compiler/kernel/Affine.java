package dev.modelc.compiler.kernel;

import dev.modelc.compiler.types.Dim;
import java.util.ArrayList;
import java.util.List;

/**
 * An integer that is an affine function of a kernel's loop variables: {@code offset + sum of
 * coefs[v] * var_v}, with symbolic sizes as coefficients. Positions along an axis and flat
 * element indices are both affine; broadcasting (a zero coefficient), transposition (permuted
 * coefficients) and strided slicing (scaled coefficients, an offset) are rewrites of them, so
 * none of those ops needs a copy.
 */
public record Affine(Dim offset, List<Dim> coefs) {
    public Affine {
        coefs = List.copyOf(coefs);
    }

    /** Loop variable {@code v} of {@code vars}. */
    public static Affine variable(int v, int vars) {
        List<Dim> c = new ArrayList<>();
        for (int i = 0; i < vars; i++) c.add(Dim.of(i == v ? 1 : 0));
        return new Affine(Dim.of(0), c);
    }

    public static Affine constant(Dim value, int vars) {
        List<Dim> c = new ArrayList<>();
        for (int i = 0; i < vars; i++) c.add(Dim.of(0));
        return new Affine(value, c);
    }

    public Affine times(Dim k) {
        return new Affine(offset.times(k), coefs.stream().map(c -> c.times(k)).toList());
    }

    public Affine plus(Affine o) {
        List<Dim> c = new ArrayList<>();
        for (int i = 0; i < coefs.size(); i++) c.add(coefs.get(i).plus(o.coefs.get(i)));
        return new Affine(offset.plus(o.offset), c);
    }

    public Affine plus(Dim k) {
        return new Affine(offset.plus(k), coefs);
    }

    /** Whether no loop variable moves it (a broadcast scalar). */
    public boolean isConstant() {
        return coefs.stream().allMatch(c -> c.isConstant(0));
    }

    /** The row-major flat index of a position given per axis, in a tensor of shape {@code dims}. */
    public static Affine flat(List<Affine> position, List<Dim> dims, int vars) {
        Affine out = constant(Dim.of(0), vars);
        Dim stride = Dim.of(1);
        for (int a = dims.size() - 1; a >= 0; a--) {
            out = out.plus(position.get(a).times(stride));
            stride = stride.times(dims.get(a));
        }
        return out;
    }

    /** {@code 3*i0 + i1 + 2}; the loop variables are named by {@code names}. */
    public String render(List<String> names) {
        StringBuilder s = new StringBuilder();
        for (int v = 0; v < coefs.size(); v++) {
            Dim c = coefs.get(v);
            if (c.isConstant(0)) continue;
            if (!s.isEmpty()) s.append(" + ");
            if (c.isConstant(1)) s.append(names.get(v));
            else if (c.terms().size() == 1) s.append(c).append('*').append(names.get(v));
            else s.append('(').append(c).append(")*").append(names.get(v));
        }
        if (!offset.isConstant(0) || s.isEmpty()) {
            if (!s.isEmpty()) s.append(" + ");
            s.append(offset.terms().size() > 1 && !s.isEmpty() ? "(" + offset + ")" : offset.toString());
        }
        return s.toString();
    }
}
