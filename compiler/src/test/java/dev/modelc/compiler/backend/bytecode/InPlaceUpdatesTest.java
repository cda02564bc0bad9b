package dev.modelc.compiler.backend.bytecode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.PlanPrinter;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The step loop writes a plain SGD rule's new value into the param itself ({@link InPlaceUpdates})
 * and then takes the same steps as the runtime's {@code updateStep}, bit for bit; a param whose
 * old value another rule takes after the step keeps its temporary and copy.
 */
class InPlaceUpdatesTest {
    private static final String MLP = """
            model Mlp {
              input x: f32[B, 12]
              input y: i32[B]
              param w1: f32[12, 40] = uniform(-0.3, 0.3)
              param b1: f32[40] = uniform(-0.1, 0.1)
              param w2: f32[40, 3] = uniform(-0.3, 0.3)
              const lr = 0.05
              loss = cross_entropy(relu(x @ w1 + b1) @ w2, y)
              update w1 = w1 - lr * grad(loss, w1)
              update b1 = b1 - lr * grad(loss, b1)
              update w2 = w2 - lr * grad(loss, w2)
            }
            """;

    private static BytecodeModel model(String source) {
        Compilation c = Compiler.compile(new SourceFile("inplace.model", source));
        assertFalse(c.hasErrors(), c::render);
        return new BytecodeModel(c.program().orElseThrow().models().getFirst());
    }

    private static int buffer(KernelPlan plan, String name) {
        return plan.buffers().stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow().id();
    }

    private static int update(KernelPlan plan, String name) {
        return plan.results().stream().filter(r -> r.output().name().equals(name)).findFirst().orElseThrow().buffer();
    }

    private static Map<String, Tensor> batch() {
        Generator g = Generator.of(3, "inplace");
        float[] x = new float[50 * 12];
        for (int i = 0; i < x.length; i++) x[i] = (float) g.nextUniform(-1, 1);
        int[] y = new int[50];
        for (int i = 0; i < y.length; i++) y[i] = i % 3;
        return Map.of("x", Tensor.of(x, 50, 12), "y", Tensor.of(y, 50));
    }

    @Test
    void sgdRulesWriteTheirParamsAndStepAsUpdateStepDoes() {
        BytecodeModel m = model(MLP);
        KernelPlan plan = m.plan(EntryPoint.UPDATE);
        for (String w : new String[] {"w1", "w2"}) {
            assertTrue(InPlaceUpdates.fits(plan, update(plan, w), buffer(plan, w)), () -> w + "\n" + PlanPrinter.print(plan));
        }
        Map<String, Tensor> start = m.initialParams(0);
        StepLoop loop = m.stepLoop(start, batch());
        Map<String, Tensor> p = start;
        for (int steps : new int[] {1, 2, 5}) {
            double lastLoss = Double.NaN;
            for (int s = 0; s < steps; s++) {
                CompiledModel.Step step = m.updateStep(p, batch());
                p = step.params();
                lastLoss = step.loss().item();
            }
            assertEquals(lastLoss, loop.run(steps), 0.0, "loss before the last of " + steps + " steps");
            Map<String, Tensor> got = loop.params();
            for (String name : p.keySet()) assertArrayEquals(p.get(name).toDoubleArray(), got.get(name).toDoubleArray(), 0.0, name);
        }
        Map<String, Tensor> fresh = new HashMap<>(m.initialParams(0));
        for (String name : fresh.keySet()) {
            assertArrayEquals(fresh.get(name).toDoubleArray(), start.get(name).toDoubleArray(), 0.0, name + " of the caller was changed");
        }
    }

    @Test
    void aParamAnotherRuleTakesKeepsItsCopy() {
        BytecodeModel m = model("""
                model Swap {
                  input x: f64[N, 2]
                  input y: f64[N]
                  param a: f64[2] = [0.5, -0.25]
                  param b: f64[2] = [1, 2]
                  loss = mean((x @ a - y) ** 2) + sum(b * b) * 0.01
                  update a = a - 0.1 * grad(loss, a)
                  update b = a
                }
                """);
        KernelPlan plan = m.plan(EntryPoint.UPDATE);
        assertFalse(InPlaceUpdates.fits(plan, update(plan, "a"), buffer(plan, "a")), () -> PlanPrinter.print(plan));
    }

    @Test
    void aRuleReadingItsParamElsewhereKeepsItsCopy() {
        // The new value at each position reads the param transposed: in place, it would read new values.
        BytecodeModel m = model("""
                model Flip {
                  input x: f32[N, 10]
                  param w: f32[10, 10] = uniform(-1, 1)
                  loss = sum(x @ w)
                  update w = w - 0.1 * grad(loss, w) + 0.01 * w.T
                }
                """);
        KernelPlan plan = m.plan(EntryPoint.UPDATE);
        assertFalse(InPlaceUpdates.fits(plan, update(plan, "w"), buffer(plan, "w")), () -> PlanPrinter.print(plan));
    }
    @Test
    void twoRulesSharingOneResultKeepTheirCopies() {
        // Equal expressions are one buffer in the plan: written into a's storage and then into
        // b's, a would never change again and b would follow a's old value.
        BytecodeModel m = model("""
                model Tied {
                  input x: f32[B, 4]
                  input y: f32[B]
                  param a: f32[4] = uniform(-1, 1)
                  param b: f32[4] = uniform(-1, 1)
                  loss = mean((x @ a - y) ** 2) + sum(b * b) * 0.001
                  update a = a - 0.1 * grad(loss, a)
                  update b = a - 0.1 * grad(loss, a)
                }
                """);
        KernelPlan plan = m.plan(EntryPoint.UPDATE);
        assertEquals(update(plan, "a"), update(plan, "b"), () -> "the two rules should share a buffer\n" + PlanPrinter.print(plan));
        for (String name : new String[] {"a", "b"}) {
            assertFalse(InPlaceUpdates.fits(plan, update(plan, name), buffer(plan, name)), () -> name + "\n" + PlanPrinter.print(plan));
        }
        Generator g = Generator.of(5, "tied");
        float[] x = new float[9 * 4];
        for (int i = 0; i < x.length; i++) x[i] = (float) g.nextUniform(-1, 1);
        float[] y = new float[9];
        for (int i = 0; i < y.length; i++) y[i] = (float) g.nextUniform(-1, 1);
        Map<String, Tensor> batch = Map.of("x", Tensor.of(x, 9, 4), "y", Tensor.of(y, 9));
        Map<String, Tensor> p = m.initialParams(0);
        StepLoop loop = m.stepLoop(p, batch);
        for (int s = 0; s < 3; s++) p = m.updateStep(p, batch).params();
        loop.run(3);
        Map<String, Tensor> got = loop.params();
        for (String name : p.keySet()) assertArrayEquals(p.get(name).toDoubleArray(), got.get(name).toDoubleArray(), 0.0, name);
    }
}
