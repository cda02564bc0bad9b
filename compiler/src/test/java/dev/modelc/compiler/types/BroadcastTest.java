package dev.modelc.compiler.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BroadcastTest {
    private static final Dim N = Dim.symbol("N");

    private static Shape ok(Shape a, Shape b) {
        return assertInstanceOf(Broadcast.Result.Ok.class, Broadcast.shapes(a, b)).shape();
    }

    @Test
    void followsNumPy() {
        assertEquals(Shape.of(N, Dim.of(2)), ok(Shape.of(N, Dim.of(2)), Shape.of(2)));
        assertEquals(Shape.of(5, 4, 3), ok(Shape.of(5, 1, 3), Shape.of(4, 1)));
        assertEquals(Shape.of(3), ok(Shape.SCALAR, Shape.of(3)));
        assertEquals(Shape.of(N, Dim.of(3)), ok(Shape.of(N, Dim.of(1)), Shape.of(1, 3)));
    }

    @Test
    void aSymbolicSizeMeetsOnlyItselfAndOne() {
        var clash = assertInstanceOf(Broadcast.Result.Clash.class, Broadcast.shapes(Shape.of(N), Shape.of(3)));
        assertEquals(-1, clash.axis());
        assertEquals("dimension -1 is N on the left and 3 on the right (NumPy broadcasting)", clash.explain());
        assertInstanceOf(Broadcast.Result.Clash.class, Broadcast.shapes(Shape.of(N), Shape.of(Dim.symbol("M"))));
    }

    @Test
    void namesTheClashingAxisFromTheRight() {
        var clash = assertInstanceOf(Broadcast.Result.Clash.class,
                Broadcast.shapes(Shape.of(4, 2, 3), Shape.of(5, 3)));
        assertEquals(-2, clash.axis());
        assertEquals(Dim.of(2), clash.left());
        assertEquals(Dim.of(5), clash.right());
    }

    @Test
    void broadcastToStretchesOnlyTheSource() {
        assertTrue(Broadcast.to(Shape.of(1, 3), Shape.of(4, 3)));
        assertTrue(Broadcast.to(Shape.of(3), Shape.of(N, Dim.of(3))));
        assertFalse(Broadcast.to(Shape.of(4, 3), Shape.of(1, 3)));
        assertFalse(Broadcast.to(Shape.of(2, 4, 3), Shape.of(4, 3)));
    }
}
