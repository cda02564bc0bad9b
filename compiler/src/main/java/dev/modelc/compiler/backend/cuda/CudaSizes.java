package dev.modelc.compiler.backend.cuda;

import dev.modelc.compiler.kernel.Affine;
import dev.modelc.compiler.types.Dim;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sizes and indices as CUDA C {@code long long} expressions: a plan's symbolic sizes are kernel
 * parameters named {@code d_<symbol>}; every index is 64-bit, so tensors past 2^31 elements
 * index correctly.
 */
final class CudaSizes {
    private final Map<String, String> names = new LinkedHashMap<>();

    /** Names for the plan's symbols, in plan order; symbols whose C names would collide get their position appended. */
    CudaSizes(List<String> symbols) {
        for (int i = 0; i < symbols.size(); i++) {
            String base = "d_" + symbols.get(i).replaceAll("[^A-Za-z0-9_]", "_");
            names.put(symbols.get(i), names.containsValue(base) ? base + "_" + i : base);
        }
    }

    /** The parameter names of the symbols, in plan order. */
    List<String> parameters() {
        return List.copyOf(names.values());
    }

    /** {@code (2LL * d_N + 3LL)}: a size as a long long expression, parenthesized unless it is one token, so it is safe beside any operator. */
    String dim(Dim d) {
        if (d.isConstant()) return d.constant() < 0 ? "(" + d.constant() + "LL)" : d.constant() + "LL";
        List<String> terms = new ArrayList<>();
        for (var t : d.terms().entrySet()) {
            List<String> factors = new ArrayList<>();
            if (t.getValue() != 1 || t.getKey().isEmpty()) factors.add(t.getValue() + "LL");
            for (String s : t.getKey()) factors.add(name(s));
            terms.add(String.join(" * ", factors));
        }
        String s = String.join(" + ", terms);
        return s.contains(" ") || s.startsWith("-") ? "(" + s + ")" : s;
    }

    private String name(String symbol) {
        String n = names.get(symbol);
        if (n == null) throw new IllegalStateException("size " + symbol + " is not one of the plan's symbols " + names.keySet());
        return n;
    }

    /**
     * An affine index over loop variables named by {@code vars}; a variable named null is part of
     * a flat group, whose moving terms all become {@code flat[group]} once (the loop's own
     * position: what a flat loop guarantees of every access that moves).
     *
     * @param group for each variable, which flat group it belongs to (0 outer, 1 inner)
     */
    String index(Affine a, String[] vars, int[] group, String[] flat) {
        List<String> terms = new ArrayList<>();
        boolean[] moves = new boolean[flat.length];
        for (int v = 0; v < a.coefs().size(); v++) {
            Dim c = a.coefs().get(v);
            if (c.isConstant(0)) continue;
            if (vars[v] == null) {
                moves[group[v]] = true;
            } else {
                terms.add(c.isConstant(1) ? vars[v] : dim(c) + " * " + vars[v]);
            }
        }
        for (int g = 0; g < flat.length; g++) if (moves[g]) terms.add(flat[g]);
        if (!a.offset().isConstant(0) || terms.isEmpty()) terms.add(dim(a.offset()));
        return String.join(" + ", terms);
    }
}
