package dev.modelc.cuda;

import static dev.modelc.cuda.TrainingBits.bits;
import static dev.modelc.cuda.TrainingBits.recording;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.backend.cuda.DeviceModel;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.device.DeviceCode;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.ResidentTraining;
import dev.modelc.runtime.model.StepKey;
import dev.modelc.runtime.optim.Adam;
import dev.modelc.runtime.optim.Optimizer;
import dev.modelc.runtime.optim.Sgd;
import dev.modelc.runtime.train.Trainer;
import dev.modelc.runtime.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small model's training step as one kernel launch ({@link StepKernel}) under the CPU
 * emulation: the seed's regression and a small tanh MLP, with SGD, SGD with momentum and weight
 * decay, Adam and AdamW, in f32 and f64 (the MLP also on a device of one multiprocessor, where the
 * separate launches take 128-wide matmul tiles and the one kernel 16-wide ones), trained by the Trainer (3 epochs, shuffled, the last
 * batch shorter, so two bindings of sizes) give the separate launches' params, every step's loss
 * and every epoch's loss bit for bit (the same functions with the same indices, see
 * {@link StepKernel}), and the interpreter's params within the backends' tolerances (1e-9 of the
 * largest value in f64, 1e-4 in f32: the device's reduction order and tanh differ from the
 * interpreter's in the last bits). A counting device shows one launch per step, and the batch up
 * and the status down as before; a model past the bound, and one with an index check, take the
 * separate launches.
 */
class EmulatedStepKernelTest {
    @TempDir
    static Path dir;
    private static EmulatedDevice device;
    /** A device of one multiprocessor, on which the separate launches take the 128-wide matmul tiles. */
    private static EmulatedDevice small;
    private static Map<String, CheckedModel> models;

    private static final String SOURCE = """
            model Seed {
              input x: f32[N, 3]
              input y: f32[N, 2]
              param w: f32[2, 3] = randn()
              param b: f32[2] = randn()
              loss = mean((x @ w.T + b - y) ** 2)
            }
            model Net {
              input x: f32[N, 3]
              input y: f32[N, 2]
              param w1: f32[4, 3] = randn()
              param b1: f32[4] = uniform(-0.5, 0.5)
              param w2: f32[2, 4] = randn()
              loss = mean((tanh(x @ w1.T + b1) @ w2.T - y) ** 2)
            }
            model Noisy {
              input x: f32[N, 3]
              input y: f32[N, 2]
              param w: f32[2, 3] = randn()
              param b: f32[2] = randn()
              loss = mean((x @ w.T + b - y) ** 2 * (0.9 + 0.2 * rand_like(y)))
            }
            model Classes {
              input x: f32[N, 3]
              input y: i32[N]
              param w: f32[4, 3] = randn()
              loss = cross_entropy(x @ w.T, y)
            }
            """;

    @BeforeAll
    static void compile() {
        device = new EmulatedDevice(dir, 8);
        try {
            small = new EmulatedDevice(Files.createDirectories(dir.resolve("one-multiprocessor")), 1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        models = new LinkedHashMap<>();
        for (CheckedModel m : Compiler.compile(new SourceFile("step.model", SOURCE)).program().orElseThrow().models()) {
            models.put(m.name(), m);
        }
    }

    private static final Map<String, Supplier<Optimizer>> OPTIMIZERS = new LinkedHashMap<>();

    static {
        OPTIMIZERS.put("sgd", () -> new Sgd(0.05));
        OPTIMIZERS.put("sgd momentum weight decay", () -> new Sgd(0.05, 0.9, 0.01));
        OPTIMIZERS.put("adam", () -> new Adam(0.01));
        OPTIMIZERS.put("adamw", () -> Adam.decoupled(0.01, 0.9, 0.999, 1e-8, 0.1));
    }

    private static TensorDataset data(int rows) {
        Generator g = Generator.of(5, "step-kernel-data");
        return new TensorDataset(Map.of("x", Tensor.randn(DType.F32, g, rows, 3), "y", Tensor.randn(DType.F32, g, rows, 2)));
    }

    private static Trainer.Options options(Optimizer o) {
        // 3 epochs of 15 rows in batches of 4: three of 4 rows, one of 3.
        return new Trainer.Options(3, 4, true, 7, o, null);
    }

    @TestFactory
    Stream<DynamicTest> oneLaunchGivesTheSeparateLaunchesBits() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        List<DynamicTest> tests = new ArrayList<>();
        TensorDataset data = data(15);
        for (String model : List.of("Seed", "Net", "Noisy", "Net on one multiprocessor")) {
            for (var named : OPTIMIZERS.entrySet()) {
                if (!model.equals("Net") && !named.getKey().equals("sgd")) continue;
                for (DType floating : new DType[] {DType.F32, DType.F64}) {
                    tests.add(DynamicTest.dynamicTest(model + " " + named.getKey() + " " + floating, () -> {
                        CheckedModel m = models.get(model.split(" ")[0]);
                        EmulatedDevice on = model.endsWith("multiprocessor") ? small : device;
                        CountingDevice one = new CountingDevice(on), separate = new CountingDevice(on);
                        DeviceModel fused = new DeviceModel(m, floating, new CudaSession(one, true));
                        DeviceModel apart = new DeviceModel(m, floating, new CudaSession(separate, false));
                        Map<String, Tensor> start = fused.initialParams(1);
                        List<Double> gotLosses = new ArrayList<>(), wantLosses = new ArrayList<>();
                        Trainer.Result got = Trainer.fit(fused, start, data, options(named.getValue().get()), recording(gotLosses),
                                () -> false);
                        Trainer.Result want = Trainer.fit(apart, start, data, options(named.getValue().get()), recording(wantLosses),
                                () -> false);
                        assertInstanceOf(Trainer.Ending.Completed.class, got.ending());
                        assertEquals(12, gotLosses.size());
                        assertEquals(wantLosses, gotLosses);
                        assertEquals(want.epochLosses(), got.epochLosses());
                        assertEquals(bits(want.params()), bits(got.params()));
                        assertEquals(12, one.stepLaunches, "a step kernel per step");
                        assertEquals(0, separate.stepLaunches);

                        CompiledModel interp = Backend.INTERP.compile(m, floating);
                        Trainer.Result reference = Trainer.fit(interp, start, data, options(named.getValue().get()),
                                TrainingListener.NONE, () -> false);
                        double tol = floating == DType.F64 ? 1e-9 : 1e-4;
                        for (String p : reference.params().keySet()) {
                            double[] a = reference.params().get(p).toDoubleArray(), b = got.params().get(p).toDoubleArray();
                            double scale = Arrays.stream(a).map(Math::abs).max().orElse(0);
                            for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], tol * Math.max(1, scale), p + "[" + i + "]");
                        }
                    }));
                }
            }
        }
        return tests.stream();
    }

    /**
     * The seed itself: the crop-yield sample's {@code CropYieldLinear} on its 15 rows, trained as
     * its train block says (100 epochs of SGD at 1e-5 in shuffled batches of 5): 300 steps, each
     * one launch, whose epoch losses and params are the separate launches' bit for bit and the
     * interpreter's within 1e-4 of the largest param (f32).
     */
    @Test
    void theCropYieldSampleTrainsWithOneLaunchPerStep() throws IOException {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        Path root = Path.of("..").toAbsolutePath().normalize();
        CheckedModel linear = dev.modelc.cuda.check.ModelFiles.models(root.resolve("samples/crop-yield/crop_yield.model")).stream()
                .filter(m -> m.name().equals("CropYieldLinear")).findFirst().orElseThrow();
        List<String> lines = Files.readAllLines(root.resolve("samples/crop-yield/crop_yield.csv"));
        int rows = lines.size() - 1;
        double[] x = new double[rows * 3], y = new double[rows * 2];
        for (int r = 0; r < rows; r++) {
            String[] f = lines.get(r + 1).split(",");
            for (int c = 0; c < 3; c++) x[r * 3 + c] = Double.parseDouble(f[c]);
            for (int c = 0; c < 2; c++) y[r * 2 + c] = Double.parseDouble(f[3 + c]);
        }
        TensorDataset data = new TensorDataset(Map.of("x", Tensor.of(DType.F32, new int[] {rows, 3}, x),
                "y", Tensor.of(DType.F32, new int[] {rows, 2}, y)));
        CountingDevice one = new CountingDevice(device);
        DeviceModel fused = new DeviceModel(linear, null, new CudaSession(one, true));
        DeviceModel apart = new DeviceModel(linear, null, new CudaSession(device, false));
        Map<String, Tensor> start = fused.initialParams(0);
        Supplier<Trainer.Options> asTheTrainBlockSays = () -> new Trainer.Options(100, 5, true, 0, new Sgd(1e-5), null);
        Trainer.Result got = Trainer.fit(fused, start, data, asTheTrainBlockSays.get(), TrainingListener.NONE, () -> false);
        Trainer.Result want = Trainer.fit(apart, start, data, asTheTrainBlockSays.get(), TrainingListener.NONE, () -> false);
        assertEquals(15, rows);
        assertEquals(300, one.stepLaunches);
        assertEquals(want.epochLosses(), got.epochLosses());
        assertEquals(bits(want.params()), bits(got.params()));
        assertTrue(got.epochLosses().getLast() < got.epochLosses().getFirst() / 2, "it learns: " + got.epochLosses().getFirst()
                + " to " + got.epochLosses().getLast());
        Trainer.Result reference = Trainer.fit(Backend.INTERP.compile(linear, null), start, data, asTheTrainBlockSays.get(),
                TrainingListener.NONE, () -> false);
        for (String p : reference.params().keySet()) {
            double[] a = reference.params().get(p).toDoubleArray(), b = got.params().get(p).toDoubleArray();
            double scale = Arrays.stream(a).map(Math::abs).max().orElse(0);
            for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-4 * Math.max(1, scale), p + "[" + i + "]");
        }
    }

    /**
     * A batch of 4,000 rows, within the bound (x holds 12,000 values): the loss's mean is folded
     * by 4 blocks and the weight gradient's 6 sums over k by 2 (the one-pass split-k), each a
     * loop of virtual blocks taking tickets in the one kernel. Two steps give the separate
     * launches' losses and params bit for bit.
     */
    @Test
    void splitFoldsInOneKernelGiveTheSeparateLaunchesBits() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        TensorDataset data = data(8000);
        for (DType floating : new DType[] {DType.F32, DType.F64}) {
            CountingDevice one = new CountingDevice(device);
            DeviceModel fused = new DeviceModel(models.get("Seed"), floating, new CudaSession(one, true));
            DeviceModel apart = new DeviceModel(models.get("Seed"), floating, new CudaSession(device, false));
            Map<String, Tensor> start = fused.initialParams(4);
            List<Double> gotLosses = new ArrayList<>(), wantLosses = new ArrayList<>();
            Trainer.Options o = new Trainer.Options(1, 4000, false, 0, new Sgd(0.05), null);
            Trainer.Result got = Trainer.fit(fused, start, data, o, recording(gotLosses), () -> false);
            Trainer.Result want = Trainer.fit(apart, start, data, new Trainer.Options(1, 4000, false, 0, new Sgd(0.05), null),
                    recording(wantLosses), () -> false);
            assertEquals(2, one.stepLaunches);
            assertEquals(wantLosses, gotLosses);
            assertEquals(bits(want.params()), bits(got.params()));
            String step = one.programs.stream().filter(p -> p.name().endsWith(".step")).findFirst().orElseThrow().source();
            assertTrue(step.contains("for (unsigned int x = 0; x < 4u; x++) {"), "the mean folded by 4 blocks");
            assertTrue(step.contains("for (unsigned int x = 0; x < 2u; x++) {"), "the weight gradient split over k in 2");
        }
    }

    /** One step after the first: one launch, the batch's two inputs up, the loss and a word per param down in one copy. */
    @Test
    void aSmallStepIsOneLaunch() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        for (boolean oneKernel : new boolean[] {true, false}) {
            CountingDevice counting = new CountingDevice(device);
            DeviceModel model = new DeviceModel(models.get("Seed"), null, new CudaSession(counting, oneKernel));
            ResidentTraining steps = model.residentTraining(new Sgd(0.05), model.initialParams(2)).orElseThrow();
            TensorDataset data = data(10);
            steps.step(data.slice(0, 5), new StepKey(0, 0));
            steps.commit();
            for (int step = 1; step <= 3; step++) {
                counting.reset();
                steps.step(data.slice(step % 2 * 5, step % 2 * 5 + 5), new StepKey(0, step));
                steps.commit();
                // Separately: the plan's kernels and an optimizer kernel per param (w and b).
                int kernels = model.programs().stream().filter(p -> p.name().endsWith("lossAndGradients")).findFirst()
                        .orElseThrow().kernels().size();
                assertEquals(oneKernel ? 1 : kernels + 2, counting.launches, "launches of step " + step + (oneKernel ? "" : " apart"));
                assertEquals(List.of(2, 1), List.of(counting.uploads, counting.downloads), "copies of step " + step);
            }
            steps.close();
        }
    }

    /** Past the bound (a batch of 6,000 rows: x holds 18,000 values, over 2^14) the step takes the separate launches. */
    @Test
    void aLargeStepTakesTheSeparateLaunches() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        CountingDevice counting = new CountingDevice(device);
        DeviceModel model = new DeviceModel(models.get("Seed"), null, new CudaSession(counting, true));
        ResidentTraining steps = model.residentTraining(new Sgd(0.05), model.initialParams(2)).orElseThrow();
        steps.step(data(6000).columns(), new StepKey(0, 0));
        steps.commit();
        assertEquals(0, counting.stepLaunches);
        int kernels = model.programs().stream().filter(p -> p.name().endsWith("lossAndGradients")).findFirst().orElseThrow()
                .kernels().size();
        assertEquals(kernels + 2, counting.launches);
        steps.close();
    }

    /**
     * A classifier whose cross-entropy checks its labels (one-hot's error word): each step is one
     * launch with the separate launches' bits; a label out of range sets the word, which comes
     * down with the loss, and the step runs again as separate launches, refusing it with the
     * message they give.
     */
    @Test
    void indexChecksRunInTheOneKernelAndALabelOutOfRangeIsRefusedAsBefore() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        TensorDataset classes = classes();
        Tensor x = classes.columns().get("x");
        double[] labels = classes.columns().get("y").toDoubleArray();
        CountingDevice one = new CountingDevice(device);
        DeviceModel fused = new DeviceModel(models.get("Classes"), null, new CudaSession(one, true));
        DeviceModel apart = new DeviceModel(models.get("Classes"), null, new CudaSession(device, false));
        Map<String, Tensor> start = fused.initialParams(3);
        List<Double> gotLosses = new ArrayList<>(), wantLosses = new ArrayList<>();
        Trainer.Result got = Trainer.fit(fused, start, classes, options(new Sgd(0.1)), recording(gotLosses), () -> false);
        Trainer.Result want = Trainer.fit(apart, start, classes, options(new Sgd(0.1)), recording(wantLosses), () -> false);
        assertEquals(6, one.stepLaunches, "3 epochs of 2 batches");
        assertEquals(wantLosses, gotLosses);
        assertEquals(bits(want.params()), bits(got.params()));

        labels[5] = 7;
        TensorDataset bad = new TensorDataset(Map.of("x", x, "y", Tensor.of(DType.I32, new int[] {8}, labels)));
        RuntimeException gotError = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> Trainer.fit(fused, start, bad, options(new Sgd(0.1)), TrainingListener.NONE, () -> false));
        RuntimeException wantError = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> Trainer.fit(apart, start, bad, options(new Sgd(0.1)), TrainingListener.NONE, () -> false));
        assertEquals(wantError.getClass(), gotError.getClass());
        assertEquals(wantError.getMessage(), gotError.getMessage());
        assertTrue(gotError.getMessage().contains("7"), gotError.getMessage());
        assertEquals(7, one.stepLaunches, "the refused step was launched once as one kernel");
    }

    /**
     * The step kernels are valid CUDA: where nvcc is installed (no GPU needed), the seed's (Adam,
     * f32 and f64), the tanh MLP's (SGD with momentum) and the classifier's (softmax, one-hot's
     * index check) compile for sm_90 with the NVRTC options, and ptxas reports no spill stores or
     * loads and the kernel's shared memory within {@link StepKernel#MAX_SHARED_BYTES}.
     */
    @Test
    void nvccCompilesTheStepKernelsWithoutSpills(@TempDir Path tmp) throws IOException, InterruptedException {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        Path nvcc = Path.of(System.getenv().getOrDefault("CUDA_HOME", "/usr/local/cuda"), "bin", "nvcc");
        assumeTrue(Files.isExecutable(nvcc), "no nvcc at " + nvcc + ": the step kernel was not compiled");
        record Case(String model, DType floating, TensorDataset data, Optimizer optimizer) {
        }
        for (Case c : List.of(new Case("Seed", DType.F32, data(15), new Adam(0.01)), new Case("Seed", DType.F64, data(15), new Adam(0.01)),
                new Case("Net", null, data(15), new Sgd(0.05, 0.9, 0.01)), new Case("Classes", null, classes(), new Sgd(0.1)))) {
            CountingDevice counting = new CountingDevice(device);
            DeviceModel model = new DeviceModel(models.get(c.model()), c.floating(), new CudaSession(counting, true));
            Trainer.fit(model, model.initialParams(1), c.data(), options(c.optimizer()), TrainingListener.NONE, () -> false);
            DeviceCode step = counting.programs.stream().filter(p -> p.name().endsWith(".step")).findFirst().orElseThrow();
            Path cu = tmp.resolve("step.cu");
            Files.writeString(cu, step.source());
            List<String> command = new ArrayList<>(List.of(nvcc.toString(), "-cubin", "-arch=sm_90", "-Xptxas", "-v"));
            command.addAll(DeviceCode.NVRTC_OPTIONS);
            command.addAll(List.of("-o", tmp.resolve("step.cubin").toString(), cu.toString()));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assumeTrue(p.waitFor(300, TimeUnit.SECONDS), "nvcc did not finish in 300 s");
            assertEquals(0, p.exitValue(), c + ": nvcc failed:\n" + log);
            Matcher entry = Pattern.compile("(?s)Compiling entry function '" + StepKernel.FUNCTION + "'.*?(\\d+) bytes spill stores, (\\d+) bytes"
                    + " spill loads.*?Used \\d+ registers.*?(\\d+) bytes smem").matcher(log);
            assertTrue(entry.find(), c + ": ptxas's report of " + StepKernel.FUNCTION + ":\n" + log);
            assertEquals(List.of("0", "0"), List.of(entry.group(1), entry.group(2)), c + ": spills:\n" + log);
            assertTrue(Long.parseLong(entry.group(3)) <= StepKernel.MAX_SHARED_BYTES, c + ": shared memory:\n" + log);
        }
    }

    /** 8 rows of 3 features and labels among 4 classes. */
    private static TensorDataset classes() {
        Generator g = Generator.of(3, "labels");
        double[] labels = new double[8];
        for (int i = 0; i < labels.length; i++) labels[i] = Math.floor(g.nextUniform(0, 4));
        return new TensorDataset(Map.of("x", Tensor.randn(DType.F32, g, 8, 3), "y", Tensor.of(DType.I32, new int[] {8}, labels)));
    }
}
