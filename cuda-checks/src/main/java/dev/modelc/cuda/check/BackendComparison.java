package dev.modelc.cuda.check;

import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.Size;
import dev.modelc.runtime.model.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One model on a backend against the reference interpreter, as the samples' backend test does
 * for the JVM backends: initial params (equal), outputs, loss, gradients and an update step on
 * random inputs with every symbolic size 4. The GPU's math library differs from Java's in the
 * last bit of exp, log, tanh..., and its reductions add in another order, so values agree within
 * a relative 1e-9 of their tensor's largest magnitude in f64 and 1e-4 in f32, not bit for bit.
 */
public final class BackendComparison {
    static final double F64_TOLERANCE = 1e-9, F32_TOLERANCE = 1e-4;

    private BackendComparison() {
    }

    /** What differs, one line per difference (empty when nothing does). */
    public static List<String> compare(CheckedModel m, Backend backend, DType floating) {
        return compare(m, backend.compile(m, floating), floating, 4);
    }

    /** {@link #compare(CheckedModel, Backend, DType)} for a model already compiled, with every symbolic size {@code size}. */
    public static List<String> compare(CheckedModel m, CompiledModel got, DType floating, int size) {
        List<String> problems = new ArrayList<>();
        CompiledModel want = Backend.INTERP.compile(m, floating);
        double tol = f64(floating, m) ? F64_TOLERANCE : F32_TOLERANCE;
        Map<String, Tensor> params = want.initialParams(0);
        same("initial params", params, got.initialParams(0), 0, problems);
        Map<String, Tensor> batch = new LinkedHashMap<>();
        Generator g = Generator.of(1, "inputs");
        for (TensorSpec in : want.inputs()) batch.put(in.name(), random(in, floating, g, size));
        if (!want.outputs().isEmpty()) same("outputs", want.forward(params, batch), got.forward(params, batch), tol, problems);
        if (want.hasLoss()) {
            CompiledModel.Gradients a = want.lossAndGradients(params, batch), b = got.lossAndGradients(params, batch);
            same("loss", Map.of("loss", a.loss()), Map.of("loss", b.loss()), tol, problems);
            same("gradients", a.gradients(), b.gradients(), tol, problems);
        }
        if (want.hasUpdateRules()) {
            same("params after a step", want.updateStep(params, batch).params(), got.updateStep(params, batch).params(), tol, problems);
        }
        return problems;
    }

    private static boolean f64(DType floating, CheckedModel m) {
        if (floating != null) return floating == DType.F64;
        return m.graph().nodes().stream().noneMatch(n -> n.type().dtype() == DType.F32);
    }

    private static void same(String what, Map<String, Tensor> want, Map<String, Tensor> got, double tol, List<String> problems) {
        if (!want.keySet().equals(got.keySet())) {
            problems.add(what + ": names " + want.keySet() + " from the interpreter, " + got.keySet() + " from the backend");
            return;
        }
        for (String k : want.keySet()) {
            Tensor a = want.get(k), b = got.get(k);
            if (!Arrays.equals(a.shape(), b.shape()) || a.dtype() != b.dtype()) {
                problems.add(what + " " + k + ": " + a.dtype() + Arrays.toString(a.shape()) + " from the interpreter, "
                        + b.dtype() + Arrays.toString(b.shape()) + " from the backend");
                continue;
            }
            double[] x = a.toDoubleArray(), y = b.toDoubleArray();
            double scale = 1;
            for (double v : x) if (Double.isFinite(v)) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < x.length; i++) {
                if (Double.compare(x[i], y[i]) == 0 || x[i] == y[i]) continue;
                if (Math.abs(x[i] - y[i]) <= tol * scale) continue;
                problems.add(what + " " + k + "[" + i + "]: " + x[i] + " from the interpreter, " + y[i] + " from the backend");
                break;
            }
        }
    }

    /** Floats in [-2, 2), i32 class labels 0 or 1, bools; symbolic sizes {@code size}. */
    static Tensor random(TensorSpec spec, DType floating, Generator g, int size) {
        int[] shape = spec.dims().stream().mapToInt(d -> d instanceof Size.Fixed f ? (int) f.value() : size).toArray();
        int n = Tensor.numel(shape);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (spec.dtype()) {
                case F32, F64 -> g.nextUniform(-2, 2);
                case I32, BOOL -> g.nextUniform(0, 1) < 0.5 ? 0 : 1;
            };
        }
        DType d = spec.dtype().isFloating() && floating != null ? floating : spec.dtype();
        return Tensor.of(d, shape, v);
    }
}
