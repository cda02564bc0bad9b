package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.ExecutionError;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 12's "index arithmetic overflows past 2^31 elements": a broadcast makes a virtual tensor
 * of more elements than an int counts. A reduction of it is simplified to a reduction of the
 * operand (no huge loop at all); whatever still needs a size past 2^31 - 1 in an int is
 * refused, naming the line, the quantity and its value, on every backend: never a wrapped-around
 * number.
 */
class IndexRangeTest {
    private static CheckedModel model(String source) {
        Compilation c = Compiler.compile(new SourceFile("big.model", source));
        assertFalse(c.hasErrors(), c::render);
        return c.program().orElseThrow().models().getFirst();
    }

    private static final Tensor X = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void aSumOverAHugeBroadcastIsTheSumTimesTheCopies(Backend backend) {
        CheckedModel m = model("""
                model M {
                  input x: f64[N, 3]
                  output s = sum(broadcast_to(reshape(x, [size(x, 0), 3, 1]), [size(x, 0), 3, 3000000000]))
                  output r = max(broadcast_to(reshape(x, [size(x, 0), 3, 1]), [size(x, 0), 3, 3000000000]), axis = [0, 2])
                }
                """);
        Map<String, Tensor> out = backend.compile(m, null).forward(Map.of(), Map.of("x", X));
        assertEquals(6.3e10, out.get("s").toDoubleArray()[0]);                 // 21 * 3e9
        assertEquals("[4.0, 5.0, 6.0]", Arrays.toString(out.get("r").toDoubleArray()));
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void aReductionLoopPastAnIntIsRefused(Backend backend) {
        CheckedModel m = model("""
                model M {
                  input x: f64[N, 3]
                  output s = sum(exp(broadcast_to(reshape(x, [size(x, 0), 3, 1]), [size(x, 0), 3, 3000000000])))
                }
                """);
        ExecutionError e = assertThrows(ExecutionError.class, () -> backend.compile(m, null).forward(Map.of(), Map.of("x", X)));
        assertEquals(backend == Backend.INTERP
                ? "big.model:3:22: the value of broadcast has shape [N, 3, 3000000000]: 18000000000 elements, more than the "
                        + "2147483647 the interpreter holds in one array"
                : "big.model:3: axis 2 of the sum over [N, 3, 3000000000] is 3000000000, more than 2147483647, the largest size "
                        + "compiled kernels index (Java arrays and loop counters are ints)", e.getMessage());
    }

    /** Two small tensors whose broadcast product has 2.5e9 elements: the element count of an int array wrapped around. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void aValueOfMoreElementsThanAnArrayHoldsIsRefused(Backend backend) {
        CheckedModel m = model("""
                model M {
                  input x: f64[N, 1]
                  input y: f64[1, M]
                  output p = x * y
                }
                """);
        double[] ones = new double[50_000];
        Arrays.fill(ones, 1);
        Map<String, Tensor> in = Map.of("x", Tensor.of(ones, 50_000, 1), "y", Tensor.of(ones, 1, 50_000));
        ExecutionError e = assertThrows(ExecutionError.class, () -> backend.compile(m, null).forward(Map.of(), in));
        assertEquals(backend == Backend.INTERP
                ? "big.model:4:16: the value of broadcast has shape [N, M]: 2500000000 elements, more than the 2147483647 the "
                        + "interpreter holds in one array"
                : "big.model:4: the number of elements of a value of shape [N, M] is 2500000000, more than 2147483647, the largest "
                        + "size compiled kernels index (Java arrays and loop counters are ints)", e.getMessage());
    }
}
