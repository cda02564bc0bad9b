package dev.modelc.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SizeBinderTest {
    private static List<Size> sizes(String... dims) {
        return java.util.Arrays.stream(dims).map(Size::parse).toList();
    }

    @Test
    void bindsEachSymbolFromTheFirstTensorThatHasItAlone() {
        SizeBinder b = new SizeBinder();
        assertEquals(Optional.empty(), b.bind("x", sizes("N", "3"), new int[] {5, 3}));
        assertEquals(Optional.empty(), b.bind("y", sizes("M", "N"), new int[] {2, 5}));
        assertEquals(Map.of("N", 5L, "M", 2L), b.sizes());
        assertEquals(List.of("N", "M"), List.copyOf(b.sizes().keySet()));
        assertEquals(Optional.of(new SizeBinder.Binding(5, "x", 0)), b.binding("N"));
        assertEquals(OptionalLong.of(11), b.value(Size.parse("2*N + 1")));
        assertEquals(OptionalLong.empty(), b.value(Size.parse("K + N")));
    }

    @Test
    void namesWhereASymbolGotTheSizeItDisagreesWith() {
        SizeBinder b = new SizeBinder();
        b.bind("x", sizes("N", "3"), new int[] {5, 3});
        assertEquals(Optional.of(new SizeBinder.Mismatch.Conflict("N", new SizeBinder.Binding(5, "x", 0), 1, 4)),
                b.bind("y", sizes("2", "N"), new int[] {2, 4}));
        // within one tensor: the earlier axis is the prior binding, and nothing of the tensor is bound
        assertEquals(Optional.of(new SizeBinder.Mismatch.Conflict("K", new SizeBinder.Binding(2, "z", 0), 1, 3)),
                b.bind("z", sizes("K", "K"), new int[] {2, 3}));
        assertEquals(Optional.empty(), b.binding("K"));
    }

    @Test
    void reportsRankAndFixedSizesInAxisOrderUnlessAskedForSymbolsOnly() {
        SizeBinder b = new SizeBinder();
        assertEquals(Optional.of(new SizeBinder.Mismatch.Rank(2, 1)), b.bind("x", sizes("N", "3"), new int[] {5}));
        assertEquals(Optional.of(new SizeBinder.Mismatch.Fixed(1, 3, 4)), b.bind("x", sizes("N", "3"), new int[] {5, 4}));
        assertEquals(Optional.empty(), b.binding("N"));
        assertEquals(Optional.empty(), b.bindSymbols("x", sizes("N", "3"), new int[] {5, 4}));
        assertEquals(Optional.of(new SizeBinder.Binding(5, "x", 0)), b.binding("N"));
    }

    @Test
    void checksPolynomialSizesAgainstTheSymbolsBoundAnywhere() {
        SizeBinder b = new SizeBinder();
        List<Size> padded = sizes("N + 1");
        // declared before the tensor that binds N: not checked while binding
        assertEquals(Optional.empty(), b.bind("p", padded, new int[] {7}));
        assertEquals(Optional.empty(), b.checkDerived(padded, new int[] {7}));
        b.bind("x", sizes("N"), new int[] {5});
        assertEquals(Optional.of(new SizeBinder.Mismatch.Derived(0, Size.parse("N + 1"), 6, 7)), b.checkDerived(padded, new int[] {7}));
        assertEquals(Optional.empty(), b.checkDerived(padded, new int[] {6}));
    }

    @Test
    void saysWhichTensorsWouldBindASizeNoneBound() {
        assertEquals("dimension N is not bound by any input or param", SizeBinder.notBound("N", ""));
        assertEquals("dimension N is not bound by the values given: give a value for 'x' [N, 3] or 'y' [N]",
                SizeBinder.notBound("N", "'x' [N, 3] or 'y' [N]"));
    }
}
