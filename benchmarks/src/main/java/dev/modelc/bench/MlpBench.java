package dev.modelc.bench;

import dev.modelc.api.Driver;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
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

/** One SGD step of the 784-256-256-10 perceptron, batch 256. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class MlpBench {
    private Driver.Steps loop;
    private float[][] x, w1, w2, w3;
    private float[] b1, b2, b3;
    private int[] y;

    @Setup
    public void setup() {
        Map<String, Tensor> data = Workloads.mlpData(256);
        CompiledModel m = Workloads.model("Mlp", Backend.BYTECODE);
        Map<String, Tensor> params = m.initialParams(0);
        loop = Driver.stepLoop(m, params, data);
        x = Workloads.rows(data.get("x"));
        y = (int[]) data.get("y").storage();
        w1 = Workloads.rows(params.get("w1"));
        w2 = Workloads.rows(params.get("w2"));
        w3 = Workloads.rows(params.get("w3"));
        b1 = new float[256];
        b2 = new float[256];
        b3 = new float[10];
    }

    @Benchmark
    public double modelcBytecode() {
        return loop.run(1);
    }

    @Benchmark
    public float handWritten() {
        return HandWritten.mlpStep(x, y, w1, b1, w2, b2, w3, b3, 0.01f);
    }
}
