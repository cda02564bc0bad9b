package dev.modelc.compiler.types;

import dev.modelc.runtime.model.Size;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The size of one axis: a fixed number, a symbolic dimension such as {@code N} bound when the
 * model runs, or a polynomial in them with integer coefficients ({@code 3*N} after a reshape,
 * {@code N + M} after a cat, {@code N - 1} after a slice). Kept in a canonical form, so equal
 * sizes are equal records.
 *
 * <p>Arithmetic is exact or refused: a result with more than {@link #MAX_TERMS} terms, a term of
 * degree above {@link #MAX_DEGREE}, or a coefficient past a long throws {@link DimTooLarge}
 * (never a wrapped number, never an expansion into millions of terms).
 *
 * @param terms monomial (sorted symbol names, with repeats) to a non-zero coefficient
 */
public record Dim(Map<List<String>, Long> terms) {
    /** The most terms a size may have; real sizes have one to four ({@code N}, {@code N + M - 1}). */
    public static final int MAX_TERMS = 256;
    /** The most symbols one term may multiply ({@code N*N*M} has degree 3). */
    public static final int MAX_DEGREE = 256;

    public Dim {
        TreeMap<List<String>, Long> canonical = new TreeMap<>(Dim::compareMonomials);
        terms.forEach((k, v) -> {
            if (v != 0) canonical.put(List.copyOf(k), v);
        });
        terms = Collections.unmodifiableMap(canonical);
    }

    public static Dim of(long size) {
        return new Dim(Map.of(List.of(), size));
    }

    public static Dim symbol(String name) {
        Objects.requireNonNull(name, "name == null");
        return new Dim(Map.of(List.of(name), 1L));
    }

    /** Whether this size is a fixed number. */
    public boolean isConstant() {
        return terms.isEmpty() || (terms.size() == 1 && terms.containsKey(List.of()));
    }

    /** The fixed number; only for constant dims. */
    public long constant() {
        if (!isConstant()) throw new IllegalStateException(this + " is symbolic");
        return terms.getOrDefault(List.of(), 0L);
    }

    public boolean isConstant(long value) {
        return isConstant() && constant() == value;
    }

    public Dim plus(Dim other) {
        Map<List<String>, Long> out = new TreeMap<>(Dim::compareMonomials);
        out.putAll(terms);
        other.terms.forEach((k, v) -> out.merge(k, v, Dim::addExact));
        return checked(out);
    }

    public Dim minus(Dim other) {
        return plus(other.times(Dim.of(-1)));
    }

    public Dim times(Dim other) {
        Map<List<String>, Long> out = new TreeMap<>(Dim::compareMonomials);
        terms.forEach((k1, v1) -> other.terms.forEach((k2, v2) -> {
            if (k1.size() + k2.size() > MAX_DEGREE) {
                throw new DimTooLarge("a term of this size would multiply more than " + MAX_DEGREE + " symbolic sizes");
            }
            List<String> m = new ArrayList<>(k1);
            m.addAll(k2);
            Collections.sort(m);
            long product;
            try {
                product = Math.multiplyExact(v1, v2);
            } catch (ArithmeticException e) {
                throw overflow();
            }
            out.merge(m, product, Dim::addExact);
        }));
        return checked(out);
    }

    private static Dim checked(Map<List<String>, Long> terms) {
        Dim d = new Dim(terms);
        if (d.terms.size() > MAX_TERMS) {
            throw new DimTooLarge("this size would be a polynomial of more than " + MAX_TERMS + " terms");
        }
        return d;
    }

    private static long addExact(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw overflow();
        }
    }

    private static DimTooLarge overflow() {
        return new DimTooLarge("this size arithmetic overflows a 64-bit integer");
    }

    /**
     * This size divided by a single-term size, when the division is exact ({@code 6*N / 3 = 2*N},
     * {@code N*M / N = M}); null otherwise.
     */
    public Dim dividedBy(Dim divisor) {
        if (divisor.terms.size() != 1) return divisor.equals(this) ? Dim.of(1) : null;
        var d = divisor.terms.entrySet().iterator().next();
        Map<List<String>, Long> out = new TreeMap<>(Dim::compareMonomials);
        for (var t : terms.entrySet()) {
            if (t.getValue() % d.getValue() != 0) return null;
            List<String> rest = new ArrayList<>(t.getKey());
            for (String s : d.getKey()) {
                if (!rest.remove(s)) return null;
            }
            out.put(rest, t.getValue() / d.getValue());
        }
        return new Dim(out);
    }

    /** Symbols this size mentions. */
    public List<String> symbols() {
        List<String> out = new ArrayList<>();
        for (List<String> m : terms.keySet()) for (String s : m) if (!out.contains(s)) out.add(s);
        return out;
    }

    private static int compareMonomials(List<String> a, List<String> b) {
        if (a.size() != b.size()) return Integer.compare(b.size(), a.size()); // higher degree first
        for (int i = 0; i < a.size(); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) return c;
        }
        return 0;
    }

    /** This size as the runtime declares it (a {@code TensorSpec}'s): fixed, a symbol alone, or a polynomial. */
    public Size toSize() {
        if (isConstant()) return Size.fixed(constant());
        if (terms.size() == 1 && terms.getOrDefault(List.of(symbols().getFirst()), 0L) == 1) return Size.symbol(symbols().getFirst());
        List<Size.Term> out = new ArrayList<>();
        terms.forEach((m, c) -> out.add(new Size.Term(c, m)));
        return new Size.Polynomial(out);
    }

    /** {@code 3}, {@code N}, {@code 3*N}, {@code N + M}, {@code N - 1}. */
    @Override
    public String toString() {
        if (terms.isEmpty()) return "0";
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (var t : terms.entrySet()) {
            long c = t.getValue();
            List<String> m = t.getKey();
            if (!first) out.append(c < 0 ? " - " : " + ");
            else if (c < 0) out.append('-');
            long mag = Math.abs(c);
            if (m.isEmpty()) out.append(mag);
            else {
                if (mag != 1) out.append(mag).append('*');
                out.append(String.join("*", m));
            }
            first = false;
        }
        return out.toString();
    }
}
