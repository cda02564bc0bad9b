package dev.modelc.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link LaneMath}'s functions against the scalar path's {@code (float) Math.f((double) x)}:
 * within 1 ulp over a sweep of every f32 bit pattern at a stride and at random ones, special
 * values exactly; every lane with the bits of the scalar twin ({@code LaneMath.exp(float)} ...),
 * which the loops' remainders call, so an element's value does not depend on its position.
 */
class LaneMathTest {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    enum Fn {
        EXP(LaneMath::exp, LaneMath::exp, Math::exp),
        LOG(LaneMath::log, LaneMath::log, Math::log),
        LOG1P(LaneMath::log1p, LaneMath::log1p, Math::log1p),
        SIN(LaneMath::sin, LaneMath::sin, Math::sin),
        COS(LaneMath::cos, LaneMath::cos, Math::cos),
        TANH(LaneMath::tanh, LaneMath::tanh, Math::tanh);

        final UnaryOperator<FloatVector> lanes;
        final FloatUnary twin;
        final DoubleUnaryOperator math;

        Fn(UnaryOperator<FloatVector> lanes, FloatUnary twin, DoubleUnaryOperator math) {
            this.lanes = lanes;
            this.twin = twin;
            this.math = math;
        }

        float scalar(float x) {
            return (float) math.applyAsDouble(x);
        }
    }

    interface FloatUnary {
        float apply(float x);
    }

    /** Each lane of {@code xs} (a multiple of the lanes long) through {@code fn} on lanes. */
    private static float[] onLanes(Fn fn, float[] xs) {
        float[] ys = new float[xs.length];
        for (int i = 0; i < xs.length; i += F.length()) fn.lanes.apply(FloatVector.fromArray(F, xs, i)).intoArray(ys, i);
        return ys;
    }

    /** Distance in ulps between two floats of the same sign (their bit patterns ordered as integers). */
    private static long ulps(float a, float b) {
        return Math.abs(ordered(a) - ordered(b));
    }

    private static long ordered(float f) {
        int bits = Float.floatToRawIntBits(f);
        return bits < 0 ? -(long) (bits & Integer.MAX_VALUE) : bits;
    }

    /** Within 1 ulp of the scalar path (NaN where it is NaN, infinite and zero with its sign where it is), and the twin's bits. */
    private static void check(Fn fn, float[] xs) {
        float[] ys = onLanes(fn, xs);
        for (int i = 0; i < xs.length; i++) {
            float x = xs[i], want = fn.scalar(x), got = ys[i];
            String at = fn + "(" + x + " = " + Float.toHexString(x) + "): " + got + " on lanes, " + want + " from Math";
            assertEquals(Float.floatToRawIntBits(fn.twin.apply(x)), Float.floatToRawIntBits(got), () -> at + ", " + fn.twin.apply(x) + " from the twin");
            if (Float.isNaN(want) || Float.isNaN(got)) {
                assertTrue(Float.isNaN(want) && Float.isNaN(got), at);
            } else if (Float.isInfinite(want) || want == 0 || Math.abs(want) == 1 && Math.abs(x) > 1e-3f && fn == Fn.TANH) {
                // Exactly where Math's is infinite, a signed zero or tanh's saturation (1 - 2^-25 rounds to 1).
                if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(got) && !(Float.isInfinite(want) && ulps(want, got) <= 1)) fail(at);
            } else {
                assertTrue(Math.signum(want) == Math.signum(got) && ulps(want, got) <= 1, at);
            }
        }
    }

    /** Every 4,099th bit pattern (about a million, all exponents, both signs), a whole number of vectors. */
    private static float[] sweep() {
        int step = 4099, n = (int) ((1L << 32) / step) / F.length() * F.length();
        float[] xs = new float[n];
        for (int i = 0; i < n; i++) xs[i] = Float.intBitsToFloat((int) ((long) i * step));
        return xs;
    }

    @ParameterizedTest
    @EnumSource(Fn.class)
    void withinAnUlpOverASweepOfAllFloats(Fn fn) {
        check(fn, sweep());
    }

    /** The inputs where each function changes regime: overflow and underflow, poles, reduction limits, series limits. */
    private static final float[] EDGES = {
            0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE,
            Float.MIN_NORMAL, -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f, 0.5f, 2f,
            // exp: the largest finite result, the first infinite; results in the subnormals; the last nonzero.
            88.72283f, 88.72284f, 88.7229f, 89f, 89.5f, -87.33654f, -87.4f, -100f, -103.27893f, -103.97208f, -103.98f, -104f, -105f,
            // log1p: the pole, below it, the tiny range where it is x.
            -1f, Math.nextUp(-1f), Math.nextDown(-1f), -2f, 0x1p-29f, -0x1p-29f, 0x1p-30f, 0x1.fffffep-30f, 1e-20f, -1e-20f,
            // sin and cos: multiples of pi/2 near the reduction's limit, the limit, past it, huge.
            1.5707964f, 3.1415927f, 4.712389f, 6.2831855f, 7571.2383f, 8191.999f, 8192f, 8192.001f, -8192.001f, 1e5f, 1e30f, -1e38f,
            0x1p-12f, 0x1.fffffep-13f, 0x1p-13f, 1e-30f,
            // tanh: the series' limit, saturation.
            0.0625f, Math.nextDown(0.0625f), 9.01f, 9.02f, 10f, -10f, 20f, 1e-10f,
    };

    @ParameterizedTest
    @EnumSource(Fn.class)
    void edgeCasesAsMathGivesThem(Fn fn) {
        float[] xs = new float[(EDGES.length + F.length() - 1) / F.length() * F.length()];
        System.arraycopy(EDGES, 0, xs, 0, EDGES.length);
        check(fn, xs);
        // Each edge alone in a vector of ones: a lane's value does not depend on its neighbours.
        for (float x : EDGES) {
            float[] one = new float[F.length()];
            java.util.Arrays.fill(one, 1f);
            one[F.length() - 1] = x;
            assertEquals(Float.floatToRawIntBits(onLanes(fn, xs)[indexOf(xs, x)]), Float.floatToRawIntBits(onLanes(fn, one)[F.length() - 1]),
                    () -> fn + "(" + x + ") beside other values");
        }
    }

    private static int indexOf(float[] xs, float x) {
        for (int i = 0; i < xs.length; i++) if (Float.floatToRawIntBits(xs[i]) == Float.floatToRawIntBits(x)) return i;
        throw new AssertionError(x);
    }

    @Test
    void specialValuesExactly() {
        float[] xs = new float[F.length()];
        xs[0] = Float.NaN;
        xs[1] = Float.NEGATIVE_INFINITY;
        xs[2] = -0f;
        xs[3] = -105f;
        float[] exp = onLanes(Fn.EXP, xs);
        assertTrue(Float.isNaN(exp[0]));
        assertEquals(0f, exp[1]);
        assertEquals(1f, exp[2]);
        assertEquals(0f, exp[3]);
        xs[3] = 89f;
        assertEquals(Float.POSITIVE_INFINITY, onLanes(Fn.EXP, xs)[3]);
        xs[3] = -1f;
        float[] log = onLanes(Fn.LOG, xs);
        assertTrue(Float.isNaN(log[0]) && Float.isNaN(log[1]) && Float.isNaN(log[3]));
        assertEquals(Float.NEGATIVE_INFINITY, log[2]);
        float[] log1p = onLanes(Fn.LOG1P, xs);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(log1p[2]));
        assertEquals(Float.NEGATIVE_INFINITY, log1p[3]);
        float[] sin = onLanes(Fn.SIN, xs), tanh = onLanes(Fn.TANH, xs);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(sin[2]));
        assertTrue(Float.isNaN(sin[1]));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(tanh[2]));
        assertEquals(-1f, tanh[1]);
        assertEquals(1f, onLanes(Fn.COS, xs)[2]);
    }

    @Property(tries = 300)
    void withinAnUlpAtRandomBitPatterns(@ForAll int seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] xs = new float[F.length() * 4];
        for (int i = 0; i < xs.length; i++) {
            // Half any bit pattern, half the range models use.
            xs[i] = i % 2 == 0 ? Float.intBitsToFloat(r.nextInt()) : (float) (r.nextGaussian() * Math.pow(10, r.nextInt(5) - 2));
        }
        for (Fn fn : Fn.values()) check(fn, xs);
    }
}
