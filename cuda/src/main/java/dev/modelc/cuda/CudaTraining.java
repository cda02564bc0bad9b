package dev.modelc.cuda;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.device.DeviceCode;
import dev.modelc.runtime.device.LaunchGeometry;
import dev.modelc.runtime.model.ResidentTraining;
import dev.modelc.runtime.model.StepKey;
import dev.modelc.runtime.optim.Optimizer;
import dev.modelc.runtime.optim.StepRule;
import dev.modelc.runtime.plan.Plan;
import dev.modelc.runtime.plan.PlanRunner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An optimizer's steps on the GPU: the loss-and-gradients plan runs on its {@link CudaTarget},
 * and the gradients, never downloaded, feed {@link OptimizerKernels}' update of each param, whose
 * next values and state go to buffers beside the current ones; {@link #commit} swaps them. The
 * params are the session's resident copies (so the model's other entry points read them), the
 * state (SGD's momentum buffers, Adam's moments) lives only here, and Adam's step counts and
 * the scalars of each step are the host's, sent as launch arguments. Per step the batch goes up,
 * and the loss and a word per param (non-finite or not) come down, in one copy. A step small
 * enough runs as one launch, the plan's kernels and the updates as phases of one block
 * ({@link StepKernel}, the same bits); the others launch a kernel per plan step and per param,
 * then copy the loss beside the words.
 *
 * <p>While steps run, a param's resident entry holds a private stand-in tensor, never given out,
 * so the runner finds the param on the device and no caller's tensor is taken for the stepped
 * values; {@link #params} downloads them and puts the downloaded tensors there instead.
 */
final class CudaTraining implements ResidentTraining {
    /** One param the optimizer steps: its buffers, its gradient's, and its state now and next. */
    private static final class Stepped {
        /** The optimizers' state kinds, PyTorch's names (see {@code Sgd} and {@code Adam}). */
        static final String MOMENTUM_BUFFER = "momentum_buffer", EXP_AVG = "exp_avg", EXP_AVG_SQ = "exp_avg_sq", STEP = "step";

        final String path;
        final DType dtype;
        final int[] shape;
        final int numel;
        final long bytes;
        final int paramBuffer;
        final int gradientBuffer;
        /** Stands for the param's device values in the resident map while steps run. */
        final Tensor standIn;
        /** The resident entry this put there last, to notice another taking its place. */
        CudaTarget.Resident placed;
        Device.Memory next;
        /** The state's values from the optimizer, uploaded when this is made (null: none yet). */
        Tensor[] initial;
        /** SGD with momentum: the momentum buffer; Adam: exp_avg and exp_avg_sq; SGD without momentum: none. */
        Device.Memory[] state;
        Device.Memory[] nextState;
        /** The steps this param has had: Adam's per-param count (PyTorch's); for SGD, 0 until its momentum buffer exists. */
        long steps;

        Stepped(String path, DType dtype, int[] shape, int paramBuffer, int gradientBuffer) {
            this.path = path;
            this.dtype = dtype;
            this.shape = shape;
            this.numel = Tensor.numel(shape);
            this.bytes = (long) numel * DeviceCode.elementBytes(dtype);
            this.paramBuffer = paramBuffer;
            this.gradientBuffer = gradientBuffer;
            this.standIn = Tensor.zeros(dtype, shape);
        }

        String key() {
            return "param " + path;
        }

        /**
         * Takes this param's entries out of the optimizer's {@code state} (PyTorch's names: SGD's
         * momentum buffer when it has momentum, Adam's moments and step count); whether they fit it.
         */
        boolean takeState(StepRule rule, Map<String, Tensor> state) {
            switch (rule) {
                case StepRule.Sgd r -> {
                    if (r.momentum() == 0) {
                        initial = new Tensor[0];
                        return true;
                    }
                    Tensor buf = state.remove(MOMENTUM_BUFFER + "/" + path);
                    initial = new Tensor[] {buf};
                    steps = buf == null ? 0 : 1;
                    return buf == null || fits(buf);
                }
                case StepRule.Adam r -> {
                    Tensor m = state.remove(EXP_AVG + "/" + path), v = state.remove(EXP_AVG_SQ + "/" + path);
                    Tensor count = state.remove(STEP + "/" + path);
                    initial = new Tensor[] {m, v};
                    steps = count == null ? 0 : (long) count.item();
                    return (m == null) == (v == null) && (m == null || fits(m) && fits(v));
                }
            }
        }

        private boolean fits(Tensor t) {
            return t.dtype() == dtype && Arrays.equals(t.shape(), shape);
        }

        Tensor download(Device device, Device.Memory m) {
            return Tensor.wrap(dtype, shape, device.download(m, dtype, numel));
        }
    }

    private final Device device;
    private final Device.Program kernels;
    private final PlanRunner runner;
    private final CudaTarget target;
    /** The whole step as one kernel where it is small enough, else null: separate launches always. */
    private final StepKernel stepKernel;
    private final Optimizer optimizer;
    private final Map<String, CudaTarget.Resident> resident;
    /** Every param, in the model's order: the tensor the runner is given for it. */
    private final Map<String, Tensor> given;
    private final List<Stepped> stepped;
    private final int lossBuffer;
    /**
     * What a step downloads, in one copy: the loss in words 0 and 1 (an f32 one in word 0), then a
     * word per stepped param, set when the pending step made it non-finite; after a step kernel,
     * then a word per index check of the plan ({@link StepKernel#checks}).
     */
    private final Device.Memory status;
    /** The status of the pending step, as downloaded. */
    private int[] words;
    /** The optimizer's state this does not hold (of params it does not step), kept as it was. */
    private final Map<String, Tensor> otherState;
    private boolean pending;
    private boolean synced = true;
    private boolean closed;

    private CudaTraining(Device device, PlanRunner runner, Optimizer optimizer, Map<String, CudaTarget.Resident> resident,
                         Map<String, Tensor> params, List<Stepped> stepped, int lossBuffer, Map<String, Tensor> otherState,
                         boolean oneKernelSteps) {
        this.device = device;
        this.kernels = device.load(OptimizerKernels.CODE);
        this.runner = runner;
        this.target = (CudaTarget) runner.target();
        this.stepKernel = oneKernelSteps ? new StepKernel(device, target, runner.plan(), OptimizerKernels.CODE) : null;
        this.optimizer = optimizer;
        this.resident = resident;
        this.given = new LinkedHashMap<>(params);
        this.stepped = stepped;
        this.lossBuffer = lossBuffer;
        this.otherState = otherState;
        this.status = device.alloc(4L * (FLAGS + stepped.size() + (stepKernel == null ? 0 : stepKernel.checks())));
        for (Stepped s : stepped) {
            s.next = device.alloc(s.bytes);
            int kinds = s.initial.length;
            s.state = new Device.Memory[kinds];
            s.nextState = new Device.Memory[kinds];
            for (int k = 0; k < kinds; k++) {
                s.state[k] = device.alloc(s.bytes);
                s.nextState[k] = device.alloc(s.bytes);
                // Adam's moments start at zero; an SGD buffer's first step overwrites it.
                if (s.initial[k] != null) device.upload(s.state[k], s.initial[k].storage(), s.numel);
                else device.zero(s.state[k], s.bytes);
            }
            s.initial = null;
        }
    }

    /**
     * Steps of {@code optimizer} on {@code runner}'s loss-and-gradients plan from {@code params}
     * (every param, in the model's order), or empty when the host must run them: an optimizer
     * without a {@link StepRule}, a plan with states, a param whose gradient or given tensor is not
     * of its dtype, a state that does not fit its param (the host's optimizer then refuses it with
     * its message). With {@code oneKernelSteps}, a step small enough runs as one launch
     * ({@link StepKernel}); else, and always without it, as a launch per kernel.
     */
    static Optional<ResidentTraining> of(Device device, PlanRunner runner, Optimizer optimizer,
                                         Map<String, CudaTarget.Resident> resident, Map<String, Tensor> params, boolean oneKernelSteps) {
        Optional<StepRule> rule = optimizer.stepRule();
        if (rule.isEmpty()) return Optional.empty();
        Plan plan = runner.plan();
        Map<String, Plan.Buffer> paramBuffers = new HashMap<>();
        for (Plan.Buffer b : plan.external()) if (b.kind() == Plan.Kind.PARAM) paramBuffers.put(b.name(), b);
        Map<String, Integer> gradients = new HashMap<>();
        int loss = -1;
        for (Plan.Result r : plan.results()) {
            switch (r.role()) {
                case LOSS -> loss = r.buffer();
                case GRADIENT -> gradients.put(r.name(), r.buffer());
                // States change in the step by their rules: the host's loop gives them their values.
                default -> {
                    return Optional.empty();
                }
            }
        }
        if (loss < 0) return Optional.empty();
        Map<String, Tensor> state = new TreeMap<>(optimizer.stateDict());
        List<Stepped> stepped = new ArrayList<>();
        for (var e : params.entrySet()) {
            Integer g = gradients.get(e.getKey());
            if (g == null) continue;
            Plan.Buffer p = paramBuffers.get(e.getKey());
            Tensor t = e.getValue();
            if (p == null || t.dtype() != p.dtype() || !t.dtype().isFloating() || plan.buffer(g).dtype() != t.dtype()) {
                return Optional.empty();
            }
            Stepped s = new Stepped(e.getKey(), t.dtype(), t.shape(), p.id(), g);
            if (!s.takeState(rule.get(), state)) return Optional.empty();
            stepped.add(s);
        }
        return Optional.of(new CudaTraining(device, runner, optimizer, resident, params, stepped, loss, state, oneKernelSteps));
    }

    @Override
    public double step(Map<String, Tensor> batch, StepKey key) {
        synchronized (runner) {
            if (closed) throw new IllegalStateException("these training steps were closed");
            // Synced, the runner is given the params' true tensors and uploads any another call replaced; else only the
            // device holds them, and a call with other params in between (from a listener) has overwritten them.
            for (Stepped s : stepped) {
                if (!synced && resident.get(s.key()) != s.placed) {
                    throw new IllegalStateException("param '" + s.path + "' was replaced on the device between two optimizer"
                            + " steps there (a call with other params while training ran)");
                }
            }
            Map<String, Tensor> values = new HashMap<>(batch);
            values.putAll(given);
            PlanRunner.Bound b = runner.bind(values, false);
            StepRule rule = optimizer.stepRule().orElseThrow();
            List<StepKernel.Phase> updates = new ArrayList<>();
            for (int i = 0; i < stepped.size(); i++) {
                Stepped s = stepped.get(i);
                if (s.numel > 0) {
                    updates.add(optimizer(rule, s, i, (Device.Memory) b.storage(s.paramBuffer), (Device.Memory) b.storage(s.gradientBuffer)));
                }
            }
            DType lossType = runner.plan().buffer(lossBuffer).dtype();
            Device.Memory loss = (Device.Memory) b.storage(lossBuffer);
            int flags = FLAGS + stepped.size();
            boolean one = oneKernel(b, key.key(), updates, loss, lossType);
            if (one) {
                // The index checks' words come with the flags; one set means an index out of range, which the
                // separate launches refuse with the host's message.
                words = (int[]) device.download(status, DType.I32, flags + stepKernel.checks());
                for (int i = flags; i < words.length; i++) one &= words[i] == 0;
            }
            if (!one) {
                b.run(key.key());
                device.zero(status, 4L * flags);
                for (StepKernel.Phase u : updates) kernels.launch(u.function(), u.geometry(), u.args());
                // The loss joins the flags on the device, and one copy brings both.
                device.copy(status, loss, DeviceCode.elementBytes(lossType));
                words = (int[]) device.download(status, DType.I32, flags);
            }
            pending = true;
            // Device memory is little-endian, as the host's copy of it: the low word first.
            return switch (lossType) {
                case F32 -> Float.intBitsToFloat(words[0]);
                case F64 -> Double.longBitsToDouble((words[1] & 0xffffffffL) << 32 | (words[0] & 0xffffffffL));
                default -> throw new IllegalStateException("a loss of " + lossType);
            };
        }
    }

    /**
     * The optimizer's kernel on one param, as its own launch over the param's elements: its next
     * value and state from the current ones and the gradient.
     */
    private StepKernel.Phase optimizer(StepRule rule, Stepped s, int slot, Device.Memory param, Device.Memory gradient) {
        LaunchGeometry g = LaunchGeometry.elementwise(s.numel, device.multiprocessors());
        return switch (rule) {
            case StepRule.Sgd r -> {
                StepRule.SgdScalars c = r.scalars(s.dtype == DType.F32);
                boolean momentum = r.momentum() != 0;
                long flags = (r.weightDecay() != 0 ? OptimizerKernels.SGD_DECAY : 0) | (momentum ? OptimizerKernels.SGD_MOMENTUM : 0)
                        | (s.steps == 0 ? OptimizerKernels.SGD_FIRST : 0) | (r.nesterov() ? OptimizerKernels.SGD_NESTEROV : 0);
                // Without momentum there is no buffer: the kernel neither reads nor writes the one it is given.
                Device.Memory buf = momentum ? s.state[0] : param, bufOut = momentum ? s.nextState[0] : s.next;
                yield new StepKernel.Phase(OptimizerKernels.sgd(s.dtype), g, List.of(param, gradient, buf, s.next, bufOut, status,
                        (long) (FLAGS + slot), (long) s.numel, flags, bits(c.weightDecay()), bits(c.momentum()), bits(c.keep()),
                        bits(c.negLr())));
            }
            case StepRule.Adam r -> {
                StepRule.AdamScalars c = r.scalars(s.dtype == DType.F32, s.steps + 1);
                boolean decay = r.weightDecay() != 0;
                long flags = (decay && !r.decoupled() ? OptimizerKernels.ADAM_L2 : 0)
                        | (decay && r.decoupled() ? OptimizerKernels.ADAM_DECOUPLED : 0) | (c.small() ? OptimizerKernels.ADAM_SMALL : 0);
                yield new StepKernel.Phase(OptimizerKernels.adam(s.dtype), g, List.of(param, gradient, s.state[0], s.state[1], s.next,
                        s.nextState[0], s.nextState[1], status, (long) (FLAGS + slot), (long) s.numel, flags, bits(c.decay()),
                        bits(c.weightDecay()), bits(c.w()), bits(c.oneMinusW()), bits(c.beta2()), bits(c.oneMinusBeta2()),
                        bits(c.biasCorrection2Sqrt()), bits(c.eps()), bits(c.negStepSize())));
            }
        };
    }

    /**
     * The step as one launch ({@link StepKernel}): the plan's phases, then {@code updates} in one
     * virtual block each; whether it ran (else nothing did, and the step takes separate launches).
     */
    private boolean oneKernel(PlanRunner.Bound b, long seed, List<StepKernel.Phase> updates, Device.Memory loss, DType lossType) {
        return stepKernel != null && stepKernel.launch(b, seed, updates, status, FLAGS + stepped.size(), loss, lossType);
    }

    /** The first word of the status that is a param's flag. */
    private static final int FLAGS = 2;

    private static Long bits(double v) {
        return Double.doubleToRawLongBits(v);
    }

    @Override
    public String nonFinite() {
        synchronized (runner) {
            if (!pending || stepped.isEmpty()) return null;
            for (int i = 0; i < stepped.size(); i++) if (words[FLAGS + i] != 0) return stepped.get(i).path;
            return null;
        }
    }

    @Override
    public Tensor pending(String path) {
        synchronized (runner) {
            for (Stepped s : stepped) {
                if (s.path.equals(path)) return Tensor.wrap(s.dtype, s.shape, device.download(s.next, s.dtype, s.numel));
            }
            throw new IllegalArgumentException("no param '" + path + "' is stepped here");
        }
    }

    @Override
    public void commit() {
        synchronized (runner) {
            if (!pending) throw new IllegalStateException("no step to keep");
            for (Stepped s : stepped) {
                // The next values become the param's resident copy; its old buffer takes the step after.
                Device.Memory old = resident.get(s.key()).pointer();
                resident.put(s.key(), s.placed = new CudaTarget.Resident(s.standIn, s.next, s.bytes));
                s.next = old;
                Device.Memory[] state = s.state;
                s.state = s.nextState;
                s.nextState = state;
                s.steps++;
                given.put(s.path, s.standIn);
            }
            pending = false;
            synced = stepped.isEmpty() && synced;
        }
    }

    @Override
    public Map<String, Tensor> params() {
        synchronized (runner) {
            if (!synced) {
                for (Stepped s : stepped) {
                    Device.Memory p = resident.get(s.key()).pointer();
                    Tensor t = Tensor.wrap(s.dtype, s.shape, device.download(p, s.dtype, s.numel));
                    resident.put(s.key(), s.placed = new CudaTarget.Resident(t, p, s.bytes));
                    given.put(s.path, t);
                }
                optimizer.loadStateDict(state());
                synced = true;
            }
            return new LinkedHashMap<>(given);
        }
    }

    /** The optimizer's state as its {@code stateDict} holds it: this state downloaded, the rest as it was. */
    private Map<String, Tensor> state() {
        Map<String, Tensor> out = new TreeMap<>(otherState);
        StepRule rule = optimizer.stepRule().orElseThrow();
        for (Stepped s : stepped) {
            if (s.steps == 0 || s.state.length == 0) continue;
            switch (rule) {
                case StepRule.Sgd r -> out.put(Stepped.MOMENTUM_BUFFER + "/" + s.path, s.download(device, s.state[0]));
                case StepRule.Adam r -> {
                    out.put(Stepped.EXP_AVG + "/" + s.path, s.download(device, s.state[0]));
                    out.put(Stepped.EXP_AVG_SQ + "/" + s.path, s.download(device, s.state[1]));
                    out.put(Stepped.STEP + "/" + s.path, Tensor.scalar(DType.F64, s.steps));
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        synchronized (runner) {
            if (closed) return;
            closed = true;
            for (Stepped s : stepped) {
                device.free(s.next);
                for (Device.Memory m : s.state) device.free(m);
                for (Device.Memory m : s.nextState) device.free(m);
            }
            device.free(status);
            if (stepKernel != null) stepKernel.close();
        }
    }
}
