package dev.modelc.bench;

import dev.modelc.api.Driver;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.Library;
import dev.modelc.runtime.model.CompiledModel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.Random;

/**
 * The matrix products of one training step of the MLP workload (784-256-256-10, batch 256, w
 * stored {@code [in, out]}) and of the quickstart sample (784-512-512-10, batch 64, Linear's w
 * stored {@code [out, in]}), each called through {@link Library#matmul} in the layout its kernel
 * plan calls it ({@code ./modelc compile FILE --emit kernels}). Prints each product's GFLOP/s
 * and each step's total from the CPU time of the calling thread, best of the rounds, so it can
 * compare two builds on a busy machine: run it under {@code -XX:ActiveProcessorCount=1} (one
 * thread, no fork-join split) against each build, alternating. {@code --step} also times the
 * MLP workload's whole step ({@link MlpBench}'s step loop) the same way.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -XX:ActiveProcessorCount=1 \
 *   -cp benchmarks/target/benchmarks.jar dev.modelc.bench.ProductBench [rounds] [--step]
 * </pre>
 */
public final class ProductBench {
    private ProductBench() {
    }

    /** One product {@code op(a) @ op(b)}: a is {@code [n, k]}, b {@code [k, m]}, each stored transposed when asked. */
    record Product(String name, int n, int k, int m, boolean transA, boolean transB) {
        double flops() {
            return 2.0 * n * k * m;
        }
    }

    static final Product[] MLP = {
        new Product("x @ w1", 256, 784, 256, false, false),
        new Product("h1 @ w2", 256, 256, 256, false, false),
        new Product("h2 @ w3", 256, 256, 10, false, false),
        new Product("g3 @ w3.T", 256, 10, 256, false, true),
        new Product("g2 @ w2.T", 256, 256, 256, false, true),
        new Product("x.T @ g1", 784, 256, 256, true, false),
        new Product("h1.T @ g2", 256, 256, 256, true, false),
        new Product("h2.T @ g3", 256, 256, 10, true, false),
    };

    static final Product[] QUICKSTART = {
        new Product("x @ w1.T", 64, 784, 512, false, true),
        new Product("h1 @ w2.T", 64, 512, 512, false, true),
        new Product("h2 @ w3.T", 64, 512, 10, false, true),
        new Product("g3 @ w3", 64, 10, 512, false, false),
        new Product("g3.T @ h2", 10, 64, 512, true, false),
        new Product("g2 @ w2", 64, 512, 512, false, false),
        new Product("g2.T @ h1", 512, 64, 512, true, false),
        new Product("g1.T @ x", 512, 64, 784, true, false),
    };

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        System.out.printf("threads: %d, rounds: %d%n", Runtime.getRuntime().availableProcessors(), rounds);
        if (java.util.Arrays.asList(args).contains("--step")) {
            Map<String, Tensor> data = Workloads.mlpData(256);
            CompiledModel model = Workloads.model("Mlp", Backend.BYTECODE);
            Driver.Steps loop = Driver.stepLoop(model, model.initialParams(0), data);
            ThreadMXBean bean = ManagementFactory.getThreadMXBean();
            long best = Long.MAX_VALUE;
            for (int round = -10; round < rounds * 4; round++) {
                long t0 = bean.getCurrentThreadCpuTime();
                loop.run(20);
                if (round >= 0) best = Math.min(best, (bean.getCurrentThreadCpuTime() - t0) / 20);
            }
            System.out.printf("mlp b256 step (step loop): %.3f ms%n", best / 1e6);
        }
        for (Product[] step : new Product[][] {MLP, QUICKSTART}) {
            long[] best = measure(step, rounds);
            double total = 0, flops = 0;
            for (int i = 0; i < step.length; i++) {
                Product p = step[i];
                System.out.printf("  %-10s %4d x %4d x %4d %s%s  %8.1f us  %6.1f GFLOP/s%n", p.name, p.n, p.k, p.m,
                        p.transA ? "T" : "N", p.transB ? "T" : "N", best[i] / 1e3, p.flops() / best[i]);
                total += best[i];
                flops += p.flops();
            }
            System.out.printf("step %s: %.3f ms, %.1f GFLOP/s%n", step == MLP ? "mlp b256" : "quickstart b64",
                    total / 1e6, flops / total);
        }
    }

    /** The best CPU time of each product over the rounds, in nanoseconds, each round timing about 20 ms of calls per product. */
    static long[] measure(Product[] step, int rounds) {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Random r = new Random(16);
        float[][] a = new float[step.length][], b = new float[step.length][], out = new float[step.length][];
        int[] reps = new int[step.length];
        for (int i = 0; i < step.length; i++) {
            Product p = step[i];
            a[i] = gaussian(r, p.n * p.k);
            b[i] = gaussian(r, p.k * p.m);
            out[i] = new float[p.n * p.m];
            reps[i] = (int) Math.max(1, 2e9 / p.flops());
        }
        long[] best = new long[step.length];
        java.util.Arrays.fill(best, Long.MAX_VALUE);
        for (int round = -3; round < rounds; round++) {
            for (int i = 0; i < step.length; i++) {
                Product p = step[i];
                long t0 = bean.getCurrentThreadCpuTime();
                for (int j = 0; j < reps[i]; j++) {
                    Library.matmul(a[i], b[i], out[i], 1, p.n, p.k, p.m, p.transA, p.transB);
                }
                long t = (bean.getCurrentThreadCpuTime() - t0) / reps[i];
                if (round >= 0) best[i] = Math.min(best[i], t);
            }
        }
        return best;
    }

    private static float[] gaussian(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }
}
