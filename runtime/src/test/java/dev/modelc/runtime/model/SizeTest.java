package dev.modelc.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SizeTest {
    @Test
    void parsesEachKindOfSize() {
        assertEquals(new Size.Fixed(3), Size.parse("3"));
        assertEquals(new Size.Symbol("N"), Size.parse(" N "));
        assertEquals(new Size.Polynomial(List.of(new Size.Term(3, List.of("N")))), Size.parse("3*N"));
        assertEquals(new Size.Polynomial(List.of(new Size.Term(1, List.of("N")), new Size.Term(-1, List.of()))), Size.parse("N - 1"));
        assertEquals(new Size.Polynomial(List.of(new Size.Term(-2, List.of("M", "N")), new Size.Term(1, List.of("K")))),
                Size.parse("-2*N*M + K"));
    }

    @Test
    void writesWhatItReads() {
        for (String s : List.of("0", "3", "N", "3*N", "N + M", "N - 1", "-N + 4", "2*M*N - 3*K + 1", "N*N")) {
            assertEquals(s, Size.parse(s).toString(), s);
        }
    }

    @Test
    void refusesWhatIsNoSize() {
        for (String s : List.of("", "N +", "3N", "N**2", "N / 2", "-3", "0*N", "99999999999999999999")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Size.parse(s), s);
            assertEquals(true, e.getMessage().startsWith("not a size: '" + s + "'"), e.getMessage());
        }
    }

    @Test
    void evaluatesWithTheSymbolsSizes() {
        Map<String, Long> sizes = Map.of("N", 5L, "M", 7L);
        assertEquals(3, Size.parse("3").value(sizes::get));
        assertEquals(5, Size.parse("N").value(sizes::get));
        assertEquals(2 * 35 - 5 + 1, Size.parse("2*M*N - N + 1").value(sizes::get));
        assertEquals(List.of("M", "N"), Size.parse("2*M*N - N + 1").symbols());
    }

    @Test
    void specPrintsAsDeclared() {
        TensorSpec x = new TensorSpec("x", dev.modelc.runtime.DType.F32, List.of(Size.symbol("N"), Size.parse("2*N + 1"), Size.fixed(3)));
        assertEquals("x: f32[N, 2*N + 1, 3]", x.toString());
    }
}
