package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 12's "the interpreter disagrees with the compiled backends under --dtype f64 on f32
 * models": the override redeclares every floating value before the graph is optimized, on every
 * backend, so constants (a mean's 1/n, a literal scale, a constant folded at check time) are
 * computed in the dtype the program runs in, as PyTorch computes after {@code .double()}.
 */
class DTypeOverrideTest {
    private static CheckedModel model(String source) {
        Compilation c = Compiler.compile(new SourceFile("dtype.model", source));
        assertFalse(c.hasErrors(), c::render);
        return c.program().orElseThrow().models().getFirst();
    }

    private static CompiledModel.Gradients run(Backend backend, DType floating, String source, double... w) {
        CompiledModel m = backend.compile(model(source), floating);
        DType declared = m.params().getFirst().dtype();
        return m.lossAndGradients(Map.of("w", Tensor.of(declared, new int[] {w.length}, w)), Map.of());
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void theGradientOfAMeanIsOneOverNInF64(Backend backend) {
        CompiledModel.Gradients g = run(backend, DType.F64, """
                model M {
                  param w: f32[5] = zeros()
                  loss = mean(w)
                }
                """, 1, 2, 3, 4, 5);
        assertEquals(3.0, g.loss().toDoubleArray()[0]);
        assertArrayEquals(new double[] {0.2, 0.2, 0.2, 0.2, 0.2}, g.gradients().get("w").toDoubleArray(), 0);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void aLiteralScaleIsExactInF64(Backend backend) {
        CompiledModel.Gradients g = run(backend, DType.F64, """
                model M {
                  param w: f32[5] = zeros()
                  loss = sum(w * 0.1)
                }
                """, 1, 2, 3, 4, 5);
        assertArrayEquals(new double[] {0.1, 0.1, 0.1, 0.1, 0.1}, g.gradients().get("w").toDoubleArray(), 0);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void aConstantOfTheCheckerIsRecomputedInF64(Backend backend) {
        CompiledModel.Gradients g = run(backend, DType.F64, """
                model M {
                  param w: f32[3] = zeros()
                  loss = sum(w * sqrt(full([3], 2.0, dtype = f32)))
                }
                """, 1, 2, 3);
        double r = Math.sqrt(2);
        assertArrayEquals(new double[] {r, r, r}, g.gradients().get("w").toDoubleArray(), 0);
    }

    /** The other way: an f64 model run in f32 rounds its constants to f32 everywhere. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void theGradientOfAMeanIsOneOverNInF32(Backend backend) {
        CompiledModel.Gradients g = run(backend, DType.F32, """
                model M {
                  param w: f64[5] = zeros()
                  loss = mean(w)
                }
                """, 1, 2, 3, 4, 5);
        assertEquals(DType.F32, g.gradients().get("w").dtype());
        double fifth = 0.2f;
        assertArrayEquals(new double[] {fifth, fifth, fifth, fifth, fifth}, g.gradients().get("w").toDoubleArray(), 0);
    }
}
