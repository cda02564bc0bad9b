package dev.modelc.compiler.backend.bytecode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.interp.Interpreter;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.PlanPrinter;
import dev.modelc.compiler.kernel.Scheduler;
import dev.modelc.compiler.passes.Pipeline;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Reductions per position rendered {@link LoopCompiler#JAM} positions at a time: the column
 * sums of a {@code [B, F]} gradient, row sums, and a reduction of a middle axis. Each position
 * keeps its own f64 accumulator folding its terms in the plain loop's order, so the results are
 * the interpreter's bits, in f32 and f64, for whole groups of 8 and the positions past them.
 */
class JammedReductionsTest {
    private static Graph graph(String source, EntryPoint e) {
        Compilation c = Compiler.compile(new SourceFile("jam.model", source));
        assertFalse(c.hasErrors(), c::render);
        CheckedModel m = c.program().orElseThrow().models().getFirst();
        return Pipeline.optimize(e.graph(m.graph()), false);
    }

    private static Tensor random(DType d, long seed, int... shape) {
        Generator g = Generator.of(seed, "jam");
        double[] v = new double[Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = g.nextUniform(-4, 4);
        return Tensor.of(d, shape, v);
    }

    private static void sameBits(Tensor want, Tensor got, String what) {
        assertArrayEquals(want.shape(), got.shape(), what);
        double[] w = want.toDoubleArray(), g = got.toDoubleArray();
        for (int i = 0; i < w.length; i++) {
            int at = i;
            assertEquals(Double.doubleToLongBits(w[i]), Double.doubleToLongBits(g[i]),
                    () -> what + " at " + at + ": " + w[at] + " wanted, " + g[at] + " got");
        }
    }

    /** Every loop of the plan with a reduction per position is jammed; at least {@code atLeast} of them. */
    private static void jammed(KernelPlan plan, int atLeast) {
        int n = 0;
        for (Kernel k : plan.kernels()) {
            if (k instanceof Kernel.Loop l && l.reduction().isPresent() && !l.isSplittable()) {
                assertTrue(LoopCompiler.jams(l), () -> l.name() + " is not jammed:\n" + PlanPrinter.print(plan));
                n++;
            }
        }
        int found = n;
        assertTrue(found >= atLeast, () -> found + " jammed loops:\n" + PlanPrinter.print(plan));
    }

    /** Both JVM renderings of the plan (scalar, and with lanes where the JVM has them) against the interpreter. */
    private static void againstTheInterpreter(Graph g, String name, Map<String, Tensor> in, int jammedLoops) {
        KernelPlan plan = Scheduler.schedule(name, g);
        jammed(plan, jammedLoops);
        List<Tensor> want = Interpreter.results(g, in, Interpreter.Precision.DECLARED, 0);
        for (boolean lanes : new boolean[] {false, VectorLanes.present()}) {
            List<Tensor> got = BytecodeModel.compile(plan, lanes).run(in, 0);
            for (int i = 0; i < want.size(); i++) {
                sameBits(want.get(i), got.get(i), plan.results().get(i).output().name() + (lanes ? " on lanes" : ""));
            }
        }
    }

    /** Columns: two whole groups and 5 more (21), or one short of a group past them (23); rows symbolic. */
    @ParameterizedTest
    @CsvSource({"F32, 37, 21", "F64, 37, 21", "F32, 1, 23", "F64, 300, 24", "F32, 5, 40"})
    void columnSumsMeansMaximaAndMinima(DType dtype, int rows, int columns) {
        String t = dtype.name().toLowerCase();
        Graph g = graph("""
                model M {
                  input g: %s[B, %d]
                  output s = sum(g, axis = 0)
                  output m = mean(g, axis = 0)
                  output hi = max(g, axis = 0)
                  output lo = min(g * g - 1, axis = 0)
                }
                """.formatted(t, columns), EntryPoint.FORWARD);
        Tensor x = random(dtype, rows * 31L + columns, rows, columns);
        againstTheInterpreter(g, "M.forward", Map.of("g", x), 4);
    }

    /** A NaN in a column: max and min propagate it in that column alone, as the interpreter does. */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void aNaNStaysInItsColumn(DType dtype) {
        String t = dtype.name().toLowerCase();
        Graph g = graph("""
                model M {
                  input g: %s[B, 19]
                  output hi = max(g, axis = 0)
                  output lo = min(g, axis = 0)
                  output s = sum(g, axis = 0)
                }
                """.formatted(t), EntryPoint.FORWARD);
        double[] v = random(DType.F64, 9, 11, 19).toDoubleArray();
        v[4 * 19 + 3] = Double.NaN;
        v[7 * 19 + 17] = Double.NaN;
        againstTheInterpreter(g, "M.forward", Map.of("g", Tensor.of(dtype, new int[] {11, 19}, v)), 3);
    }

    /** Row sums over 10 classes (the loss's), and a middle axis summed with the last kept: positions of the last kept axis jammed. */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void rowSumsAndAMiddleAxis(DType dtype) {
        String t = dtype.name().toLowerCase();
        Graph g = graph("""
                model M {
                  input x: %s[B, 10]
                  input y: %s[3, 5, 19]
                  output rows = sum(x * x + x, axis = 1)
                  output middle = sum(y * y, axis = 1)
                }
                """.formatted(t, t), EntryPoint.FORWARD);
        againstTheInterpreter(g, "M.forward", Map.of("x", random(dtype, 3, 29, 10), "y", random(dtype, 4, 3, 5, 19)), 2);
    }

    /**
     * A convolution's bias gradient: a sum per channel over {@code [B, H, W]}, 8 channels at a
     * time, the reduction's H and W run as one axis ({@link CollapsedAxes}); 11 channels, so 3
     * past the group.
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void sumsPerChannel(DType dtype) {
        String t = dtype.name().toLowerCase();
        Graph g = graph("""
                model M {
                  input x: %s[B, 11, 5, 6]
                  output s = sum(x, axis = [0, 2, 3])
                  output m = max(x * x, axis = [0, 2, 3])
                }
                """.formatted(t), EntryPoint.FORWARD);
        KernelPlan plan = Scheduler.schedule("M.forward", g);
        for (Kernel k : plan.kernels()) {
            if (k instanceof Kernel.Loop l && l.reduction().isPresent()) {
                assertEquals(List.of(l.reduction().get().inner().getFirst(), dev.modelc.compiler.types.Dim.of(30)),
                        CollapsedAxes.of(l).reduction().orElseThrow().inner(), () -> PlanPrinter.print(plan));
            }
        }
        againstTheInterpreter(g, "M.forward", Map.of("x", random(dtype, 12, 7, 11, 5, 6)), 2);
    }

    /**
     * The perceptron's step: bias gradients are column sums folded into the update
     * {@code b - lr * sum(g, axis=0)}. In f64, where every kernel gives the interpreter's bits
     * (in f32 the matmuls' sums do not, see docs/architecture.md, Agreement).
     */
    @Test
    void biasGradientsInAnUpdateStep() {
        DType dtype = DType.F64;
        String t = "f64";
        Graph g = graph("""
                model M {
                  input x: %s[B, 6]
                  input y: i32[B]
                  param w1: %s[6, 20] = uniform(-0.5, 0.5)
                  param b1: %s[20] = uniform(-0.5, 0.5)
                  param w2: %s[20, 3] = uniform(-0.5, 0.5)
                  const lr = 0.1
                  loss = cross_entropy(relu(x @ w1 + b1) @ w2, y)
                  update w1 = w1 - lr * grad(loss, w1)
                  update b1 = b1 - lr * grad(loss, b1)
                  update w2 = w2 - lr * grad(loss, w2)
                }
                """.formatted(t, t, t, t), EntryPoint.UPDATE);
        int[] labels = new int[45];
        for (int i = 0; i < labels.length; i++) labels[i] = (i * 7) % 3;
        Map<String, Tensor> in = Map.of("x", random(dtype, 5, 45, 6), "y", Tensor.of(labels, 45),
                "w1", random(dtype, 6, 6, 20), "b1", random(dtype, 7, 20), "w2", random(dtype, 8, 20, 3));
        againstTheInterpreter(g, "M.updateStep", in, 1);
    }
}
