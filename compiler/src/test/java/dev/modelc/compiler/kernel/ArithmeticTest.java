package dev.modelc.compiler.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.graph.BinaryFn;
import dev.modelc.compiler.graph.UnaryFn;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.exec.Scalars;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The numerics decision of the kernel IR: which function lets run in f32 and which in f64
 * through {@code Scalars}, rounded once ({@link Arithmetic}); the renderers only render it.
 */
class ArithmeticTest {
    private static KernelPlan forward(String source) {
        Compilation c = Compiler.compile(new SourceFile("a.model", source));
        assertFalse(c.hasErrors(), c::render);
        CheckedModel m = c.program().orElseThrow().models().getFirst();
        return Scheduler.schedule(m.name() + ".forward", EntryPoint.FORWARD.graph(m.graph()));
    }

    /** Each function let of the plan as {@code "<dtype> <fn>"} to its arithmetic. */
    private static Map<String, Arithmetic> decisions(KernelPlan plan) {
        Map<String, Arithmetic> out = new TreeMap<>();
        for (Kernel k : plan.kernels()) {
            if (!(k instanceof Kernel.Loop l)) continue;
            List<Let> lets = new ArrayList<>(l.body());
            l.reduction().ifPresent(r -> lets.addAll(r.body()));
            for (Let let : lets) {
                switch (let.expr()) {
                    case Expr.Unary u -> out.merge(let.dtype().spelling() + " " + u.fn().spelling(), u.arithmetic(), ArithmeticTest::same);
                    case Expr.Binary b -> out.merge(let.dtype().spelling() + " " + b.fn().spelling(), b.arithmetic(), ArithmeticTest::same);
                    default -> {
                    }
                }
            }
        }
        return out;
    }

    private static Arithmetic same(Arithmetic a, Arithmetic b) {
        assertEquals(a, b, "one function of one dtype is computed one way");
        return a;
    }

    private static final String FUNCTIONS = """
            model A {
              input x: DT[N]
              input k: i32[N]
              output y = exp(x) * x - x / 2.0 + square(x)
              output n = -x
              output m = maximum(x, 1.0)
              output w = where(x > 0.5, sum(x * x), floor(x))
              output z = k + k
            }
            """;

    @Test
    void inF32OnlyTheExactFunctionsRunInFloat() {
        Map<String, Arithmetic> got = decisions(forward(FUNCTIONS.replace("DT", "f32")));
        Map<String, Arithmetic> want = new TreeMap<>(Map.of(
                "f32 add", Arithmetic.F32, "f32 sub", Arithmetic.F32, "f32 mul", Arithmetic.F32,
                "f32 div", Arithmetic.F32, "f32 neg", Arithmetic.F32, "f32 square", Arithmetic.F32,
                "f32 exp", Arithmetic.F64, "f32 maximum", Arithmetic.F32, "f32 floor", Arithmetic.F64,
                "bool gt", Arithmetic.F64));
        want.put("i32 add", Arithmetic.F64);
        assertEquals(want, got);
    }

    @Test
    void inF64EveryFunctionRunsInF64() {
        Map<String, Arithmetic> got = decisions(forward(FUNCTIONS.replace("DT", "f64")));
        assertFalse(got.isEmpty());
        got.forEach((what, a) -> assertEquals(Arithmetic.F64, a, what));
        assertTrue(got.containsKey("f64 mul") && got.containsKey("f64 neg"), got::toString);
    }

    @Test
    void thePlanTextSaysWhichLetsAreComputedInF64() {
        String text = PlanPrinter.print(forward("""
                model A {
                  input x: f32[N]
                  input k: i32[N]
                  output y = exp(x) * x
                  output z = k + k
                  output d = x > 1.0
                }
                """));
        assertTrue(text.contains("  v0: f32 = load %0[i0]\n  v1: f32 = exp v0 in f64\n  v2: f32 = mul v1 v0\n"), text);
        assertTrue(text.contains("  v1: i32 = add v0 v0 in f64\n"), text);
        // A comparison's result is 0 or 1 whatever it is computed in: no note.
        assertTrue(text.contains("  v2: bool = gt v0 v1\n"), text);
    }

    /**
     * The claim the split rests on: for every function the kernel IR computes in f32, the float
     * instruction gives exactly the interpreter's bits ({@code Scalars} in f64, rounded once),
     * zeros' signs, infinities, NaN and subnormals included.
     */
    @Test
    void everyFunctionComputedInF32GivesTheInterpretersBits() {
        float[] xs = samples();
        int checked = 0;
        for (UnaryFn fn : UnaryFn.values()) {
            if (Arithmetic.of(fn, DType.F32, DType.F32) != Arithmetic.F32) continue;
            checked++;
            for (float x : xs) {
                float native_ = switch (fn) {
                    case NEG -> -x;
                    case SQUARE -> x * x;
                    case ABS -> Math.abs(x);
                    case RELU -> Math.max(x, 0f);
                    case RECIPROCAL -> 1f / x;
                    default -> throw new AssertionError(fn + " is computed in f32: say here which float instruction renders it");
                };
                assertBits((float) fn.apply(x), native_, fn + "(" + x + ")");
            }
        }
        for (BinaryFn fn : BinaryFn.values()) {
            if (Arithmetic.of(fn, DType.F32, DType.F32, DType.F32) != Arithmetic.F32) continue;
            checked++;
            for (float a : xs) {
                for (float b : xs) {
                    float native_ = switch (fn) {
                        case ADD -> a + b;
                        case SUB -> a - b;
                        case MUL -> a * b;
                        case DIV -> a / b;
                        case MAX -> Math.max(a, b);
                        case MIN -> Math.min(a, b);
                        default -> throw new AssertionError(fn + " is computed in f32: say here which float instruction renders it");
                    };
                    assertBits((float) scalar(fn, a, b), native_, fn + "(" + a + ", " + b + ")");
                }
            }
        }
        assertEquals(11, checked, "add, sub, mul, div, maximum, minimum, neg, square, abs, relu and reciprocal run in f32");
    }

    @Test
    void mixedOrWiderOperandsRunInF64() {
        assertEquals(Arithmetic.F64, Arithmetic.of(BinaryFn.ADD, DType.F32, DType.F32, DType.F64));
        assertEquals(Arithmetic.F64, Arithmetic.of(BinaryFn.MUL, DType.F64, DType.F64, DType.F64));
        assertEquals(Arithmetic.F64, Arithmetic.of(UnaryFn.NEG, DType.F32, DType.F64));
        assertEquals(Arithmetic.F64, Arithmetic.of(UnaryFn.NEG, DType.I32, DType.I32));
    }

    private static double scalar(BinaryFn fn, double a, double b) {
        return switch (fn) {
            case ADD -> Scalars.add(a, b);
            case SUB -> Scalars.sub(a, b);
            case MUL -> Scalars.mul(a, b);
            case DIV -> Scalars.div(a, b);
            case MAX -> Scalars.maximum(a, b);
            case MIN -> Scalars.minimum(a, b);
            default -> throw new AssertionError(fn.toString());
        };
    }

    private static void assertBits(float want, float got, String what) {
        assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got), () -> what + ": " + want + " from Scalars in f64, " + got + " in float");
    }

    /** Special values, subnormals, values near overflow and random bit patterns. */
    private static float[] samples() {
        List<Float> v = new ArrayList<>(List.of(0f, -0f, 1f, -1f, 0.5f, 3f, 1e-45f, -1e-45f, Float.MIN_NORMAL,
                Float.MAX_VALUE, -Float.MAX_VALUE, 1.8446744e19f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
                0.1f, 1.1754942e-38f, 16777217f, 3.4e38f, 1.0000001f));
        Random r = new Random(13);
        while (v.size() < 220) v.add(Float.intBitsToFloat(r.nextInt()));
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) out[i] = v.get(i);
        return out;
    }
}
