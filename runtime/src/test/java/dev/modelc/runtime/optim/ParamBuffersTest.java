package dev.modelc.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The optimizers writing into a training loop's own arrays ({@link ParamBuffers}): the same bits as
 * the allocating step and as the general f64 path, and never a write to an array someone else can read.
 */
class ParamBuffersTest {
    private static final int STEPS = 7;
    /** Longer than a block of {@link ParamBuffers#finite}, and not a multiple of it. */
    private static final int[] W = {3, 1000};
    private static final int[] B = {5};

    static List<Arguments> optimizers() {
        List<Arguments> out = new ArrayList<>();
        Map<String, Supplier<Optimizer>> all = new LinkedHashMap<>();
        all.put("sgd", () -> new Sgd(0.05));
        all.put("sgd momentum", () -> new Sgd(0.05, 0.9, 0));
        all.put("sgd momentum, weight decay, nesterov", () -> new Sgd(0.05, 0.9, 0, 0.01, true));
        all.put("sgd dampening", () -> new Sgd(0.05, 0.8, 0.3, 0.02, false));
        all.put("adam", () -> new Adam(0.01));
        all.put("adam weight decay", () -> new Adam(0.01, 0.8, 0.95, 1e-6, 0.05));
        all.put("adam beta1 below one half", () -> new Adam(0.01, 0.3, 0.9, 1e-8, 0));
        all.put("adamw", () -> Adam.decoupled(0.01, 0.9, 0.999, 1e-8, 0.1));
        for (DType dtype : new DType[] {DType.F32, DType.F64}) all.forEach((name, make) -> out.add(Arguments.of(name, dtype, make)));
        return out;
    }

    /** Deterministic values of both signs and several magnitudes, as the param's dtype holds them. */
    static Tensor values(DType dtype, int[] shape, int seed) {
        double[] v = new double[Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = Math.sin(0.37 * i + 1.7 * seed) * (1 + (i + seed) % 7) * 0.3;
        return Tensor.of(dtype, shape, v);
    }

    static Map<String, Tensor> params(DType dtype) {
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("w", values(dtype, W, 1));
        p.put("b", values(dtype, B, 2));
        // No gradient: the optimizers return it as it is.
        p.put("frozen", values(dtype, B, 3));
        return p;
    }

    static Map<String, Tensor> grads(DType dtype, int step) {
        Map<String, Tensor> g = new LinkedHashMap<>();
        g.put("w", values(dtype, W, 10 + step));
        g.put("b", values(dtype, B, 20 + step));
        return g;
    }

    static Object copy(Tensor t) {
        return switch (t.storage()) {
            case float[] f -> f.clone();
            case double[] d -> d.clone();
            default -> throw new AssertionError(t.dtype());
        };
    }

    static void assertSameBits(Tensor expected, Tensor actual, String where) {
        assertEquals(expected.dtype(), actual.dtype(), where);
        assertArrayEquals(expected.shape(), actual.shape(), where);
        switch (expected.storage()) {
            case float[] f -> {
                float[] a = (float[]) actual.storage();
                for (int i = 0; i < f.length; i++) {
                    assertEquals(Float.floatToRawIntBits(f[i]), Float.floatToRawIntBits(a[i]), where + " at " + i);
                }
            }
            case double[] d -> {
                double[] a = (double[]) actual.storage();
                for (int i = 0; i < d.length; i++) {
                    assertEquals(Double.doubleToRawLongBits(d[i]), Double.doubleToRawLongBits(a[i]), where + " at " + i);
                }
            }
            default -> throw new AssertionError(expected.dtype());
        }
    }

    static void assertSameBits(Map<String, Tensor> expected, Map<String, Tensor> actual, String where) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()), where);
        expected.forEach((k, t) -> assertSameBits(t, actual.get(k), where + ", " + k));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("optimizers")
    void writingIntoTheLoopsArraysGivesTheBitsOfTheAllocatingStep(String name, DType dtype, Supplier<Optimizer> make) {
        Optimizer allocating = make.get(), buffered = make.get();
        ParamBuffers buffers = new ParamBuffers();
        Map<String, Tensor> given = params(dtype);
        Map<String, Object> givenValues = new LinkedHashMap<>();
        given.forEach((k, t) -> givenValues.put(k, copy(t)));
        Map<String, Tensor> a = given, b = given;
        List<Map<String, Tensor>> kept = new ArrayList<>();
        for (int step = 1; step <= STEPS; step++) {
            a = allocating.step(a, grads(dtype, step));
            Map<String, Tensor> next = buffered.step(b, grads(dtype, step), buffers);
            for (var e : next.entrySet()) {
                // Written this step (finite, checked as written), or returned as it was: nothing else.
                if (e.getKey().equals("frozen")) assertFalse(buffers.knownFinite(e.getValue()), "frozen");
                else assertTrue(buffers.knownFinite(e.getValue()), e.getKey() + " on step " + step);
            }
            buffers.accept(next);
            if (step >= 3) {
                // Double buffering: step k writes into step k - 2's arrays, and never into step k - 1's.
                assertSame(kept.get(step - 3).get("w").storage(), next.get("w").storage(), "step " + step);
                assertNotSame(b.get("w").storage(), next.get("w").storage(), "step " + step);
            }
            b = next;
            kept.add(b);
            assertSameBits(a, b, name + " " + dtype + ", step " + step);
            assertSameBits(allocating.stateDict(), buffered.stateDict(), name + " " + dtype + " state, step " + step);
        }
        // The caller's tensors are never written.
        givenValues.forEach((k, v) -> assertSameBits(Tensor.wrap(dtype, given.get(k).shape(), v), given.get(k), "given " + k));
        assertSame(given.get("frozen"), b.get("frozen"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void theFloatPathGivesTheBitsOfTheGeneralDoublePath(String name, DType dtype, Supplier<Optimizer> make) {
        if (dtype != DType.F32) return;
        // f64 gradients (holding f32 values) send f32 params down the general path, which computes in
        // double and rounds each operation to float; f32 gradients take the float path.
        Optimizer floats = make.get(), general = make.get();
        Map<String, Tensor> f = params(DType.F32), g = params(DType.F32);
        ParamBuffers buffers = new ParamBuffers();
        for (int step = 1; step <= STEPS; step++) {
            Map<String, Tensor> grads = grads(DType.F32, step), wide = new LinkedHashMap<>();
            grads.forEach((k, t) -> wide.put(k, t.to(DType.F64)));
            f = floats.step(f, grads, buffers);
            buffers.accept(f);
            g = general.step(g, wide);
            assertSameBits(g, f, name + ", step " + step);
            assertSameBits(general.stateDict(), floats.stateDict(), name + " state, step " + step);
        }
    }

    @Test
    void handedOutParamsAreNeverWrittenAgain() {
        Optimizer sgd = new Sgd(0.1);
        ParamBuffers buffers = new ParamBuffers();
        Map<String, Tensor> p = params(DType.F32);
        p = sgd.step(p, grads(DType.F32, 1), buffers);
        buffers.accept(p);
        p = sgd.step(p, grads(DType.F32, 2), buffers);
        buffers.accept(p);
        buffers.handedOut();
        Map<String, Tensor> out = p;
        float[] seen = ((float[]) out.get("w").storage()).clone();
        for (int step = 3; step <= 8; step++) {
            p = sgd.step(p, grads(DType.F32, step), buffers);
            buffers.accept(p);
            assertNotSame(out.get("w").storage(), p.get("w").storage(), "step " + step);
        }
        assertArrayEquals(seen, (float[]) out.get("w").storage());
    }

    @Test
    void aStateHoldingAnotherParamsOldArrayKeepsIt() {
        // An update rule `b = a`: the model returns a's value before the step as b's new one.
        Optimizer sgd = new Sgd(0.1);
        ParamBuffers buffers = new ParamBuffers();
        Map<String, Tensor> p = new LinkedHashMap<>(Map.of("a", values(DType.F32, B, 1)));
        for (int step = 1; step <= 2; step++) {
            p = new LinkedHashMap<>(sgd.step(p, Map.of("a", values(DType.F32, B, step)), buffers));
            buffers.accept(p);
        }
        Tensor a = p.get("a");
        float[] held = ((float[]) a.storage()).clone();
        Map<String, Tensor> next = new LinkedHashMap<>(sgd.step(p, Map.of("a", values(DType.F32, B, 3)), buffers));
        next.put("b", a);
        buffers.accept(next);
        for (int step = 4; step <= 6; step++) {
            Map<String, Tensor> n = new LinkedHashMap<>(sgd.step(next, Map.of("a", values(DType.F32, B, step)), buffers));
            buffers.accept(n);
            next = n;
            assertNotSame(a.storage(), next.get("a").storage(), "step " + step);
        }
        assertArrayEquals(held, (float[]) next.get("b").storage());
    }

    @Test
    void aStepThatOverflowsSaysSoForTheParamItWrote() {
        Optimizer sgd = new Sgd(1e38);
        ParamBuffers buffers = new ParamBuffers();
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("w", values(DType.F32, W, 1));
        Map<String, Tensor> g = new LinkedHashMap<>();
        float[] big = new float[Tensor.numel(W)];
        big[2999] = 1e10f; // in the second block
        g.put("w", Tensor.of(big, W));
        Map<String, Tensor> next = sgd.step(p, g, buffers);
        assertFalse(buffers.knownFinite(next.get("w")));
        assertEquals(Float.NEGATIVE_INFINITY, ((float[]) next.get("w").storage())[2999]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dtypes")
    void aLargeParamSplitAcrossCoresGivesTheGeneralPathsBitsAndSeesANanInAnyChunk(DType dtype) {
        // Plain SGD's float and double paths split a param this large in chunks across the cores;
        // gradients of the other dtype send the same values down the general path.
        DType other = dtype == DType.F32 ? DType.F64 : DType.F32;
        int[] shape = {3, 10 * Updates.CHUNK + 77};
        Map<String, Tensor> p = Map.of("w", values(dtype, shape, 1));
        Tensor g = values(DType.F32, shape, 2);
        ParamBuffers buffers = new ParamBuffers();
        Map<String, Tensor> fast = new Sgd(0.05).step(p, Map.of("w", g.to(dtype)), buffers);
        Map<String, Tensor> general = new Sgd(0.05).step(p, Map.of("w", g.to(other)));
        assertSameBits(general, fast, dtype.toString());
        assertTrue(buffers.knownFinite(fast.get("w")));
        int n = Tensor.numel(shape);
        for (int at : new int[] {0, Updates.CHUNK - 1, Updates.CHUNK, n / 2, n - 78, n - 1}) {
            double[] bad = g.toDoubleArray();
            bad[at] = at % 2 == 0 ? Double.NaN : Double.POSITIVE_INFINITY;
            ParamBuffers into = new ParamBuffers();
            Tensor w = new Sgd(0.05).step(p, Map.of("w", Tensor.of(dtype, shape, bad)), into).get("w");
            assertFalse(into.knownFinite(w), "bad gradient at " + at);
            assertTrue(Double.isNaN(w.toDoubleArray()[at]) || Double.isInfinite(w.toDoubleArray()[at]), "at " + at);
        }
    }

    @Test
    void adamSplitsALargeF32ParamAcrossCoresWithTheGeneralPathsBitsAndSeesANanInAnyChunk() {
        int[] shape = {3, 10 * Updates.CHUNK + 77};
        int n = Tensor.numel(shape);
        Map<String, Tensor> p = Map.of("w", values(DType.F32, shape, 1));
        Tensor g = values(DType.F32, shape, 2);
        Optimizer floats = Adam.decoupled(0.01, 0.9, 0.999, 1e-8, 0.1), general = Adam.decoupled(0.01, 0.9, 0.999, 1e-8, 0.1);
        Map<String, Tensor> f = p, d = p;
        for (int step = 1; step <= 3; step++) {
            ParamBuffers buffers = new ParamBuffers();
            f = floats.step(f, Map.of("w", g), buffers);
            d = general.step(d, Map.of("w", g.to(DType.F64)));
            assertSameBits(d, f, "step " + step);
            assertSameBits(general.stateDict(), floats.stateDict(), "state, step " + step);
            assertTrue(buffers.knownFinite(f.get("w")));
        }
        for (int at : new int[] {0, Updates.CHUNK, n / 2, n - 1}) {
            double[] bad = g.toDoubleArray();
            bad[at] = Double.NaN;
            ParamBuffers into = new ParamBuffers();
            Tensor w = new Adam(0.01).step(p, Map.of("w", Tensor.of(DType.F32, shape, bad)), into).get("w");
            assertFalse(into.knownFinite(w), "NaN gradient at " + at);
        }
    }

    static List<DType> dtypes() {
        return List.of(DType.F32, DType.F64);
    }
}
