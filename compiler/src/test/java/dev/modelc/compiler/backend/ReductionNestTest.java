package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reproductions of issue 12's "bytecode kernels fail verification": a reduction whose inner
 * loop nest has an axis longer than the unrolling limit inside a kept (outer) axis short enough
 * to be unrolled. The second unrolled copy read the first copy's loop-bound local, which the
 * verifier saw as unassigned ({@code top}) after the first copy's loop. Each model runs on the
 * compiled backends and must give the interpreter's bits (f64: same rounding, same order).
 */
class ReductionNestTest {
    private static CheckedModel model(String source) {
        Compilation c = Compiler.compile(new SourceFile("nest.model", source));
        assertFalse(c.hasErrors(), c::render);
        return c.program().orElseThrow().models().getFirst();
    }

    private static Tensor random(long seed, int... shape) {
        Generator g = Generator.of(seed, "nest");
        double[] v = new double[Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = g.nextUniform(-1, 1);
        return Tensor.of(DType.F64, shape, v);
    }

    private static void same(Tensor want, Tensor got, String what) {
        assertArrayEquals(want.shape(), got.shape(), what);
        assertArrayEquals(want.toDoubleArray(), got.toDoubleArray(), 0, what);
    }

    /** Loss and every gradient on {@code backend} equal the interpreter's, bit for bit. */
    private static void lossAndGradientsAgree(Backend backend, String source, Map<String, Tensor> values) {
        CheckedModel m = model(source);
        Map<String, Tensor> params = new LinkedHashMap<>(), inputs = new LinkedHashMap<>();
        for (var p : m.signature().params()) params.put(p.path(), values.get(p.path()));
        for (var i : m.signature().inputs()) inputs.put(i.name(), values.get(i.name()));
        CompiledModel.Gradients want = Backend.INTERP.compile(m, null).lossAndGradients(params, inputs);
        CompiledModel.Gradients got = backend.compile(m, null).lossAndGradients(params, inputs);
        same(want.loss(), got.loss(), "loss");
        assertEquals(want.gradients().keySet(), got.gradients().keySet());
        for (String k : want.gradients().keySet()) same(want.gradients().get(k), got.gradients().get(k), "grad " + k);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"BYTECODE", "JAVA"})
    void sumOfABroadcastProduct(Backend backend) {
        lossAndGradientsAgree(backend, """
                model M {
                  input x0: f64[1, 5, 2]
                  param w1: f64[1, 2] = zeros()
                  loss = sum(x0 * w1)
                }
                """, Map.of("x0", random(1, 1, 5, 2), "w1", random(2, 1, 2)));
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"BYTECODE", "JAVA"})
    void sumOfABatchedMatmul(Backend backend) {
        lossAndGradientsAgree(backend, """
                model M {
                  input x0: f64[1, 5, 1, 3]
                  param w1: f64[3, 2] = zeros()
                  loss = sum(x0 @ w1)
                }
                """, Map.of("x0", random(3, 1, 5, 1, 3), "w1", random(4, 3, 2)));
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"BYTECODE", "JAVA"})
    void sumOverOuterAxesInAForwardKernel(Backend backend) {
        CheckedModel m = model("""
                model M {
                  input x0: f64[2, 3, 5, 3]
                  output t = sum(x0, axis = [0, 2])
                }
                """);
        Map<String, Tensor> in = Map.of("x0", random(5, 2, 3, 5, 3));
        Tensor want = Backend.INTERP.compile(m, null).forward(Map.of(), in).get("t");
        Tensor got = backend.compile(m, null).forward(Map.of(), in).get("t");
        assertArrayEquals(new int[] {3, 3}, got.shape());
        same(want, got, "t");
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"BYTECODE", "JAVA"})
    void sumOfASquaredSlicedProduct(Backend backend) {
        lossAndGradientsAgree(backend, """
                model M {
                  input x: f64[2, 4, 4, 1]
                  param w: f64[1, 2] = zeros()
                  loss = sum((x[:, 0:3, 1:4, :] * w) ** 2)
                }
                """, Map.of("x", random(6, 2, 4, 4, 1), "w", random(7, 1, 2)));
    }
}
