package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelc.api.Model;
import dev.modelc.api.Modelc;
import dev.modelc.api.Program;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * {@code max_pool1d/2d}, one op since it stopped being lowered to the graph's elementwise ops,
 * gives what that lowering gave: the running {@code where(w > m | isnan(w), w, m)} over strided
 * slices, written here by hand in the language. Values and gradients, on the interpreter and the
 * bytecode and Java source backends, in f64 and f32, on data full of ties (a few distinct values,
 * so the first maximum rule decides) and NaNs (the last NaN of a window wins). Bit for bit: a
 * 2 x 2 tiled pool gives each position at most one window's gradient and a 1-D pool of 2 with
 * stride 1 at most two, whose sum does not depend on the order of the adds.
 */
class MaxPoolLikeItsLoweringTest {
    private static final String SOURCE = """
            def first_max(m, w) {
              return where(w > m | isnan(w), w, m)
            }
            model M {
              param x: DT[2, 3, 4, 6] = randn()
              param v: DT[3, 7] = randn()
              input wa: DT[2, 3, 2, 3]
              input wb: DT[3, 6]
              a = TILED
              b = SLIDING
              output pooled = a
              output pooled1 = b
              loss = sum(a * wa) + sum(b * wb)
            }
            """;
    private static final String OP = SOURCE.replace("TILED", "max_pool2d(x, 2)").replace("SLIDING", "max_pool1d(v, 2, stride = 1)");
    private static final String BY_HAND = SOURCE.replace("TILED",
                    "first_max(first_max(first_max(x[:, :, 0::2, 0::2], x[:, :, 0::2, 1::2]), x[:, :, 1::2, 0::2]), x[:, :, 1::2, 1::2])")
            .replace("SLIDING", "first_max(v[:, 0:6], v[:, 1:7])");

    @Property(tries = 10)
    void theOpGivesTheBitsOfTheRunningWhere(@ForAll long seed) {
        Random r = new Random(seed);
        for (DType dtype : new DType[] {DType.F64, DType.F32}) {
            Tensor x = ties(r, dtype, 2, 3, 4, 6), v = ties(r, dtype, 3, 7);
            Map<String, Tensor> inputs = Map.of("wa", gaussian(r, dtype, 2, 3, 2, 3), "wb", gaussian(r, dtype, 3, 6));
            Program op = Modelc.compile("op.model", OP.replace("DT", dtype.spelling()));
            Program byHand = Modelc.compile("hand.model", BY_HAND.replace("DT", dtype.spelling()));
            Model want = byHand.model("M", Backend.INTERP).initialize(0).setParam("x", x).setParam("v", v);
            Map<String, Tensor> values = want.forward(inputs), grads = want.gradients(inputs);
            for (Backend b : new Backend[] {Backend.INTERP, Backend.BYTECODE, Backend.JAVA}) {
                Model m = op.model("M", b).initialize(0).setParam("x", x).setParam("v", v);
                Map<String, Tensor> got = m.forward(inputs), gotGrads = m.gradients(inputs);
                String what = " on " + b + " in " + dtype;
                same(values.get("pooled"), got.get("pooled"), "max_pool2d" + what);
                same(values.get("pooled1"), got.get("pooled1"), "max_pool1d" + what);
                same(grads.get("x"), gotGrads.get("x"), "d/dx" + what);
                same(grads.get("v"), gotGrads.get("v"), "d/dv" + what);
            }
        }
    }

    private static Tensor gaussian(Random r, DType dtype, int... shape) {
        double[] values = new double[Tensor.numel(shape)];
        for (int i = 0; i < values.length; i++) values[i] = r.nextGaussian();
        return Tensor.of(dtype, shape, values);
    }

    /** Values from {-1, 0, 1, 2} and a NaN in about one of 12: windows with ties, NaNs and both. */
    private static Tensor ties(Random r, DType dtype, int... shape) {
        double[] values = new double[Tensor.numel(shape)];
        for (int i = 0; i < values.length; i++) values[i] = r.nextInt(12) == 0 ? Double.NaN : r.nextInt(4) - 1;
        return Tensor.of(dtype, shape, values);
    }

    private static void same(Tensor want, Tensor got, String what) {
        double[] w = want.toDoubleArray(), g = got.toDoubleArray();
        assertEquals(w.length, g.length, what);
        for (int i = 0; i < w.length; i++) assertEquals(Double.doubleToLongBits(w[i]), Double.doubleToLongBits(g[i]), what + " at " + i);
    }

    /**
     * A stride past an int's range (the op's geometry is ints) is past every axis, so it pools
     * one window from the start, as a stride of the axis's size does; the fuzzer found the
     * compiler failing on it.
     */
    @org.junit.jupiter.api.Test
    void aStridePastAnIntsRangeIsOneWindow() {
        Program p = Modelc.compile("stride.model", """
                model M {
                  input x: f64[2, 3, 7]
                  output far = max_pool1d(x, 3, stride = 4294967296)
                  output near = max_pool1d(x, 3, stride = 7)
                }
                """);
        Tensor x = ties(new Random(4), DType.F64, 2, 3, 7);
        for (Backend b : new Backend[] {Backend.INTERP, Backend.BYTECODE, Backend.JAVA}) {
            Map<String, Tensor> out = p.model("M", b).forward(Map.of("x", x));
            assertEquals(java.util.List.of(2, 3, 1), java.util.Arrays.stream(out.get("far").shape()).boxed().toList(), b.toString());
            same(out.get("near"), out.get("far"), "stride 2^32 against 7 on " + b);
        }
    }
}
