package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.bytecode.BytecodeModel;
import dev.modelc.compiler.backend.bytecode.StepLoop;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The allocation-free training loop (what the benchmarks time) takes the same steps as the
 * runtime's {@code updateStep}: same params after every number of steps, bit for bit (same
 * kernels, only the buffers differ), with the caller's params left as they were; and a bound
 * plan gives the same results as a plain call however often it runs.
 */
class StepLoopTest {
    private static final String SOURCE = """
            model Swap {
              input x: f64[N, 2]
              input y: f64[N]
              param a: f64[2] = [0.5, -0.25]
              param b: f64[2] = [1, 2]
              param c: f64 = full(0.1)
              loss = mean((x @ a + c - y) ** 2) + sum(b * b) * 0.01
              update a = a - 0.1 * grad(loss, a)
              update b = a
              update c = c - 0.1 * grad(loss, c)
            }
            """;

    private static BytecodeModel model() {
        Compilation c = Compiler.compile(new SourceFile("swap.model", SOURCE));
        assertFalse(c.hasErrors(), c::render);
        return new BytecodeModel(c.program().orElseThrow().models().getFirst());
    }

    private static Map<String, Tensor> batch() {
        return Map.of("x", Tensor.of(new double[] {1, 2, -1, 0.5, 3, -2, 0, 1}, 4, 2), "y", Tensor.of(new double[] {1, -1, 2, 0.5}, 4));
    }

    @Test
    void stepsEqualUpdateStepsAndLeaveTheCallersParamsAlone() {
        BytecodeModel m = model();
        Map<String, Tensor> start = m.initialParams(0);
        Map<String, Tensor> before = Map.copyOf(start);
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
            for (String name : p.keySet()) {
                assertArrayEquals(p.get(name).toDoubleArray(), got.get(name).toDoubleArray(), 0.0, name);
            }
        }
        for (String name : before.keySet()) {
            assertArrayEquals(before.get(name).toDoubleArray(), start.get(name).toDoubleArray(), 0.0, name + " was changed");
        }
    }

    @Test
    void aBoundPlanRunsAgainWithTheSameResults() {
        BytecodeModel m = model();
        Map<String, Tensor> values = new java.util.HashMap<>(batch());
        values.putAll(m.initialParams(0));
        CompiledModel.Gradients want = m.lossAndGradients(m.initialParams(0), batch());
        dev.modelc.runtime.plan.PlanRunner.Bound bound = m.bind(EntryPoint.GRADIENTS, values);
        var plan = m.plan(EntryPoint.GRADIENTS);
        for (int run = 0; run < 3; run++) {
            bound.run(0);
            for (var r : plan.results()) {
                double[] got = dev.modelc.runtime.exec.Library.toDoubles(bound.storage(r.buffer()), 
                        r.output().role() == dev.modelc.compiler.graph.Graph.Role.LOSS ? 1 : want.gradients().get(r.output().name()).numel());
                double[] expected = r.output().role() == dev.modelc.compiler.graph.Graph.Role.LOSS
                        ? new double[] {want.loss().item()} : want.gradients().get(r.output().name()).toDoubleArray();
                assertArrayEquals(expected, got, 0.0, r.output().name() + " on run " + run);
            }
        }
    }

    /**
     * Rules for params the update plan never reads: {@code u} is in no expression (its gradient
     * is zero, so its rule folds to {@code u} itself), {@code z} gets a constant. The loop takes
     * the same steps as {@code updateStep}: {@code u} left as it was (as PyTorch's SGD leaves a
     * param without a gradient), {@code z} zero after the first step, {@code v} (no rule, so
     * frozen) returned as given, {@code w} trained.
     */
    @Test
    void rulesForParamsThePlanNeverReadsTakeTheSameSteps() {
        String source = """
                model Unread {
                  input x: f64[N, 2]
                  input y: f64[N]
                  param w: f64[2] = [0.5, -0.25]
                  param u: f64[3] = [1, 2, 3]
                  param z: f64[2] = [4, 5]
                  param v: f64 = full(7)
                  loss = mean((x @ w - y) ** 2)
                  update w = w - 0.1 * grad(loss, w)
                  update u = u - 0.1 * grad(loss, u)
                  update z = 0
                }
                """;
        Compilation c = Compiler.compile(new SourceFile("unread.model", source));
        assertFalse(c.hasErrors(), c::render);
        BytecodeModel m = new BytecodeModel(c.program().orElseThrow().models().getFirst());
        Map<String, Tensor> start = m.initialParams(0);
        StepLoop loop = m.stepLoop(start, batch());
        Map<String, Tensor> p = start;
        for (int steps : new int[] {1, 3}) {
            double lastLoss = Double.NaN;
            for (int s = 0; s < steps; s++) {
                CompiledModel.Step step = m.updateStep(p, batch());
                p = step.params();
                lastLoss = step.loss().item();
            }
            assertEquals(lastLoss, loop.run(steps), 0.0, "loss before the last of " + steps + " steps");
            Map<String, Tensor> got = loop.params();
            assertEquals(p.keySet(), got.keySet());
            for (String name : p.keySet()) {
                assertArrayEquals(p.get(name).toDoubleArray(), got.get(name).toDoubleArray(), 0.0, name);
            }
        }
        assertArrayEquals(new double[] {1, 2, 3}, loop.params().get("u").toDoubleArray(), 0.0);
        assertArrayEquals(new double[] {0, 0}, loop.params().get("z").toDoubleArray(), 0.0);
        assertArrayEquals(new double[] {7}, loop.params().get("v").toDoubleArray(), 0.0);
    }
}
