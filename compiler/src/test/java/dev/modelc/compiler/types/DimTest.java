package dev.modelc.compiler.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.runtime.model.Size;
import java.util.List;
import java.util.Set;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class DimTest {
    private static final Dim N = Dim.symbol("N");
    private static final Dim M = Dim.symbol("M");

    @Test
    void printsPolynomialsReadably() {
        assertEquals("3", Dim.of(3).toString());
        assertEquals("N", N.toString());
        assertEquals("3*N", N.times(Dim.of(3)).toString());
        assertEquals("M + N", N.plus(M).toString());
        assertEquals("N - 1", N.minus(Dim.of(1)).toString());
        assertEquals("M*N", N.times(M).toString());
        assertEquals("0", N.minus(N).toString());
    }

    @Test
    void equalSizesAreEqualWhateverTheOrderOfOperations() {
        assertEquals(N.plus(M), M.plus(N));
        assertEquals(N.times(Dim.of(2)), N.plus(N));
        assertEquals(Dim.of(1), N.minus(N).plus(Dim.of(1)));
        assertTrue(N.minus(N).isConstant(0));
        assertFalse(N.isConstant());
    }

    @Test
    void dividesExactlyOrNotAtAll() {
        assertEquals(N.times(Dim.of(2)), N.times(Dim.of(6)).dividedBy(Dim.of(3)));
        assertEquals(M, N.times(M).dividedBy(N));
        assertNull(N.times(Dim.of(3)).dividedBy(Dim.of(2)));
        assertNull(N.dividedBy(M));
        assertEquals(Dim.of(1), N.plus(M).dividedBy(N.plus(M)));
        assertNull(N.plus(Dim.of(1)).dividedBy(Dim.of(2)));
    }

    @Property(tries = 200)
    void constantArithmeticMatchesLongArithmetic(@ForAll @IntRange(min = -1000, max = 1000) int a,
                                                 @ForAll @IntRange(min = -1000, max = 1000) int b) {
        assertEquals(Dim.of((long) a + b), Dim.of(a).plus(Dim.of(b)));
        assertEquals(Dim.of((long) a * b), Dim.of(a).times(Dim.of(b)));
        assertEquals(Dim.of((long) a - b), Dim.of(a).minus(Dim.of(b)));
        if (b != 0 && a % b == 0) assertEquals(Dim.of(a / b), Dim.of(a).dividedBy(Dim.of(b)));
    }

    @Test
    void crossesToTheRuntimeAsTheSameSize() {
        Dim k = Dim.symbol("K");
        assertEquals(Size.fixed(3), Dim.of(3).toSize());
        assertEquals(Size.fixed(0), Dim.of(0).toSize());
        assertEquals(Size.symbol("N"), N.toSize());
        for (Dim d : List.of(N.times(Dim.of(3)), N.minus(Dim.of(1)), N.plus(M), N.times(M).times(Dim.of(2)).minus(k.times(Dim.of(3))).plus(Dim.of(1)),
                N.times(N), Dim.of(4).minus(N))) {
            Size s = d.toSize();
            assertTrue(s instanceof Size.Polynomial, d.toString());
            assertEquals(d.toString(), s.toString());
            assertEquals(s, Size.parse(d.toString()));
            assertEquals(Set.copyOf(d.symbols()), Set.copyOf(s.symbols()));
        }
    }

    /** Any size the compiler can print, the runtime reads back as the size Dim.toSize gives, with the same value. */
    @Property(tries = 300)
    void everySpellingOfASizeParsesToItsRuntimeSize(@ForAll("terms") List<List<Integer>> terms,
                                                    @ForAll @IntRange(min = 1, max = 9) int n, @ForAll @IntRange(min = 1, max = 9) int m) {
        Dim d = Dim.of(0);
        for (List<Integer> t : terms) {
            Dim term = Dim.of(t.get(0));
            for (int k = 0; k < t.get(1); k++) term = term.times(N);
            for (int k = 0; k < t.get(2); k++) term = term.times(M);
            d = d.plus(term);
        }
        Assume.that(!d.isConstant() || d.constant() >= 0); // a declared size is never a negative number
        Size s = d.toSize();
        assertEquals(d.toString(), s.toString());
        assertEquals(s, Size.parse(d.toString()));
        Map<String, Long> sizes = Map.of("N", (long) n, "M", (long) m);
        long want = 0;
        for (var t : d.terms().entrySet()) {
            long v = t.getValue();
            for (String sym : t.getKey()) v *= sizes.get(sym);
            want += v;
        }
        assertEquals(want, s.value(sizes::get));
    }

    @Provide
    Arbitrary<List<List<Integer>>> terms() {
        Arbitrary<List<Integer>> term = Combinators.combine(Arbitraries.integers().between(-20, 20),
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 2)).as(List::of);
        return term.list().ofMinSize(0).ofMaxSize(5);
    }
}
