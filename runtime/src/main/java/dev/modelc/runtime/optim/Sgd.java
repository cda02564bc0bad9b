package dev.modelc.runtime.optim;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.optim.ParamState.Buffer;
import dev.modelc.runtime.optim.ParamState.Slot;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Stochastic gradient descent with optional momentum, dampening, weight decay and Nesterov momentum,
 * as {@code torch.optim.SGD} (PyTorch 2.x, {@code maximize=False}).
 *
 * <p>Per param, following {@code _single_tensor_sgd} in {@code torch/optim/sgd.py}:
 * <pre>{@code
 * g = grad
 * if weight_decay != 0: g = g.add(p, alpha=weight_decay)            # g + wd * p
 * if momentum != 0:
 *     if buf is None: buf = clone(g)                              # first step
 *     else: buf.mul_(momentum).add_(g, alpha=1 - dampening)       # momentum * buf + (1 - dampening) * g
 *     g = g.add(buf, alpha=momentum) if nesterov else buf
 * p.add_(g, alpha=-lr)                                            # p - lr * g
 * }</pre>
 * Each {@code a.add(b, alpha=s)} is computed as {@code a + s * b} and each {@code a.mul_(s)} as
 * {@code a * s}, with the scalar first rounded to the param's dtype, every operation rounded to it too
 * (the order of PyTorch's scalar CPU kernels; its vectorized kernels fuse {@code a + s * b} into one
 * FMA on long tensors, which can differ from this in the last bit of an f32).
 *
 * <p>State: {@code "momentum_buffer/<path>"} per param, once it has had a step with momentum.
 */
public final class Sgd implements Optimizer {
    static final String MOMENTUM_BUFFER = "momentum_buffer";

    private double lr;
    private final double momentum;
    private final double dampening;
    private final double weightDecay;
    private final boolean nesterov;
    private final Map<String, Buffer> buffers = new HashMap<>();

    /** Plain SGD: {@code p - lr * grad}. */
    public Sgd(double lr) {
        this(lr, 0, 0, 0, false);
    }

    /** SGD with momentum and weight decay, no dampening, not Nesterov. */
    public Sgd(double lr, double momentum, double weightDecay) {
        this(lr, momentum, 0, weightDecay, false);
    }

    /** SGD with every option of {@code torch.optim.SGD} but {@code maximize}, checked as PyTorch checks them. */
    public Sgd(double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        if (!(lr >= 0)) throw new IllegalArgumentException("learning rate must be at least 0, not " + lr);
        if (!(momentum >= 0)) throw new IllegalArgumentException("momentum must be at least 0, not " + momentum);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be at least 0, not " + weightDecay);
        if (Double.isNaN(dampening)) throw new IllegalArgumentException("dampening is NaN");
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("nesterov momentum needs a positive momentum and zero dampening, not momentum "
                    + momentum + " and dampening " + dampening);
        }
        this.lr = lr;
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
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

    @Override
    public Map<String, Tensor> step(Map<String, Tensor> params, Map<String, Tensor> grads) {
        return step(params, grads, new ParamBuffers());
    }

    @Override
    public Map<String, Tensor> step(Map<String, Tensor> params, Map<String, Tensor> grads, ParamBuffers into) {
        if (momentum == 0 && weightDecay == 0) {
            if (ParamState.plain(params, grads, DType.F32)) return stepF32(params, grads, into);
            if (ParamState.plain(params, grads, DType.F64)) return stepF64(params, grads, into);
        }
        Map<String, Slot> slots = ParamState.slots(params, grads);
        for (Slot s : slots.values()) {
            Buffer buf = buffers.get(s.path());
            if (buf != null) buf.check(MOMENTUM_BUFFER, s);
        }
        Map<String, Tensor> out = new LinkedHashMap<>(params);
        for (Slot s : slots.values()) {
            double[] p = s.p();
            double[] g = s.g().clone();
            int n = p.length;
            StepRule.SgdScalars c = rule().scalars(s.f32());
            if (weightDecay != 0) {
                for (int i = 0; i < n; i++) g[i] = s.r(g[i] + s.r(c.weightDecay() * p[i]));
            }
            if (momentum != 0) {
                Buffer buf = buffers.get(s.path());
                if (buf == null) {
                    buf = new Buffer(s.param().dtype(), s.param().shape(), g.clone());
                    buffers.put(s.path(), buf);
                } else {
                    double[] b = buf.values();
                    for (int i = 0; i < n; i++) {
                        b[i] = s.r(b[i] * c.momentum());
                        b[i] = s.r(b[i] + s.r(c.keep() * g[i]));
                    }
                }
                double[] b = buf.values();
                if (nesterov) {
                    for (int i = 0; i < n; i++) g[i] = s.r(g[i] + s.r(c.momentum() * b[i]));
                } else {
                    g = b.clone();
                }
            }
            double[] next = new double[n];
            for (int i = 0; i < n; i++) next[i] = s.r(p[i] + s.r(c.negLr() * g[i]));
            out.put(s.path(), into.store(s.path(), s.param(), next));
        }
        return out;
    }

    /**
     * Plain SGD on f32 params in float arithmetic, without the f64 copies of the general path:
     * {@code p + (-lr) * g}, each operation rounded to float, is what the general path computes in
     * double and rounds after each operation (a float product or sum computed in double and rounded
     * once is the float result), so the bits are the same. The new values are tested for NaN and
     * infinities in the same pass ({@link Updates#sgd}, on vector lanes where the JVM has them),
     * a large param split across cores.
     */
    private Map<String, Tensor> stepF32(Map<String, Tensor> params, Map<String, Tensor> grads, ParamBuffers into) {
        float negLr = (float) -lr;
        Map<String, Tensor> out = new LinkedHashMap<>(params);
        for (var e : grads.entrySet()) {
            Tensor param = params.get(e.getKey());
            float[] p = (float[]) param.storage(), g = (float[]) e.getValue().storage();
            int n = p.length;
            float[] next = (float[]) into.next(e.getKey(), DType.F32, n);
            into.wrote(next, Updates.split(n, (from, to) -> Updates.sgd(p, g, negLr, next, from, to, Updates.LANES)));
            out.put(e.getKey(), Tensor.wrap(DType.F32, param.shape(), next));
        }
        return out;
    }

    /** {@link #stepF32} for f64 params and gradients: {@code p + (-lr) * g} in double, the general path's bits. */
    private Map<String, Tensor> stepF64(Map<String, Tensor> params, Map<String, Tensor> grads, ParamBuffers into) {
        double negLr = -lr;
        Map<String, Tensor> out = new LinkedHashMap<>(params);
        for (var e : grads.entrySet()) {
            Tensor param = params.get(e.getKey());
            double[] p = (double[]) param.storage(), g = (double[]) e.getValue().storage();
            int n = p.length;
            double[] next = (double[]) into.next(e.getKey(), DType.F64, n);
            into.wrote(next, Updates.split(n, (from, to) -> Updates.sgd(p, g, negLr, next, from, to, Updates.LANES)));
            out.put(e.getKey(), Tensor.wrap(DType.F64, param.shape(), next));
        }
        return out;
    }

    /** This optimizer's settings now, for a device that runs its steps ({@link StepRule.Sgd#scalars}, which {@link #step} uses too). */
    @Override
    public Optional<StepRule> stepRule() {
        return Optional.of(rule());
    }

    private StepRule.Sgd rule() {
        return new StepRule.Sgd(lr, momentum, dampening, weightDecay, nesterov);
    }

    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = ParamState.sorted();
        buffers.forEach((path, buf) -> out.put(MOMENTUM_BUFFER + "/" + path, buf.tensor()));
        return out;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Buffer> loaded = new HashMap<>();
        state.forEach((key, t) -> {
            String[] kindAndPath = ParamState.splitKey(key, MOMENTUM_BUFFER);
            if (!t.dtype().isFloating()) {
                throw new IllegalArgumentException("optimizer state \"" + key + "\" is " + t.dtype() + ", not f32 or f64");
            }
            loaded.put(kindAndPath[1], Buffer.of(t));
        });
        buffers.clear();
        buffers.putAll(loaded);
    }

    @Override
    public void checkState(Map<String, Tensor> params) {
        ParamState.checkBuffers(MOMENTUM_BUFFER, buffers, params);
    }

    @Override
    public String toString() {
        return "Sgd(lr=" + lr + ", momentum=" + momentum + ", dampening=" + dampening + ", weight_decay=" + weightDecay
                + ", nesterov=" + nesterov + ")";
    }
}
