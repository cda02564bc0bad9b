package dev.modelc.bench;

import dev.modelc.api.Driver;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.runtime.Tensor;
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

/** The seed's regression (15 rows, one epoch per op) and the 2^20-row step, on the bytecode backend and by hand. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class RegressionBench {
    @Param({"15", "1048576"})
    int rows;

    private Driver.Steps loop;
    private float[] x, y, w, b;

    @Setup
    public void setup() {
        Map<String, Tensor> data = Workloads.regressionData(rows);
        loop = Driver.stepLoop(Workloads.model("Regression", Backend.BYTECODE), Workloads.regressionParams(), data);
        x = (float[]) data.get("x").storage();
        y = (float[]) data.get("y").storage();
        w = Workloads.W0.clone();
        b = Workloads.B0.clone();
    }

    @Benchmark
    public double modelcBytecode() {
        return loop.run(1);
    }

    @Benchmark
    public float handWritten() {
        return rows > 100_000 ? HandWritten.regressionStepParallel(x, y, w, b, rows, Workloads.LR)
                : HandWritten.regressionStep(x, y, w, b, rows, Workloads.LR);
    }
}
