package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Sizes where the compiled backends take their other paths: loops split across cores,
 * reductions folded in 65536-element chunks, matmuls split along k or packed. The random-graph
 * properties use small tensors and never reach these; here each path runs against the
 * interpreter. Tolerances: chunked f64 sums differ from the sequential sum by rounding only
 * (1e-12 relative is thousands of ulps of room); f32 as everywhere (1e-4 of the largest value).
 */
class LargeKernelsTest {
    private static CheckedModel model(String source) {
        Compilation c = Compiler.compile(new SourceFile("large.model", source));
        assertFalse(c.hasErrors(), c::render);
        return c.program().orElseThrow().models().getFirst();
    }

    private static Tensor random(DType d, long seed, int... shape) {
        Generator g = Generator.of(seed, "large");
        double[] v = new double[Tensor.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = g.nextUniform(-1, 1);
        return Tensor.of(d, shape, v);
    }

    private static void close(Tensor want, Tensor got, double tolerance, String what) {
        assertArrayEquals(want.shape(), got.shape(), what);
        double[] a = want.toDoubleArray(), b = got.toDoubleArray();
        double scale = 1;
        for (double v : a) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], tolerance * scale, what + "[" + i + "]");
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"BYTECODE", "JAVA"})
    void reductionsOfManyElements(Backend backend) {
        CheckedModel m = model("""
                model Reduce {
                  input x: f64[N]
                  output s = sum(x * x)
                  output a = mean(exp(x))
                  output hi = max(x)
                  output lo = min(x)
                }
                """);
        Map<String, Tensor> in = Map.of("x", random(DType.F64, 1, 300_001));
        Map<String, Tensor> want = Backend.INTERP.compile(m, null).forward(Map.of(), in);
        Map<String, Tensor> got = backend.compile(m, null).forward(Map.of(), in);
        for (String k : want.keySet()) close(want.get(k), got.get(k), 1e-12, k);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"BYTECODE", "JAVA"})
    void aLinearRegressionStepOnManyRows(Backend backend) {
        CheckedModel m = model("""
                model Step {
                  input x: f32[N, 3]
                  input y: f32[N, 2]
                  param w: f32[2, 3] = [[0.5, 0.1, -0.2], [1.3, -1.7, 0.6]]
                  param b: f32[2] = [-0.5, -1.4]
                  loss = mean((x @ w.T + b - y) ** 2)
                  update w = w - 0.01 * grad(loss, w)
                  update b = b - 0.01 * grad(loss, b)
                }
                """);
        int n = 100_000;
        Map<String, Tensor> batch = Map.of("x", random(DType.F32, 2, n, 3), "y", random(DType.F32, 3, n, 2));
        CompiledModel interp = Backend.INTERP.compile(m, null), compiled = backend.compile(m, null);
        Map<String, Tensor> params = interp.initialParams(0);
        CompiledModel.Step want = interp.updateStep(params, batch), got = compiled.updateStep(params, batch);
        assertEquals(want.loss().item(), got.loss().item(), 1e-4 * Math.abs(want.loss().item()), "loss");
        for (String p : want.params().keySet()) close(want.params().get(p), got.params().get(p), 1e-4, p);
    }

    /** Three outputs: the k-split product's column pairs and its odd column. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"BYTECODE", "JAVA"})
    void aGradientWithAnOddNumberOfColumnsOnManyRows(Backend backend) {
        CheckedModel m = model("""
                model Odd {
                  input x: f32[N, 3]
                  input y: f32[N, 3]
                  param w: f32[3, 3] = uniform(-1, 1)
                  loss = mean((x @ w - y) ** 2)
                }
                """);
        int n = 70_001;
        Map<String, Tensor> batch = Map.of("x", random(DType.F32, 7, n, 3), "y", random(DType.F32, 8, n, 3));
        CompiledModel interp = Backend.INTERP.compile(m, null), compiled = backend.compile(m, null);
        Map<String, Tensor> params = interp.initialParams(1);
        CompiledModel.Gradients want = interp.lossAndGradients(params, batch), got = compiled.lossAndGradients(params, batch);
        assertEquals(want.loss().item(), got.loss().item(), 1e-4 * Math.abs(want.loss().item()), "loss");
        close(want.gradients().get("w"), got.gradients().get("w"), 1e-4, "w");
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"BYTECODE", "JAVA"})
    void wideMatrixProductsAndTheirGradients(Backend backend) {
        CheckedModel m = model("""
                model Wide {
                  input x: f64[B, 64]
                  param w: f64[64, 48] = uniform(-0.1, 0.1)
                  param v: f64[48, 40] = uniform(-0.1, 0.1)
                  loss = sum(tanh(x @ w) @ v)
                }
                """);
        Map<String, Tensor> batch = Map.of("x", random(DType.F64, 4, 600, 64));
        CompiledModel interp = Backend.INTERP.compile(m, null), compiled = backend.compile(m, null);
        Map<String, Tensor> params = interp.initialParams(5);
        CompiledModel.Gradients want = interp.lossAndGradients(params, batch), got = compiled.lossAndGradients(params, batch);
        // f64 matmuls sum over k in order on every path: equal bits, except for the chunked final sum.
        assertEquals(want.loss().item(), got.loss().item(), 1e-12 * Math.abs(want.loss().item()), "loss");
        for (String p : want.gradients().keySet()) close(want.gradients().get(p), got.gradients().get(p), 1e-12, p);
    }

    /** The f(x) of the benchmarks and its derivative on vector lanes (when this JVM has them) against the interpreter, in f32. */
    @org.junit.jupiter.api.Test
    void vectorLanesOnALongElementwiseChain() {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.modelc.compiler.backend.bytecode.VectorLanes.present(),
                "the JVM was started without --add-modules jdk.incubator.vector");
        CheckedModel m = model("""
                model Smooth {
                  input x: f32[N]
                  output f = sum(exp(sin(x)) * x / (1 + x * x))
                  output dx = grad(f, x)
                  output r = relu(x) - sqrt(abs(x)) * tanh(x) + log1p(abs(x)) / (1 + cos(x) ** 2)
                }
                """);
        Map<String, Tensor> in = Map.of("x", random(DType.F32, 6, 100_003));
        Map<String, Tensor> want = Backend.INTERP.compile(m, null).forward(Map.of(), in);
        var bytecode = new dev.modelc.compiler.backend.bytecode.BytecodeModel(m);
        var plan = bytecode.plan(EntryPoint.FORWARD);
        var lanes = dev.modelc.compiler.backend.bytecode.BytecodeModel.compile(plan, true);
        java.util.List<Tensor> got = lanes.run(in, 0);
        for (int i = 0; i < plan.results().size(); i++) {
            String name = plan.results().get(i).output().name();
            close(want.get(name), got.get(i), 1e-4, name + " on lanes");
        }
    }
}
