package dev.modelc.cuda;

import static dev.modelc.cuda.TrainingBits.bits;
import static dev.modelc.cuda.TrainingBits.recording;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import dev.modelc.runtime.model.TrainConfig;
import dev.modelc.runtime.optim.Adam;
import dev.modelc.runtime.optim.Optimizer;
import dev.modelc.runtime.optim.Sgd;
import dev.modelc.runtime.train.Trainer;
import dev.modelc.runtime.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optimizers stepping on the device ({@link CudaTraining}, {@link OptimizerKernels}) under the
 * CPU emulation: the Trainer's run with SGD (plain, momentum, dampening, weight decay, Nesterov),
 * Adam (with L2 decay) and AdamW, in f32 and f64, gives the params, epoch losses and optimizer
 * state of the same device model whose host optimizer steps on downloaded gradients, bit for bit
 * (the same gradients, the same rounded operations in the same order); and it stays within the
 * backends' tolerances of the interpreter's run (1e-9 of the largest value in f64, the device's
 * tanh and reduction order differing in the last bits; 1e-4 in f32). A step moves the batch up and
 * the loss and one word per param down, nothing else (a counting device); a step that makes a
 * param infinite ends the run as the host's does, with the last finite params.
 */
class EmulatedOptimizerTest {
    @TempDir
    static Path dir;
    private static EmulatedDevice device;
    private static CheckedModel net;

    private static final String SOURCE = """
            model Net {
              input x: f32[N, 3]
              input y: f32[N, 2]
              param w1: f32[4, 3] = randn()
              param b1: f32[4] = uniform(-0.5, 0.5)
              param w2: f32[2, 4] = randn()
              output preds = tanh(x @ w1.T + b1) @ w2.T
              loss = mean((tanh(x @ w1.T + b1) @ w2.T - y) ** 2)
            }
            """;

    @BeforeAll
    static void device() {
        device = new EmulatedDevice(dir, 8);
        net = Compiler.compile(new SourceFile("net.model", SOURCE)).program().orElseThrow().models().getFirst();
        if (EmulatedDevice.available()) {
            List<DeviceCode> codes = new ArrayList<>(List.of(OptimizerKernels.CODE));
            for (DType floating : new DType[] {null, DType.F64}) codes.addAll(EmulatedCudaTest.codes(deviceModel(floating, device)));
            device.compile(codes);
        }
    }

    private static DeviceModel deviceModel(DType floating, Device on) {
        return new DeviceModel(net, floating, new CudaSession(on));
    }

    /** Each optimizer as the host and the device run it, by name. */
    private static final Map<String, Supplier<Optimizer>> OPTIMIZERS = new java.util.LinkedHashMap<>();

    static {
        OPTIMIZERS.put("sgd", () -> new Sgd(0.05));
        OPTIMIZERS.put("sgd momentum weight decay", () -> new Sgd(0.05, 0.9, 0.01));
        OPTIMIZERS.put("sgd dampening", () -> new Sgd(0.05, 0.8, 0.25, 0, false));
        OPTIMIZERS.put("sgd nesterov", () -> new Sgd(0.05, 0.9, 0, 0.02, true));
        OPTIMIZERS.put("adam", () -> new Adam(0.01));
        OPTIMIZERS.put("adam weight decay", () -> new Adam(0.01, 0.8, 0.99, 1e-6, 0.05));
        // beta1 0.3: the lerp's other form (weight 0.7 >= 0.5).
        OPTIMIZERS.put("adam small beta1", () -> new Adam(0.01, 0.3, 0.999, 1e-8, 0));
        OPTIMIZERS.put("adamw", () -> Adam.decoupled(0.01, 0.9, 0.999, 1e-8, 0.1));
    }

    private static TensorDataset data(int rows) {
        Generator g = Generator.of(11, "optimizer-data");
        return new TensorDataset(Map.of("x", Tensor.randn(DType.F32, g, rows, 3), "y", Tensor.randn(DType.F32, g, rows, 2)));
    }

    /** The optimizer with its steps left to the host: what the device's steps must equal. */
    private static Optimizer onTheHost(Optimizer o) {
        return new Optimizer() {
            @Override
            public double lr() {
                return o.lr();
            }

            @Override
            public void setLr(double lr) {
                o.setLr(lr);
            }

            @Override
            public Map<String, Tensor> step(Map<String, Tensor> params, Map<String, Tensor> grads) {
                return o.step(params, grads);
            }

            @Override
            public Map<String, Tensor> stateDict() {
                return o.stateDict();
            }

            @Override
            public void loadStateDict(Map<String, Tensor> state) {
                o.loadStateDict(state);
            }

            @Override
            public void checkState(Map<String, Tensor> params) {
                o.checkState(params);
            }
        };
    }

    private static Trainer.Options options(Optimizer o) {
        // 3 epochs of 4 batches (the last of 2 rows), shuffled, the rate halved each epoch.
        return new Trainer.Options(3, 4, true, 7, o, null).scheduled(new TrainConfig.Schedule.Exponential(0.5));
    }

    @TestFactory
    Stream<DynamicTest> stepsOnTheDeviceGiveTheHostOptimizersBits() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        List<DynamicTest> tests = new ArrayList<>();
        TensorDataset data = data(14);
        for (var named : OPTIMIZERS.entrySet()) {
            for (DType floating : new DType[] {DType.F32, DType.F64}) {
                tests.add(DynamicTest.dynamicTest(named.getKey() + " " + floating, () -> {
                    DeviceModel onDevice = deviceModel(floating, device), onHost = deviceModel(floating, device);
                    Map<String, Tensor> start = onDevice.initialParams(1);
                    Optimizer deviceOptimizer = named.getValue().get(), hostOptimizer = named.getValue().get();
                    assertTrue(onDevice.residentTraining(deviceOptimizer, start).isPresent(), "the device runs " + deviceOptimizer);
                    List<Double> gotLosses = new ArrayList<>(), wantLosses = new ArrayList<>();
                    Trainer.Result got = Trainer.fit(onDevice, start, data, options(deviceOptimizer), recording(gotLosses), () -> false);
                    Trainer.Result want = Trainer.fit(onHost, start, data, options(onTheHost(hostOptimizer)), recording(wantLosses),
                            () -> false);
                    assertInstanceOf(Trainer.Ending.Completed.class, got.ending());
                    // Each step's loss, as the device's status word carried it, and each epoch's.
                    assertEquals(12, gotLosses.size());
                    assertEquals(wantLosses, gotLosses);
                    assertEquals(want.epochLosses(), got.epochLosses());
                    assertEquals(bits(want.params()), bits(got.params()));
                    // The state came back from the device with the params: a checkpoint would hold the host's.
                    assertEquals(bits(hostOptimizer.stateDict()), bits(deviceOptimizer.stateDict()));
                    assertEquals(deviceOptimizer.lr(), hostOptimizer.lr());

                    // And the interpreter with the host's optimizer, within the backends' tolerance.
                    CompiledModel interp = Backend.INTERP.compile(net, floating);
                    Trainer.Result reference = Trainer.fit(interp, start, data, options(named.getValue().get()), TrainingListener.NONE,
                            () -> false);
                    double tol = floating == DType.F64 ? 1e-9 : 1e-4;
                    for (String p : reference.params().keySet()) {
                        double[] a = reference.params().get(p).toDoubleArray(), b = got.params().get(p).toDoubleArray();
                        double scale = Arrays.stream(a).map(Math::abs).max().orElse(0);
                        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], tol * Math.max(1, scale), p + "[" + i + "]");
                    }
                }));
            }
        }
        return tests.stream();
    }


    /**
     * A device that counts what crosses between host and device. After the first step (which
     * uploads the params), each step uploads the batch's two inputs and downloads the loss and
     * the non-finite words in one copy, whatever the optimizer's state; {@code params()} downloads
     * the params and the state once.
     */
    @Test
    void aStepMovesOnlyTheBatchAndTheLoss() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        CountingDevice counting = new CountingDevice(device);
        DeviceModel model = deviceModel(DType.F64, counting);
        Map<String, Tensor> start = model.initialParams(2);
        Adam adam = new Adam(0.01);
        ResidentTraining steps = model.residentTraining(adam, start).orElseThrow();
        TensorDataset data = data(8);
        Map<String, Tensor> batch = data.slice(0, 4);
        long batchBytes = 4 * 3 * 8 + 4 * 2 * 8;
        steps.step(batch, new StepKey(0, 0));
        assertNull(steps.nonFinite());
        steps.commit();
        for (int step = 1; step <= 5; step++) {
            counting.reset();
            Map<String, Tensor> b = data.slice(step % 2 * 4, step % 2 * 4 + 4);
            double loss = steps.step(b, new StepKey(0, step));
            assertTrue(Double.isFinite(loss));
            assertNull(steps.nonFinite());
            steps.commit();
            assertEquals(List.of(2, (int) batchBytes), List.of(counting.uploads, (int) counting.uploadedBytes), "uploads of step " + step);
            // One copy: the f64 loss and three i32 words, one per param.
            assertEquals(List.of(1, 8 + 3 * 4), List.of(counting.downloads, (int) counting.downloadedBytes), "downloads of step " + step);
        }
        counting.reset();
        Map<String, Tensor> params = steps.params();
        // w1, b1, w2 and their two moments each: (12 + 4 + 8) * 3 f64 values.
        assertEquals(List.of(9, 24 * 3 * 8), List.of(counting.downloads, (int) counting.downloadedBytes));
        assertEquals(0, counting.uploads);
        // The model now knows the downloaded params: a loss on them uploads only its inputs.
        counting.reset();
        model.loss(params, batch);
        assertEquals(2, counting.uploads);
        steps.close();
        // The host's Adam holds the device's state: six steps of each param.
        assertEquals(6.0, adam.stateDict().get("step/w1").item());
        assertEquals(Arrays.toString(new int[] {2, 4}), Arrays.toString(adam.stateDict().get("exp_avg_sq/w2").shape()));
    }

    /** A rate that overflows the params: the device's run ends where the host's does, saying the same, with the same last params. */
    @Test
    void aStepThatOverflowsEndsTheRunAsTheHostsDoes() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        TensorDataset data = data(14);
        for (DType floating : new DType[] {DType.F32, DType.F64}) {
            double lr = floating == DType.F32 ? 1e37 : 1e306;
            DeviceModel onDevice = deviceModel(floating, device), onHost = deviceModel(floating, device);
            Map<String, Tensor> start = onDevice.initialParams(1);
            Trainer.Result got = Trainer.fit(onDevice, start, data, options(new Sgd(lr, 0.9, 0)), TrainingListener.NONE, () -> false);
            Trainer.Result want = Trainer.fit(onHost, start, data, options(onTheHost(new Sgd(lr, 0.9, 0))), TrainingListener.NONE,
                    () -> false);
            Trainer.Ending.Diverged d = assertInstanceOf(Trainer.Ending.Diverged.class, got.ending());
            assertEquals(((Trainer.Ending.Diverged) want.ending()).describe(), d.describe());
            assertEquals(want.position(), got.position());
            assertEquals(bits(want.params()), bits(got.params()));
        }
    }

    /**
     * Stopped after batch 5 (inside the second epoch) with a checkpoint, and resumed from the file
     * with a fresh Adam loaded with its state: the params the device gives are the uninterrupted
     * run's, bit for bit (the moments and step counts went to the checkpoint and back to the device).
     */
    @Test
    void aRunStoppedAndResumedFromItsCheckpointGivesTheUninterruptedParams() throws Exception {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        TensorDataset data = data(14);
        DeviceModel model = deviceModel(DType.F32, device);
        Map<String, Tensor> start = model.initialParams(4);
        Trainer.Result straight = Trainer.fit(model, start, data, options(new Adam(0.01)), TrainingListener.NONE, () -> false);
        Path checkpoint = dir.resolve("resume.npz");
        int[] seen = {0};
        Trainer.Result stopped = Trainer.fit(model, start, data, new Trainer.Options(3, 4, true, 7, new Adam(0.01), checkpoint)
                .scheduled(new TrainConfig.Schedule.Exponential(0.5)), new TrainingListener() {
                    @Override
                    public void batch(int epoch, int batch, double loss) {
                        seen[0]++;
                    }
                }, () -> seen[0] >= 5);
        assertTrue(stopped.stopped());
        dev.modelc.runtime.train.Checkpoint c = dev.modelc.runtime.train.Checkpoint.read(checkpoint);
        assertEquals(bits(stopped.params()), bits(c.params()));
        assertEquals(5.0, c.optimizerState().get("step/w1").item(), "4 steps of the first epoch, 1 of the second");
        Adam resumed = new Adam(0.01);
        resumed.loadStateDict(c.optimizerState());
        Trainer.Result rest = Trainer.fit(model, c.params(), data, new Trainer.Options(3, 4, true, 7, resumed, null)
                .scheduled(new TrainConfig.Schedule.Exponential(0.5)).from(c.position()).withEpochs(2), TrainingListener.NONE,
                () -> false);
        assertEquals(bits(straight.params()), bits(rest.params()));
    }

    /** A model with a state (batch norm's running mean) trains on the host's optimizer: its state's rule runs in the step. */
    @Test
    void aModelWithStatesLeavesTheStepsToTheHost() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        CheckedModel m = Compiler.compile(new SourceFile("states.model", """
                model Counted {
                  input x: f64[N, 2]
                  param w: f64[2] = [1, 2]
                  state seen: f64[2] = zeros()
                  update seen = seen + sum(x, axis = 0)
                  loss = sum(x @ w)
                }
                """)).program().orElseThrow().models().getFirst();
        DeviceModel step = new DeviceModel(m.inMode(dev.modelc.runtime.model.Mode.TRAINING), null, new CudaSession(device));
        Map<String, Tensor> start = step.initialParams(0);
        assertTrue(step.residentTraining(new Sgd(0.1), start).isEmpty());
        Trainer.Result r = Trainer.fit(step, start, new TensorDataset(Map.of("x", Tensor.of(new double[] {1, 2, 3, 4}, 2, 2))),
                new Trainer.Options(1, 2, false, 0, new Sgd(0.1), null), TrainingListener.NONE, () -> false);
        assertEquals(List.of(4.0, 6.0), Arrays.stream(r.params().get("seen").toDoubleArray()).boxed().toList());
        assertEquals(List.of(1 - 0.1 * 4, 2 - 0.1 * 6), Arrays.stream(r.params().get("w").toDoubleArray()).boxed().toList());
    }

    /**
     * A listener that runs the model on other params: after an epoch (the params synced to the host)
     * the next step finds its own again and the run ends as an undisturbed one; between two steps
     * (the params only on the device, now overwritten) the next step refuses to go on.
     */
    @Test
    void otherParamsGivenToTheModelWhileItTrainsAreNoticed() {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        TensorDataset data = data(14);
        DeviceModel model = deviceModel(DType.F64, device);
        Map<String, Tensor> start = model.initialParams(1), other = model.initialParams(2);
        Trainer.Result quiet = Trainer.fit(model, start, data, options(new Adam(0.01)), TrainingListener.NONE, () -> false);
        Trainer.Result disturbed = Trainer.fit(model, start, data, options(new Adam(0.01)), new TrainingListener() {
            @Override
            public void epochParams(int epoch, Map<String, Tensor> params) {
                model.loss(other, data.columns());
            }
        }, () -> false);
        assertEquals(bits(quiet.params()), bits(disturbed.params()));
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Trainer.fit(model, start, data, options(new Adam(0.01)), new TrainingListener() {
                    @Override
                    public void batch(int epoch, int batch, double loss) {
                        model.loss(other, data.columns());
                    }
                }, () -> false));
        assertEquals("param 'w1' was replaced on the device between two optimizer steps there (a call with other params while"
                + " training ran)", e.getMessage());
    }
}
