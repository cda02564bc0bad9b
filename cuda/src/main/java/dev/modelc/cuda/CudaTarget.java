package dev.modelc.cuda;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.device.DeviceCode;
import dev.modelc.runtime.device.DeviceKernel;
import dev.modelc.runtime.device.LaunchGeometry;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.ExecutionError;
import dev.modelc.runtime.exec.Library;
import dev.modelc.runtime.model.ResidentTraining;
import dev.modelc.runtime.optim.Optimizer;
import dev.modelc.runtime.plan.JvmTarget;
import dev.modelc.runtime.plan.LibraryCall;
import dev.modelc.runtime.plan.Plan;
import dev.modelc.runtime.plan.PlanRunner;
import dev.modelc.runtime.plan.SizeExpr;
import dev.modelc.runtime.plan.Step;
import dev.modelc.runtime.plan.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A plan on one GPU, for the runtime's {@link PlanRunner}: storage is device memory, loops,
 * matmuls, softmax, argmax, logsumexp, pad and concat are the functions of the plan's
 * {@link DeviceCode}, and the other library calls (those that check indices, random draws) copy their operands to the host, run the runtime's {@code Library}, and copy the
 * result back.
 *
 * <p>Params and data stay on the device between calls: a tensor that this model uploaded or
 * returned is recognised (by identity) on the next call and not copied again, and the params an
 * update step returns are kept on the device for the step after ({@link #finished}). This relies
 * on what the runtime already assumes: a tensor handed to a model is never modified afterwards.
 */
final class CudaTarget implements Target {
    private final Device device;
    private final DeviceCode program;
    private final Device.Program loaded;
    /** By "input NAME" or "param PATH": the tensor last seen or returned for it, and its copy on the device (shared by a model's entry points). */
    private final Map<String, Resident> resident;
    /** Each buffer's dtype, by id. */
    private final DType[] dtypes;
    /** The optimizer's steps made last on this target's plan, whose scratch the next ones give back. */
    private ResidentTraining training;
    /** Whether a training step small enough runs as one kernel ({@link StepKernel}). */
    private final boolean oneKernelSteps;

    record Resident(Tensor tensor, Device.Memory pointer, long bytes) {
    }

    /** A library call that runs on the host. */
    record OnHost() {
    }

    /**
     * A kernel launch for one binding of sizes: its function and geometry, a reduction's scratch
     * (else null), and the error word of a call that checks indices (else null).
     */
    record Launch(String function, LaunchGeometry geometry, Device.Memory partials, Device.Memory counters, Device.Memory error) {
    }

    CudaTarget(Device device, Plan plan, DeviceCode program, Device.Program loaded, Map<String, Resident> resident,
               boolean oneKernelSteps) {
        this.oneKernelSteps = oneKernelSteps;
        this.dtypes = plan.buffers().stream().map(Plan.Buffer::dtype).toArray(DType[]::new);
        this.device = device;
        this.program = program;
        this.loaded = loaded;
        this.resident = resident;
    }

    /** The plan's CUDA C and its kernel per step. */
    DeviceCode program() {
        return program;
    }

    /** The runner's thread may not be the one that loaded the program. */
    @Override
    public void enter() {
        device.bind();
    }

    /** CUDA C indexes in {@code long long}: the JVM's int limits do not apply. */
    @Override
    public boolean indexesInInts() {
        return false;
    }

    @Override
    public Object allocate(DType dtype, int elements) {
        return device.alloc((long) elements * DeviceCode.elementBytes(dtype));
    }

    @Override
    public Object constant(DType dtype, double[] values) {
        Object c = JvmTarget.array(dtype, values.length);
        Library.store(values, c);
        Device.Memory p = device.alloc((long) values.length * DeviceCode.elementBytes(dtype));
        device.upload(p, c, values.length);
        return p;
    }

    /** Points an input or param buffer at the tensor's device copy, uploading it unless it is already there. */
    @Override
    public Object bind(Plan.Buffer b, Tensor t) {
        long bytes = (long) t.numel() * DeviceCode.elementBytes(b.dtype());
        String key = b.what() + " " + b.name();
        Resident r = resident.get(key);
        if (r != null && r.tensor == t && r.bytes == bytes) return r.pointer;
        Device.Memory p = r != null && r.bytes == bytes ? r.pointer : null;
        if (p == null) {
            if (r != null) device.free(r.pointer);
            p = device.alloc(bytes);
        }
        device.upload(p, t.to(b.dtype()).storage(), t.numel());
        resident.put(key, new Resident(t, p, bytes));
        return p;
    }

    @Override
    public Tensor result(DType dtype, int[] shape, Object storage) {
        return Tensor.wrap(dtype, shape, device.download((Device.Memory) storage, dtype, Tensor.numel(shape)));
    }

    /**
     * The params an update step returns are the next step's: keep them on the device. Only after
     * every result is downloaded, since a result may be read from an old param's buffer.
     */
    @Override
    public void finished(Plan plan, Tensor[] results, Object[] storage) {
        for (int i = 0; i < results.length; i++) {
            Plan.Result r = plan.results().get(i);
            if (r.role() == Plan.Role.UPDATE) keep(r.name(), results[i], (Device.Memory) storage[r.buffer()]);
        }
    }

    private void keep(String path, Tensor t, Device.Memory from) {
        String key = "param " + path;
        long bytes = (long) t.numel() * DeviceCode.elementBytes(t.dtype());
        Resident r = resident.get(key);
        Device.Memory p = r != null && r.bytes == bytes ? r.pointer : null;
        if (p == null) {
            if (r != null) device.free(r.pointer);
            p = device.alloc(bytes);
        }
        if (p.equals(from)) {
            // A param its rule leaves as it is: already there.
        } else if (isResident(from)) {
            // Another param's buffer (update b = w), which an earlier keep may have overwritten: from the host.
            device.upload(p, t.storage(), t.numel());
        } else {
            device.copy(p, from, bytes);
        }
        resident.put(key, new Resident(t, p, bytes));
    }

    private boolean isResident(Device.Memory m) {
        for (Resident r : resident.values()) if (r.pointer.equals(m)) return true;
        return false;
    }

    @Override
    public Object prepare(Plan plan, int step, long[] d) {
        int mp = device.multiprocessors();
        return switch (program.kernels().get(step)) {
            case DeviceKernel.Elementwise el -> {
                long n = ((Step.Loop) plan.steps().get(step)).elements().eval(d);
                yield n > 0 ? new Launch(el.function(), LaunchGeometry.elementwise(n, mp), null, null, null) : null;
            }
            case DeviceKernel.Reduction r -> {
                Step.Loop l = (Step.Loop) plan.steps().get(step);
                long outer = l.elements().eval(d), inner = l.inner().eval(d);
                yield outer == 0 ? null : reduction(r.function(), outer, inner, mp);
            }
            case DeviceKernel.MatMul m -> {
                Step.MatMul mm = (Step.MatMul) plan.steps().get(step);
                long batch = mm.batch().eval(d), n = mm.n().eval(d), p = mm.m().eval(d), inner = mm.k().eval(d);
                // An empty k still makes zeros; an empty n, m or batch makes nothing.
                if (batch == 0 || n == 0 || p == 0) yield null;
                if (LaunchGeometry.splitK(batch, n, inner, p, mp) && LaunchGeometry.fewOutputs(batch, n, p)) {
                    LaunchGeometry g = LaunchGeometry.fewOutputs(inner, mp);
                    Device.Memory counter = device.alloc(4);
                    device.zero(counter, 4);
                    yield new Launch(LaunchGeometry.fewOutputsFunction(m.splitFunction()), g,
                            device.alloc(8L * LaunchGeometry.FEW_OUTPUTS * g.gridX()), counter, null);
                }
                if (LaunchGeometry.splitK(batch, n, inner, p, mp)) yield reduction(m.splitFunction(), batch * n * p, inner, mp);
                int micro = LaunchGeometry.microTile(batch, n, p, mp);
                yield new Launch(LaunchGeometry.matmulFunction(m.function(), micro), LaunchGeometry.matmul(batch, n, p, micro),
                        null, null, null);
            }
            case DeviceKernel.Library lib -> {
                Step.Call c = (Step.Call) plan.steps().get(step);
                List<SizeExpr> shape = c.inputShapes().getFirst();
                int axis = lib.axis();
                long outer = 1, inner = 1;
                for (int i = 0; i < axis; i++) outer *= shape.get(i).eval(d);
                for (int i = axis + 1; i < shape.size(); i++) inner *= shape.get(i).eval(d);
                long rows = outer * inner;
                if (rows > 0 && shape.get(axis).eval(d) == 0 && c.call() instanceof LibraryCall.ArgReduce) {
                    throw new ExecutionError("argmax/argmin along an empty axis " + axis);
                }
                yield rows > 0 ? new Launch(lib.function(), LaunchGeometry.elementwise(rows, mp), null, null, null) : null;
            }
            case DeviceKernel.PerOutput p -> perOutput(p.function(), (Step.Call) plan.steps().get(step), d, mp, null);
            case DeviceKernel.Checked k -> perOutput(k.function(), (Step.Call) plan.steps().get(step), d, mp, device.alloc(4));
            case DeviceKernel.Host h -> new OnHost();
        };
    }

    /** A launch with a thread per element of the call's output (none when it is empty), with its error word if it checks indices. */
    private Launch perOutput(String function, Step.Call c, long[] d, int multiprocessors, Device.Memory error) {
        long n = 1;
        for (SizeExpr s : c.outShape()) n *= s.eval(d);
        if (n == 0) {
            if (error != null) device.free(error);
            return null;
        }
        return new Launch(function, LaunchGeometry.elementwise(n, multiprocessors), null, null, error);
    }

    /** A reduction's launch, with its partial results and its counters, which start at zero. */
    private Launch reduction(String function, long outer, long inner, int multiprocessors) {
        LaunchGeometry g = LaunchGeometry.reduction(outer, inner, multiprocessors);
        Device.Memory counters = device.alloc(4 * outer);
        device.zero(counters, 4 * outer);
        return new Launch(function, g, device.alloc(8 * g.partials(outer)), counters, null);
    }

    @Override
    public void loop(Step.Loop l, Object prepared, Object[] storage, long[] d) {
        if (!(prepared instanceof Launch launch)) return;
        loaded.launch(launch.function(), launch.geometry(), arguments(l, launch, storage, d, 0));
    }

    @Override
    public void matmul(Step.MatMul m, Object prepared, Object[] storage, long[] d) {
        if (!(prepared instanceof Launch launch)) return;
        loaded.launch(launch.function(), launch.geometry(), arguments(m, launch, storage, d, 0));
    }

    @Override
    public void call(Step.Call c, Object prepared, Object[] storage, long[] d, long seed) {
        if (prepared instanceof Launch launch) {
            if (launch.error() != null) device.zero(launch.error(), 4);
            loaded.launch(launch.function(), launch.geometry(), arguments(c, launch, storage, d, seed));
            // An index out of range: the host's Library refuses it with the message every backend gives.
            if (launch.error() != null && ((int[]) device.download(launch.error(), DType.I32, 1))[0] != 0) host(c, storage, d, seed);
        } else if (prepared instanceof OnHost) {
            host(c, storage, d, seed);
        }
    }

    /**
     * A step's kernel arguments, in its function's parameter order: a loop's buffers, then the
     * symbols; a matmul's operands, result, batch, n, k and m; a call's operands (a per-output
     * kernel may have several: a convolution has two), its result, the symbols, a draw's step key
     * ({@code seed}), an index check's error word; then a reduction's partials and counters.
     */
    static List<Object> arguments(Step step, Launch launch, Object[] storage, long[] d, long seed) {
        List<Object> args = new ArrayList<>();
        switch (step) {
            case Step.Loop l -> {
                for (int b : l.buffers()) args.add(storage[b]);
                for (long v : d) args.add(v);
            }
            case Step.MatMul m -> args.addAll(List.of(storage[m.a()], storage[m.b()], storage[m.out()],
                    m.batch().eval(d), m.n().eval(d), m.k().eval(d), m.m().eval(d)));
            case Step.Call c -> {
                for (int in : c.inputs()) args.add(storage[in]);
                args.add(storage[c.out()]);
                for (long v : d) args.add(v);
                if (c.call() instanceof LibraryCall.Draw) args.add(seed);
                if (launch.error() != null) args.add(launch.error());
            }
        }
        if (launch.partials() != null) {
            args.add(launch.partials());
            args.add(launch.counters());
        }
        return args;
    }

    /** A library call with no GPU kernel, run on the host as the JVM backends run it: operands down, the result up. */
    private void host(Step.Call c, Object[] storage, long[] d, long seed) {
        int[] os = PlanRunner.ints(c.outShape(), d);
        Object[] in = new Object[c.inputs().length];
        int[][] shapes = new int[in.length][];
        for (int i = 0; i < in.length; i++) {
            // The operand's own shape: a reshaped view reads its buffer in another shape.
            shapes[i] = PlanRunner.ints(c.inputShapes().get(i), d);
            in[i] = device.download((Device.Memory) storage[c.inputs()[i]], dtypes[c.inputs()[i]], Tensor.numel(shapes[i]));
        }
        Object out = JvmTarget.array(dtypes[c.out()], Tensor.numel(os));
        long[] starts = null;
        if (c.call() instanceof LibraryCall.Pad p) {
            starts = new long[p.starts().size()];
            for (int i = 0; i < starts.length; i++) starts[i] = p.starts().get(i).eval(d);
        }
        JvmTarget.run(c.call(), in.length == 0 ? null : in[0], in.length == 0 ? null : shapes[0], in, shapes, starts, os, out, seed);
        device.upload((Device.Memory) storage[c.out()], out, Tensor.numel(os));
    }

    @Override
    public void release(Object storage) {
        switch (storage) {
            case Device.Memory m -> device.free(m);
            case Launch l -> {
                if (l.partials() != null) device.free(l.partials());
                if (l.counters() != null) device.free(l.counters());
                if (l.error() != null) device.free(l.error());
            }
            default -> {
            }
        }
    }

    /** The optimizer's steps as {@link OptimizerKernels} on this GPU, params and state kept here ({@link CudaTraining}). */
    @Override
    public synchronized Optional<ResidentTraining> training(PlanRunner gradients, Optimizer optimizer, Map<String, Tensor> params) {
        if (gradients.target() != this) throw new IllegalArgumentException("not a runner on this target");
        if (training != null) training.close();
        device.bind();
        Optional<ResidentTraining> made = CudaTraining.of(device, gradients, optimizer, resident, params, oneKernelSteps);
        training = made.orElse(null);
        return made;
    }
}
