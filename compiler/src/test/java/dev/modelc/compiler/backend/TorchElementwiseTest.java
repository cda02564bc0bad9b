package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.api.Modelc;
import dev.modelc.compiler.reference.TorchElementwise;
import dev.modelc.compiler.reference.TorchElementwiseCheck;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The elementwise functions of the op table and the prelude against PyTorch's, from libtorch
 * ({@code reference/torch-elementwise.json}, written by {@code scripts/torch-reference}): values,
 * gradients and second derivatives in f64 and values in f32, on the interpreter and the two JVM
 * backends, within {@link TorchElementwiseCheck}'s tolerances. (The CUDA backend's, under the CPU
 * emulation of CUDA, are the cuda module's {@code EmulatedTorchElementwiseTest}.)
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

    /** The fixture covers every function of issue 13's item 4, each with its gradients but the masks. */
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
    }
}
