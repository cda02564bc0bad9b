package dev.modelc.compiler.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.runtime.model.Size;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
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
}
