package dev.modelc.compiler.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.backend.bytecode.BytecodeModel;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.interp.Interpreter;
import dev.modelc.compiler.passes.Pipeline;
import dev.modelc.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Fusion by recomputation ({@link Recomputation}): a cheap exact producer read by two kernels
 * is computed in each instead of stored, and only then; the results keep the interpreter's bits.
 */
class RecomputationTest {
    private static Graph graph(String shared) {
        Compilation c = Compiler.compile(new SourceFile("r.model", """
                model R {
                  input x: f32[N]
                  input y: f32[N]
                  input z: f32[N]
                  output u = y / (%s)
                  output v = z * (%1$s)
                }
                """.formatted(shared)));
        assertFalse(c.hasErrors(), c::render);
        CheckedModel m = c.program().orElseThrow().models().getFirst();
        return Pipeline.optimize(EntryPoint.FORWARD.graph(m.graph()), false);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "1.0 + x * x; 2",                            // cheap, exact, reads x alone: recomputed
            "maximum(abs(x), 0.5) - relu(x); 2",         // four exact functions of x
            "x * y + 1.0; 3",                            // reads two tensors: stored
            "exp(x) + 1.0; 3",                           // a transcendental: stored
            "((x * x + x) * x + x) * x; 3",              // five functions: stored
    })
    void cheapExactProducersAreRecomputedInEachReader(String shared, int kernels) {
        Graph g = graph(shared);
        KernelPlan plan = Scheduler.schedule("R.forward", g);
        assertEquals(kernels, plan.kernels().size(), () -> PlanPrinter.print(plan));
        // Device plans keep the producer stored, one loop each.
        assertEquals(3, Scheduler.schedule("R.forward", g, false).kernels().size());
        Random r = new Random(4);
        int n = 1_001;
        float[] x = new float[n], y = new float[n], z = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i % 97 == 0 ? -0f : (float) r.nextGaussian() * 3;
            y[i] = (float) r.nextGaussian();
            z[i] = i % 89 == 0 ? Float.NaN : (float) r.nextGaussian();
        }
        Map<String, Tensor> in = Map.of("x", Tensor.of(x, n), "y", Tensor.of(y, n), "z", Tensor.of(z, n));
        List<Tensor> want = Interpreter.results(g, in, Interpreter.Precision.DECLARED, 0);
        for (boolean lanes : new boolean[] {false, true}) {
            if (lanes && !dev.modelc.compiler.backend.bytecode.VectorLanes.present()) continue;
            List<Tensor> got = BytecodeModel.compile(plan, lanes).run(in, 0);
            for (int k = 0; k < want.size(); k++) {
                double[] w = want.get(k).toDoubleArray(), d = got.get(k).toDoubleArray();
                for (int i = 0; i < n; i++) {
                    int at = i, out = k;
                    if (shared.contains("exp") && lanes && !Double.isNaN(w[i])) {
                        // exp on lanes is within 1 ulp, not always the scalar bits (UnaryFn.Lanes.CLOSE).
                        assertEquals(w[i], d[i], 1e-5 * Math.max(1, Math.abs(w[i])));
                    } else {
                        assertEquals(Float.floatToIntBits((float) w[i]), Float.floatToIntBits((float) d[i]),
                                () -> "output " + out + " at " + at + (lanes ? " on lanes" : ""));
                    }
                }
            }
        }
    }
}
