package dev.modelc.compiler.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.backend.bytecode.BytecodeModel;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.interp.Interpreter;
import dev.modelc.compiler.kernel.Arithmetic;
import dev.modelc.compiler.kernel.Expr;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.Let;
import dev.modelc.compiler.kernel.PlanPrinter;
import dev.modelc.compiler.kernel.Scheduler;
import dev.modelc.compiler.passes.Pipeline;
import dev.modelc.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The f32 functions the kernel IR computes with float operations ({@link Arithmetic#F32}: abs,
 * relu, reciprocal, maximum, minimum, besides + - * / neg square) give the interpreter's bits (f64
 * through {@code Scalars}, rounded once) on every JVM path: bytecode scalar, bytecode on vector
 * lanes, Java source. Operands are drawn from every bit pattern, weighted towards NaN, zeros of
 * both signs, infinities, subnormals, the largest floats and values that tie; NaNs compare as
 * NaN ({@code Float.floatToIntBits}).
 */
class ExactF32Properties {
    private static final String MODEL = """
            model Exact {
              input x: f32[N]
              input y: f32[N]
              output a = abs(x)
              output r = relu(x)
              output q = reciprocal(x)
              output mx = maximum(x, y)
              output mn = minimum(x, y)
              output c = relu(minimum(abs(x), y)) * maximum(reciprocal(y), x)
            }
            """;

    private static final Graph GRAPH;
    private static final KernelPlan PLAN;

    static {
        Compilation c = Compiler.compile(new SourceFile("exact.model", MODEL));
        assertFalse(c.hasErrors(), c::render);
        CheckedModel m = c.program().orElseThrow().models().getFirst();
        GRAPH = Pipeline.optimize(EntryPoint.FORWARD.graph(m.graph()), false);
        PLAN = Scheduler.schedule("Exact.forward", GRAPH);
    }

    @Provide
    Arbitrary<float[]> operands() {
        Arbitrary<Float> special = Arbitraries.of(0f, -0f, Float.NaN, Float.intBitsToFloat(0xffc00001), Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL,
                1.1754942e-38f, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f, 0.5f, 3f, 2.9387359e-39f);
        Arbitrary<Float> bits = Arbitraries.integers().map(Float::intBitsToFloat);
        Arbitrary<Float> subnormal = Arbitraries.integers().between(1, 0x007fffff).map(i -> Float.intBitsToFloat(i))
                .flatMap(f -> Arbitraries.of(f, -f));
        Arbitrary<Float> one = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, special), net.jqwik.api.Tuple.of(5, bits), net.jqwik.api.Tuple.of(2, subnormal));
        // Two operands per position; 2 to 400 positions, so lanes run whole vectors and a scalar tail.
        return one.list().ofMinSize(4).ofMaxSize(800).map(l -> {
            int n = l.size() / 2 * 2;
            float[] out = new float[n];
            for (int i = 0; i < n; i++) out[i] = l.get(i);
            return out;
        });
    }

    @Property(tries = 60)
    void everyJvmPathGivesTheInterpretersBits(@ForAll("operands") float[] xy) {
        int n = xy.length / 2;
        float[] x = new float[n], y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = xy[2 * i];
            y[i] = xy[2 * i + 1];
        }
        Map<String, Tensor> in = Map.of("x", Tensor.of(x, n), "y", Tensor.of(y, n));
        List<Tensor> want = Interpreter.results(GRAPH, in, Interpreter.Precision.DECLARED, 0);
        Map<String, List<Tensor>> paths = Map.of(
                "bytecode", BytecodeModel.compile(PLAN, false).run(in, 0),
                "bytecode on lanes", BytecodeModel.compile(PLAN, dev.modelc.compiler.backend.bytecode.VectorLanes.present()).run(in, 0),
                "java", Backend.JAVA.runOutputs(GRAPH, in, null));
        paths.forEach((path, got) -> {
            for (int k = 0; k < want.size(); k++) {
                String name = PLAN.results().get(k).output().name();
                double[] w = want.get(k).toDoubleArray(), g = got.get(k).toDoubleArray();
                for (int i = 0; i < n; i++) {
                    int at = i;
                    assertEquals(Float.floatToIntBits((float) w[i]), Float.floatToIntBits((float) g[i]),
                            () -> name + " on " + path + " at x = " + x[at] + ", y = " + y[at] + ": " + (float) w[at]
                                    + " from the interpreter, " + (float) g[at]);
                }
            }
        });
    }

    /** The plan computes every function of the model in f32 (else the property would test Scalars against itself). */
    @net.jqwik.api.Example
    void theFunctionsRunInF32() {
        List<Let> lets = new ArrayList<>();
        for (Kernel k : PLAN.kernels()) if (k instanceof Kernel.Loop l) lets.addAll(l.body());
        long functions = lets.stream().filter(l -> l.expr() instanceof Expr.Unary || l.expr() instanceof Expr.Binary).count();
        long inF32 = lets.stream().filter(l -> l.expr() instanceof Expr.Unary u && u.arithmetic() == Arithmetic.F32
                || l.expr() instanceof Expr.Binary b && b.arithmetic() == Arithmetic.F32).count();
        assertEquals(functions, inF32, () -> PlanPrinter.print(PLAN));
        assertEquals(true, functions >= 10, () -> PlanPrinter.print(PLAN));
    }
}
