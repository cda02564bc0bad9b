package dev.modelc.compiler.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelc.api.Modelc;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.Scalars;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A built-in applied to a constant is folded while checking; the folded value must be the one
 * the same function gives at run time, bit for bit, since both are {@code runtime.exec.Scalars}.
 * Before, sigmoid folded with the naive 1/(1+e^-x), which is one ulp off Scalars' stable form
 * at -0.5 (0.3775406687981454 against 0.37754066879814546).
 */
class FoldingMeaningTest {
    @ParameterizedTest
    @CsvSource({"sigmoid, -0.5", "sigmoid, -1.5", "sigmoid, 3.25", "softplus, -2.5", "tanh, 0.75", "exp, 1.5",
            "log1p, 0.125", "relu, -0.0", "sign, -3", "abs, -2.5", "square, 1.1", "sqrt, 2", "sin, 1", "cos, 1", "log, 3"})
    void aFoldedConstantIsTheValueTheRuntimeComputes(String fn, double at) {
        String text = """
                model M {
                  input one: f64[]
                  input x: f64[]
                  output folded = one * %s(%s)
                  output computed = %s(x)
                }
                """.formatted(fn, Double.toString(at), fn);
        Map<String, Tensor> out = Modelc.compile("fold.model", text).model("M", Backend.INTERP)
                .forward(Map.of("one", Tensor.scalar(DType.F64, 1), "x", Tensor.scalar(DType.F64, at)));
        double folded = out.get("folded").toDoubleArray()[0], computed = out.get("computed").toDoubleArray()[0];
        assertEquals(Double.doubleToLongBits(computed), Double.doubleToLongBits(folded), fn + "(" + at + ")");
    }

    @org.junit.jupiter.api.Test
    void sigmoidFoldsWithTheStableFormula() {
        String text = "model M {\n  input x: f64[]\n  output y = x * sigmoid(-0.5)\n}\n";
        double y = Modelc.compile("fold.model", text).model("M", Backend.INTERP)
                .forward(Map.of("x", Tensor.scalar(DType.F64, 1))).get("y").toDoubleArray()[0];
        assertEquals(Scalars.sigmoid(-0.5), y);
        assertEquals(0.37754066879814546, y);
    }
}
