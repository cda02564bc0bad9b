package dev.modelc.compiler.backend.bytecode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import dev.modelc.compiler.types.Dim;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Loops over several axes that are not flat, on lanes along their last axis
 * ({@link VectorLanes#fitsRows}): a bias read at the column (broadcast per vector) or at the
 * channel of {@code [B, C, W]}, relu, a mask stored as bool. Only exact functions, so the bits
 * are the interpreter's, zeros' signs and NaN included, for rows of whole vectors and rows
 * with elements past the last whole vector.
 */
class RowLanesTest {
    private static Graph graph(String source) {
        Compilation c = Compiler.compile(new SourceFile("rows.model", source));
        assertFalse(c.hasErrors(), c::render);
        CheckedModel m = c.program().orElseThrow().models().getFirst();
        return Pipeline.optimize(EntryPoint.FORWARD.graph(m.graph()), false);
    }

    /** Random floats with zeros of both signs, NaN and infinities among them. */
    private static Tensor values(long seed, int... shape) {
        Random r = new Random(seed);
        float[] v = new float[Tensor.numel(shape)];
        float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE};
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(8) == 0 ? special[r.nextInt(special.length)] : (float) r.nextGaussian();
        }
        return Tensor.of(v, shape);
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

    /** The plan's loops over several axes all run on row lanes (at least one), and every result has the interpreter's bits. */
    private static void onRowLanes(Graph g, Map<String, Tensor> in) {
        assumeTrue(VectorLanes.present(), "the JVM runs without jdk.incubator.vector");
        KernelPlan plan = Scheduler.schedule("M.forward", g);
        long rows = plan.kernels().stream().filter(k -> k instanceof Kernel.Loop l && VectorLanes.fitsRows(CollapsedAxes.of(l), plan)).count();
        assertTrue(rows >= 1, () -> PlanPrinter.print(plan));
        List<Tensor> want = Interpreter.results(g, in, Interpreter.Precision.DECLARED, 0);
        List<Tensor> got = BytecodeModel.compile(plan, true).run(in, 0);
        for (int i = 0; i < want.size(); i++) sameBits(want.get(i), got.get(i), plan.results().get(i).output().name());
    }

    /** Columns: one vector (16), two and 5 more (37), one short of a vector past one (31); rows symbolic. */
    @ParameterizedTest
    @CsvSource({"7, 16", "13, 37", "3, 31", "1, 40"})
    void biasAndRelu(int rows, int columns) {
        Graph g = graph("""
                model M {
                  input x: f32[B, %d]
                  input b: f32[%d]
                  output h = relu(x + b)
                  output m = x * b - maximum(x, b) / b
                  output pos = x > b
                }
                """.formatted(columns, columns));
        onRowLanes(g, Map.of("x", values(rows * 100L + columns, rows, columns), "b", values(columns, columns)));
    }

    /** A bias per channel of {@code [B, C, W]}: read at the channel, the same for the whole row. */
    @Test
    void aBiasPerChannel() {
        Graph g = graph("""
                model M {
                  input x: f32[B, 3, W]
                  input c: f32[3, 1]
                  output y = relu(x * c + c)
                }
                """);
        onRowLanes(g, Map.of("x", values(5, 4, 3, 45), "c", values(6, 3, 1)));
    }

    /**
     * A convolution's bias and relu over {@code [B, C, H, W]}: every access reads H and W as one
     * axis, so the loop runs over {@code [B, C, H*W]} ({@link CollapsedAxes}), on lanes along
     * H*W (35: two vectors of 16 and 3 more), though W alone (7) is too short for them.
     */
    @Test
    void imageAxesMergedIntoOneRow() {
        Graph g = graph("""
                model M {
                  input x: f32[B, 3, 5, 7]
                  input c: f32[3, 1, 1]
                  output y = relu(x + c)
                }
                """);
        KernelPlan plan = Scheduler.schedule("M.forward", g);
        Kernel.Loop loop = (Kernel.Loop) plan.kernels().getFirst();
        assertEquals(4, loop.outer().size(), () -> PlanPrinter.print(plan));
        Kernel.Loop merged = CollapsedAxes.of(loop);
        assertEquals(List.of(loop.outer().get(0), loop.outer().get(1), Dim.of(35)), merged.outer());
        onRowLanes(g, Map.of("x", values(8, 6, 3, 5, 7), "c", values(9, 3, 1, 1)));
        // Scalar too: the merged loop without lanes gives the same bits.
        List<Tensor> want = Interpreter.results(g, Map.of("x", values(8, 2, 3, 5, 7), "c", values(9, 3, 1, 1)), Interpreter.Precision.DECLARED, 0);
        List<Tensor> got = BytecodeModel.compile(plan, false).run(Map.of("x", values(8, 2, 3, 5, 7), "c", values(9, 3, 1, 1)), 0);
        sameBits(want.getFirst(), got.getFirst(), "y scalar");
    }

    /** A bias along W: C and H merge (nothing reads them apart), H and W do not (the bias reads W alone). */
    @Test
    void axesReadApartStayApart() {
        Graph g = graph("""
                model M {
                  input x: f32[B, 3, 5, 20]
                  input w: f32[20]
                  output y = relu(x + w)
                }
                """);
        KernelPlan plan = Scheduler.schedule("M.forward", g);
        Kernel.Loop loop = (Kernel.Loop) plan.kernels().getFirst();
        assertEquals(List.of(loop.outer().get(0), Dim.of(15), Dim.of(20)),
                CollapsedAxes.of(loop).outer(), () -> PlanPrinter.print(plan));
        onRowLanes(g, Map.of("x", values(10, 3, 3, 5, 20), "w", values(11, 20)));
    }

    /** A transposed read moves by more than one element along the last axis: scalar. A short constant row: scalar. */
    @Test
    void stridesAndShortRowsStayScalar() {
        KernelPlan transposed = Scheduler.schedule("M.forward", graph("""
                model M {
                  input x: f32[40, 40]
                  output y = relu(x + x.T)
                }
                """));
        KernelPlan shortRows = Scheduler.schedule("M.forward", graph("""
                model M {
                  input x: f32[B, 10]
                  input b: f32[10]
                  output y = relu(x + b)
                }
                """));
        for (KernelPlan p : List.of(transposed, shortRows)) {
            for (Kernel k : p.kernels()) {
                if (k instanceof Kernel.Loop l) assertFalse(VectorLanes.fitsRows(CollapsedAxes.of(l), p), () -> PlanPrinter.print(p));
            }
        }
    }
}
