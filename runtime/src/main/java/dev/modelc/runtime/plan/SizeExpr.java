package dev.modelc.runtime.plan;

import dev.modelc.runtime.model.Size;
import java.util.List;
import java.util.Objects;

/**
 * A size in a {@link Plan}: a polynomial over the plan's symbols ({@code 3}, {@code N},
 * {@code 2*N + 1}), compiled against their order so that it evaluates from the {@code long[]} of
 * bound sizes without a lookup by name. Arithmetic is long arithmetic, as compiled kernels do it.
 *
 * @param size the size as declared, for messages ({@link #toString} writes it)
 * @param coefficients per term, its coefficient
 * @param factors per term, the positions in the plan's symbols of the symbols it multiplies (with repeats)
 */
public record SizeExpr(Size size, long[] coefficients, int[][] factors) {
    public SizeExpr {
        Objects.requireNonNull(size, "size == null");
        if (coefficients.length != factors.length) throw new IllegalArgumentException("a coefficient per term");
    }

    /** {@code size} over {@code symbols}, each symbol it mentions being one of them. */
    public static SizeExpr of(Size size, List<String> symbols) {
        return switch (size) {
            case Size.Fixed f -> f.value() == 0 ? new SizeExpr(size, new long[0], new int[0][])
                    : new SizeExpr(size, new long[] {f.value()}, new int[][] {{}});
            case Size.Symbol s -> new SizeExpr(size, new long[] {1}, new int[][] {{position(s.name(), symbols)}});
            case Size.Polynomial p -> {
                long[] c = new long[p.terms().size()];
                int[][] f = new int[c.length][];
                for (int t = 0; t < c.length; t++) {
                    Size.Term term = p.terms().get(t);
                    c[t] = term.coefficient();
                    f[t] = term.symbols().stream().mapToInt(s -> position(s, symbols)).toArray();
                }
                yield new SizeExpr(size, c, f);
            }
        };
    }

    /** A fixed size. */
    public static SizeExpr fixed(long value) {
        return of(Size.fixed(value), List.of());
    }

    private static int position(String symbol, List<String> symbols) {
        int i = symbols.indexOf(symbol);
        if (i < 0) throw new IllegalArgumentException("size symbol " + symbol + " is not one of the plan's " + symbols);
        return i;
    }

    /** The value with the plan's symbols bound to {@code d}. */
    public long eval(long[] d) {
        long total = 0;
        for (int t = 0; t < coefficients.length; t++) {
            long v = coefficients[t];
            for (int s : factors[t]) v *= d[s];
            total += v;
        }
        return total;
    }

    /** Whether it mentions no symbol. */
    public boolean isConstant() {
        for (int[] f : factors) if (f.length > 0) return false;
        return true;
    }

    @Override
    public String toString() {
        return size.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SizeExpr e && e.size.equals(size);
    }

    @Override
    public int hashCode() {
        return size.hashCode();
    }
}
