package dev.modelc.runtime.plan;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.Library;
import dev.modelc.runtime.exec.Parallel;
import dev.modelc.runtime.exec.RangeKernel;
import dev.modelc.runtime.exec.Shapes;
import java.lang.reflect.Array;
import java.util.List;

/**
 * A plan on the JVM: storage is Java arrays, loops are the backend's {@link RangeKernel}s
 * (hidden classes of the bytecode backend, methods of a generated class), long loops split
 * across cores ({@link Parallel}), and matmuls and library calls are the runtime's
 * {@link Library}. Nothing is allocated per run: each step's arguments are prepared once per
 * set of sizes.
 */
public final class JvmTarget implements Target {
    private final RangeKernel[] kernels;
    /** Whether a split reduction of one chunk is one call ({@link RangeKernel#ONE_CHUNK}) rather than two. */
    private final boolean oneChunkCalls;

    /**
     * {@code kernels}: the plan's loops, in the order of {@link Step.Loop#kernel}, knowing only
     * the two calls of a split reduction: what classes generated before
     * {@link RangeKernel#ONE_CHUNK} existed call, so they keep their results.
     */
    public JvmTarget(List<RangeKernel> kernels) {
        this(kernels, false);
    }

    private JvmTarget(List<RangeKernel> kernels, boolean oneChunkCalls) {
        this.kernels = kernels.toArray(RangeKernel[]::new);
        this.oneChunkCalls = oneChunkCalls;
    }

    /** {@code kernels}, whose split reductions also take the one call {@link RangeKernel#ONE_CHUNK}: what the compiler generates. */
    public static JvmTarget of(List<RangeKernel> kernels) {
        return new JvmTarget(kernels, true);
    }

    /** A loop's arguments (storage, then a split reduction's partial results) and its range and work, for splitting. */
    private record LoopFrame(Object[] args, int range, long work) {
    }

    /** A matmul's sizes. */
    private record MatMulFrame(int batch, int n, int k, int m) {
    }

    /** A call's operand shapes, result shape, pad starts, and the array its operands are gathered in. */
    private record CallFrame(int[][] shapes, int[] outShape, long[] starts, Object[] parts) {
    }

    @Override
    public Object allocate(DType dtype, int elements) {
        return array(dtype, elements);
    }

    @Override
    public Object constant(DType dtype, double[] values) {
        Object c = array(dtype, values.length);
        Library.store(values, c);
        return c;
    }

    @Override
    public Object bind(Plan.Buffer buffer, Tensor tensor) {
        return tensor.to(buffer.dtype()).storage();
    }

    @Override
    public Tensor result(DType dtype, int[] shape, Object storage) {
        return Shapes.result(dtype, shape, storage);
    }

    @Override
    public Tensor lend(DType dtype, int[] shape, Object storage) {
        // A slot shared with a longer temporary is longer than the result: that one is copied.
        return Array.getLength(storage) == Tensor.numel(shape)
                ? Tensor.wrap(dtype, shape, storage) : Shapes.result(dtype, shape, storage);
    }

    @Override
    public Object prepare(Plan plan, int step, long[] d) {
        return switch (plan.steps().get(step)) {
            case Step.Loop l -> {
                int range;
                long work;
                if (l.split()) {
                    long count = l.inner().eval(d);
                    range = (int) Math.max(1, (count + Parallel.REDUCTION_CHUNK - 1) / Parallel.REDUCTION_CHUNK);
                    work = (long) Parallel.REDUCTION_CHUNK * Math.max(1, l.reductionLets());
                } else {
                    long outer = l.elements().eval(d), r = l.range().eval(d);
                    range = (int) r;
                    work = (r == 0 ? 0 : outer / r) * l.inner().eval(d) * Math.max(1, l.lets());
                }
                Object[] args = new Object[l.buffers().length + (l.split() ? 1 : 0)];
                // A split reduction's partial results travel as one more buffer, after its own.
                if (l.split()) args[l.buffers().length] = new double[range * l.partials()];
                yield new LoopFrame(args, range, work);
            }
            case Step.MatMul m -> new MatMulFrame((int) m.batch().eval(d), (int) m.n().eval(d), (int) m.k().eval(d),
                    (int) m.m().eval(d));
            case Step.Call c -> {
                int[][] shapes = new int[c.inputs().length][];
                for (int i = 0; i < shapes.length; i++) shapes[i] = PlanRunner.ints(c.inputShapes().get(i), d);
                long[] starts = null;
                if (c.call() instanceof LibraryCall.Pad p) {
                    starts = new long[p.starts().size()];
                    for (int i = 0; i < starts.length; i++) starts[i] = p.starts().get(i).eval(d);
                }
                yield new CallFrame(shapes, PlanRunner.ints(c.outShape(), d), starts, new Object[shapes.length]);
            }
        };
    }

    @Override
    public void loop(Step.Loop l, Object prepared, Object[] storage, long[] d) {
        LoopFrame f = (LoopFrame) prepared;
        Object[] args = f.args;
        int[] ids = l.buffers();
        for (int i = 0; i < ids.length; i++) args[i] = storage[ids[i]];
        RangeKernel kernel = kernels[l.kernel()];
        if (oneChunkCalls && l.split() && f.range == 1) {
            // One chunk: folded and stored in one call (RangeKernel.ONE_CHUNK), no partials round trip.
            kernel.run(args, d, RangeKernel.ONE_CHUNK, 1);
            return;
        }
        Parallel.forRange(kernel, args, d, f.range, f.work);
        // A split reduction folded its chunks above; this call folds the chunks' results and stores.
        if (l.split()) kernel.run(args, d, -1, f.range);
    }

    @Override
    public void matmul(Step.MatMul m, Object prepared, Object[] storage, long[] d) {
        MatMulFrame s = (MatMulFrame) prepared;
        Object a = storage[m.a()], b = storage[m.b()], out = storage[m.out()];
        switch (m.dtype()) {
            case F32 -> Library.matmul((float[]) a, (float[]) b, (float[]) out, s.batch, s.n, s.k, s.m, m.transA(), m.transB());
            case F64 -> Library.matmul((double[]) a, (double[]) b, (double[]) out, s.batch, s.n, s.k, s.m, m.transA(), m.transB());
            default -> throw new IllegalStateException("matmul of " + m.dtype());
        }
    }

    @Override
    public void call(Step.Call c, Object prepared, Object[] storage, long[] d, long seed) {
        CallFrame f = (CallFrame) prepared;
        Object out = storage[c.out()];
        Object x = c.inputs().length == 0 ? null : storage[c.inputs()[0]];
        int[] xs = c.inputs().length == 0 ? null : f.shapes[0];
        run(c.call(), x, xs, f, storage, c.inputs(), out, seed);
    }

    /** Runs a library call on heap arrays (also what a device falls back to, on copies). */
    public static void run(LibraryCall call, Object x, int[] xs, Object[] parts, int[][] shapes, long[] starts, int[] os,
                           Object out, long seed) {
        switch (call) {
            case LibraryCall.Softmax s -> Library.softmax(x, xs, s.axis(), s.log(), out);
            case LibraryCall.LogSumExp l -> Library.logsumexp(x, xs, l.axes(), out);
            case LibraryCall.ArgReduce a -> Library.argReduce(a.max(), x, xs, a.axis(), out);
            case LibraryCall.Pad p -> Library.pad(x, xs, starts, p.steps(), os, out);
            case LibraryCall.Concat cat -> Library.concat(parts, shapes, cat.axis(), os, out);
            case LibraryCall.OneHot o -> Library.oneHot(x, xs, o.classes(), out);
            case LibraryCall.IndexSelect i -> Library.indexSelect(x, xs, parts[1], shapes[1], i.what(), out);
            case LibraryCall.IndexAdd i -> Library.indexAdd(x, xs, parts[1], shapes[1], os, i.what(), out);
            case LibraryCall.Gather g -> Library.gather(x, xs, parts[1], shapes[1], g.axis(), g.what(), out);
            case LibraryCall.ScatterAdd a -> Library.scatterAdd(x, xs, parts[1], shapes[1], a.axis(), os, a.what(), out);
            case LibraryCall.Random r -> Library.random(r.normal(), r.a(), r.b(), seed, r.stream(), Tensor.numel(os), out);
            case LibraryCall.Conv c -> Library.conv(c.conv(), x, xs, parts[1], shapes[1], os, out);
            case LibraryCall.Draw d -> Library.draw(d.normal(), d.site(), seed, Tensor.numel(os), out);
            case LibraryCall.MaxPool m -> Library.maxPool(m.pool(), x, xs, parts.length > 1 ? parts[1] : null,
                    parts.length > 1 ? shapes[1] : null, out);
        }
    }

    private static void run(LibraryCall call, Object x, int[] xs, CallFrame f, Object[] storage, int[] inputs, Object out,
                            long seed) {
        // Calls of several operands (concat, the index calls) read them all from parts.
        if (call instanceof LibraryCall.Concat || inputs.length > 1) for (int i = 0; i < inputs.length; i++) f.parts[i] = storage[inputs[i]];
        run(call, x, xs, f.parts, f.shapes, f.starts, f.outShape, out, seed);
    }

    /** A zeroed array of {@code n} elements of {@code t}. */
    public static Object array(DType t, int n) {
        return switch (t) {
            case F32 -> new float[n];
            case F64 -> new double[n];
            case I32 -> new int[n];
            case BOOL -> new boolean[n];
        };
    }
}
