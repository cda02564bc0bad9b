package dev.modelc.bench;

import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.runtime.plan.PlanRunner;
import dev.modelc.compiler.backend.bytecode.BytecodeModel;
import dev.modelc.runtime.Tensor;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** f(x) = sum(exp(sin(x)) * x / (1 + x*x)) and df/dx over 2^22 elements. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class SmoothBench {
    private PlanRunner.Bound bound;
    private float[] x, dx;

    @Setup
    public void setup() {
        x = Workloads.smoothInput(1 << 22);
        dx = new float[x.length];
        bound = ((BytecodeModel) Workloads.model("Smooth", Backend.BYTECODE)).bind(EntryPoint.FORWARD, Map.of("x", Tensor.of(x, x.length)));
    }

    @Benchmark
    public void modelcBytecode() {
        bound.run(0);
    }

    @Benchmark
    public float handWritten() {
        return HandWritten.smooth(x, dx);
    }
}
