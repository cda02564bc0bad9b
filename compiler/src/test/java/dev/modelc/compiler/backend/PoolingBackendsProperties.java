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
import net.jqwik.api.constraints.IntRange;

/**
 * Max and average pooling (random kernels, strides and paddings; windows that tile and windows
 * that overlap), prod, cumsum and einsum, with their gradients, give the interpreter's bits on the
 * bytecode and Java source backends, in f64 and f32: they are lowered to the graph's own ops, which
 * every backend computes in the same order with the same rounding. Except einsum's matmuls in
 * f32, which accumulate in f32 as BLAS does on the compiled backends (docs/architecture.md,
 * Agreement): its outputs, and the gradients it adds to, agree within 1e-4 of the largest value.
 */
class PoolingBackendsProperties {
    private static final String SOURCE = """
            model P {
              param x: DT[2, C, H, W] = randn()
              param v: DT[3, L] = randn()
              a = POOL2(x, [KH, KW], stride = [SH, SW], padding = [PH, PW])
              b = POOL1(v, K, stride = S, padding = P)
              output a1 = a
              output b1 = b
              output pr = prod(v, axis = 1)
              output cs = cumsum(x, axis = AXIS)
              output es = einsum("bchw,bchw->cw", x, x)
              output ed = einsum("ij,kj->ik", v, v)
              loss = sum(sin(a) * a) + sum(b * b) + sum(prod(v, axis = 1)) + sum(cumsum(x, axis = AXIS) * x) + sum(einsum("ij,kj->ik", v, v))
            }
            """;

    @Property(tries = 12)
    void everyBackendGivesTheInterpretersBits(@ForAll boolean max, @ForAll @IntRange(min = 1, max = 3) int kh,
                                              @ForAll @IntRange(min = 1, max = 3) int kw, @ForAll @IntRange(min = 1, max = 4) int k,
                                              @ForAll boolean tiled, @ForAll @IntRange(min = -4, max = 3) int axis, @ForAll long seed) {
        Random r = new Random(seed);
        int sh = tiled ? kh : 1 + r.nextInt(3), sw = tiled ? kw : 1 + r.nextInt(3), s = tiled ? k : 1 + r.nextInt(3);
        int ph = tiled ? 0 : r.nextInt(kh / 2 + 1), pw = tiled ? 0 : r.nextInt(kw / 2 + 1), p = tiled ? 0 : r.nextInt(k / 2 + 1);
        int h = tiled ? kh * (1 + r.nextInt(3)) : kh + r.nextInt(4), w = tiled ? kw * (1 + r.nextInt(3)) : kw + r.nextInt(4);
        int l = tiled ? k * (1 + r.nextInt(3)) : k + r.nextInt(5), c = 1 + r.nextInt(2);
        String pool = max ? "max_pool" : "avg_pool";
        String text = SOURCE.replace("POOL2", pool + "2d").replace("POOL1", pool + "1d").replace("KH", "" + kh).replace("KW", "" + kw)
                .replace("SH", "" + sh).replace("SW", "" + sw).replace("PH", "" + ph).replace("PW", "" + pw).replace("AXIS", "" + axis)
                .replace("K,", k + ",").replace("S,", s + ",").replace("= P)", "= " + p + ")").replace("[2, C, H, W]", "[2, " + c + ", " + h + ", " + w + "]")
                .replace("[3, L]", "[3, " + l + "]");
        for (DType dtype : new DType[] {DType.F64, DType.F32}) {
            Program program = Modelc.compile("p.model", text.replace("DT", dtype.spelling()));
            Tensor x = gaussian(r, dtype, 2, c, h, w), v = gaussian(r, dtype, 3, l);
            Model reference = program.model("P", Backend.INTERP).initialize(0).setParam("x", x).setParam("v", v);
            Map<String, Tensor> want = reference.forward(Map.of());
            Map<String, Tensor> wantGrads = reference.gradients(Map.of());
            for (Backend b : new Backend[] {Backend.BYTECODE, Backend.JAVA}) {
                Model m = program.model("P", b).initialize(0).setParam("x", x).setParam("v", v);
                Map<String, Tensor> got = m.forward(Map.of());
                for (String o : want.keySet()) {
                    boolean matmul = dtype == DType.F32 && o.startsWith("e");
                    check(want.get(o), got.get(o), matmul, o + " on " + b + " in " + dtype + "\n" + text);
                }
                Map<String, Tensor> grads = m.gradients(Map.of());
                for (String g : wantGrads.keySet()) {
                    check(wantGrads.get(g), grads.get(g), dtype == DType.F32, "d/d" + g + " on " + b + " in " + dtype + "\n" + text);
                }
            }
        }
    }

    private static Tensor gaussian(Random r, DType dtype, int... shape) {
        double[] values = new double[Tensor.numel(shape)];
        for (int i = 0; i < values.length; i++) values[i] = r.nextGaussian();
        return Tensor.of(dtype, shape, values);
    }

    /** The same bits, or with {@code close} within 1e-4 of the largest magnitude. */
    private static void check(Tensor want, Tensor got, boolean close, String what) {
        double[] w = want.toDoubleArray(), g = got.toDoubleArray();
        assertEquals(w.length, g.length, what);
        double largest = 0;
        for (double v : w) largest = Math.max(largest, Math.abs(v));
        for (int i = 0; i < w.length; i++) {
            if (close) assertEquals(w[i], g[i], 1e-4 * largest, what + " at " + i);
            else assertEquals(Double.doubleToLongBits(w[i]), Double.doubleToLongBits(g[i]), what + " at " + i);
        }
    }
}
