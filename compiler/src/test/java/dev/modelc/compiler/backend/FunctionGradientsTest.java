package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelc.api.Modelc;
import dev.modelc.api.Model;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The derivatives of the prelude's activations and of clamp, as {@code grad} computes them,
 * against central differences of the same function (step 1e-6, in f64), away from kinks; and
 * at the kinks, the one-sided value PyTorch's backward gives (leaky_relu and elu take the left
 * side at 0, clamp passes the gradient at its bounds, floor and the like pass zero).
 */
class FunctionGradientsTest {
    private static final double H = 1e-6;

    @ParameterizedTest(name = "d {0} at {1}")
    @CsvSource({"silu(x), 0.7", "silu(x), -3", "gelu(x), 0.3", "gelu(x), -1.2", "gelu_tanh(x), 0.3", "gelu_tanh(x), -1.2",
            "elu(x), -0.8", "elu(x), 0.8", "'elu(x, alpha = 0.5)', -2", "leaky_relu(x), -0.5", "leaky_relu(x), 2",
            "'clamp(x, min = -1, max = 1)', 0.5", "'clamp(x, min = -1, max = 1)', 1.5", "erf(x), 0.6", "atan(x), -2",
            "asin(x), 0.3", "acos(x), -0.6", "sinh(x), 1.1", "cosh(x), -1.1", "log2(x), 3", "exp2(x), 1.5", "rsqrt(x), 2"})
    void gradientIsTheCentralDifference(String call, double x) {
        Model m = model(call);
        double slope = (value(m, x + H) - value(m, x - H)) / (2 * H);
        assertEquals(slope, gradient(m, x), 1e-7 * Math.max(1, Math.abs(slope)), call + " at " + x);
    }

    @ParameterizedTest(name = "d {0} at {1} = {2}")
    @CsvSource({"leaky_relu(x), 0, 0.01", "elu(x), 0, 1", "'clamp(x, min = -1, max = 1)', 1, 1", "'clamp(x, min = -1, max = 1)', -1, 1",
            "'clamp(x, min = -1, max = 1)', -1.5, 0", "floor(x), 1.5, 0", "ceil(x), 1.5, 0", "round(x), 1.5, 0", "trunc(x), -1.5, 0"})
    void gradientAtAKinkIsPyTorchs(String call, double x, double want) {
        assertEquals(want, gradient(model(call), x), 0, call + " at " + x);
    }

    private static Model model(String call) {
        return Modelc.compile("gradient.model", """
                model M {
                  input x: f64[]
                  output y = %s
                  output dy = grad(%s, x)
                }
                """.formatted(call, call)).model("M");
    }

    private static double value(Model m, double x) {
        return m.forward(Map.of("x", Tensor.scalar(DType.F64, x))).get("y").toDoubleArray()[0];
    }

    private static double gradient(Model m, double x) {
        return m.forward(Map.of("x", Tensor.scalar(DType.F64, x))).get("dy").toDoubleArray()[0];
    }
}
