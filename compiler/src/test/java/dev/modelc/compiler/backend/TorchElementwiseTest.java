package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.api.Modelc;
import dev.modelc.compiler.reference.TorchElementwise;
import dev.modelc.compiler.reference.TorchElementwiseCheck;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The elementwise functions of the op table and the prelude against PyTorch's, from libtorch
 * ({@code reference/torch-elementwise.json}, written by {@code scripts/torch-reference}): values,
 * gradients and second derivatives in f64 and values in f32, on the interpreter and the two JVM
 * backends, within {@link TorchElementwiseCheck}'s tolerances. (The CUDA backend's, under the CPU
 * emulation of CUDA, are the cuda-checks module's {@code EmulatedTorchElementwiseTest}.)
 */
class TorchElementwiseTest {
    private static final TorchElementwise REFERENCE = TorchElementwise.load();

    @TestFactory
    Stream<DynamicTest> everyFunctionMatchesPyTorchOnEveryBackend() {
        return Stream.of(Backend.INTERP, Backend.BYTECODE, Backend.JAVA).flatMap(backend -> REFERENCE.cases().stream()
                .map(c -> DynamicTest.dynamicTest(c.call() + " on " + backend.spelling(), () -> assertEquals(List.of(),
                        TorchElementwiseCheck.compare(c, (text, x) -> Modelc.compile("torch.model", text).model("M", backend)
                                .forward(Map.of("x", x)))))));
    }

    /** The check is not vacuous: erf's value at 0.5 8 ulps above PyTorch's, and clamp's gradient at 2 (PyTorch's 0) passed as 1, each fail. */
    @Test
    void aWrongValueOrGradientFails() {
        TorchElementwise.Case erf = REFERENCE.cases().stream().filter(c -> c.name().equals("erf")).findFirst().orElseThrow();
        assertEquals(List.of("erf(x) value at x = 0.5: modelc 0.5204998778130474, PyTorch 0.5204998778130465 (8.0 ulps)"),
                TorchElementwiseCheck.compare(erf, (text, x) -> nudged(text, x, "y", 0.5, v -> 0.5204998778130474)));
        TorchElementwise.Case clamp = REFERENCE.cases().getFirst();
        assertEquals(List.of("clamp(x, min = -1, max = 1) grad at x = 2.0: modelc 1.0, PyTorch 0.0"),
                TorchElementwiseCheck.compare(clamp, (text, x) -> nudged(text, x, "dy", 2, v -> 1)));
    }

    /** The interpreter's outputs, with {@code output}'s element at {@code x == at} replaced by {@code f} of it (f64 only). */
    private static Map<String, Tensor> nudged(String text, Tensor x, String output, double at, DoubleUnaryOperator f) {
        Map<String, Tensor> out = new HashMap<>(Modelc.compile("torch.model", text).model("M", Backend.INTERP).forward(Map.of("x", x)));
        if (x.dtype() != DType.F64) return out;
        double[] xs = x.toDoubleArray(), v = out.get(output).toDoubleArray();
        for (int i = 0; i < v.length; i++) if (xs[i] == at) v[i] = f.applyAsDouble(v[i]);
        out.put(output, Tensor.of(v, v.length));
        return out;
    }

    /** The fixture covers every function of issue 13's item 4, each with its gradients but the masks, and every documented difference. */
    @Test
    void theFixtureHasEveryNewFunction() {
        List<String> names = REFERENCE.cases().stream().map(TorchElementwise.Case::name).distinct().toList();
        assertEquals(List.of("clamp", "erf", "gelu", "gelu_tanh", "silu", "leaky_relu", "elu", "atan", "asin", "acos", "sinh", "cosh",
                "log2", "exp2", "rsqrt", "reciprocal", "floor", "ceil", "round", "trunc", "isnan", "isfinite"), names);
        for (TorchElementwise.Case c : REFERENCE.cases()) {
            boolean mask = c.name().equals("isnan") || c.name().equals("isfinite");
            assertEquals(!mask, c.grad() != null && c.grad2() != null, c.call() + " derivatives");
        }
        assertTrue(REFERENCE.source().startsWith("libtorch 2.7.1"), REFERENCE.source());
        assertEquals(List.of(), TorchElementwiseCheck.unusedDifferences(REFERENCE), "documented differences at no point of the reference");
    }
}
