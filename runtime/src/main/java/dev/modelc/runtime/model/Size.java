package dev.modelc.runtime.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.function.ToLongFunction;

/**
 * The declared size of one axis of an input or param: a fixed number ({@code 3}), a symbolic
 * size bound when the model runs ({@code N}), or a polynomial in symbolic sizes ({@code 3*N},
 * {@code N + 1}, {@code N*M - 2}). Only a {@link Symbol} binds a size; the other two are checked
 * against the sizes bound (see {@link SizeBinder}).
 *
 * <p>{@link #toString} writes the compiler's spelling, and {@link #parse} reads it back: the
 * one parser of sizes outside the language.
 */
public sealed interface Size permits Size.Fixed, Size.Symbol, Size.Polynomial {

    /** A fixed number of elements. */
    record Fixed(long value) implements Size {
        public Fixed {
            if (value < 0) throw new IllegalArgumentException("size " + value + " < 0");
        }

        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    /** A symbolic size such as {@code N}, bound from the first tensor that has it alone on an axis. */
    record Symbol(String name) implements Size {
        public Symbol {
            Objects.requireNonNull(name, "name == null");
            if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("not a size name: '" + name + "'");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * A sum of at least one term that is neither a number nor a symbol alone, in the compiler's
     * canonical order (higher degree first, then by symbol names), so equal sizes are equal records.
     */
    record Polynomial(List<Term> terms) implements Size {
        public Polynomial {
            terms = List.copyOf(terms);
            if (terms.isEmpty()) throw new IllegalArgumentException("a polynomial size has terms");
        }

        /** {@code 3*N}, {@code N + M}, {@code N - 1}. */
        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < terms.size(); i++) {
                Term t = terms.get(i);
                long c = t.coefficient();
                if (i > 0) out.append(c < 0 ? " - " : " + ");
                else if (c < 0) out.append('-');
                long mag = Math.abs(c);
                if (t.symbols().isEmpty()) out.append(mag);
                else {
                    if (mag != 1) out.append(mag).append('*');
                    out.append(String.join("*", t.symbols()));
                }
            }
            return out.toString();
        }
    }

    /** {@code coefficient} times the product of {@code symbols} (sorted, with repeats; empty for a constant term). */
    record Term(long coefficient, List<String> symbols) {
        public Term {
            symbols = List.copyOf(symbols);
            if (coefficient == 0) throw new IllegalArgumentException("a term's coefficient is not 0");
        }
    }

    /** What a symbol may be called: the language's identifiers. */
    Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    static Size fixed(long value) {
        return new Fixed(value);
    }

    static Size symbol(String name) {
        return new Symbol(name);
    }

    /**
     * Reads a size as {@link #toString} writes it: a number, a name, or terms such as
     * {@code 2*N*M} joined by {@code +} and {@code -}.
     *
     * @throws IllegalArgumentException naming the text, when it is not a size
     */
    static Size parse(String text) {
        Objects.requireNonNull(text, "text == null");
        String s = text.strip();
        if (s.equals("0")) return new Fixed(0); // the one size without a term
        List<Term> terms = new ArrayList<>();
        int i = 0;
        boolean negative = false;
        if (s.startsWith("-")) {
            negative = true;
            i = 1;
        }
        while (true) {
            int end = i;
            while (end < s.length() && s.charAt(end) != '+' && s.charAt(end) != '-') end++;
            terms.add(term(text, s.substring(i, end).strip(), negative));
            if (end == s.length()) break;
            negative = s.charAt(end) == '-';
            i = end + 1;
        }
        if (terms.size() == 1) {
            Term t = terms.getFirst();
            if (t.symbols().isEmpty() && t.coefficient() >= 0) return new Fixed(t.coefficient());
            if (t.coefficient() == 1 && t.symbols().size() == 1) return new Symbol(t.symbols().getFirst());
            if (t.symbols().isEmpty()) throw new IllegalArgumentException("not a size: '" + text + "' (a size is not negative)");
        }
        return new Polynomial(terms);
    }

    private static Term term(String text, String factors, boolean negative) {
        long coefficient = 1;
        List<String> symbols = new ArrayList<>();
        boolean number = false;
        for (String f : factors.split("\\*", -1)) {
            String factor = f.strip();
            if (NAME.matcher(factor).matches()) {
                symbols.add(factor);
            } else if (!number && symbols.isEmpty() && factor.matches("\\d+")) {
                try {
                    coefficient = Long.parseLong(factor);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a size: '" + text + "' (" + factor + " is past a long)");
                }
                number = true;
            } else {
                throw new IllegalArgumentException("not a size: '" + text + "'");
            }
        }
        if (coefficient == 0) throw new IllegalArgumentException("not a size: '" + text + "'");
        symbols.sort(null);
        return new Term(negative ? -coefficient : coefficient, symbols);
    }

    /** The symbols this size mentions, each once, in order of appearance. */
    default List<String> symbols() {
        return switch (this) {
            case Fixed f -> List.of();
            case Symbol s -> List.of(s.name());
            case Polynomial p -> {
                List<String> out = new ArrayList<>();
                for (Term t : p.terms()) for (String s : t.symbols()) if (!out.contains(s)) out.add(s);
                yield List.copyOf(out);
            }
        };
    }

    /**
     * This size's value with each symbol's size given by {@code sizes}, in long arithmetic as
     * the compiled kernels compute it.
     */
    default long value(ToLongFunction<String> sizes) {
        return switch (this) {
            case Fixed f -> f.value();
            case Symbol s -> sizes.applyAsLong(s.name());
            case Polynomial p -> {
                long total = 0;
                for (Term t : p.terms()) {
                    long v = t.coefficient();
                    for (String s : t.symbols()) v *= sizes.applyAsLong(s);
                    total += v;
                }
                yield total;
            }
        };
    }
}
