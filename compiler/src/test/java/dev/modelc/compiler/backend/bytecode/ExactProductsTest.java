package dev.modelc.compiler.backend.bytecode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.Scheduler;
import dev.modelc.compiler.passes.Pipeline;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The regression step's row pass computes its f32 products in f64 as fused multiply-adds where
 * the hardware has them (the bits are the multiply's and the add's: {@code RowReductionsTest}
 * and {@code RowReductionProperties} check them against the interpreter), and keeps the
 * multiply and the add in f64, whose products are not exact.
 */
class ExactProductsTest {
    private static KernelPlan plan(String dtype) {
        Compilation c = Compiler.compile(new SourceFile("rows.model", """
                model Regression {
                  input x: %1$s[N, 3]
                  input y: %1$s[N, 2]
                  param w: %1$s[2, 3] = zeros()
                  param b: %1$s[2] = zeros()
                  loss = mean((x @ w.T + b - y) ** 2)
                  update w = w - 0.1 * grad(loss, w)
                  update b = b - 0.1 * grad(loss, b)
                }
                """.formatted(dtype)));
        assertFalse(c.hasErrors(), c::render);
        CheckedModel m = c.program().orElseThrow().models().getFirst();
        return Scheduler.schedule("Regression.updateStep", Pipeline.optimize(EntryPoint.UPDATE.graph(m.graph()), false));
    }

    /** How many times the row pass's compiled method calls {@code Math.fma}. */
    private static long fmas(String dtype) {
        KernelPlan plan = plan(dtype);
        Kernel.Reductions pass = (Kernel.Reductions) plan.kernels().getFirst();
        ClassModel cm = ClassFile.of().parse(LoopCompiler.compile(ClassDesc.of("Kernel_test"), pass, plan));
        MethodModel run = cm.methods().stream().filter(mm -> mm.methodName().equalsString("run")).findFirst().orElseThrow();
        return run.code().orElseThrow().elementStream()
                .filter(e -> e instanceof InvokeInstruction i && i.owner().asInternalName().equals("java/lang/Math")
                        && i.name().equalsString("fma"))
                .count();
    }

    /** f32: the 2 x 3 terms of {@code x @ w.T} and the 6 products of {@code x.T @ r}; f64: none. */
    @ParameterizedTest
    @CsvSource({"f32, 12", "f64, 0"})
    void productsOfFloatsAreFusedMultiplyAdds(String dtype, long expected) {
        assumeTrue(ExactProducts.hardware(), "this JVM runs Math.fma in software (no UseFMA)");
        assertEquals(expected, fmas(dtype));
    }
}
