package dev.modelc.cuda.check;

import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.cuda.KernelProfile;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.ResidentTraining;
import dev.modelc.runtime.model.StepKey;
import dev.modelc.runtime.optim.Sgd;
import dev.modelc.runtime.train.Trainer;
import dev.modelc.runtime.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The GPU benchmark: the workloads of {@code shared/notes/GPU.md}, each timed on cuda (and on
 * bytecode where a CPU run is short), beside PyTorch's times measured on the H200 (from that
 * note; they are not re-measured here). Times include copying the results back to the host,
 * which every call of the runtime's API does; f32 throughout.
 */
public final class GpuBenchmark {
    /**
     * One row of the table; {@code launchesPerStep}: the kernel launches of one optimizer step
     * on the device (the training rows on cuda), else NaN.
     */
    public record Row(String workload, double cudaMs, double bytecodeMs, String pytorch, List<KernelProfile.Entry> kernels,
                      double launchesPerStep) {
        public Row(String workload, double cudaMs, double bytecodeMs, String pytorch, List<KernelProfile.Entry> kernels) {
            this(workload, cudaMs, bytecodeMs, pytorch, kernels, Double.NaN);
        }
    }

    /** The system property that makes the cuda module launch a kernel per plan step even where a step fits one kernel. */
    private static final String STEP_KERNEL = "modelc.cuda.stepKernel";

    private static final String MODELS = """
            model Regression {
              input x: f32[N, 3]
              input y: f32[N, 2]
              param w: f32[2, 3] = [[0.5121, 0.0860, -0.1805], [1.3327, -1.7127, 0.5562]]
              param b: f32[2] = [-0.5312, -1.3984]
              preds = x @ w.T + b
              loss = mean((preds - y) ** 2)
              update w = w - 1e-5 * grad(loss, w)
              update b = b - 1e-5 * grad(loss, b)
            }
            model Linear {
              input x: f32[N, 3]
              input y: f32[N, 2]
              param w: f32[2, 3] = randn()
              param b: f32[2] = randn()
              loss = mean((x @ w.T + b - y) ** 2)
            }
            model Elementwise {
              input x: f32[N]
              s = sum(exp(sin(x)) * x / (1 + x * x))
              output total = s
              output dx = grad(s, x)
            }
            model Mlp {
              input x: f32[B, 784]
              input y: i32[B]
              param w1: f32[784, 1024] = randn() * 0.03
              param b1: f32[1024] = zeros()
              param w2: f32[1024, 1024] = randn() * 0.03
              param b2: f32[1024] = zeros()
              param w3: f32[1024, 10] = randn() * 0.03
              param b3: f32[10] = zeros()
              h1 = relu(x @ w1 + b1)
              h2 = relu(h1 @ w2 + b2)
              loss = cross_entropy(h2 @ w3 + b3, y)
              update w1 = w1 - 0.01 * grad(loss, w1)
              update b1 = b1 - 0.01 * grad(loss, b1)
              update w2 = w2 - 0.01 * grad(loss, w2)
              update b2 = b2 - 0.01 * grad(loss, b2)
              update w3 = w3 - 0.01 * grad(loss, w3)
              update b3 = b3 - 0.01 * grad(loss, b3)
            }
            """;

    private GpuBenchmark() {
    }

    /** Runs every workload; {@code scale} below 1 shrinks the large ones (for a dry run on a CPU backend). */
    public static List<Row> run(Backend device, double scale) {
        Map<String, CheckedModel> m = new java.util.HashMap<>();
        for (CheckedModel c : Compiler.compile(new SourceFile("benchmark.model", MODELS)).program().orElseThrow().models()) {
            m.put(c.name(), c);
        }
        List<Row> rows = new ArrayList<>();
        Generator g = Generator.of(7, "benchmark");

        // The seed: 15 rows, 100 epochs of SGD in batches of 5 (as the tutorial), through the Trainer.
        TensorDataset seed = new TensorDataset(Map.of("x", Tensor.randn(DType.F32, g, 15, 3), "y", Tensor.randn(DType.F32, g, 15, 2)));
        // A step as one kernel (the default), and as a kernel per plan step and per param's update.
        rows.add(new Row("seed regression, 15 rows, 100 epochs SGD batch 5 (ms per epoch)",
                perEpoch(device, m.get("Linear"), seed), perEpoch(Backend.BYTECODE, m.get("Linear"), seed), "0.270",
                profile(device, () -> perEpoch(device, m.get("Linear"), seed)), launchesPerStep(device, m.get("Linear"), seed)));
        rows.add(separateLaunches(() -> new Row("seed regression, a launch per kernel (-D" + STEP_KERNEL + "=off; ms per epoch)",
                perEpoch(device, m.get("Linear"), seed), Double.NaN, "0.270",
                profile(device, () -> perEpoch(device, m.get("Linear"), seed)), launchesPerStep(device, m.get("Linear"), seed))));

        int n = (int) Math.max(16, (1 << 24) * scale);
        Map<String, Tensor> reg = Map.of("x", Tensor.randn(DType.F32, g, n, 3), "y", Tensor.randn(DType.F32, g, n, 2));
        rows.add(new Row("linear regression step, " + rows(n) + " rows (ms per step)",
                perStep(device, m.get("Regression"), reg, 20), perStep(Backend.BYTECODE, m.get("Regression"), reg, 3), "2.53",
                profile(device, () -> perStep(device, m.get("Regression"), reg, 1))));

        int e = (int) Math.max(16, (1 << 26) * scale);
        Map<String, Tensor> ew = Map.of("x", Tensor.randn(DType.F32, g, e));
        rows.add(new Row("sum(exp(sin x) x/(1+x^2)) forward+backward, " + rows(e) + " (ms)",
                perForward(device, m.get("Elementwise"), ew, 20), perForward(Backend.BYTECODE, m.get("Elementwise"), ew, 2),
                "3.72 eager, 0.513 compiled", profile(device, () -> perForward(device, m.get("Elementwise"), ew, 1))));

        int b = (int) Math.max(8, 8192 * scale);
        Map<String, Tensor> mlp = Map.of("x", Tensor.randn(DType.F32, g, b, 784), "y", labels(g, b));
        rows.add(new Row("MLP 784-1024-1024-10 step, batch " + b + " (ms per step)",
                perStep(device, m.get("Mlp"), mlp, 10), Double.NaN, "2.01 (fp32, no TF32)",
                profile(device, () -> perStep(device, m.get("Mlp"), mlp, 1))));
        return rows;
    }

    /**
     * Per-kernel times of one more run of {@code work} on a GPU (each launch synchronized, see
     * {@link KernelProfile}); empty on other backends. The warm-up inside {@code work} is profiled
     * too, so counts include it.
     */
    private static List<KernelProfile.Entry> profile(Backend device, Runnable work) {
        if (device != Backend.CUDA) return List.of();
        KernelProfile.start();
        try {
            work.run();
        } catch (RuntimeException e) {
            KernelProfile.stop();
            throw e;
        }
        return KernelProfile.stop();
    }

    /** {@code work} with each training step a launch per kernel ({@code -Dmodelc.cuda.stepKernel=off}), read when a model is compiled. */
    private static Row separateLaunches(java.util.function.Supplier<Row> work) {
        String was = System.getProperty(STEP_KERNEL);
        System.setProperty(STEP_KERNEL, "off");
        try {
            return work.get();
        } finally {
            if (was == null) System.clearProperty(STEP_KERNEL);
            else System.setProperty(STEP_KERNEL, was);
        }
    }

    /**
     * The kernel launches per optimizer step on the device, counted by {@link KernelProfile} over
     * 10 steps after a first (which uploads the params); NaN where the optimizer does not step on
     * the device (the JVM backends).
     */
    private static double launchesPerStep(Backend device, CheckedModel m, TensorDataset data) {
        if (device != Backend.CUDA) return Double.NaN;
        CompiledModel c = device.compile(m, null);
        Map<String, Tensor> batch = data.slice(0, 5);
        try (ResidentTraining steps = c.residentTraining(new Sgd(1e-5), c.initialParams(0)).orElse(null)) {
            if (steps == null) return Double.NaN;
            steps.step(batch, new StepKey(0, 0));
            steps.commit();
            KernelProfile.start();
            for (int i = 1; i <= 10; i++) {
                steps.step(batch, new StepKey(0, i));
                steps.commit();
            }
            return KernelProfile.stop().stream().mapToLong(KernelProfile.Entry::launches).sum() / 10.0;
        }
    }

    private static Tensor labels(Generator g, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = Math.floor(g.nextUniform(0, 10));
        return Tensor.of(DType.I32, new int[] {n}, v);
    }

    private static String rows(int n) {
        int log = 31 - Integer.numberOfLeadingZeros(n);
        return n == 1 << log ? "2^" + log : Integer.toString(n);
    }

    private static double perEpoch(Backend backend, CheckedModel m, TensorDataset data) {
        CompiledModel c = backend.compile(m, null);
        Map<String, Tensor> init = c.initialParams(0);
        Trainer.Options warm = new Trainer.Options(5, 5, true, 0, new Sgd(1e-5), null);
        Trainer.fit(c, init, data, warm, new TrainingListener() { }, () -> false);
        Trainer.Options o = new Trainer.Options(100, 5, true, 0, new Sgd(1e-5), null);
        long t0 = System.nanoTime();
        Trainer.fit(c, init, data, o, new TrainingListener() { }, () -> false);
        return (System.nanoTime() - t0) / 1e6 / 100;
    }

    private static double perStep(Backend backend, CheckedModel m, Map<String, Tensor> batch, int reps) {
        CompiledModel c = backend.compile(m, null);
        Map<String, Tensor> params = c.initialParams(0);
        params = c.updateStep(params, batch).params(); // compiles, allocates, uploads the data once
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) params = c.updateStep(params, batch).params();
        return (System.nanoTime() - t0) / 1e6 / reps;
    }

    private static double perForward(Backend backend, CheckedModel m, Map<String, Tensor> inputs, int reps) {
        CompiledModel c = backend.compile(m, null);
        c.forward(Map.of(), inputs);
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) c.forward(Map.of(), inputs);
        return (System.nanoTime() - t0) / 1e6 / reps;
    }

    /** The table, in Markdown. */
    public static String table(List<Row> rows, String device) {
        StringBuilder s = new StringBuilder("| workload | " + device + " | bytecode (CPU) | PyTorch on the H200 (GPU.md) |\n|---|---|---|---|\n");
        for (Row r : rows) {
            s.append("| ").append(r.workload()).append(" | ").append(ms(r.cudaMs())).append(" | ").append(ms(r.bytecodeMs()))
                    .append(" | ").append(r.pytorch()).append(" |\n");
        }
        for (Row r : rows) {
            if (Double.isNaN(r.launchesPerStep())) continue;
            s.append(String.format("%nKernel launches per optimizer step (KernelProfile, 10 steps), %s: %.1f%n", r.workload(),
                    r.launchesPerStep()));
        }
        for (Row r : rows) {
            if (r.kernels().isEmpty()) continue;
            s.append("\nPer kernel, ").append(r.workload()).append(" (one profiled run, each launch synchronized):\n\n")
                    .append("| kernel | launches | ms per launch | ms total |\n|---|---:|---:|---:|\n");
            for (KernelProfile.Entry e : r.kernels().subList(0, Math.min(12, r.kernels().size()))) {
                s.append("| ").append(e.kernel()).append(" | ").append(e.launches()).append(" | ")
                        .append(String.format("%.4f", e.millisPerLaunch())).append(" | ")
                        .append(String.format("%.3f", e.nanos() / 1e6)).append(" |\n");
            }
        }
        return s.toString();
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : v < 10 ? String.format("%.3f", v) : String.format("%.1f", v);
    }
}
