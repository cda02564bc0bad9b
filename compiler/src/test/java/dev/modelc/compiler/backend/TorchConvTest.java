package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.api.Modelc;
import dev.modelc.compiler.reference.TorchConv;
import dev.modelc.runtime.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * conv1d and conv2d against PyTorch's F.conv1d and F.conv2d, from libtorch
 * ({@code reference/torch-conv.json}, written by {@code scripts/torch-reference}): values, both
 * gradients and both second derivatives in f64, over strides, paddings, dilations and groups, on
 * the interpreter and the two JVM backends.
 */
class TorchConvTest {
    private static final TorchConv REFERENCE = TorchConv.load();

    /**
     * 1e-14 of the largest element of a result: the sums have at most a few hundred terms of
     * magnitude below 4 (operands and directions in [-2, 2)), summed in another order than
     * libtorch's. All cases pass at 2e-15 and several fail at 2e-16 (a few ulps of the largest
     * element, which is 2 to 60), so 1e-14 leaves five times the measured difference; a wrong tap,
     * stride or group moves elements by a large fraction of the scale.
     */
    static final double TOLERANCE = 1e-14;

    @TestFactory
    Stream<DynamicTest> everyConvolutionMatchesPyTorchOnEveryBackend() {
        return Stream.of(Backend.INTERP, Backend.BYTECODE, Backend.JAVA).flatMap(backend -> REFERENCE.cases().stream()
                .map(c -> DynamicTest.dynamicTest(c.name() + ": " + c.call() + " on " + backend.spelling(), () -> assertEquals(List.of(),
                        TorchConv.compare(c, Modelc.compile("conv.model", c.model()).model("M", backend).forward(c.inputs()), TOLERANCE)))));
    }

    /** In f64 the plan backends run the interpreter's loops: the same bits. */
    @TestFactory
    Stream<DynamicTest> theCompiledBackendsGiveTheInterpretersBits() {
        return REFERENCE.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Map<String, Tensor> interp = Modelc.compile("conv.model", c.model()).model("M", Backend.INTERP).forward(c.inputs());
            for (Backend b : List.of(Backend.BYTECODE, Backend.JAVA)) {
                Map<String, Tensor> out = Modelc.compile("conv.model", c.model()).model("M", b).forward(c.inputs());
                for (String r : TorchConv.RESULTS) {
                    assertTrue(java.util.Arrays.equals(interp.get(r).toDoubleArray(), out.get(r).toDoubleArray()), r + " on " + b.spelling());
                }
            }
        }));
    }

    /** The check is not vacuous: one weight-gradient element moved by 1e-10 of the scale fails, naming it. */
    @Test
    void aWrongGradientFails() {
        TorchConv.Case c = REFERENCE.cases().getFirst();
        Map<String, Tensor> out = new HashMap<>(Modelc.compile("conv.model", c.model()).model("M", Backend.INTERP).forward(c.inputs()));
        double[] dw = out.get("dw").toDoubleArray();
        dw[5] += 1e-10 * 11;
        out.put("dw", Tensor.of(dw, out.get("dw").shape()));
        List<String> failures = TorchConv.compare(c, out, TOLERANCE);
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.getFirst().startsWith(c.call() + " dw[5]: modelc "), failures.getFirst());
    }

    /** Both ranks, every option away from its default, and libtorch as the source. */
    @Test
    void theFixtureCoversEveryOption() {
        List<String> calls = REFERENCE.cases().stream().map(TorchConv.Case::call).toList();
        for (String option : List.of("conv1d(", "conv2d(", "stride = 2", "stride = [2, 3]", "padding = 1", "padding = [2, 0]",
                "dilation = 2", "dilation = [2, 3]", "groups = 2", "groups = 3")) {
            assertTrue(calls.stream().anyMatch(c -> c.contains(option)), option + " in " + calls);
        }
        assertTrue(REFERENCE.source().startsWith("libtorch 2.7.1"), REFERENCE.source());
    }
}
