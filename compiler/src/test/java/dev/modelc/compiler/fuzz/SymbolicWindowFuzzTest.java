package dev.modelc.compiler.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.ExecutionError;
import dev.modelc.runtime.model.CompiledModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random constant indices and slices ({@code x[i]}, {@code x[a:b:c]}, negative bounds included)
 * on an input whose size N is bound at run time to 0 to 5: the interpreter and the bytecode
 * backend either agree on the values (and gradient) or refuse the run with the same message,
 * never another exception. A slice the checker refuses at compile time is skipped.
 */
class SymbolicWindowFuzzTest {
    private static final Backend[] BACKENDS = {Backend.INTERP, Backend.BYTECODE};

    @Property(tries = 60)
    void constantWindowsOnABoundSizeRunOrFailAlike(@ForAll @IntRange(min = -6, max = 6) int a,
                                                   @ForAll @IntRange(min = -6, max = 6) int b,
                                                   @ForAll @IntRange(min = 1, max = 3) int step,
                                                   @ForAll @IntRange(min = 0, max = 3) int form,
                                                   @ForAll @IntRange(min = 0, max = 5) int n) {
        String window = switch (form) {
            case 0 -> "x[" + a + "] * 2";
            case 1 -> "x[" + a + ":]";
            case 2 -> "x[:" + b + "]";
            default -> "x[" + a + ":" + (a + Math.abs(b) + 1) + (step == 1 ? "" : ":" + step) + "]";
        };
        String source = """
                model Window {
                  input x: f64[N]
                  output y = sum(%s)
                  loss = sum((%s) ** 2)
                }
                """.formatted(window, window);
        Compilation c = FuzzSupport.compileSafely(source);
        if (c.hasErrors()) return; // refused by the checker (a negative constant length, a step on a symbolic length)
        CheckedModel m = c.program().orElseThrow().models().getFirst();
        double[] x = new double[n];
        for (int k = 0; k < n; k++) x[k] = k + 1.5;
        Map<String, Tensor> inputs = Map.of("x", Tensor.of(x, n));
        List<String> outcomes = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (Backend backend : BACKENDS) {
            CompiledModel cm = backend.compile(m, null);
            try {
                double y = cm.forward(Map.of(), inputs).get("y").item();
                double loss = cm.loss(Map.of(), inputs).item();
                outcomes.add("ok");
                values.add(new double[] {y, loss});
            } catch (ExecutionError e) {
                outcomes.add(e.getMessage());
                values.add(null);
            }
        }
        assertEquals(outcomes.getFirst(), outcomes.get(1), source + " at N = " + n);
        if (values.getFirst() != null) assertArrayEquals(values.getFirst(), values.get(1), 1e-12, source + " at N = " + n);
        else assertTrue(outcomes.getFirst().startsWith("fuzz.model:3: ") || outcomes.getFirst().startsWith("fuzz.model:4: "),
                outcomes.getFirst());
    }
}
