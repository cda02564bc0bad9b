package dev.modelc.compiler.backend;

import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.interp.DimBindings;
import dev.modelc.compiler.interp.EvaluationError;
import dev.modelc.compiler.kernel.Buffer;
import dev.modelc.compiler.kernel.IndexRange;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.Library;
import dev.modelc.runtime.exec.Parallel;
import dev.modelc.runtime.exec.RangeKernel;
import dev.modelc.runtime.exec.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link KernelPlan} whose loops were compiled to {@link RangeKernel}s: binds the sizes
 * from the tensors given, allocates the slots once per set of sizes (a new batch size allocates,
 * the next step with the same one does not), runs the kernels in order, long loops split across
 * cores, and copies the results out of the reused slots.
 */
public final class PlanExecutor {
    private final KernelPlan plan;
    private final RangeKernel[] loops;
    private final int[][] loopBuffers;
    /** The inputs' and params' shapes, converted once for the runtime's size binder. */
    private final DimBindings.Declared declared;
    /** Inputs and params that only bind sizes (see {@link KernelPlan#isWitness}): they may be left out. */
    private final Set<Integer> witnesses = new HashSet<>();
    /** What must fit in an int under the bound sizes (checked once per set of sizes). */
    private final List<IndexRange.Limit> limits;
    private Frame frame;

    /** {@code loops} holds, for each kernel of the plan, its compiled loop (null for matmuls and calls). */
    public PlanExecutor(KernelPlan plan, List<RangeKernel> loops, List<List<Integer>> loopBuffers) {
        this.plan = plan;
        this.loops = loops.toArray(RangeKernel[]::new);
        this.loopBuffers = new int[loops.size()][];
        for (int k = 0; k < loops.size(); k++) {
            List<Integer> b = loopBuffers.get(k);
            this.loopBuffers[k] = b == null ? null : b.stream().mapToInt(Integer::intValue).toArray();
        }
        this.limits = IndexRange.limits(plan);
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Buffer b : plan.external()) {
            shapes.put(b.name(), b.shape());
            if (plan.isWitness(b)) witnesses.add(b.id());
        }
        this.declared = DimBindings.Declared.of(shapes);
    }

    public KernelPlan plan() {
        return plan;
    }

    /** Storage and sizes for one binding of the symbolic dims. */
    private static final class Frame {
        final long[] d;
        final int[][] shapes;
        final Object[] storage;
        final Object[][] args;
        /** Per kernel, the sizes it runs with, evaluated once per binding: a loop's range and work, a matmul's batch, n, k, m. */
        final long[][] sizes;

        Frame(long[] d, int buffers, int kernels) {
            this.d = d;
            this.shapes = new int[buffers][];
            this.storage = new Object[buffers];
            this.args = new Object[kernels][];
            this.sizes = new long[kernels][];
        }
    }

    /** The results, in the plan's order. One call at a time: the slots are shared between calls. */
    public synchronized List<Tensor> run(Map<String, Tensor> values, long seed) {
        Bound b = bind(values, false);
        b.run(seed);
        List<Tensor> out = new ArrayList<>();
        for (KernelPlan.Result r : plan.results()) {
            Buffer buf = plan.buffer(r.buffer());
            out.add(Shapes.result(buf.dtype(), b.dims.eval(r.shape()), b.frame.storage[buf.id()]));
        }
        return out;
    }

    /**
     * The plan bound to tensors: sizes bound, slots allocated, inputs and params pointing at the
     * tensors' storage, ready to run any number of times without allocating. A fresh binding
     * has slots of its own (for a training loop that keeps it); otherwise the slots are the
     * executor's, reused while the sizes stay the same.
     */
    public synchronized Bound bind(Map<String, Tensor> values, boolean fresh) {
        DimBindings dims = DimBindings.of(declared, values);
        long[] d = new long[plan.symbols().size()];
        for (int i = 0; i < d.length; i++) d[i] = dims.eval(Dim.symbol(plan.symbols().get(i)));
        // Once per set of sizes, like the allocation: a training step with the same batch size checks nothing.
        if (fresh || frame == null || !Arrays.equals(frame.d, d)) IndexRange.check(plan, limits, d);
        Frame f;
        if (fresh) {
            f = allocate(d, dims);
        } else {
            f = frame != null && Arrays.equals(frame.d, d) ? frame : allocate(d, dims);
            frame = f;
        }
        for (Buffer b : plan.external()) {
            Tensor t = values.get(b.name());
            String what = b.kind() == Buffer.Kind.INPUT ? "input" : "param";
            if (t == null && witnesses.contains(b.id())) continue;
            if (t == null) throw new EvaluationError("no value for " + what + " '" + b.name() + "'");
            if (!Arrays.equals(t.shape(), f.shapes[b.id()])) {
                throw new EvaluationError(what + " '" + b.name() + "' must have shape " + Arrays.toString(f.shapes[b.id()])
                        + ", found " + Arrays.toString(t.shape()));
            }
            f.storage[b.id()] = t.to(b.dtype()).storage();
        }
        return new Bound(f, dims);
    }

    /** A bound plan (see {@link #bind}). */
    public final class Bound {
        private final Frame frame;
        private final DimBindings dims;

        private Bound(Frame frame, DimBindings dims) {
            this.frame = frame;
            this.dims = dims;
        }

        /** Runs every kernel once. */
        public void run(long seed) {
            List<Kernel> kernels = plan.kernels();
            for (int k = 0; k < kernels.size(); k++) {
                switch (kernels.get(k)) {
                    case Kernel.Loop l -> runLoop(frame, k, l);
                    case Kernel.MatMul m -> matmul(frame, k, m);
                    case Kernel.Call c -> call(frame, c, seed);
                }
            }
        }

        /** Runs every kernel once, adding each kernel's wall time in nanoseconds to {@code nanos} (for profiles). */
        public void runTimed(long seed, long[] nanos) {
            List<Kernel> kernels = plan.kernels();
            for (int k = 0; k < kernels.size(); k++) {
                long t0 = System.nanoTime();
                switch (kernels.get(k)) {
                    case Kernel.Loop l -> runLoop(frame, k, l);
                    case Kernel.MatMul m -> matmul(frame, k, m);
                    case Kernel.Call c -> call(frame, c, seed);
                }
                nanos[k] += System.nanoTime() - t0;
            }
        }

        /** The storage array of a buffer (a slot may be longer than the buffer). */
        public Object storage(int buffer) {
            return frame.storage[buffer];
        }

        /** Points an input or param at other storage of the same dtype and size (say, an owned copy of a param). */
        public void rebind(int buffer, Object storage) {
            if (!plan.buffer(buffer).isExternal()) throw new IllegalArgumentException("%" + buffer + " is not an input or param");
            frame.storage[buffer] = storage;
        }
    }

    private void runLoop(Frame f, int k, Kernel.Loop l) {
        Object[] args = f.args[k];
        int[] ids = loopBuffers[k];
        for (int i = 0; i < ids.length; i++) args[i] = f.storage[ids[i]];
        long[] size = f.sizes[k];
        Parallel.forRange(loops[k], args, f.d, (int) size[0], size[1]);
        // A split reduction folded its chunks above; this call folds the chunks' results and stores.
        if (l.isSplittable()) loops[k].run(args, f.d, -1, (int) size[0]);
    }

    /** A loop's range (its outermost loop, or all its elements when flat) and the work per iteration, for splitting. */
    private long[] loopSizes(Kernel.Loop l, long[] d) {
        if (l.isSplittable()) {
            long count = plan.size(l.reduction().orElseThrow().count(), d);
            long chunks = Math.max(1, (count + Parallel.REDUCTION_CHUNK - 1) / Parallel.REDUCTION_CHUNK);
            return new long[] {chunks, (long) Parallel.REDUCTION_CHUNK * Math.max(1, l.reduction().orElseThrow().body().size())};
        }
        long outer = 1;
        for (Dim dim : l.outer()) outer *= plan.size(dim, d);
        long range = l.flat() || l.outer().isEmpty() ? outer : plan.size(l.outer().getFirst(), d);
        long inner = l.reduction().map(r -> plan.size(r.count(), d)).orElse(1L);
        long work = (range == 0 ? 0 : outer / range) * inner * Math.max(1, l.body().size()
                + l.reduction().map(r -> r.body().size()).orElse(0));
        return new long[] {range, work};
    }

    private void matmul(Frame f, int kernel, Kernel.MatMul m) {
        long[] size = f.sizes[kernel];
        int batch = (int) size[0], n = (int) size[1], k = (int) size[2], p = (int) size[3];
        Object a = f.storage[m.a()], b = f.storage[m.b()], out = f.storage[m.out()];
        switch (m.dtype()) {
            case F32 -> Library.matmul((float[]) a, (float[]) b, (float[]) out, batch, n, k, p, m.transA(), m.transB());
            case F64 -> Library.matmul((double[]) a, (double[]) b, (double[]) out, batch, n, k, p, m.transA(), m.transB());
            default -> throw new IllegalStateException("matmul of " + m.dtype());
        }
    }

    private void call(Frame f, Kernel.Call c, long seed) {
        Object out = f.storage[c.out()];
        Object x = c.inputs().isEmpty() ? null : f.storage[c.inputs().getFirst()];
        // The operands' own shapes: a reshaped view reads its buffer in another shape.
        int[] xs = c.inputs().isEmpty() ? null : plan.shape(c.inputShapes().getFirst(), f.d);
        int[] os = plan.shape(c.outShape(), f.d);
        switch (c.op()) {
            case Op.Softmax s -> Library.softmax(x, xs, s.axis(), s.log(), out);
            case Op.Reduce r -> Library.logsumexp(x, xs, r.axes().stream().mapToInt(Integer::intValue).toArray(), out);
            case Op.ArgReduce a -> Library.argReduce(a.max(), x, xs, a.axis(), out);
            case Op.Pad p -> Library.pad(x, xs, longs(p.starts(), f.d), p.steps().stream().mapToLong(Long::longValue).toArray(), os, out);
            case Op.Concat cat -> {
                Object[] parts = new Object[c.inputs().size()];
                int[][] shapes = new int[parts.length][];
                for (int i = 0; i < parts.length; i++) {
                    shapes[i] = plan.shape(c.inputShapes().get(i), f.d);
                    parts[i] = f.storage[c.inputs().get(i)];
                }
                Library.concat(parts, shapes, cat.axis(), os, out);
            }
            case Op.OneHot o -> Library.oneHot(x, xs, o.classes(), out);
            case Op.Random r -> Library.random(r.distribution() == Op.Random.Distribution.NORMAL, r.a(), r.b(), seed,
                    r.stream(), Tensor.numel(os), out);
            default -> throw new IllegalStateException("no library call for " + c.op().label());
        }
    }

    private Frame allocate(long[] d, DimBindings dims) {
        Frame f = new Frame(d, plan.buffers().size(), plan.kernels().size());
        int[] slotSize = new int[plan.slots()];
        DType[] slotType = new DType[plan.slots()];
        for (Buffer b : plan.buffers()) {
            f.shapes[b.id()] = dims.eval(b.shape());
            if (b.slot() >= 0) {
                slotSize[b.slot()] = Math.max(slotSize[b.slot()], Tensor.numel(f.shapes[b.id()]));
                slotType[b.slot()] = b.dtype();
            }
        }
        Object[] slots = new Object[plan.slots()];
        for (int s = 0; s < slots.length; s++) slots[s] = array(slotType[s], slotSize[s]);
        for (Buffer b : plan.buffers()) {
            if (b.slot() >= 0) f.storage[b.id()] = slots[b.slot()];
            if (b.kind() == Buffer.Kind.CONSTANT) {
                Object c = array(b.dtype(), b.values().length);
                Library.store(b.values(), c);
                f.storage[b.id()] = c;
            }
        }
        for (int k = 0; k < plan.kernels().size(); k++) {
            f.sizes[k] = switch (plan.kernels().get(k)) {
                case Kernel.Loop l -> loopSizes(l, d);
                case Kernel.MatMul m -> new long[] {plan.size(m.batch(), d), plan.size(m.n(), d), plan.size(m.k(), d), plan.size(m.m(), d)};
                case Kernel.Call c -> null;
            };
            if (plan.kernels().get(k) instanceof Kernel.Loop l) {
                // A split reduction's partial results travel as one more buffer, after its own.
                f.args[k] = new Object[loopBuffers[k].length + (l.isSplittable() ? 1 : 0)];
                if (l.isSplittable()) f.args[k][loopBuffers[k].length] = new double[(int) f.sizes[k][0]];
            }
        }
        return f;
    }

    private static Object array(DType t, int n) {
        return switch (t) {
            case F32 -> new float[n];
            case F64 -> new double[n];
            case I32 -> new int[n];
            case BOOL -> new boolean[n];
        };
    }

    private long[] longs(List<Dim> dims, long[] d) {
        long[] out = new long[dims.size()];
        for (int i = 0; i < out.length; i++) out[i] = plan.size(dims.get(i), d);
        return out;
    }
}
