package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelc.api.Model;
import dev.modelc.api.Modelc;
import dev.modelc.api.Program;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * flatten, var, std, layer_norm and norm (composed of the graph's own operations) and the
 * prelude's LayerNorm give, with their gradients, the interpreter's bits on the bytecode and
 * Java source backends, in f32 and f64.
 */
class StatisticsBackendsTest {
    private static final String SOURCE = """
            model S {
              param x: DT[3, 4, 5] = randn()
              ln = LayerNorm(5)
              output v = var(x, axis = [1, 2])
              output s = std(x, axis = 0, correction = 0, keepdims = true)
              output n = norm(flatten(x), p = 3, axis = 1)
              output z = layer_norm(x, axis = [1, 2])
              loss = sum(v) + mean(s) + sum(n) + sum(NORMED * z)
            }
            """;

    @Test
    void everyBackendGivesTheInterpretersBits() {
        for (DType dtype : new DType[] {DType.F64, DType.F32}) {
            // The prelude's layers hold f32 params, as PyTorch's modules do: LayerNorm only in f32.
            Program p = Modelc.compile("s.model", SOURCE.replace("DT", dtype.spelling())
                    .replace("NORMED", dtype == DType.F32 ? "ln(x)" : "layer_norm(x, eps = 0.1)"));
            Random r = new Random(3);
            double[] values = new double[60];
            for (int i = 0; i < values.length; i++) values[i] = r.nextGaussian();
            Tensor x = Tensor.of(dtype, new int[] {3, 4, 5}, values);
            Model reference = p.model("S", Backend.INTERP).initialize(0).setParam("x", x);
            Map<String, Tensor> want = reference.forward(Map.of());
            Map<String, Tensor> wantGrads = reference.gradients(Map.of());
            for (Backend b : new Backend[] {Backend.BYTECODE, Backend.JAVA}) {
                Model m = p.model("S", b).initialize(0).setParam("x", x);
                Map<String, Tensor> got = m.forward(Map.of());
                for (String o : want.keySet()) assertBits(want.get(o), got.get(o), o + " on " + b + " in " + dtype);
                Map<String, Tensor> grads = m.gradients(Map.of());
                for (String g : wantGrads.keySet()) assertBits(wantGrads.get(g), grads.get(g), "d/d" + g + " on " + b + " in " + dtype);
            }
        }
    }

    private static void assertBits(Tensor want, Tensor got, String what) {
        double[] w = want.toDoubleArray(), g = got.toDoubleArray();
        assertEquals(w.length, g.length, what);
        for (int i = 0; i < w.length; i++) assertEquals(Double.doubleToLongBits(w[i]), Double.doubleToLongBits(g[i]), what + " at " + i);
    }
}
