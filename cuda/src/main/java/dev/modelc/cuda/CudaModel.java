package dev.modelc.cuda;

import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.backend.StagedModel;
import dev.modelc.compiler.backend.cuda.CudaKernel;
import dev.modelc.compiler.backend.cuda.CudaProgram;
import dev.modelc.compiler.backend.cuda.LaunchGeometry;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.interp.DimBindings;
import dev.modelc.compiler.interp.EvaluationError;
import dev.modelc.compiler.kernel.Buffer;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.Scheduler;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.ExecutionError;
import dev.modelc.runtime.exec.Library;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checked model on one GPU: each entry point's kernel plan rendered as CUDA C
 * ({@link CudaProgram}), compiled by NVRTC (or read from the {@link KernelCache}), loaded once,
 * and run kernel by kernel on device buffers. Temporaries live in device slots allocated once
 * per set of sizes, as the JVM backends' slots are; softmax and argmax run on the GPU, the other
 * library calls (pad, concat, one-hot, ...) copy their operands to the host, run the runtime's
 * {@code Library}, and copy the result back.
 *
 * <p>Params and data stay on the device between calls: a tensor that this model uploaded or
 * returned is recognised (by identity) on the next call and not copied again, and the params an
 * update step returns are kept on the device for the step after. So a training loop copies in
 * each new batch (the data loader gathers fresh tensors) and copies out the results, and the
 * whole-data loss at the end of an epoch reuses the data already there. This relies on what the
 * runtime already assumes: a tensor handed to a model is never modified afterwards.
 */
final class CudaModel extends StagedModel {
    private final Device device;
    private final Map<EntryPoint, Executable> executables = new EnumMap<>(EntryPoint.class);
    /** By "input NAME" or "param PATH": the tensor last seen or returned for it, and its copy on the device. */
    private final Map<String, Resident> resident = new HashMap<>();

    private record Resident(Tensor tensor, Device.Memory pointer, long bytes) {
    }

    CudaModel(CheckedModel model, DType floating, Device device) {
        super(model, floating);
        this.device = device;
    }

    /** An entry point's plan, its program and its loaded functions, and the storage of its last binding of sizes. */
    private static final class Executable {
        final KernelPlan plan;
        final CudaProgram program;
        final Device.Program loaded;
        final Map<String, Shape> declared = new LinkedHashMap<>();
        Frame frame;

        Executable(KernelPlan plan, CudaProgram program, Device.Program loaded) {
            this.plan = plan;
            this.program = program;
            this.loaded = loaded;
            for (Buffer b : plan.external()) declared.put(b.name(), b.shape());
        }
    }

    /** Device storage for one binding of the symbolic sizes. */
    private static final class Frame {
        final long[] d;
        final int[][] shapes;
        final Device.Memory[] pointers;
        final List<Device.Memory> owned = new ArrayList<>();
        /** Per kernel: a split reduction's partial results and counters (null otherwise). */
        final Device.Memory[] partials, counters;
        final LaunchGeometry[] geometry;

        Frame(long[] d, int buffers, int kernels) {
            this.d = d;
            this.shapes = new int[buffers][];
            this.pointers = new Device.Memory[buffers];
            this.partials = new Device.Memory[kernels];
            this.counters = new Device.Memory[kernels];
            this.geometry = new LaunchGeometry[kernels];
        }
    }

    /** The CUDA C of an entry point, as run (for reports and {@code modelc compile --emit cuda}). */
    String source(EntryPoint e) {
        return executable(e).program.source();
    }

    private synchronized Executable executable(EntryPoint e) {
        return executables.computeIfAbsent(e, k -> {
            KernelPlan plan = plan(k);
            CudaProgram program = CudaProgram.of(plan);
            device.bind();
            return new Executable(plan, program, device.load(program));
        });
    }

    private KernelPlan plan(EntryPoint e) {
        return Scheduler.schedule(name() + "." + e.methodName(), graph(e));
    }

    /** The CUDA C of every entry point the model has, without compiling any (for tests that compile them together). */
    List<CudaProgram> programs() {
        List<CudaProgram> out = new ArrayList<>();
        for (EntryPoint e : EntryPoint.values()) {
            boolean has = switch (e) {
                case INIT -> true;
                case FORWARD -> !outputs().isEmpty();
                case LOSS, GRADIENTS -> hasLoss();
                case UPDATE -> hasUpdateRules();
            };
            if (has) out.add(CudaProgram.of(plan(e)));
        }
        return out;
    }

    @Override
    protected synchronized List<Tensor> run(EntryPoint e, Map<String, Tensor> values, long seed) {
        Executable x = executable(e);
        KernelPlan plan = x.plan;
        device.bind();
        DimBindings dims = DimBindings.of(x.declared, values);
        long[] d = new long[plan.symbols().size()];
        for (int i = 0; i < d.length; i++) d[i] = dims.eval(Dim.symbol(plan.symbols().get(i)));
        if (x.frame == null || !Arrays.equals(x.frame.d, d)) {
            if (x.frame != null) x.frame.owned.forEach(device::free);
            x.frame = allocate(x, d, dims);
        }
        Frame f = x.frame;
        for (Buffer b : plan.external()) {
            // A size witness (no kernel reads it) may be left out; its sizes were bound above.
            if (values.get(b.name()) == null && plan.isWitness(b)) continue;
            bind(f, b, values.get(b.name()));
        }
        List<CudaKernel> kernels = x.program.kernels();
        for (int k = 0; k < kernels.size(); k++) launch(x, f, k, kernels.get(k), seed);
        List<Tensor> out = new ArrayList<>();
        List<Graph.Output> outputs = graph(e).outputs();
        for (int i = 0; i < plan.results().size(); i++) {
            KernelPlan.Result r = plan.results().get(i);
            Buffer b = plan.buffer(r.buffer());
            int[] shape = dims.eval(r.shape());
            out.add(Tensor.wrap(b.dtype(), shape, device.download(f.pointers[b.id()], b.dtype(), Tensor.numel(shape))));
        }
        // The params an update step returns are the next step's: keep them on the device. Only after
        // every result is downloaded, since a result may be read from an old param's buffer.
        for (int i = 0; i < out.size(); i++) {
            if (outputs.get(i).role() == Graph.Role.UPDATE) {
                keep(outputs.get(i).name(), out.get(i), f.pointers[plan.results().get(i).buffer()]);
            }
        }
        return out;
    }

    /** Points an input or param buffer at the tensor's device copy, uploading it unless it is already there. */
    private void bind(Frame f, Buffer b, Tensor t) {
        String what = b.kind() == Buffer.Kind.INPUT ? "input" : "param";
        if (t == null) throw new EvaluationError("no value for " + what + " '" + b.name() + "'");
        if (!Arrays.equals(t.shape(), f.shapes[b.id()])) {
            throw new EvaluationError(what + " '" + b.name() + "' must have shape " + Arrays.toString(f.shapes[b.id()])
                    + ", found " + Arrays.toString(t.shape()));
        }
        long bytes = (long) t.numel() * CudaProgram.elementBytes(b.dtype());
        String key = what + " " + b.name();
        Resident r = resident.get(key);
        if (r != null && r.tensor == t && r.bytes == bytes) {
            f.pointers[b.id()] = r.pointer;
            return;
        }
        Device.Memory p = r != null && r.bytes == bytes ? r.pointer : null;
        if (p == null) {
            if (r != null) device.free(r.pointer);
            p = device.alloc(bytes);
        }
        device.upload(p, t.to(b.dtype()).storage(), t.numel());
        resident.put(key, new Resident(t, p, bytes));
        f.pointers[b.id()] = p;
    }

    private void keep(String path, Tensor t, Device.Memory from) {
        String key = "param " + path;
        long bytes = (long) t.numel() * CudaProgram.elementBytes(t.dtype());
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

    private Frame allocate(Executable x, long[] d, DimBindings dims) {
        KernelPlan plan = x.plan;
        Frame f = new Frame(d, plan.buffers().size(), plan.kernels().size());
        long[] slotBytes = new long[plan.slots()];
        for (Buffer b : plan.buffers()) {
            f.shapes[b.id()] = dims.eval(b.shape());
            if (b.slot() >= 0) {
                slotBytes[b.slot()] = Math.max(slotBytes[b.slot()],
                        (long) Tensor.numel(f.shapes[b.id()]) * CudaProgram.elementBytes(b.dtype()));
            }
        }
        Device.Memory[] slots = new Device.Memory[plan.slots()];
        for (int s = 0; s < slots.length; s++) f.owned.add(slots[s] = device.alloc(slotBytes[s]));
        for (Buffer b : plan.buffers()) {
            if (b.slot() >= 0) f.pointers[b.id()] = slots[b.slot()];
            if (b.kind() == Buffer.Kind.CONSTANT) {
                Object c = switch (b.dtype()) {
                    case F32 -> new float[b.values().length];
                    case F64 -> new double[b.values().length];
                    case I32 -> new int[b.values().length];
                    case BOOL -> new boolean[b.values().length];
                };
                Library.store(b.values(), c);
                Device.Memory p = device.alloc((long) b.values().length * CudaProgram.elementBytes(b.dtype()));
                device.upload(p, c, b.values().length);
                f.owned.add(p);
                f.pointers[b.id()] = p;
            }
        }
        for (int k = 0; k < plan.kernels().size(); k++) {
            CudaKernel ck = x.program.kernels().get(k);
            switch (ck) {
                case CudaKernel.Elementwise el -> {
                    long n = eval(count(el.kernel().outer()), d, plan);
                    if (n > 0) f.geometry[k] = LaunchGeometry.elementwise(n, device.multiprocessors());
                }
                case CudaKernel.Reduction r -> {
                    long outer = eval(count(r.kernel().outer()), d, plan);
                    long inner = eval(r.kernel().reduction().orElseThrow().count(), d, plan);
                    if (outer == 0) break;
                    LaunchGeometry g = LaunchGeometry.reduction(outer, inner, device.multiprocessors());
                    f.geometry[k] = g;
                    f.owned.add(f.partials[k] = device.alloc(8 * g.partials(outer)));
                    f.owned.add(f.counters[k] = device.alloc(4 * outer));
                    device.zero(f.counters[k], 4 * outer);
                }
                case CudaKernel.MatMul m -> {
                    Kernel.MatMul mm = m.kernel();
                    long batch = eval(mm.batch(), d, plan), n = eval(mm.n(), d, plan), p = eval(mm.m(), d, plan);
                    long inner = eval(mm.k(), d, plan);
                    if (batch == 0 || n == 0 || p == 0) break;
                    if (LaunchGeometry.splitK(batch, n, inner, p, device.multiprocessors())) {
                        long outer = batch * n * p;
                        LaunchGeometry g = LaunchGeometry.reduction(outer, inner, device.multiprocessors());
                        f.geometry[k] = g;
                        f.owned.add(f.partials[k] = device.alloc(8 * g.partials(outer)));
                        f.owned.add(f.counters[k] = device.alloc(4 * outer));
                        device.zero(f.counters[k], 4 * outer);
                    } else {
                        f.geometry[k] = LaunchGeometry.matmul(batch, n, p);
                    }
                }
                case CudaKernel.Library l -> {
                    List<Dim> r = l.rows();
                    long rows = eval(r.get(0), d, plan) * eval(r.get(2), d, plan);
                    if (rows > 0 && eval(r.get(1), d, plan) == 0 && l.kernel().op() instanceof Op.ArgReduce) {
                        throw new ExecutionError("argmax/argmin along an empty axis " + l.axis());
                    }
                    if (rows > 0) f.geometry[k] = LaunchGeometry.elementwise(rows, device.multiprocessors());
                }
                case CudaKernel.Host h -> {
                }
            }
        }
        return f;
    }

    private void launch(Executable x, Frame f, int k, CudaKernel ck, long seed) {
        switch (ck) {
            case CudaKernel.Elementwise el -> {
                if (f.geometry[k] == null) return;
                x.loaded.launch(el.function(), f.geometry[k], arguments(f, el.buffers(), null, null));
            }
            case CudaKernel.Reduction r -> {
                if (f.geometry[k] == null) return;
                x.loaded.launch(r.function(), f.geometry[k], arguments(f, r.buffers(), f.partials[k], f.counters[k]));
            }
            case CudaKernel.MatMul m -> {
                if (f.geometry[k] == null) {
                    // An empty k still makes zeros; an empty n, m or batch makes nothing.
                    return;
                }
                Kernel.MatMul mm = m.kernel();
                long[] d = f.d;
                KernelPlan plan = x.plan;
                List<Object> args = new ArrayList<>(List.of(f.pointers[mm.a()], f.pointers[mm.b()], f.pointers[mm.out()],
                        eval(mm.batch(), d, plan), eval(mm.n(), d, plan), eval(mm.k(), d, plan), eval(mm.m(), d, plan)));
                boolean split = f.partials[k] != null;
                if (split) {
                    args.add(f.partials[k]);
                    args.add(f.counters[k]);
                }
                x.loaded.launch(split ? m.splitFunction() : m.function(), f.geometry[k], args);
            }
            case CudaKernel.Library l -> {
                if (f.geometry[k] == null) return;
                List<Object> args = new ArrayList<>(List.of(f.pointers[l.kernel().inputs().getFirst()], f.pointers[l.kernel().out()]));
                for (long v : f.d) args.add(v);
                x.loaded.launch(l.function(), f.geometry[k], args);
            }
            case CudaKernel.Host h -> HostCall.run(device, x.plan, f.d, f.pointers, h.kernel(), seed);
        }
    }

    /** Buffers' device pointers, then every symbol's value, then a reduction's scratch. */
    private static List<Object> arguments(Frame f, List<Integer> buffers, Device.Memory partials, Device.Memory counters) {
        List<Object> args = new ArrayList<>();
        for (int b : buffers) args.add(f.pointers[b]);
        for (long v : f.d) args.add(v);
        if (partials != null) {
            args.add(partials);
            args.add(counters);
        }
        return args;
    }

    private static Dim count(List<Dim> dims) {
        Dim c = Dim.of(1);
        for (Dim d : dims) c = c.times(d);
        return c;
    }

    /** A size's value for the plan's symbols bound to {@code d}. */
    private static long eval(Dim dim, long[] d, KernelPlan plan) {
        return plan.size(dim, d);
    }
}
