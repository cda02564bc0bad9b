package dev.modelc.cuda;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.device.DeviceCode;
import dev.modelc.runtime.device.DeviceKernel;
import dev.modelc.runtime.device.LaunchGeometry;
import dev.modelc.runtime.plan.Plan;
import dev.modelc.runtime.plan.PlanRunner;
import dev.modelc.runtime.plan.Step;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small model's whole training step as one kernel launch: every kernel of the
 * loss-and-gradients plan, then the optimizer's update of each param, as phases of one kernel
 * run by a single block of {@link #BLOCK} threads, separated by {@code __syncthreads()}, the
 * status (the loss and a non-finite word per param) zeroed first and the loss written into it
 * last. For a model such as the seed's regression, whose step is a handful of kernels over a few
 * dozen values, launch latency is all the cost: this makes it one launch instead of eight and a
 * device-to-device copy.
 *
 * <p><b>The same functions, so the same bits.</b> The phases are the plan's own functions (its
 * {@link DeviceCode}, unchanged but for {@code extern "C" __global__} becoming
 * {@code static __device__}) and {@link OptimizerKernels}' functions, called with the arguments
 * the separate launches get. Inside them {@code blockIdx}, {@code gridDim}, {@code blockDim} and
 * {@code threadIdx} are a <i>virtual</i> launch: shared variables that the step kernel sets before
 * each virtual block, which runs with all the real block's threads ({@code threadIdx} is the
 * real thread's index split over the virtual block's shape, 16 x 16 for a matmul tile). Each
 * element, tile and fold is computed by the same code with the same indices as in its own
 * launch, one virtual block after another:
 * <ul>
 * <li>elementwise loops, library calls (a thread per row or per output element) and the
 * optimizers: one virtual block of 256 threads, striding over all elements; each element's value
 * does not depend on which thread computes it;</li>
 * <li>a reduction: the separate launch's split over blocks (grid x), block after block, each
 * publishing its part and taking a ticket, the last adding the parts in block order, as on a GPU
 * (a GPU's blocks may finish in any order; the parts are added in block order either way); its
 * block rows (grid y, one output position each) become one virtual row that loops over the
 * positions, each folded exactly as before. Its block is 256 threads where the separate launch's
 * may be smaller (32 to 128, {@link LaunchGeometry#reduction}): only when the folded length is at
 * most that smaller block, so that each thread folds at most one element in both, and the extra
 * threads hold the identity (0, or -inf for max, +inf for min), which the first levels of the
 * shared-memory tree add exactly ({@code x + 0 = x}: a thread's sum starts at +0, so it is never
 * -0), leaving the smaller block's tree;</li>
 * <li>a matmul: its 16 x 16 tiled function (the separate launch may take the 64- or 128-wide
 * tiles: every tile size sums each element over k in order from zero, one term at a time, so it
 * does not change a bit), or, when the separate launch runs it split over k, that same split
 * form and geometry (a reduction, as above).</li>
 * </ul>
 * A block's threads see each other's global writes after {@code __syncthreads()}, which separates
 * every two virtual blocks.
 *
 * <p>An index check (one-hot, row selection, gather) writes a zero and sets its error word for an
 * index out of range, as in its own launch; the step kernel zeroes the words first and copies
 * them into the status last ({@link #checks}), so the one download tells the host, which then
 * runs the step again as separate launches: their host call refuses the index with the JVM's
 * message.
 *
 * <p><b>When.</b> {@link #launch} runs a binding's step as one kernel only when every step of
 * the plan runs on the device (no call on the host), when every buffer of the plan holds at most
 * {@link #MAX_ELEMENTS} values and every matmul at most {@link #MAX_TERMS} multiply-adds (one
 * multiprocessor does the step's work: past that, a grid of blocks is worth a launch per
 * kernel), when the shared memory its phases declare fits {@link #MAX_SHARED_BYTES}, and its
 * arguments fit {@link #MAX_ARGUMENTS} (the launch's parameter space holds 4 KB); else the
 * step takes the separate launches, as before.
 */
final class StepKernel {
    /** The threads of the one block: the elementwise block, the largest reduction block, a 16 x 16 tile. */
    static final int BLOCK = LaunchGeometry.ELEMENTWISE_BLOCK;
    /** The most values of any buffer of a step run as one kernel. */
    static final long MAX_ELEMENTS = 1 << 14;
    /** The most multiply-adds of any matmul of a step run as one kernel. */
    static final long MAX_TERMS = 1 << 20;
    /** The most steps of a plan run as one kernel. */
    static final int MAX_PHASES = 128;
    /** The most arguments of the step kernel: 8 bytes each, within the 4 KB of a launch's parameters. */
    static final int MAX_ARGUMENTS = 480;
    /** The most static shared memory its phases may declare (48 KB per block without opting in to more). */
    static final long MAX_SHARED_BYTES = 40 * 1024;
    /** The step kernel's name. */
    static final String FUNCTION = "mc_step";

    /**
     * One phase: a function of the plan or an optimizer, its virtual launch, its arguments (a
     * {@link Device.Memory} or a {@link Long} each), and the static shared memory its function
     * declares, at most (a fold's 256 doubles and a flag; a 16-wide tile's two staging arrays of
     * 16 x 17 values); {@code checked}: its last argument is an index check's error word.
     */
    record Phase(String function, LaunchGeometry geometry, List<Object> args, long sharedBytes, boolean checked) {
        static final long FOLD = 8L * BLOCK + 8, TILE = 2L * 16 * 17 * 8;

        /** A phase that checks no index. */
        Phase(String function, LaunchGeometry geometry, List<Object> args, long sharedBytes) {
            this(function, geometry, args, sharedBytes, false);
        }

        /** A phase that declares no shared memory and checks no index. */
        Phase(String function, LaunchGeometry geometry, List<Object> args) {
            this(function, geometry, args, 0, false);
        }
    }

    private final Device device;
    private final CudaTarget target;
    private final Plan plan;
    private final DeviceCode code;
    private final DeviceCode optimizers;
    /** By the bound sizes: each step prepared for its own launch (scratch of its own) and the step's program, or refused. */
    private final Map<String, Binding> bindings = new HashMap<>();

    /** One binding of sizes: the steps' launches and the program, made at its first step; null launches when refused. */
    private static final class Binding {
        Object[] launches;
        Device.Program program;
    }

    StepKernel(Device device, CudaTarget target, Plan plan, DeviceCode optimizers) {
        this.device = device;
        this.target = target;
        this.plan = plan;
        this.code = target.program();
        this.optimizers = optimizers;
    }

    /**
     * Launches the step on binding {@code b}: the plan's steps, then {@code updates} (the
     * optimizer's launches, each made one virtual block), the status of {@code words} i32 words
     * and {@link #checks} more zeroed first; last, the loss (one {@code lossType} value at
     * {@code loss}) copied to its start, and each index check's error word to a word after the
     * first {@code words}, in plan order; whether it did. When it did not (the step is not small
     * enough, see the class comment), nothing was launched and the step takes separate launches.
     */
    boolean launch(PlanRunner.Bound b, long seed, List<Phase> updates, Device.Memory status, int words, Device.Memory loss,
                   DType lossType) {
        long[] d = b.sizes();
        Binding binding = bindings.computeIfAbsent(Arrays.toString(d), k -> bind(b));
        if (binding.launches == null) return false;
        List<Phase> phases = planPhases(binding.launches, b, seed);
        if (phases == null) return refuse(binding);
        for (Phase u : updates) phases.add(new Phase(u.function(), oneBlock(BLOCK, 1), u.args()));
        if (binding.program == null) {
            int args = 2;
            long shared = 0;
            for (Phase p : phases) {
                args += p.args().size();
                shared += p.sharedBytes();
            }
            if (args > MAX_ARGUMENTS || shared > MAX_SHARED_BYTES) return refuse(binding);
            binding.program = device.load(render(phases, words, lossType));
        }
        List<Object> all = new ArrayList<>();
        for (Phase p : phases) all.addAll(p.args());
        all.add(status);
        all.add(loss);
        binding.program.launch(FUNCTION, oneBlock(BLOCK, 1), all);
        return true;
    }

    /**
     * The plan's index checks (one-hot, row selection, gather), whose error words a step kernel
     * copies into the status after its first words: a word set means an index out of range, and
     * the step must run again as separate launches, whose host call refuses it with the JVM's
     * message.
     */
    int checks() {
        return (int) code.kernels().stream().filter(k -> k instanceof DeviceKernel.Checked).count();
    }

    /** A binding's steps prepared, or refused when a buffer is too large or there are too many steps. */
    private Binding bind(PlanRunner.Bound b) {
        Binding binding = new Binding();
        if (plan.steps().size() > MAX_PHASES) return binding;
        for (Plan.Buffer buf : plan.buffers()) {
            long n = 1;
            for (int s : b.shape(buf.id())) n *= s;
            if (n > MAX_ELEMENTS) return binding;
        }
        long[] d = b.sizes();
        binding.launches = new Object[plan.steps().size()];
        for (int i = 0; i < binding.launches.length; i++) binding.launches[i] = target.prepare(plan, i, d);
        return binding;
    }

    /** Gives back a binding's scratch and remembers that its steps take separate launches. */
    private boolean refuse(Binding binding) {
        for (Object l : binding.launches) if (l != null) target.release(l);
        binding.launches = null;
        return false;
    }

    /**
     * The plan's steps as phases for binding {@code b}, each given its virtual launch and its
     * arguments, or null when one needs the host (a call on the host) or is too
     * large (a matmul past {@link #MAX_TERMS}).
     */
    private List<Phase> planPhases(Object[] launches, PlanRunner.Bound b, long seed) {
        long[] d = b.sizes();
        Object[] storage = new Object[plan.buffers().size()];
        for (int i = 0; i < storage.length; i++) storage[i] = b.storage(i);
        List<Phase> phases = new ArrayList<>();
        for (int i = 0; i < launches.length; i++) {
            Step step = plan.steps().get(i);
            if (launches[i] == null) continue;
            if (!(launches[i] instanceof CudaTarget.Launch launch)) return null;
            List<Object> args = CudaTarget.arguments(step, launch, storage, d, seed);
            Phase phase = switch (code.kernels().get(i)) {
                case DeviceKernel.Elementwise e -> new Phase(launch.function(), oneBlock(BLOCK, 1), args);
                case DeviceKernel.Library l -> new Phase(launch.function(), oneBlock(BLOCK, 1), args);
                case DeviceKernel.PerOutput o -> new Phase(launch.function(), oneBlock(BLOCK, 1), args);
                case DeviceKernel.Reduction r -> folded(launch, args);
                case DeviceKernel.MatMul m -> {
                    Step.MatMul mm = (Step.MatMul) step;
                    if (mm.batch().eval(d) * mm.n().eval(d) * mm.k().eval(d) * mm.m().eval(d) > MAX_TERMS) yield null;
                    // Split over k (partials), as the separate launch; else the 16-wide tiles, the same bits as any tile size.
                    yield launch.partials() != null ? folded(launch, args)
                            : new Phase(m.function(), oneBlock(LaunchGeometry.TILE, LaunchGeometry.TILE), args, Phase.TILE);
                }
                case DeviceKernel.Checked c -> new Phase(launch.function(), oneBlock(BLOCK, 1), args, 0, true);
                case DeviceKernel.Host h -> null;
            };
            if (phase == null) return null;
            phases.add(phase);
        }
        return phases;
    }

    /** A reduction (or split-k product): the separate launch's blocks along x, one virtual row over all positions, 256 threads. */
    private static Phase folded(CudaTarget.Launch launch, List<Object> args) {
        LaunchGeometry g = launch.geometry();
        // A smaller block means a fold of at most that many values, never split (LaunchGeometry.reduction).
        if (g.blockX() < BLOCK && g.gridX() > 1) throw new IllegalStateException("a split reduction with blocks of " + g.blockX());
        return new Phase(launch.function(), new LaunchGeometry(g.gridX(), 1, 1, BLOCK, 1, 1), args, Phase.FOLD);
    }

    /** One virtual block of {@code x} x {@code y} threads. */
    static LaunchGeometry oneBlock(int x, int y) {
        return new LaunchGeometry(1, 1, 1, x, y, 1);
    }

    /** The step kernel's translation unit: the plan's and the optimizers' functions under the virtual launch, then the kernel. */
    DeviceCode render(List<Phase> phases, int words, DType lossType) {
        StringBuilder src = new StringBuilder();
        src.append("// modelc: the training step of ").append(code.name().replace('\n', ' '))
                .append(" as one kernel (StepKernel): its kernels and the optimizer's as phases of one block\n");
        src.append(VIRTUAL_LAUNCH);
        src.append(asPhases(code.source()));
        src.append(asPhases(optimizers.source()));
        src.append(END_VIRTUAL_LAUNCH);
        src.append("extern \"C\" __global__ void ").append(FUNCTION).append('(');
        int a = 0;
        for (Phase p : phases) {
            for (Object arg : p.args()) src.append(arg instanceof Long ? "long long a" : "void* a").append(a++).append(", ");
        }
        src.append("void* status, const void* loss) {\n");
        src.append("  for (unsigned int i = mc_step_thread(); i < ").append(words + checks()).append("u; i += ").append(BLOCK)
                .append("u) ((int*) status)[i] = 0;\n");
        // Each index check's error word starts at zero (mc_step_enter's barrier comes before the check).
        List<Integer> errors = new ArrayList<>();
        a = 0;
        for (Phase p : phases) {
            a += p.args().size();
            if (p.checked()) errors.add(a - 1);
        }
        for (int e : errors) src.append("  if (mc_step_thread() == 0) *(int*) a").append(e).append(" = 0;\n");
        a = 0;
        for (Phase p : phases) {
            LaunchGeometry g = p.geometry();
            src.append("  // ").append(p.function()).append(": ").append(g).append('\n');
            String indent = "  ";
            if (g.gridX() > 1) {
                src.append("  for (unsigned int x = 0; x < ").append(g.gridX()).append("u; x++) {\n");
                indent = "    ";
            }
            src.append(indent).append("mc_step_enter(").append(g.gridX()).append("u, ").append(g.blockX()).append("u, ")
                    .append(g.blockY()).append("u, ").append(g.gridX() > 1 ? "x" : "0u").append(");\n");
            src.append(indent).append(p.function()).append('(');
            for (int i = 0; i < p.args().size(); i++) {
                if (i > 0) src.append(", ");
                src.append(p.args().get(i) instanceof Long ? "a" + a : "mc_step_ptr{a" + a + "}");
                a++;
            }
            src.append(");\n");
            if (g.gridX() > 1) src.append("  }\n");
        }
        String t = lossType == DType.F32 ? "float" : "double";
        src.append("  __syncthreads();\n");
        src.append("  if (mc_step_thread() == 0) *(").append(t).append("*) status = *(const ").append(t).append("*) loss;\n");
        for (int j = 0; j < errors.size(); j++) {
            src.append("  if (mc_step_thread() == 0) ((int*) status)[").append(words + j).append("] = *(const int*) a").append(errors.get(j))
                    .append(";\n");
        }
        src.append("}\n");
        return new DeviceCode(code.name() + ".step", src.toString(), List.of(new DeviceKernel.Reduction(FUNCTION)));
    }

    /** A program's kernels as device functions of the step's translation unit. */
    private static String asPhases(String source) {
        return source.replace("extern \"C\" __global__", "static __device__");
    }

    /**
     * Before the functions: the real thread's index, kept before the names change; the virtual
     * launch's shared grid, block index and block shape; a pointer that converts to whatever
     * pointer type a function's parameter has; then the built-ins' names bound to the virtual
     * launch ({@code #undef} first: a CPU emulation of CUDA may spell them as macros).
     */
    static final String VIRTUAL_LAUNCH = """
            __device__ __forceinline__ unsigned int mc_step_thread() { return threadIdx.x; }
            __shared__ uint3 mc_step_grid, mc_step_block, mc_step_dim;
            __device__ __forceinline__ uint3 mc_step_thread3() {
              const unsigned int t = mc_step_thread();
              return uint3{t % mc_step_dim.x, t / mc_step_dim.x, 0u};
            }
            struct mc_step_ptr {
              void* p;
              template <typename T> __device__ __forceinline__ operator T*() const { return (T*) p; }
            };
            // A virtual block of the whole block's threads: x of gx blocks along x, threads dx by dy.
            __device__ __forceinline__ void mc_step_enter(unsigned int gx, unsigned int dx, unsigned int dy, unsigned int x) {
              __syncthreads();
              if (mc_step_thread() == 0) {
                mc_step_grid = uint3{gx, 1u, 1u};
                mc_step_block = uint3{x, 0u, 0u};
                mc_step_dim = uint3{dx, dy, 1u};
              }
              __syncthreads();
            }
            #undef threadIdx
            #undef blockIdx
            #undef blockDim
            #undef gridDim
            #define threadIdx mc_step_thread3()
            #define blockIdx mc_step_block
            #define blockDim mc_step_dim
            #define gridDim mc_step_grid
            """;

    /** After the functions: the built-ins' own names again (on a GPU they are variables, not macros). */
    static final String END_VIRTUAL_LAUNCH = """
            #undef threadIdx
            #undef blockIdx
            #undef blockDim
            #undef gridDim
            """;

    /** Gives back the scratch prepared for each binding. */
    void close() {
        for (Binding binding : bindings.values()) if (binding.launches != null) refuse(binding);
        bindings.clear();
    }
}
