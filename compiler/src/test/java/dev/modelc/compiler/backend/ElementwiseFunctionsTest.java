package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.api.Modelc;
import dev.modelc.api.Program;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The functions of the op table and the prelude at known points, on the interpreter and the two
 * JVM backends: in f64 within 4 ulps of the mathematical value (the points PyTorch's definitions
 * make tricky among them: round halves to even, erf near 0 and in its tail, gelu's two forms)
 * and bit for bit the interpreter's on every backend; in f32 the interpreter's bits too.
 */
class ElementwiseFunctionsTest {
    private static final Backend[] BACKENDS = {Backend.INTERP, Backend.BYTECODE, Backend.JAVA};

    @ParameterizedTest(name = "{0}({1}) = {2}")
    @CsvSource({
            // rows: call (x is the operand), x, the value
            "erf(x), 0, 0",
            "erf(x), 0.1, 0.1124629160182849",
            "erf(x), 0.5, 0.5204998778130465",
            "erf(x), 1, 0.8427007929497149",
            "erf(x), -2, -0.9953222650189527",
            "erf(x), 2.6, 0.9997639655834707",
            "erf(x), 3, 0.9999779095030014",
            "erf(x), 7, 1",
            "erf(x), 1e-300, 1.1283791670955126e-300",
            "atan(x), 1, 0.7853981633974483",
            "atan(x), -0.5, -0.4636476090008061",
            "atan(x), 1e300, 1.5707963267948966",
            "asin(x), 0.5, 0.5235987755982989",
            "asin(x), -1, -1.5707963267948966",
            "asin(x), 2, NaN",
            "acos(x), 0.5, 1.0471975511965979",
            "acos(x), -1, 3.141592653589793",
            "acos(x), 1, 0",
            "sinh(x), 1, 1.1752011936438014",
            "sinh(x), -0.5, -0.5210953054937474",
            "sinh(x), 1000, Infinity",
            "cosh(x), 1, 1.5430806348152437",
            "cosh(x), 0, 1",
            "cosh(x), -2, 3.7621956910836314",
            "log2(x), 8, 3",
            "log2(x), 0.25, -2",
            "log2(x), 10, 3.321928094887362",
            "log2(x), 0, -Infinity",
            "log2(x), -1, NaN",
            "exp2(x), 3, 8",
            "exp2(x), -1, 0.5",
            "exp2(x), 0.5, 1.4142135623730951",
            "exp2(x), -1075, 0",
            "rsqrt(x), 4, 0.5",
            "rsqrt(x), 2, 0.7071067811865475",
            "rsqrt(x), 0, Infinity",
            "rsqrt(x), -1, NaN",
            "floor(x), -1.5, -2",
            "floor(x), 2.5, 2",
            "floor(x), -0.0, -0.0",
            "ceil(x), -1.5, -1",
            "ceil(x), 2.25, 3",
            "round(x), 2.5, 2",
            "round(x), 3.5, 4",
            "round(x), -0.5, -0.0",
            "round(x), 0.49999999999999994, 0",
            "round(x), 1.5, 2",
            "trunc(x), -1.7, -1",
            "trunc(x), 1.7, 1",
            "trunc(x), -0.5, -0.0",
            "f64(isnan(x)), NaN, 1",
            "f64(isnan(x)), Infinity, 0",
            "f64(isnan(x)), 1, 0",
            "f64(isfinite(x)), NaN, 0",
            "f64(isfinite(x)), -Infinity, 0",
            "f64(isfinite(x)), 1e30, 1",
            "reciprocal(x), 4, 0.25",
            "reciprocal(x), -0.5, -2",
            "reciprocal(x), 0, Infinity",
            "silu(x), 1, 0.7310585786300049",
            "silu(x), -2, -0.2384058440442351",
            "silu(x), 20, 19.999999958776925",
            "gelu(x), 1, 0.8413447460685429",
            "gelu(x), 2, 1.9544997361036416",
            "gelu(x), 0.5, 0.34573123063700656",
            "gelu(x), 0, 0",
            "gelu_tanh(x), 1, 0.8411919906082768",
            "gelu_tanh(x), 2, 1.954597694087775",
            "gelu_tanh(x), -0.5, -0.15428599017485606",
            "elu(x), -1, -0.6321205588285577",
            "elu(x), 2, 2",
            "elu(x), 1000, 1000",
            "'elu(x, alpha = 0.5)', -2, -0.43233235838169365",
            "leaky_relu(x), -2, -0.02",
            "leaky_relu(x), 3, 3",
            "'leaky_relu(x, slope = 0.2)', -5, -1",
            "'clamp(x, min = -1, max = 1)', 3, 1",
            "'clamp(x, min = -1, max = 1)', -3, -1",
            "'clamp(x, min = -1, max = 1)', 0.25, 0.25",
            "'clamp(x, min = 2, max = 1)', 0, 1",
            "'clamp(x, min = 0)', NaN, NaN",
            "'clamp(x, max = 0.5)', 0.75, 0.5",
    })
    void knownValuesOnEveryBackend(String call, double x, double want) {
        double[] got = new double[BACKENDS.length];
        for (int i = 0; i < BACKENDS.length; i++) got[i] = run(call, DType.F64, x, BACKENDS[i]);
        double tolerance = Double.isNaN(want) || Double.isInfinite(want) ? 0 : 4 * Math.ulp(want);
        if (Double.isNaN(want)) assertTrue(Double.isNaN(got[0]), call + " at " + x + ": " + got[0]);
        else assertEquals(want, got[0], tolerance, call + " at " + x);
        for (int i = 1; i < BACKENDS.length; i++) {
            assertEquals(Double.doubleToLongBits(got[0]), Double.doubleToLongBits(got[i]), call + " on " + BACKENDS[i]);
        }
        float f = (float) run(call, DType.F32, x, Backend.INTERP);
        if (!Double.isNaN(want)) assertEquals((float) want, f, 8 * Math.ulp((float) want), call + " in f32 at " + x);
        for (int i = 1; i < BACKENDS.length; i++) {
            assertEquals(Float.floatToIntBits(f), Float.floatToIntBits((float) run(call, DType.F32, x, BACKENDS[i])),
                    call + " in f32 on " + BACKENDS[i]);
        }
    }

    private static double run(String call, DType dtype, double x, Backend backend) {
        String text = "model M {\n  input x: " + dtype.spelling() + "[2]\n  output y = " + call + "\n}\n";
        Program p = Modelc.compile("functions.model", text);
        Tensor in = dtype == DType.F64 ? Tensor.of(new double[] {x, x}, 2) : Tensor.of(new float[] {(float) x, (float) x}, 2);
        Tensor y = p.model("M", backend).forward(Map.of("x", in)).get("y");
        return y.toDoubleArray()[1];
    }
}
