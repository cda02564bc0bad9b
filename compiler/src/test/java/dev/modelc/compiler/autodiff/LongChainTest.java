package dev.modelc.compiler.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.interp.Interpreter;
import dev.modelc.compiler.interp.ModelEvaluation;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A 20,000-statement chain is checked, lowered, differentiated (the loss's gradient, built as
 * 20,000 more nodes), optimized and run without a StackOverflowError. The time bound only
 * guards against a hang or a quadratic blow-up; speed is measured in docs/benchmarks.md.
 */
class LongChainTest {
    private static final int LENGTH = 20_000;

    @Test
    void aTwentyThousandStatementChainDifferentiates() {
        StringBuilder src = new StringBuilder("model Chain {\n  input x: f64[3]\n  param w: f64[3] = ones()\n  a0 = x * w\n");
        for (int i = 1; i <= LENGTH; i++) src.append("  a").append(i).append(" = a").append(i - 1).append(" * 0.9999 + w\n");
        src.append("  loss = sum(a").append(LENGTH).append(")\n}\n");
        Map<String, Tensor> grads = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Compilation c = Compiler.compile(new SourceFile("chain.model", src.toString()));
            assertFalse(c.hasErrors(), c::render);
            return ModelEvaluation.evaluate(c.program().orElseThrow().models().getFirst(),
                    Map.of("x", Tensor.of(new double[] {1, 2, 3}, 3)), Interpreter.Precision.F64, 0).gradients();
        });
        // a_n = x w r^n + w (1 - r^n) / (1 - r), so d sum(a_n) / dw_i = x_i r^n + (1 - r^n) / (1 - r)
        double r = 0.9999, rn = Math.pow(r, LENGTH);
        double[] g = grads.get("w").toDoubleArray();
        for (int i = 0; i < 3; i++) {
            double want = (i + 1) * rn + (1 - rn) / (1 - r);
            assertEquals(want, g[i], 1e-9 * want);
        }
    }
}
