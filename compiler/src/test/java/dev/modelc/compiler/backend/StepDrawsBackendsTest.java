package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Philox;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.Mode;
import dev.modelc.runtime.model.StepKey;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The step's draws ({@code rand_like}, {@code randn_like}, {@code bernoulli}, {@code dropout}):
 * the same (seed, step) gives the same bits on every backend, the interpreter's; another step or
 * seed gives others; each element is the Philox formula of {@code runtime.Philox} at its site and
 * index; passes neither merge two draws nor renumber the ones left. (The CUDA backend runs the
 * draw on host copies with the runtime's own code: {@code cuda-checks}' EmulatedCudaTest.)
 */
class StepDrawsBackendsTest {
    static final String DRAWS = """
            model Draws {
              input x: f32[N, 4]
              input y: f64[3, N]
              output u = rand_like(x)
              output z = randn_like(x)
              output u64 = rand_like(y)
              output z64 = randn_like(y)
              output b = bernoulli(0.3, [4, 5])
              output b64 = bernoulli(f64(0.7), [2, 3])
              output d = dropout(x, 0.25)
              output d64 = dropout(y, 0.5)
            }
            """;

    static CheckedModel model(String source) {
        Compilation c = Compiler.compile(new SourceFile("draws.model", source));
        assertFalse(c.hasErrors(), c::render);
        return c.program().orElseThrow().models().getFirst();
    }

    static Map<String, Tensor> inputs(int n) {
        double[] x = new double[n * 4], y = new double[3 * n];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        for (int i = 0; i < y.length; i++) y[i] = -0.5 * (i + 1);
        return Map.of("x", Tensor.of(DType.F32, new int[] {n, 4}, x), "y", Tensor.of(DType.F64, new int[] {3, n}, y));
    }

    private static Map<String, Tensor> forward(Backend backend, String source, StepKey key, int n) {
        return backend.compile(model(source), null).inMode(Mode.TRAINING).forward(Map.of(), inputs(n), key);
    }

    /**
     * dropout acts in the training step only: in evaluation (forward, eval, validation) it is x
     * itself on every backend, whatever the key, and the model has two programs; in training the
     * same call drops about half of 4 x 64 elements and scales the rest by 2.
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void dropoutIsTheIdentityOutsideTheTrainingStep(Backend backend) {
        String source = """
                model D {
                  input x: f32[N, 4]
                  input y: f64[3, N]
                  drop = Dropout(0.5)
                  output kept = drop(x)
                }
                """;
        CompiledModel m = backend.compile(model(source), null);
        Map<String, Tensor> in = inputs(64);
        double[] x = in.get("x").toDoubleArray();
        for (StepKey key : new StepKey[] {StepKey.NONE, new StepKey(3, 9)}) {
            assertArrayEquals(x, m.inMode(Mode.EVALUATION).forward(Map.of(), in, key).get("kept").toDoubleArray(), 0);
        }
        double[] trained = m.inMode(Mode.TRAINING).forward(Map.of(), in, new StepKey(3, 9)).get("kept").toDoubleArray();
        int dropped = 0;
        for (int i = 0; i < x.length; i++) {
            if (trained[i] == 0) dropped++;
            else assertEquals(2 * x[i], trained[i], 0, "element " + i);
        }
        // Binomial(256, 0.5): 6 standard deviations are 48.
        assertTrue(Math.abs(dropped - 128) <= 48, "dropped " + dropped + " of 256");
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"BYTECODE", "JAVA"})
    void everyBackendDrawsTheInterpretersBits(Backend backend) {
        StepKey key = new StepKey(42, 7);
        Map<String, Tensor> want = forward(Backend.INTERP, DRAWS, key, 6);
        Map<String, Tensor> got = forward(backend, DRAWS, key, 6);
        assertEquals(want.keySet(), got.keySet());
        for (String name : want.keySet()) {
            assertEquals(want.get(name).dtype(), got.get(name).dtype(), name);
            assertArrayEquals(want.get(name).toDoubleArray(), got.get(name).toDoubleArray(), 0, name);
        }
    }

    @Test
    void eachElementIsPhiloxAtItsSiteAndIndex() {
        StepKey key = new StepKey(3, 11);
        Map<String, Tensor> out = forward(Backend.BYTECODE, DRAWS, key, 2);
        double[] u = out.get("u").toDoubleArray(), z = out.get("z").toDoubleArray();
        double[] u64 = out.get("u64").toDoubleArray(), z64 = out.get("z64").toDoubleArray();
        for (int i = 0; i < u.length; i++) {
            // Sites in the order of the calls: u is draw 0, z draw 1, u64 draw 2, z64 draw 3.
            assertEquals(Philox.uniform24(Philox.element(key.key(), 0, i)), u[i]);
            assertEquals((float) Philox.normal(Philox.element(key.key(), 1, i)), z[i]);
        }
        for (int i = 0; i < u64.length; i++) {
            assertEquals(Philox.uniform53(Philox.element(key.key(), 2, i)), u64[i]);
            assertEquals(Philox.normal(Philox.element(key.key(), 3, i)), z64[i]);
        }
        double[] b = out.get("b").toDoubleArray();
        for (int i = 0; i < b.length; i++) {
            assertEquals(Philox.uniform24(Philox.element(key.key(), 4, i)) < (float) 0.3 ? 1.0 : 0.0, b[i]);
        }
        double[] d = out.get("d").toDoubleArray();
        float scale = (float) (1 / (double) (float) 0.75);
        for (int i = 0; i < d.length; i++) {
            boolean kept = Philox.uniform24(Philox.element(key.key(), 6, i)) >= 0.25f;
            assertEquals(kept ? (float) (i + 1) * scale : 0f, (float) d[i]);
        }
    }

    @Test
    void uniformsAreInTheUnitIntervalWithTheirDtypesBits() {
        Map<String, Tensor> out = forward(Backend.BYTECODE, DRAWS, new StepKey(1, 1), 4000);
        for (double v : out.get("u").toDoubleArray()) {
            assertTrue(v >= 0 && v < 1, () -> "f32 uniform " + v);
            assertEquals(v, Math.scalb(Math.rint(Math.scalb(v, 24)), -24), "24 bits");
        }
        boolean finer = false;
        for (double v : out.get("u64").toDoubleArray()) {
            assertTrue(v >= 0 && v < 1, () -> "f64 uniform " + v);
            finer |= v != Math.scalb(Math.rint(Math.scalb(v, 24)), -24);
        }
        assertTrue(finer, "f64 uniforms carry more than 24 bits");
    }

    @Test
    void theSameStepDrawsTheSameAndAnotherStepOrSeedDrawsOthers() {
        CompiledModel m = Backend.BYTECODE.compile(model(DRAWS), null).inMode(Mode.TRAINING);
        Map<String, Tensor> in = inputs(5);
        Map<String, Tensor> a = m.forward(Map.of(), in, new StepKey(9, 4));
        Map<String, Tensor> again = m.forward(Map.of(), in, new StepKey(9, 4));
        Map<String, Tensor> nextStep = m.forward(Map.of(), in, new StepKey(9, 5));
        Map<String, Tensor> otherSeed = m.forward(Map.of(), in, new StepKey(10, 4));
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name).toDoubleArray(), again.get(name).toDoubleArray(), 0, name);
            if (name.startsWith("b") || name.startsWith("d")) continue; // few elements of 0 and 1 may repeat by chance
            assertFalse(Arrays.equals(a.get(name).toDoubleArray(), nextStep.get(name).toDoubleArray()), name);
            assertFalse(Arrays.equals(a.get(name).toDoubleArray(), otherSeed.get(name).toDoubleArray()), name);
        }
        // A call given no key draws as seed 0, step 0.
        assertArrayEquals(m.forward(Map.of(), in, new StepKey(0, 0)).get("u").toDoubleArray(),
                m.forward(Map.of(), in).get("u").toDoubleArray(), 0);
    }

    @Test
    void twoEqualDrawsAreTwoDraws() {
        Map<String, Tensor> out = forward(Backend.BYTECODE, """
                def noise(x) = rand_like(x)
                model M {
                  input x: f32[N, 4]
                  input y: f64[3, N]
                  output same_call = rand_like(x) - rand_like(x)
                  output same_def = noise(x) - noise(x)
                  output twice = dropout(x, 0.5) - dropout(x, 0.5)
                }
                """, new StepKey(5, 0), 50);
        for (String name : out.keySet()) {
            assertTrue(Arrays.stream(out.get(name).toDoubleArray()).anyMatch(v -> v != 0), name + " is all zeros: one draw was shared");
        }
    }

    /** A draw no output reads is removed, and the draws after it keep their numbers (their values). */
    @Test
    void deadDrawsDoNotRenumberTheOthers() {
        StepKey key = new StepKey(8, 2);
        Map<String, Tensor> both = forward(Backend.BYTECODE, """
                model M {
                  input x: f32[N, 4]
                  input y: f64[3, N]
                  output first = rand_like(x)
                  output second = randn_like(x)
                }
                """, key, 3);
        for (Backend backend : new Backend[] {Backend.INTERP, Backend.BYTECODE, Backend.JAVA}) {
            Map<String, Tensor> alone = forward(backend, """
                    model M {
                      input x: f32[N, 4]
                      input y: f64[3, N]
                      unused = rand_like(x)
                      output second = randn_like(x)
                    }
                    """, key, 3);
            assertArrayEquals(both.get("second").toDoubleArray(), alone.get("second").toDoubleArray(), 0, backend.name());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void aDrawHasNoGradientAndDropoutsIsItsMaskOverOneMinusP(Backend backend) {
        CompiledModel m = backend.compile(model("""
                model M {
                  input x: f64[200, 3]
                  param w: f64[200, 3] = zeros()
                  output kept = dropout(w, 0.4)
                  loss = sum(dropout(w, 0.4) * x) + sum(rand_like(w) * w) - sum(rand_like(w) * w) + sum(bernoulli(w))
                }
                """), null).inMode(Mode.TRAINING);
        int n = 200;
        double[] w = new double[n * 3], x = new double[n * 3];
        Arrays.fill(w, 1);
        for (int i = 0; i < x.length; i++) x[i] = 1 + i % 7;
        Map<String, Tensor> params = Map.of("w", Tensor.of(DType.F64, new int[] {n, 3}, w));
        Map<String, Tensor> batch = Map.of("x", Tensor.of(DType.F64, new int[] {n, 3}, x));
        StepKey key = new StepKey(77, 3);
        double[] g = m.lossAndGradients(params, batch, key).gradients().get("w").toDoubleArray();
        // The loss's dropout is draw 1 (the output's is draw 0); rand_like's gradients cancel
        // (the draw passes nothing back, w's two terms differ only by their draws), bernoulli's p gets zero.
        double scale = 1 / (1 - 0.4);
        int dropped = 0;
        for (int i = 0; i < g.length; i++) {
            boolean kept = Philox.uniform53(Philox.element(key.key(), 1, i)) >= 0.4;
            double rand = Philox.uniform53(Philox.element(key.key(), 2, i)) - Philox.uniform53(Philox.element(key.key(), 3, i));
            assertEquals((kept ? scale : 0) * x[i] + rand, g[i], 1e-15, "element " + i);
            if (!kept) dropped++;
        }
        assertTrue(dropped > 0 && dropped < g.length, "dropped " + dropped);
    }
}
