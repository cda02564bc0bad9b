package dev.modelc.runtime.optim;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code torch.nn.utils.clip_grad_norm_(params, max_norm)}: all gradients scaled together by
 * {@code min(1, max_norm / (total_norm + 1e-6))}, where {@code total_norm} is the 2-norm of all of
 * them together (the 2-norm of their 2-norms), before the optimizer's step.
 *
 * <p>Numerics: each gradient's norm is summed in f64 and rounded once to the gradient's dtype, the
 * total likewise, the coefficient is computed in that dtype and every element multiplied in it,
 * as PyTorch multiplies ({@code _foreach_mul_} by the clamped coefficient, also when it is 1).
 * PyTorch sums an f32 norm in f32 lanes, so an f32 coefficient may differ from PyTorch's in its
 * last bit or two; f64 ones agree to rounding.
 */
public final class GradClip {
    private GradClip() {
    }

    /** The 2-norm of all of {@code grads} together, in f64 (before any rounding to their dtype). */
    public static double totalNorm(Map<String, Tensor> grads) {
        double sumOfSquares = 0;
        DType dtype = dtype(grads);
        for (Tensor g : grads.values()) {
            double n = round(Math.sqrt(squares(g)), g.dtype());
            sumOfSquares += n * n;
        }
        return round(Math.sqrt(sumOfSquares), dtype);
    }

    /** {@code grads} scaled so that their total 2-norm is at most {@code maxNorm}, in the order given. */
    public static Map<String, Tensor> byTotalNorm(Map<String, Tensor> grads, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("max norm must be positive, not " + maxNorm);
        if (grads.isEmpty()) return grads;
        DType dtype = dtype(grads);
        double total = totalNorm(grads);
        double coefficient = Math.min(1.0, round(round(maxNorm, dtype) / round(total + 1e-6, dtype), dtype));
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : grads.entrySet()) {
            Tensor g = e.getValue();
            double c = round(coefficient, g.dtype());
            double[] v = g.toDoubleArray();
            for (int i = 0; i < v.length; i++) v[i] = round(v[i] * c, g.dtype());
            out.put(e.getKey(), Tensor.of(g.dtype(), g.shape(), v));
        }
        return out;
    }

    private static double squares(Tensor g) {
        double s = 0;
        for (int i = 0; i < g.numel(); i++) {
            double v = g.getDouble(i);
            s += v * v;
        }
        return s;
    }

    /** f64 when any gradient is f64 (as {@code torch.stack} of the norms promotes), else f32. */
    private static DType dtype(Map<String, Tensor> grads) {
        for (Tensor g : grads.values()) if (g.dtype() == DType.F64) return DType.F64;
        return DType.F32;
    }

    private static double round(double v, DType dtype) {
        return dtype == DType.F32 ? (float) v : v;
    }
}
