package dev.modelc.bench;

import dev.modelc.api.Driver;
import dev.modelc.api.Modelc;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;

/**
 * The f(x) and df/dx workload (Smooth, 2^22 elements, the bound forward plan of the bytecode
 * backend) timed by the CPU time of the calling thread, best of the rounds after a quarter of
 * them as warm-up, so it compares two builds on a busy machine: run it under
 * {@code -XX:ActiveProcessorCount=1} (one thread, no fork-join split) against each build,
 * alternating. {@code f64} declares x as f64 (the same source otherwise).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -XX:ActiveProcessorCount=1 \
 *   -cp benchmarks/target/benchmarks.jar dev.modelc.bench.SmoothCpu [rounds] [f64]
 * </pre>
 */
public final class SmoothCpu {
    private SmoothCpu() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        boolean f64 = args.length > 1 && args[1].equals("f64");
        int n = 1 << 22;
        Tensor x = Tensor.of(Workloads.smoothInput(n), n);
        CompiledModel m;
        if (f64) {
            x = x.to(DType.F64);
            m = Modelc.compile("smooth64.model", """
                    model Smooth {
                      input x: f64[N]
                      output f = sum(exp(sin(x)) * x / (1 + x * x))
                      output dx = grad(f, x)
                    }
                    """).model("Smooth", Backend.BYTECODE).compiled();
        } else {
            m = Workloads.model("Smooth", Backend.BYTECODE);
        }
        Driver.BoundEntryPoint bound = Driver.bind(m, EntryPoint.FORWARD, Map.of("x", x), true);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long bestCpu = Long.MAX_VALUE, bestWall = Long.MAX_VALUE;
        for (int r = 0; r < rounds; r++) {
            long cpu = threads.getCurrentThreadCpuTime(), wall = System.nanoTime();
            bound.run();
            wall = System.nanoTime() - wall;
            cpu = threads.getCurrentThreadCpuTime() - cpu;
            if (r >= rounds / 4) {
                bestCpu = Math.min(bestCpu, cpu);
                bestWall = Math.min(bestWall, wall);
            }
        }
        System.out.printf("smooth %s, vector lanes %s: best thread CPU %.2f ms, best wall %.2f ms (%d rounds)%n",
                f64 ? "f64" : "f32", Driver.vectorLanes() ? "on" : "off", bestCpu / 1e6, bestWall / 1e6, rounds);
    }
}
