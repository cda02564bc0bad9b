package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.cuda.CudaProgram;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.Scheduler;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 12's "StackOverflowError in bytecode generation": every stage after checking handles
 * chains of thousands of statements, on every backend. Fusion cuts a chain's loop every few
 * hundred lets (no deep recursion building it, no method past the JVM's 64 KB), generated Java
 * runs a long entry point in parts, and the CUDA C renders. Results are the interpreter's, bit
 * for bit. The time bounds are hang guards only.
 */
class LongChainBackendsTest {
    private static final int LENGTH = 20_000;
    private static final Duration BOUND = Duration.ofSeconds(180);

    private static CheckedModel model(String source) {
        Compilation c = Compiler.compile(new SourceFile("chain.model", source));
        assertFalse(c.hasErrors(), c::render);
        return c.program().orElseThrow().models().getFirst();
    }

    /** {@code RobustnessTest}'s chain of 20,000 locals, each the last plus one. */
    private static String plusOneChain() {
        StringBuilder text = new StringBuilder("model M {\n  input a0: f32[N, 3]\n");
        for (int i = 1; i <= LENGTH; i++) text.append("  a").append(i).append(" = a").append(i - 1).append(" + 1\n");
        return text.append("  output a").append(LENGTH).append("\n}\n").toString();
    }

    /** The chain, {@code a{i+1} = tanh(a{i} * 1.0001 + 0.5)}, with a loss when {@code w} is a param. */
    private static String tanhChain(int length, boolean loss) {
        StringBuilder src = new StringBuilder("model M {\n  input x: f64[N, 3]\n");
        src.append(loss ? "  param w: f64[3] = ones()\n  a0 = x * w\n" : "  a0 = x\n");
        for (int i = 0; i < length; i++) src.append("  a").append(i + 1).append(" = tanh(a").append(i).append(" * 1.0001 + 0.5)\n");
        src.append("  output y = a").append(length).append('\n');
        if (loss) src.append("  loss = sum(a").append(length).append(" * x)\n");
        return src.append("}\n").toString();
    }

    private static final Tensor X = Tensor.of(new double[] {1, -2, 3, 0.5, 0, -0.25}, 2, 3);

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"INTERP", "BYTECODE", "JAVA"})
    void twentyThousandChainedLocalsRun(Backend backend) {
        Tensor out = assertTimeoutPreemptively(BOUND, () -> backend.compile(model(plusOneChain()), null)
                .forward(Map.of(), Map.of("a0", Tensor.of(DType.F32, new int[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6})))
                .get("a" + LENGTH));
        assertArrayEquals(new double[] {20_001, 20_002, 20_003, 20_004, 20_005, 20_006}, out.toDoubleArray(), 0);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"BYTECODE", "JAVA"})
    void aTwentyThousandStatementTanhChainIsTheInterpreters(Backend backend) {
        CheckedModel m = model(tanhChain(LENGTH, false));
        Tensor want = Backend.INTERP.compile(m, null).forward(Map.of(), Map.of("x", X)).get("y");
        Tensor got = assertTimeoutPreemptively(BOUND, () -> backend.compile(m, null).forward(Map.of(), Map.of("x", X)).get("y"));
        assertArrayEquals(want.toDoubleArray(), got.toDoubleArray(), 0);
    }

    /** With its gradient: thousands of kernels (every forward value is stored for the backward sweep). */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"BYTECODE", "JAVA"})
    void aLongChainsGradientIsTheInterpreters(Backend backend) {
        CheckedModel m = model(tanhChain(2_000, true));
        Map<String, Tensor> params = Map.of("w", Tensor.of(new double[] {0.5, -1, 2}, 3));
        CompiledModel.Gradients want = Backend.INTERP.compile(m, null).lossAndGradients(params, Map.of("x", X));
        CompiledModel.Gradients got = assertTimeoutPreemptively(BOUND,
                () -> backend.compile(m, null).lossAndGradients(params, Map.of("x", X)));
        assertEquals(want.loss().toDoubleArray()[0], got.loss().toDoubleArray()[0]);
        assertArrayEquals(want.gradients().get("w").toDoubleArray(), got.gradients().get("w").toDoubleArray(), 0);
    }

    /** CUDA cannot run here; its C renders for every entry point, a kernel per loop, and nothing needs a deep stack. */
    @Test
    void theCudaSourceOfALongChainRenders() {
        CheckedModel m = model(tanhChain(LENGTH, true));
        assertTimeoutPreemptively(BOUND, () -> {
            for (EntryPoint e : EntryPoint.values()) {
                KernelPlan plan = Scheduler.schedule("M." + e.methodName(), e.graph(m.graph()), false);
                CudaProgram program = CudaProgram.of(plan);
                long loops = plan.kernels().stream().filter(k -> k instanceof Kernel.Loop).count();
                assertTrue(program.kernels().size() >= loops, e + ": " + program.kernels().size() + " kernels for " + loops + " loops");
                if (e == EntryPoint.FORWARD) assertTrue(loops > LENGTH / 100, "the forward chain is cut into several loops: " + loops);
            }
        });
    }
}
