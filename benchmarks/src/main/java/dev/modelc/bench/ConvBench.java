package dev.modelc.bench;

import dev.modelc.api.Driver;
import dev.modelc.api.Modelc;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * conv2d forward and backward at LeNet's sizes, batch 64, f32: the loss and the gradients of
 * {@code Conv2d(1, 6, 5, padding = 2)} on 28x28 images ({@code conv1}) or of
 * {@code Conv2d(6, 16, 5)} on 6 channels of 14x14 ({@code conv2}), on the bytecode backend (im2col
 * and the runtime's matmul). {@code scripts/bench --jmh ConvBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConvBench {
    static final String SOURCE = """
            model Conv1 {
              input x: f32[N, 1, 28, 28]
              c = Conv2d(1, 6, 5, padding = 2)
              loss = mean(c(x) ** 2)
            }

            model Conv2 {
              input x: f32[N, 6, 14, 14]
              c = Conv2d(6, 16, 5)
              loss = mean(c(x) ** 2)
            }
            """;

    @Param({"conv1", "conv2"})
    public String layer;

    private Driver.BoundEntryPoint bound;

    @Setup
    public void setup() {
        bound = bind(layer, 64);
    }

    /** The loss-and-gradients entry point of {@code layer} bound to a batch of {@code batch} random images. */
    static Driver.BoundEntryPoint bind(String layer, int batch) {
        String name = layer.equals("conv1") ? "Conv1" : "Conv2";
        CompiledModel m = Modelc.compile("conv.model", SOURCE).model(name, Backend.BYTECODE).compiled();
        Map<String, Tensor> values = new HashMap<>(m.initialParams(0));
        int[] shape = layer.equals("conv1") ? new int[] {batch, 1, 28, 28} : new int[] {batch, 6, 14, 14};
        values.put("x", Tensor.randn(DType.F32, Generator.of(1, "x"), shape));
        return Driver.bind(m, EntryPoint.GRADIENTS, values, true);
    }

    @Benchmark
    public void forwardBackward() {
        bound.run();
    }

    /** Runs {@code args[0]} (conv1 or conv2) for {@code args[1]} seconds, for a profiler: {@code java -XX:StartFlightRecording ...}. */
    public static void main(String[] args) {
        Driver.BoundEntryPoint b = bind(args.length > 0 ? args[0] : "conv1", 64);
        long end = System.nanoTime() + (long) (Double.parseDouble(args.length > 1 ? args[1] : "20") * 1e9);
        int runs = 0;
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
            b.run();
            runs++;
        }
        System.out.printf("%d runs, %.3f ms each%n", runs, (System.nanoTime() - start) / 1e6 / runs);
    }
}
