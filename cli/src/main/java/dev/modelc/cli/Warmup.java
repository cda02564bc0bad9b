package dev.modelc.cli;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.Mode;
import dev.modelc.runtime.model.Size;
import dev.modelc.runtime.model.StepKey;
import dev.modelc.runtime.model.TensorSpec;
import dev.modelc.runtime.optim.Optimizer;
import dev.modelc.runtime.optim.ParamBuffers;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training step run on made-up data on a background thread while {@code train} reads its
 * data, so that the work the first real steps would otherwise carry happens on the core that
 * reading leaves idle: building and optimizing the step's graph and writing its kernels (the
 * graphs are built on first use and kept, {@code StagedModel.graph}), loading their classes,
 * and the JIT's first compiles of the runtime's kernels (the lane kernels run many times slower
 * in the interpreter and in C1 code, where every vector is an object, until C2 compiles them).
 *
 * <p>Nothing it computes reaches the real run: its params come from the model's initializers
 * with a seed of its own, its batch is synthetic (uniform values in [0, 1) for floating inputs,
 * zeros, a valid class or index, for integer ones), its optimizer is a fresh instance that the
 * run never sees, and its step keys are its own. The kernels are pure functions of their inputs
 * and the compiled program is the same whoever builds it first, so the run's losses and params
 * are bit for bit those of a run without it (WarmupTest), f32 loops with exp, log, sin, cos or
 * tanh on vector lanes included: those are {@code LaneMath}'s, made of exactly specified
 * operations, so they give the same bits before and after C2 compiles them (the Vector API's
 * {@code lanewise(EXP)} did not, and the warm-up moved when its values changed). {@link #close} stops it and waits for
 * the step in progress before the trainer starts, so the model never runs on two threads at once.
 *
 * <p>It is bounded ({@link #MAX_STEPS}, {@link #MAX_TIME_NANOS}), ignores its own failures (a
 * failing compile fails the real run's first step the same way, with the user's diagnostic), and
 * is skipped where it cannot help or could hurt: the interpreter (no kernels to warm, slow steps
 * to wait for), devices (their own compilers), inputs with a size other than the batch's that is
 * not fixed, batches of over {@link #MAX_BATCH_ELEMENTS} values, and models whose params would
 * take more than an eighth of the heap to copy.
 * {@code MODELC_WARMUP=0} (the launcher's {@code -Dmodelc.warmup=false}) turns it off.
 */
final class Warmup implements AutoCloseable {
    /** The system property that turns the warm-up off when {@code false} (the launcher sets it from {@code MODELC_WARMUP=0}). */
    static final String PROPERTY = "modelc.warmup";
    /** Enough steps for the runtime's kernels to be queued for C2 many times over; the first real steps finish the rest. */
    static final int MAX_STEPS = 100;
    /** A cap on the made-up steps when the data take long to read (a large CSV file): the core is then better left to C2. */
    static final long MAX_TIME_NANOS = 10_000_000_000L;
    /** The most values a made-up batch holds (a batch of a million rows is no short run's, and would cost memory to copy). */
    private static final long MAX_BATCH_ELEMENTS = 1 << 22;
    /**
     * The rows of the first made-up step. That step builds the graph and the kernels, which the
     * run needs whatever happens, but its kernels run cold; when the data are read before it ends
     * (the CNN sample's 3,000 rows take a few tenths of a second) the trainer waits for it, so it
     * is kept small: 2 rows, not 1, as batch norm needs two. The steps after it take the run's
     * batch size, so the kernels warm up on the paths the run's shapes choose.
     */
    static final int FIRST_ROWS = 2;
    /** The warm-up's own seed for initializers, data and step keys (any value: nothing of it reaches the run). */
    private static final long SEED = 0x5741524dL;

    /** The warm-up's thread, null when there is none. */
    private Thread thread;
    private volatile boolean stop;
    /** Steps finished, for the tests (read after {@link #close}). */
    private volatile int steps;

    private Warmup() {
    }

    /** A warm-up that does nothing (turned off, or skipped). */
    static Warmup none() {
        return new Warmup();
    }

    /** Whether the warm-up is on: unless {@code -Dmodelc.warmup=false}. */
    static boolean enabled() {
        return !"false".equals(System.getProperty(PROPERTY));
    }

    /**
     * Starts the training steps of {@code model} (by {@code optimizer}, an instance of its own
     * that the real run never sees; null for a model trained by its update rules) on made-up
     * batches of {@code rows} rows of the {@code needed} inputs, read as {@code floating} where
     * given, or returns {@link #none} where the warm-up is off or skipped. It runs {@code atLeast} steps (tests ask for some;
     * {@code train} for none) whenever it is stopped, and at most {@link #MAX_STEPS} or that many.
     */
    static Warmup training(CompiledModel model, boolean runsOnJvmKernels, List<String> needed, DType floating, int rows,
                           Optimizer optimizer, int atLeast) {
        if (!enabled() || !runsOnJvmKernels || rows < 1) return none();
        Map<String, Tensor> batch = batch(model, needed, floating, rows);
        if (batch == null || tooLarge(model)) return none();
        Map<String, Tensor> first = rows <= FIRST_ROWS ? batch : batch(model, needed, floating, FIRST_ROWS);
        Warmup w = new Warmup();
        w.thread = Thread.ofPlatform().daemon().name("modelc-warmup")
                .start(() -> w.train(model, first == null ? batch : first, batch, optimizer, atLeast));
        return w;
    }

    /** The steps finished, once closed. */
    int steps() {
        return steps;
    }

    private void train(CompiledModel model, Map<String, Tensor> first, Map<String, Tensor> batch, Optimizer opt, int atLeast) {
        try {
            CompiledModel stepping = model.inMode(Mode.TRAINING);
            Map<String, Tensor> params = new LinkedHashMap<>(model.initialParams(SEED));
            ParamBuffers buffers = new ParamBuffers();
            long start = System.nanoTime();
            for (int i = 0; i < atLeast || i < MAX_STEPS && !stop && System.nanoTime() - start < MAX_TIME_NANOS; i++) {
                StepKey key = new StepKey(SEED, i);
                Map<String, Tensor> rows = i == 0 ? first : batch;
                if (opt == null) {
                    params = new LinkedHashMap<>(stepping.updateStep(params, rows, key).params());
                } else {
                    CompiledModel.Gradients g = stepping.lossAndGradients(params, rows, key);
                    Map<String, Tensor> next = new LinkedHashMap<>(opt.step(params, g.gradients(), buffers));
                    next.putAll(g.states());
                    buffers.accept(next);
                    params = next;
                }
                steps = i + 1;
            }
        } catch (Throwable ignored) {
            // Out of memory, a diverging made-up step, a model that fails to compile: the real run meets
            // (and reports) whatever is real about it; the warm-up only ever saves time.
        }
    }

    /** The made-up batch, or null when an input has a size that is neither fixed nor the batch's, or the batch is too large. */
    private static Map<String, Tensor> batch(CompiledModel model, List<String> needed, DType floating, int rows) {
        Map<String, TensorSpec> specs = new HashMap<>();
        for (TensorSpec s : model.inputs()) specs.put(s.name(), s);
        Map<String, Tensor> batch = new LinkedHashMap<>();
        Generator gen = Generator.of(SEED, "warmup");
        String batchSymbol = null;
        long total = 0;
        for (String name : needed) {
            TensorSpec spec = specs.get(name);
            if (spec == null || spec.dims().isEmpty()) return null;
            int[] shape = new int[spec.dims().size()];
            for (int d = 0; d < shape.length; d++) {
                Size size = spec.dims().get(d);
                if (size instanceof Size.Fixed f && f.value() > 0 && f.value() <= Integer.MAX_VALUE) {
                    shape[d] = (int) f.value();
                } else if (d == 0 && size instanceof Size.Symbol s && (batchSymbol == null || batchSymbol.equals(s.name()))) {
                    batchSymbol = s.name(); // the rows: one symbol shared by every input's first size
                    shape[d] = rows;
                } else {
                    return null;
                }
            }
            long elements = 1;
            for (int size : shape) elements *= size;
            total += elements;
            if (total > MAX_BATCH_ELEMENTS) return null;
            DType dtype = spec.dtype().isFloating() && floating != null ? floating : spec.dtype();
            batch.put(name, dtype.isFloating() ? Tensor.rand(dtype, gen, shape) : Tensor.zeros(dtype, shape));
        }
        return batch;
    }

    /** Whether the params' copies a step holds (values, gradients, an optimizer's two moments) would take over an eighth of the heap. */
    private static boolean tooLarge(CompiledModel model) {
        long bytes = 0;
        for (TensorSpec p : model.params()) {
            long n = 1;
            for (Size s : p.dims()) {
                if (!(s instanceof Size.Fixed f)) return true;
                n = Math.multiplyExact(n, Math.max(1, f.value()));
            }
            bytes += n * 8;
        }
        return bytes * 4 > Runtime.getRuntime().maxMemory() / 8;
    }

    /** Stops the warm-up and waits for the step in progress (the model must not run on two threads). */
    @Override
    public void close() {
        if (thread == null) return;
        stop = true;
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
