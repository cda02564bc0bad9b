package dev.modelc.torch.reference;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.modelc.torch.TorchScript;

/**
 * A function's values at its points and, by PyTorch's autograd, the first and second
 * derivatives of {@code sum(f(x))} with respect to {@code x} (for an elementwise f, f' and f''
 * at each point). The first backward keeps its graph ({@code create_graph}), so the gradient
 * is itself differentiated by PyTorch's double-backward rules.
 */
final class Autograd {
    private Autograd() {
    }

    /** What PyTorch computes; {@code grad} and {@code grad2} are null when not asked for. */
    record Result(double[] value, double[] grad, double[] grad2) {
    }

    static Result f64(ElementwiseCase c, NDManager parent) {
        try (NDManager m = parent.newSubManager(); TorchScript f = TorchScript.of(c.torch(), m)) {
            PtNDArray x = (PtNDArray) m.create(c.points());
            if (c.derivatives() == 0) return new Result(doubles(f.apply(x)), null, null);
            JniUtils.attachGradient(x, true);
            NDArray y = f.apply(x);
            double[] value = doubles(y);
            backward(y.sum(), true);
            PtNDArray g = JniUtils.getGradient(x);
            double[] grad = g.toDoubleArray();
            if (c.derivatives() == 1) return new Result(value, grad, null);
            // x.grad is g itself: zero it in place (its graph is unaffected) so the second backward
            // leaves f'' there rather than f' + f''.
            JniUtils.zeroGrad(x);
            double[] grad2;
            try {
                backward(g.sum(), false);
                grad2 = JniUtils.getGradient(x).toDoubleArray();
            } catch (EngineException e) {
                if (!e.getMessage().contains("does not require grad")) throw e;
                // f' does not depend on x (floor, clamp's mask...): torch.autograd.grad says None, that is 0.
                grad2 = new double[grad.length];
            }
            return new Result(value, grad, grad2);
        }
    }

    /** The values in float32, PyTorch's f32 kernels (as bits widened to f64). */
    static double[] f32(ElementwiseCase c, NDManager parent) {
        try (NDManager m = parent.newSubManager(); TorchScript f = TorchScript.of(c.torch(), m)) {
            float[] points = new float[c.points().length];
            for (int i = 0; i < points.length; i++) points[i] = (float) c.points()[i];
            NDArray y = f.apply(m.create(points));
            if (y.getDataType() == DataType.BOOLEAN) return doubles(y);
            if (y.getDataType() != DataType.FLOAT32) throw new IllegalStateException(c.torch() + " gave " + y.getDataType() + " for float32");
            float[] v = y.toFloatArray();
            double[] out = new double[v.length];
            for (int i = 0; i < v.length; i++) out[i] = v[i];
            return out;
        }
    }

    /**
     * With create_graph libtorch warns once that x and its gradient now reference each other (a
     * leak in a long-running program); here each case's arrays go with its sub-manager, and the
     * process ends after the last case.
     */
    private static void backward(NDArray scalar, boolean createGraph) {
        PtNDArray s = (PtNDArray) scalar;
        JniUtils.backward(s, (PtNDArray) s.onesLike(), createGraph, createGraph);
    }

    /** f64 values, or a bool mask as 0 and 1. */
    private static double[] doubles(NDArray y) {
        if (y.getDataType() == DataType.BOOLEAN) {
            boolean[] b = y.toBooleanArray();
            double[] out = new double[b.length];
            for (int i = 0; i < b.length; i++) out[i] = b[i] ? 1 : 0;
            return out;
        }
        if (y.getDataType() != DataType.FLOAT64) throw new IllegalStateException("float64 in, " + y.getDataType() + " out");
        return y.toDoubleArray();
    }
}
