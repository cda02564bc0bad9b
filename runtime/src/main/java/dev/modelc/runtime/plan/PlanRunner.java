package dev.modelc.runtime.plan;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.ExecutionError;
import dev.modelc.runtime.model.Size;
import dev.modelc.runtime.model.SizeBinder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link Plan} with the kernels and storage of a {@link Target}: binds the symbolic sizes
 * from the tensors given (the runtime's {@link SizeBinder}), checks the plan's index limits and
 * allocates the slots once per set of sizes (a new batch size allocates, the next call with the
 * same one does not), runs the steps in order, and copies the results out of the reused slots
 * (inside {@link LentGradients#during}, a gradient's slot is handed out instead).
 * The one class that runs plans, for every backend.
 *
 * <p>One call at a time: the slots are shared between calls, so {@link #run} and {@link #bind}
 * are synchronized; a {@link Bound} made fresh has slots of its own.
 */
public final class PlanRunner {
    private final Plan plan;
    private final Target target;
    private final Step[] steps;
    private final Plan.Buffer[] external;
    /** Whether some input or param has a size such as {@code N + 1}, checked once every tensor bound its symbols. */
    private final boolean polynomial;
    private Frame frame;

    public PlanRunner(Plan plan, Target target) {
        this.plan = plan;
        this.target = target;
        this.steps = plan.steps().toArray(Step[]::new);
        this.external = plan.external().toArray(Plan.Buffer[]::new);
        boolean p = false;
        for (Plan.Buffer b : external) for (Size s : b.declared()) p |= s instanceof Size.Polynomial;
        this.polynomial = p;
    }

    public Plan plan() {
        return plan;
    }

    public Target target() {
        return target;
    }

    /** Storage for one binding of the symbolic sizes. */
    private static final class Frame {
        final long[] d;
        final int[][] shapes;
        final Object[] storage;
        /** Per step, what its target prepared for these sizes. */
        final Object[] prepared;
        /** What this frame allocated (slots, constants), to release when it is replaced. */
        final List<Object> owned = new ArrayList<>();

        Frame(long[] d, int buffers, int steps) {
            this.d = d;
            this.shapes = new int[buffers][];
            this.storage = new Object[buffers];
            this.prepared = new Object[steps];
        }
    }

    /** The results, in the plan's order, for inputs and params by name (others are ignored). */
    public synchronized List<Tensor> run(Map<String, Tensor> values, long seed) {
        return List.of(run(given(values), seed));
    }

    /**
     * The results, in the plan's order, for the inputs and params in the order of
     * {@link Plan#external} (null where one is not given): how generated classes call.
     */
    public synchronized Tensor[] run(Tensor[] given, long seed) {
        Bound b = bind(given, false);
        b.run(seed);
        Tensor[] out = new Tensor[plan.results().size()];
        boolean lend = LentGradients.lending();
        for (int i = 0; i < out.length; i++) {
            Plan.Result r = plan.results().get(i);
            Plan.Buffer buf = plan.buffer(r.buffer());
            int[] shape = shape(r.shape(), b.frame.d);
            Object storage = b.frame.storage[buf.id()];
            // A gradient in a slot of its own (never an input's or param's array) may be lent; each buffer once.
            out[i] = lend && r.role() == Plan.Role.GRADIENT && buf.kind() == Plan.Kind.TEMPORARY && !lentBefore(i, b.frame)
                    ? target.lend(buf.dtype(), shape, storage) : target.result(buf.dtype(), shape, storage);
        }
        target.finished(plan, out, b.frame.storage);
        return out;
    }

    /** Whether a result before number {@code i} was lent its buffer's storage (two tensors must not share an array). */
    private boolean lentBefore(int i, Frame f) {
        Object storage = f.storage[plan.results().get(i).buffer()];
        for (int j = 0; j < i; j++) {
            Plan.Result r = plan.results().get(j);
            if (r.role() == Plan.Role.GRADIENT && f.storage[r.buffer()] == storage) return true;
        }
        return false;
    }

    /**
     * The plan bound to tensors: sizes bound, slots allocated, inputs and params pointing at the
     * tensors' storage, ready to run any number of times without allocating. A fresh binding
     * has slots of its own (for a training loop that keeps it); otherwise the slots are the
     * runner's, reused while the sizes stay the same.
     */
    public synchronized Bound bind(Map<String, Tensor> values, boolean fresh) {
        return bind(given(values), fresh);
    }

    private Tensor[] given(Map<String, Tensor> values) {
        Tensor[] given = new Tensor[external.length];
        for (int i = 0; i < given.length; i++) given[i] = values.get(external[i].name());
        return given;
    }

    private Bound bind(Tensor[] given, boolean fresh) {
        target.enter();
        if (given.length != external.length) {
            throw new IllegalArgumentException(plan.name() + " takes " + external.length + " tensors, not " + given.length);
        }
        long[] d = sizes(given);
        boolean same = frame != null && Arrays.equals(frame.d, d);
        // Once per set of sizes, like the allocation: a training step with the same batch size checks nothing.
        if ((fresh || !same) && target.indexesInInts()) for (Plan.Limit l : plan.limits()) l.check(d);
        if (fresh || !same) for (Plan.Window w : plan.windows()) w.check(d);
        if (fresh || !same) for (Plan.Requirement r : plan.requirements()) r.check(d);
        Frame f;
        if (fresh) {
            f = allocate(d);
        } else if (same) {
            f = frame;
        } else {
            if (frame != null) frame.owned.forEach(target::release);
            f = frame = allocate(d);
        }
        for (int i = 0; i < external.length; i++) {
            Plan.Buffer b = external[i];
            Tensor t = given[i];
            if (t == null && b.witness()) continue;
            if (t == null) throw new ExecutionError("no value for " + b.what() + " '" + b.name() + "'");
            if (!Arrays.equals(t.shape(), f.shapes[b.id()])) {
                throw new ExecutionError(b.what() + " '" + b.name() + "' must have shape " + Arrays.toString(f.shapes[b.id()])
                        + ", found " + Arrays.toString(t.shape()));
            }
            f.storage[b.id()] = target.bind(b, t);
        }
        return new Bound(f);
    }

    /**
     * The plan's symbolic sizes bound from the tensors given (missing ones are skipped, and named
     * when a size they would have bound is needed), in the order of {@link Plan#symbols}.
     */
    private long[] sizes(Tensor[] given) {
        SizeBinder binder = new SizeBinder();
        for (int i = 0; i < external.length; i++) {
            Plan.Buffer b = external[i];
            Tensor t = given[i];
            if (t != null) binder.bindSymbols(b.name(), b.declared(), t.shape()).ifPresent(m -> {
                throw new ExecutionError(SizeBinder.describe(b.name(), b.declared(), t.shape(), m));
            });
        }
        // sizes such as N + 1, once every given tensor has bound its symbols
        if (polynomial) {
            for (int i = 0; i < external.length; i++) {
                Plan.Buffer b = external[i];
                Tensor t = given[i];
                if (t != null) binder.checkDerived(b.declared(), t.shape()).ifPresent(m -> {
                    throw new ExecutionError(SizeBinder.describe(b.name(), b.declared(), t.shape(), m));
                });
            }
        }
        long[] d = new long[plan.symbols().size()];
        for (int i = 0; i < d.length; i++) {
            String s = plan.symbols().get(i);
            d[i] = binder.binding(s).orElseThrow(() -> new ExecutionError(SizeBinder.notBound(s, couldBind(s, given)))).size();
        }
        return d;
    }

    /** The declared tensors not given that would have bound {@code symbol}: {@code 'x' [N, 3] or 'y' [N]}. */
    private String couldBind(String symbol, Tensor[] given) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < external.length; i++) {
            Plan.Buffer b = external[i];
            if (given[i] == null && b.declared().contains(Size.symbol(symbol))) out.add("'" + b.name() + "' " + b.declared());
        }
        return String.join(" or ", out);
    }

    /** A bound plan (see {@link #bind}). */
    public final class Bound {
        private final Frame frame;

        private Bound(Frame frame) {
            this.frame = frame;
        }

        /**
         * Runs every step once; random draws use {@code seed}. The hot loop of training: steps
         * are told apart by instanceof, not a pattern switch, whose type-switch call site cost
         * the seed model's step loop 3x (28 to 100 µs) once other plans had run before it.
         */
        public void run(long seed) {
            target.enter();
            Frame f = frame;
            for (int k = 0; k < steps.length; k++) {
                Step s = steps[k];
                if (s instanceof Step.Loop l) target.loop(l, f.prepared[k], f.storage, f.d);
                else if (s instanceof Step.MatMul m) target.matmul(m, f.prepared[k], f.storage, f.d);
                else target.call((Step.Call) s, f.prepared[k], f.storage, f.d, seed);
            }
        }

        /** Runs every step once, adding each step's wall time in nanoseconds to {@code nanos} (for profiles). */
        public void runTimed(long seed, long[] nanos) {
            target.enter();
            Frame f = frame;
            for (int k = 0; k < steps.length; k++) {
                long t0 = System.nanoTime();
                switch (steps[k]) {
                    case Step.Loop l -> target.loop(l, f.prepared[k], f.storage, f.d);
                    case Step.MatMul m -> target.matmul(m, f.prepared[k], f.storage, f.d);
                    case Step.Call c -> target.call(c, f.prepared[k], f.storage, f.d, seed);
                }
                nanos[k] += System.nanoTime() - t0;
            }
        }

        /** The storage of a buffer (a slot may be longer than the buffer). */
        public Object storage(int buffer) {
            return frame.storage[buffer];
        }

        /** A buffer's shape under the bound sizes. */
        public int[] shape(int buffer) {
            return frame.shapes[buffer].clone();
        }

        /** The bound sizes, in the order of the plan's symbols. */
        public long[] sizes() {
            return frame.d.clone();
        }

        /** Points an input or param at other storage of the same dtype and size (say, an owned copy of a param). */
        public void rebind(int buffer, Object storage) {
            if (!plan.buffer(buffer).isExternal()) throw new IllegalArgumentException("%" + buffer + " is not an input or param");
            frame.storage[buffer] = storage;
        }

        /**
         * Points a temporary at other storage of the same dtype and size: the bytecode step
         * loop's update written straight into its param, where the compiler proved it safe.
         */
        public void rebindTemporary(int buffer, Object storage) {
            if (plan.buffer(buffer).isExternal()) throw new IllegalArgumentException("%" + buffer + " is an input or param");
            frame.storage[buffer] = storage;
        }
    }

    private Frame allocate(long[] d) {
        Frame f = new Frame(d, plan.buffers().size(), steps.length);
        int[] slotSize = new int[plan.slots()];
        DType[] slotType = new DType[plan.slots()];
        for (Plan.Buffer b : plan.buffers()) {
            f.shapes[b.id()] = shape(b.shape(), d);
            if (b.slot() >= 0) {
                slotSize[b.slot()] = Math.max(slotSize[b.slot()], Tensor.numel(f.shapes[b.id()]));
                slotType[b.slot()] = b.dtype();
            }
        }
        Object[] slots = new Object[plan.slots()];
        for (int s = 0; s < slots.length; s++) f.owned.add(slots[s] = target.allocate(slotType[s], slotSize[s]));
        for (Plan.Buffer b : plan.buffers()) {
            if (b.slot() >= 0) f.storage[b.id()] = slots[b.slot()];
            if (b.kind() == Plan.Kind.CONSTANT) f.owned.add(f.storage[b.id()] = target.constant(b.dtype(), b.values()));
        }
        for (int k = 0; k < steps.length; k++) {
            f.prepared[k] = target.prepare(plan, k, d);
            if (f.prepared[k] != null) f.owned.add(f.prepared[k]);
        }
        return f;
    }

    /** A shape's sizes under {@code d}, each a valid array length. */
    private static int[] shape(List<SizeExpr> shape, long[] d) {
        int[] out = new int[shape.size()];
        for (int i = 0; i < out.length; i++) {
            long v = shape.get(i).eval(d);
            if (v < 0 || v > Integer.MAX_VALUE) throw new ExecutionError("size " + shape.get(i) + " = " + v + " is out of range");
            out[i] = (int) v;
        }
        return out;
    }

    /** The sizes of a shape under {@code d} as ints, unchecked (the plan's limits were checked when it was bound). */
    public static int[] ints(List<SizeExpr> shape, long[] d) {
        int[] out = new int[shape.size()];
        for (int i = 0; i < out.length; i++) out[i] = (int) shape.get(i).eval(d);
        return out;
    }
}
