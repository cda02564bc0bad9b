package dev.modelc.compiler.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelc.runtime.exec.Scalars;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.junit.jupiter.api.Test;

/**
 * The op table's entries agree with the runtime: generated code calls {@code Scalars.<name>} by
 * the entry's {@link UnaryFn#scalarsMethod}, the interpreter and folding call {@link UnaryFn#apply};
 * both must be the same function, bit for bit, at ordinary and awkward points.
 */
class OpTableTest {
    private static final double[] POINTS = {-1e300, -710, -3.5, -2.5, -1, -0.5, -1e-300, -0.0, 0.0, 1e-300, 0.5, 1, 1.5, 2.5,
            3.5, 8, 710, 1e300, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};

    @Test
    void everyEntryIsTheScalarsMethodOfItsName() throws Throwable {
        for (UnaryFn fn : UnaryFn.values()) {
            MethodHandle m = MethodHandles.publicLookup().findStatic(Scalars.class, fn.scalarsMethod(),
                    MethodType.methodType(double.class, double.class));
            for (double x : POINTS) {
                double want = (double) m.invokeExact(x);
                assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(fn.apply(x)), fn + "(" + x + ")");
            }
        }
    }

    @Test
    void spellingsAreDistinctAndLowerCase() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (UnaryFn fn : UnaryFn.values()) {
            assertEquals(fn.spelling(), fn.spelling().toLowerCase(), fn.toString());
            assertEquals(true, seen.add(fn.spelling()), fn.spelling());
        }
    }
}
