package dev.modelc.runtime.optim;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.optim.ParamState.Buffer;
import dev.modelc.runtime.optim.ParamState.Slot;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Adam with L2 weight decay added to the gradient, as {@code torch.optim.Adam}; or, made by
 * {@link #decoupled}, with AdamW's decoupled weight decay, as {@code torch.optim.AdamW}: before
 * the step, {@code p.mul_(1 - lr * weight_decay)} (the factor computed in double, then rounded to
 * the param's dtype), and the gradient is used as it is. Otherwise as
 * {@code torch.optim.Adam} (PyTorch 2.x, {@code amsgrad=False, maximize=False}, the CPU default
 * single-tensor path).
 *
 * <p>Per param, following {@code _single_tensor_adam} in {@code torch/optim/adam.py}:
 * <pre>{@code
 * step += 1
 * g = grad
 * if weight_decay != 0: g = g.add(p, alpha=weight_decay)        # g + wd * p
 * exp_avg.lerp_(g, 1 - beta1)                                  # m = b1 * m + (1 - b1) * g
 * exp_avg_sq.mul_(beta2).addcmul_(g, g, value=1 - beta2)       # v = b2 * v + (1 - b2) * g * g
 * bias_correction1 = 1 - beta1 ** step                         # in double, as Python floats
 * bias_correction2 = 1 - beta2 ** step
 * step_size = lr / bias_correction1
 * denom = (exp_avg_sq.sqrt() / sqrt(bias_correction2)).add_(eps)
 * p.addcdiv_(exp_avg, denom, value=-step_size)                 # p - lr * mhat / (sqrt(vhat) + eps)
 * }</pre>
 * The element operations follow ATen's scalar CPU kernels, every one rounded to the param's dtype and
 * every scalar first rounded to it: {@code lerp(m, g, w)} is {@code m + w * (g - m)} for
 * {@code |w| < 0.5}, else {@code g - (g - m) * (1 - w)}; {@code addcmul} is {@code v + (s * g) * g};
 * {@code addcdiv} is {@code p + (s * m) / denom}. (PyTorch's vectorized kernels use FMAs on long
 * tensors, which can differ from this in the last bit of an f32.) The step count is kept per param,
 * as PyTorch does, so a param that missed a step for want of a gradient has its own bias correction.
 *
 * <p>State per param: {@code "exp_avg/<path>"}, {@code "exp_avg_sq/<path>"} (the param's dtype and
 * shape) and {@code "step/<path>"} (an f64 scalar), once the param has had a step.
 */
public final class Adam implements Optimizer {
    static final String EXP_AVG = "exp_avg";
    static final String EXP_AVG_SQ = "exp_avg_sq";
    static final String STEP = "step";

    private double lr;
    private final boolean decoupled;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<String, Buffer> expAvg = new HashMap<>();
    private final Map<String, Buffer> expAvgSq = new HashMap<>();
    private final Map<String, Long> steps = new HashMap<>();

    /** Adam with PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam() {
        this(1e-3);
    }

    /** Adam with PyTorch's defaults but the learning rate. */
    public Adam(double lr) {
        this(lr, 0.9, 0.999, 1e-8, 0);
    }

    /** Adam with every option of {@code torch.optim.Adam} but amsgrad and maximize, checked as PyTorch checks them. */
    public Adam(double lr, double beta1, double beta2, double eps, double weightDecay) {
        this(lr, beta1, beta2, eps, weightDecay, false);
    }

    /** AdamW: every option of {@code torch.optim.AdamW} but amsgrad and maximize, checked as PyTorch checks them. */
    public static Adam decoupled(double lr, double beta1, double beta2, double eps, double weightDecay) {
        return new Adam(lr, beta1, beta2, eps, weightDecay, true);
    }

    private Adam(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        this.decoupled = decoupled;
        if (!(lr >= 0)) throw new IllegalArgumentException("learning rate must be at least 0, not " + lr);
        if (!(eps >= 0)) throw new IllegalArgumentException("epsilon must be at least 0, not " + eps);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must be in [0, 1), not " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0, 1), not " + beta2);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be at least 0, not " + weightDecay);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** The learning rate. */
    public double lr() {
        return lr;
    }

    @Override
    public void setLr(double lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException("learning rate must be at least 0, not " + lr);
        this.lr = lr;
    }

    /** Whether the weight decay is AdamW's, decoupled from the gradient. */
    public boolean isDecoupled() {
        return decoupled;
    }

    @Override
    public Map<String, Tensor> step(Map<String, Tensor> params, Map<String, Tensor> grads) {
        return step(params, grads, new ParamBuffers());
    }

    @Override
    public Map<String, Tensor> step(Map<String, Tensor> params, Map<String, Tensor> grads, ParamBuffers into) {
        if (ParamState.plainF32(params, grads)) return stepF32(params, grads, into);
        Map<String, Slot> slots = ParamState.slots(params, grads);
        for (Slot s : slots.values()) {
            if (expAvg.containsKey(s.path())) {
                expAvg.get(s.path()).check(EXP_AVG, s);
                expAvgSq.get(s.path()).check(EXP_AVG_SQ, s);
            }
        }
        Map<String, Tensor> out = new LinkedHashMap<>(params);
        for (Slot s : slots.values()) {
            double[] p = s.p();
            double[] g = s.g().clone();
            int n = p.length;
            double[] m = expAvg.computeIfAbsent(s.path(), k -> zeros(s)).values();
            double[] v = expAvgSq.computeIfAbsent(s.path(), k -> zeros(s)).values();
            long step = steps.merge(s.path(), 1L, Long::sum);

            StepRule.AdamScalars c = rule().scalars(s.f32(), step);
            if (weightDecay != 0 && decoupled) {
                p = p.clone();
                for (int i = 0; i < n; i++) p[i] = s.r(p[i] * c.decay());
            } else if (weightDecay != 0) {
                for (int i = 0; i < n; i++) g[i] = s.r(g[i] + s.r(c.weightDecay() * p[i]));
            }
            for (int i = 0; i < n; i++) {
                double diff = s.r(g[i] - m[i]);
                m[i] = c.small() ? s.r(m[i] + s.r(c.w() * diff)) : s.r(g[i] - s.r(diff * c.oneMinusW()));
                v[i] = s.r(v[i] * c.beta2());
                v[i] = s.r(v[i] + s.r(s.r(c.oneMinusBeta2() * g[i]) * g[i]));
            }
            double[] next = new double[n];
            for (int i = 0; i < n; i++) {
                double denom = s.r(s.r(s.r(Math.sqrt(v[i])) / c.biasCorrection2Sqrt()) + c.eps());
                next[i] = s.r(p[i] + s.r(s.r(c.negStepSize() * m[i]) / denom));
            }
            out.put(s.path(), into.store(s.path(), s.param(), next));
        }
        return out;
    }

    /**
     * {@link #step} on f32 params with f32 gradients in float arithmetic, without the general path's
     * f64 copies of params, gradients and results: each operation there is a float operation computed
     * in double and rounded once to float (the square root too), which gives the float result, so the
     * bits are the same. The moments stay f64 arrays holding f32 values, as the general path keeps
     * them. The new values are tested for NaN and infinities in the same pass ({@link Updates#adam},
     * on vector lanes where the JVM has them), a large param split across cores.
     */
    private Map<String, Tensor> stepF32(Map<String, Tensor> params, Map<String, Tensor> grads, ParamBuffers into) {
        for (var e : params.entrySet()) {
            if (grads.containsKey(e.getKey()) && expAvg.containsKey(e.getKey())) {
                expAvg.get(e.getKey()).check(EXP_AVG, e.getKey(), e.getValue());
                expAvgSq.get(e.getKey()).check(EXP_AVG_SQ, e.getKey(), e.getValue());
            }
        }
        Map<String, Tensor> out = new LinkedHashMap<>(params);
        for (var e : params.entrySet()) {
            String path = e.getKey();
            Tensor param = e.getValue(), grad = grads.get(path);
            if (grad == null) continue;
            float[] p = (float[]) param.storage(), g = (float[]) grad.storage();
            int n = p.length;
            double[] m = expAvg.computeIfAbsent(path, k -> Buffer.zeros(param)).values();
            double[] v = expAvgSq.computeIfAbsent(path, k -> Buffer.zeros(param)).values();
            long step = steps.merge(path, 1L, Long::sum);
            StepRule.AdamScalars c = rule().scalars(true, step);
            Updates.AdamFloats floats = Updates.AdamFloats.of(c, weightDecay != 0 && decoupled, weightDecay != 0 && !decoupled);
            float[] next = (float[]) into.next(path, DType.F32, n);
            into.wrote(next, Updates.split(n, (from, to) -> Updates.adam(p, g, m, v, next, from, to, floats, Updates.LANES)));
            out.put(path, Tensor.wrap(DType.F32, param.shape(), next));
        }
        return out;
    }

    private static Buffer zeros(Slot s) {
        return Buffer.zeros(s.param());
    }

    /** This optimizer's settings now, for a device that runs its steps ({@link StepRule.Adam#scalars}, which {@link #step} uses too). */
    @Override
    public Optional<StepRule> stepRule() {
        return Optional.of(rule());
    }

    private StepRule.Adam rule() {
        return new StepRule.Adam(lr, beta1, beta2, eps, weightDecay, decoupled);
    }

    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = ParamState.sorted();
        expAvg.forEach((path, b) -> out.put(EXP_AVG + "/" + path, b.tensor()));
        expAvgSq.forEach((path, b) -> out.put(EXP_AVG_SQ + "/" + path, b.tensor()));
        steps.forEach((path, n) -> out.put(STEP + "/" + path, Tensor.scalar(DType.F64, n)));
        return out;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Buffer> avg = new HashMap<>();
        Map<String, Buffer> avgSq = new HashMap<>();
        Map<String, Long> counts = new HashMap<>();
        state.forEach((key, t) -> {
            String[] kindAndPath = ParamState.splitKey(key, EXP_AVG, EXP_AVG_SQ, STEP);
            String path = kindAndPath[1];
            if (kindAndPath[0].equals(STEP)) {
                double d = t.numel() == 1 ? t.getDouble(0) : Double.NaN;
                if (!(d >= 0 && d == Math.rint(d))) {
                    throw new IllegalArgumentException("optimizer state \"" + key + "\" must be one whole number of steps, not " + t);
                }
                counts.put(path, (long) d);
            } else {
                if (!t.dtype().isFloating()) {
                    throw new IllegalArgumentException("optimizer state \"" + key + "\" is " + t.dtype() + ", not f32 or f64");
                }
                (kindAndPath[0].equals(EXP_AVG) ? avg : avgSq).put(path, Buffer.of(t));
            }
        });
        Set<String> paths = new HashSet<>(avg.keySet());
        paths.addAll(avgSq.keySet());
        paths.addAll(counts.keySet());
        for (String path : paths) {
            for (String kind : new String[] {EXP_AVG, EXP_AVG_SQ, STEP}) {
                Map<String, ?> m = kind.equals(EXP_AVG) ? avg : kind.equals(EXP_AVG_SQ) ? avgSq : counts;
                if (!m.containsKey(path)) {
                    throw new IllegalArgumentException("optimizer state for \"" + path + "\" lacks \"" + kind + "/" + path + "\"");
                }
            }
        }
        expAvg.clear();
        expAvg.putAll(avg);
        expAvgSq.clear();
        expAvgSq.putAll(avgSq);
        steps.clear();
        steps.putAll(counts);
    }

    @Override
    public void checkState(Map<String, Tensor> params) {
        ParamState.checkBuffers(EXP_AVG, expAvg, params);
        ParamState.checkBuffers(EXP_AVG_SQ, expAvgSq, params);
        for (var e : new java.util.TreeMap<>(expAvgSq).entrySet()) {
            double[] v = e.getValue().values();
            for (int i = 0; i < v.length; i++) {
                // A mean of squares: a negative one would make the step's square root NaN.
                if (v[i] < 0) {
                    throw new IllegalArgumentException("optimizer state \"" + EXP_AVG_SQ + "/" + e.getKey() + "\" holds " + v[i]
                            + " at flat index " + i + ", but a mean of squared gradients is never negative");
                }
            }
        }
        for (var e : new java.util.TreeMap<>(steps).entrySet()) {
            if (!params.containsKey(e.getKey())) {
                throw new IllegalArgumentException("optimizer state \"" + STEP + "/" + e.getKey() + "\" is for a param \""
                        + e.getKey() + "\" the model does not have");
            }
            if (e.getValue() < 1) {
                throw new IllegalArgumentException("optimizer state \"" + STEP + "/" + e.getKey() + "\" is " + e.getValue()
                        + ", but a param with moments has had at least 1 step");
            }
        }
    }

    @Override
    public String toString() {
        return (decoupled ? "AdamW" : "Adam") + "(lr=" + lr + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + eps + ", weight_decay=" + weightDecay + ")";
    }
}
