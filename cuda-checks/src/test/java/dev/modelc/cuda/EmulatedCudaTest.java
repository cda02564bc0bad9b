package dev.modelc.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.cuda.CudaProgram;
import dev.modelc.compiler.backend.cuda.DeviceModel;
import dev.modelc.runtime.device.DeviceCode;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.cuda.check.BackendComparison;
import dev.modelc.cuda.check.ModelFiles;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.optim.Sgd;
import dev.modelc.runtime.train.Trainer;
import dev.modelc.runtime.train.TrainingListener;
import java.util.Map;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA backend's generated CUDA C and its runtime ({@link DeviceModel} on a {@link CudaSession}: plans, slots, launch
 * geometry, library calls on the host, params kept on the device) run on the CPU through
 * {@link EmulatedDevice}, against the interpreter: the reference cases and the training samples
 * at small sizes, and one model at sizes that split reductions over blocks and tile matmuls
 * unevenly. With {@code -Dmodelc.emulate.all=true}, every sample too. Skipped without g++.
 */
class EmulatedCudaTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    static Path dir;
    private static EmulatedDevice device;

    @BeforeAll
    static void device() {
        // Eight multiprocessors: small grids, yet a matmul of a few tiles and k >= 256 runs split-k.
        device = new EmulatedDevice(dir, 8);
    }

    @TestFactory
    Stream<DynamicTest> referenceCasesAndSamplesRunLikeTheInterpreter() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        boolean all = Boolean.getBoolean("modelc.emulate.all");
        List<DynamicTest> tests = new ArrayList<>();
        List<DeviceCode> programs = new ArrayList<>();
        for (Path f : ModelFiles.under(ROOT)) {
            String rel = ROOT.relativize(f).toString();
            boolean chosen = all || rel.startsWith("compiler/") || rel.startsWith("samples/crop-yield/")
                    || rel.startsWith("samples/classification");
            if (!chosen) continue;
            for (CheckedModel m : ModelFiles.models(f)) {
                for (DType floating : new DType[] {null, DType.F64}) {
                    DeviceModel model = new DeviceModel(m, floating, new CudaSession(device));
                    programs.addAll(codes(model));
                    tests.add(DynamicTest.dynamicTest(rel + " " + m.name() + (floating == null ? "" : " in f64"),
                            () -> assertEquals(List.of(), BackendComparison.compare(m, model, floating, 4))));
                }
            }
        }
        // One g++ run for all of them: starting g++ is most of the cost of a small program.
        device.compile(programs);
        return tests.stream();
    }

    /**
     * 1,300 rows: the mean over [1300, 5] is split over 4 blocks whose partial sums the last block
     * adds (max and min over [1300, 7] over 5); the forward matmul's 5 and 7 are not multiples of
     * the 16-wide tiles; the weight gradient (5 x 7 outputs, one tile, k = 1300) runs split-k.
     * (With two blocks, which run one after another here, a wrong ticket test could go unseen.)
     */
    @Test
    void largerSizesSplitReductionsAndTileMatmulsUnevenly() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        CheckedModel m = Compiler.compile(new SourceFile("big.model", """
                model Big {
                  input x: f64[N, 7]
                  param w: f64[5, 7] = randn()
                  param b: f64[5] = randn()
                  output y = x @ w.T + b
                  output spread = max(x) - min(x)
                  loss = mean(tanh(x @ w.T + b) ** 2)
                  update w = w - 0.1 * grad(loss, w)
                  update b = b - 0.1 * grad(loss, b)
                }
                """)).program().orElseThrow().models().getFirst();
        DeviceModel model = new DeviceModel(m, null, new CudaSession(device));
        device.compile(codes(model));
        assertEquals(List.of(), BackendComparison.compare(m, model, null, 1300));
    }

    /**
     * A regression's weight gradient over 5,000 rows: 2 x 3 results and k = 5,000 run as one pass
     * over k (three blocks, so the last-ticket fold adds parts), each row read once, in f32 and
     * f64, against the interpreter; and the bias gradient's and the loss's reductions beside it.
     */
    @Test
    void aProductWithFewResultsAndALongKIsOnePassOverK() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        CheckedModel m = Compiler.compile(new SourceFile("few.model", """
                model Few {
                  input x: f32[N, 3]
                  input y: f32[N, 2]
                  param w: f32[2, 3] = randn()
                  param b: f32[2] = randn()
                  loss = mean((x @ w.T + b - y) ** 2)
                  update w = w - 0.01 * grad(loss, w)
                  update b = b - 0.01 * grad(loss, b)
                }
                """)).program().orElseThrow().models().getFirst();
        for (DType floating : new DType[] {DType.F32, DType.F64}) {
            DeviceModel model = new DeviceModel(m, floating, new CudaSession(device));
            device.compile(codes(model));
            assertEquals(List.of(), BackendComparison.compare(m, model, floating, 5000), floating.toString());
        }
    }

    /**
     * Every micro-tile of the tiled matmul (128, 64 and 16 wide: the runtime picks by the
     * multiprocessor count, so one, four and a thousand of them pick each), with every storage
     * order (a transposed weight forward, transposed operands in the gradients), at sizes that
     * are multiples of no tile and a k that is not a multiple of the 16-deep slices, in f32 and
     * f64, against the interpreter; and the three give the same bits, since each sums k in order.
     */
    @Test
    void everyMicroTileAndStorageOrderMatchesTheInterpreter() throws java.io.IOException {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        CheckedModel m = Compiler.compile(new SourceFile("tiles.model", """
                model Tiles {
                  input x: f32[N, 37]
                  input z: f32[N, 70]
                  param w: f32[37, 70] = randn()
                  param v: f32[37, 70] = randn()
                  output y = x @ w
                  output u = z @ v.T
                  loss = mean((x @ w) * z) + mean((z @ v.T) * x)
                }
                """)).program().orElseThrow().models().getFirst();
        for (DType floating : new DType[] {DType.F32, DType.F64}) {
            Map<String, Tensor> first = null;
            for (int multiprocessors : new int[] {1, 4, 1000}) {
                // A folder of its own: the libraries' names count per device, and a name loaded once stays loaded.
                EmulatedDevice own = new EmulatedDevice(java.nio.file.Files.createTempDirectory(dir, "tiles"), multiprocessors);
                DeviceModel model = new DeviceModel(m, floating, new CudaSession(own));
                own.compile(codes(model));
                assertEquals(List.of(), BackendComparison.compare(m, model, floating, 100), floating + " on " + multiprocessors);
                Map<String, Tensor> params = model.initialParams(0);
                Map<String, Tensor> batch = Map.of("x", Tensor.randn(floating, Generator.of(3, "x"), 100, 37),
                        "z", Tensor.randn(floating, Generator.of(3, "z"), 100, 70));
                Map<String, Tensor> got = new java.util.TreeMap<>(model.forward(params, batch));
                got.putAll(model.lossAndGradients(params, batch).gradients());
                if (first == null) first = got;
                else for (String k : first.keySet()) {
                    assertEquals(java.util.Arrays.toString(first.get(k).toDoubleArray()), java.util.Arrays.toString(got.get(k).toDoubleArray()),
                            k + " in " + floating + " on " + multiprocessors + " multiprocessors");
                }
            }
        }
    }

    /**
     * Training: the seed's model trained by its own update rules for ten steps (each step's
     * params, returned by the last, stay on the device) and the tutorial's nn.Linear trained by
     * the Trainer with SGD for five epochs (new params uploaded each step, the whole data reused
     * for each epoch's loss), against the same on the interpreter.
     */
    @Test
    void trainingKeepsParamsOnTheDeviceAndMatchesTheInterpreter() throws Exception {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        Map<String, CheckedModel> models = new java.util.HashMap<>();
        for (CheckedModel m : ModelFiles.models(ROOT.resolve("samples/crop-yield/crop_yield.model"))) models.put(m.name(), m);
        Generator g = Generator.of(3, "training");
        Map<String, Tensor> batch = Map.of("x", Tensor.randn(DType.F32, g, 15, 3), "y", Tensor.randn(DType.F32, g, 15, 2));

        CheckedModel manual = models.get("CropYieldManual");
        CompiledModel want = Backend.INTERP.compile(manual, null), got = new DeviceModel(manual, null, new CudaSession(device));
        Map<String, Tensor> p = want.initialParams(0), q = got.initialParams(0);
        for (int step = 0; step < 10; step++) {
            p = want.updateStep(p, batch).params();
            q = got.updateStep(q, batch).params();
        }
        close(p, q);

        CheckedModel linear = models.get("CropYieldLinear");
        TensorDataset data = new TensorDataset(batch);
        Trainer.Options o = new Trainer.Options(5, 5, true, 0, new Sgd(1e-2), null);
        CompiledModel a = Backend.INTERP.compile(linear, null), b = new DeviceModel(linear, null, new CudaSession(device));
        Trainer.Result ra = Trainer.fit(a, a.initialParams(0), data, o, new TrainingListener() { }, () -> false);
        Trainer.Result rb = Trainer.fit(b, b.initialParams(0), data, new Trainer.Options(5, 5, true, 0, new Sgd(1e-2), null),
                new TrainingListener() { }, () -> false);
        close(ra.params(), rb.params());
        for (int e = 0; e < 5; e++) {
            assertEquals(ra.epochLosses().get(e), rb.epochLosses().get(e), 1e-4 * Math.abs(ra.epochLosses().get(e)), "epoch " + e);
        }
    }

    /** Update rules that swap two params: each step's new a is the old b, read from b's buffer before b is replaced. */
    @Test
    void paramsThatSwapStayRightOnTheDevice() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        CheckedModel m = Compiler.compile(new SourceFile("swap.model", """
                model Swap {
                  input x: f32[N]
                  param a: f32[3] = [1, 2, 3]
                  param b: f32[3] = [4, 5, 6]
                  loss = sum(x) * 0 + sum(a)
                  update a = b
                  update b = a
                }
                """)).program().orElseThrow().models().getFirst();
        CompiledModel got = new DeviceModel(m, null, new CudaSession(device));
        Map<String, Tensor> p = got.initialParams(0), batch = Map.of("x", Tensor.of(new float[] {1, 2}, 2));
        for (int step = 1; step <= 3; step++) {
            CompiledModel.Step s = got.updateStep(p, batch);
            assertEquals(step % 2 == 1 ? 6 : 15, s.loss().item(), "loss before step " + step);
            p = s.params();
        }
        assertEquals(List.of(4.0, 5.0, 6.0), java.util.Arrays.stream(p.get("a").toDoubleArray()).boxed().toList());
        assertEquals(List.of(1.0, 2.0, 3.0), java.util.Arrays.stream(p.get("b").toDoubleArray()).boxed().toList());
    }

    /**
     * The step's draws on the device: uniform draws (rand_like, bernoulli, dropout's masks) run
     * Philox in the generated CUDA C, normal ones on host copies with the runtime's code; either
     * way the outputs and the elementwise gradient through dropout are the interpreter's bits for
     * the same (seed, step), in f32 and f64, at steps whose numbers need both words.
     */
    @Test
    void stepDrawsGiveTheInterpretersBits() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        CheckedModel m = Compiler.compile(new SourceFile("draws.model", """
                model Draws {
                  input x: f64[9, 3]
                  input y: f32[9, 2]
                  param w: f64[9, 3] = zeros()
                  output u = rand_like(y)
                  output z = randn_like(x)
                  output b = bernoulli(f64(0.3), [4, 5])
                  output d = dropout(y, 0.25)
                  loss = sum(dropout(w, 0.4) * x)
                }
                """)).program().orElseThrow().models().getFirst();
        // dropout acts in the training step: both sides run that program.
        CompiledModel want = Backend.INTERP.compile(m, null).inMode(dev.modelc.runtime.model.Mode.TRAINING);
        DeviceModel got = new DeviceModel(m.inMode(dev.modelc.runtime.model.Mode.TRAINING), null, new CudaSession(device));
        device.compile(codes(got));
        Generator g = Generator.of(5, "draws");
        Map<String, Tensor> params = Map.of("w", Tensor.randn(DType.F64, g, 9, 3));
        Map<String, Tensor> batch = Map.of("x", Tensor.randn(DType.F64, g, 9, 3), "y", Tensor.randn(DType.F32, g, 9, 2));
        for (long step : new long[] {0, 1, 1L << 40}) {
            dev.modelc.runtime.model.StepKey key = new dev.modelc.runtime.model.StepKey(42, step);
            Map<String, Tensor> a = want.forward(params, batch, key), b = got.forward(params, batch, key);
            for (String k : a.keySet()) {
                assertEquals(java.util.Arrays.toString(a.get(k).toDoubleArray()), java.util.Arrays.toString(b.get(k).toDoubleArray()), k);
            }
            assertEquals(java.util.Arrays.toString(want.lossAndGradients(params, batch, key).gradients().get("w").toDoubleArray()),
                    java.util.Arrays.toString(got.lossAndGradients(params, batch, key).gradients().get("w").toDoubleArray()));
        }
    }

    private static void close(Map<String, Tensor> want, Map<String, Tensor> got) {
        assertEquals(want.keySet(), got.keySet());
        for (String k : want.keySet()) {
            double[] x = want.get(k).toDoubleArray(), y = got.get(k).toDoubleArray();
            for (int i = 0; i < x.length; i++) assertEquals(x[i], y[i], 1e-4 * Math.max(1, Math.abs(x[i])), k + "[" + i + "]");
        }
    }

    /** The device code of every entry point of {@code model}, to compile them together. */
    static List<DeviceCode> codes(DeviceModel model) {
        return model.programs().stream().map(CudaProgram::deviceCode).toList();
    }
}
