package dev.modelc.compiler.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.ExecutionError;
import dev.modelc.runtime.model.CompiledModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random models using row selection, gather and their gradients, run on random indices (out of
 * range and negative ones included) on every JVM backend: each run ends in values equal to the
 * interpreter's or in the same {@link ExecutionError}, never in another exception or garbage.
 */
class IndexingRunFuzzTest {
    private static final Backend[] BACKENDS = {Backend.INTERP, Backend.BYTECODE, Backend.JAVA};

    @Property(tries = 40)
    void indexingRunsOrFailsAlikeOnEveryBackend(@ForAll @IntRange(min = 1, max = 5) int rows,
                                                @ForAll @IntRange(min = 1, max = 3) int dim,
                                                @ForAll @IntRange(min = 0, max = 4) int n,
                                                @ForAll @IntRange(min = 0, max = 3) int form,
                                                @ForAll long seed) {
        Random r = new Random(seed);
        String loss = switch (form) {
            case 0 -> "sum(w[ids] ** 2)";
            case 1 -> "sum(gather(w, pos, axis = 1) * 3) + sum(tanh(w[ids]))";
            case 2 -> "sum(grad(sum(w[ids] ** 3), w)) + mean(gather(w, pos, axis = 0))";
            default -> "sum(w[ids[0]] * 2) + sum(gather(w[ids], reshape(ids, [size(ids, 0), 1]), axis = 1))";
        };
        String source = """
                model Fuzz {
                  param w: f64[%d, %d] = zeros()
                  input ids: i32[N]
                  input pos: i32[%d, %d]
                  output o = w[ids]
                  loss = %s
                }
                """.formatted(rows, dim, rows, dim, loss);
        Compilation c = FuzzSupport.compileSafely(source);
        assertFalse(c.hasErrors(), c::render);
        CheckedModel m = c.program().orElseThrow().models().getFirst();
        // n = 0 included: ids[0] of an empty ids is refused alike when the size is bound (SliceWindow).
        int[] ids = new int[n];
        boolean wild = r.nextBoolean();
        for (int k = 0; k < n; k++) ids[k] = wild ? r.nextInt(rows + 4) - 2 : r.nextInt(rows);
        int[] pos = new int[rows * dim];
        for (int k = 0; k < pos.length; k++) pos[k] = wild ? r.nextInt(Math.min(rows, dim) + 2) - 1 : r.nextInt(Math.min(rows, dim));
        double[] w = new double[rows * dim];
        for (int k = 0; k < w.length; k++) w[k] = r.nextDouble() * 2 - 1;
        Map<String, Tensor> params = Map.of("w", Tensor.of(w, rows, dim));
        Map<String, Tensor> inputs = Map.of("ids", Tensor.of(ids, n), "pos", Tensor.of(pos, rows, dim));
        List<String> outcomes = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (Backend b : BACKENDS) {
            CompiledModel cm = b.compile(m, null);
            try {
                CompiledModel.Gradients g = cm.lossAndGradients(params, inputs);
                outcomes.add("ok");
                values.add(concat(g.loss().toDoubleArray(), g.gradients().get("w").toDoubleArray()));
            } catch (ExecutionError e) {
                outcomes.add(e.getMessage());
                values.add(null);
            }
        }
        assertEquals(outcomes.getFirst(), outcomes.get(1), source + Arrays.toString(ids));
        assertEquals(outcomes.getFirst(), outcomes.get(2), source + Arrays.toString(ids));
        if (values.getFirst() != null) {
            for (int i = 1; i < values.size(); i++) assertArrayEquals(values.getFirst(), values.get(i), 1e-12, source);
        }
        assertFalse(outcomes.getFirst().isEmpty());
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
