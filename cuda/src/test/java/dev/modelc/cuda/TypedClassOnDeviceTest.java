package dev.modelc.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.device.Device;
import dev.modelc.runtime.device.DeviceSession;
import dev.modelc.runtime.device.DeviceUnavailableException;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.optim.Adam;
import dev.modelc.runtime.train.Trainer;
import dev.modelc.runtime.train.TrainingListener;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The typed classes checked in under {@code samples/crop-yield/generated} (what {@code modelc
 * compile --emit java} writes), compiled with only the runtime on javac's class path, run on a
 * device: built with a {@link Device}, they find its runtime through ServiceLoader, hand each
 * plan and its CUDA C to it, and compute what the same class computes on the JVM. Here the
 * device is the CUDA module on an {@link EmulatedDevice} (g++ on the CPU); where a GPU is lent,
 * {@code Device.cuda(0)} too.
 */
class TypedClassOnDeviceTest {
    private static final Path GENERATED = Path.of("../samples/crop-yield/generated").toAbsolutePath().normalize();

    @TempDir
    static Path classes;
    private static ClassLoader loader;

    @BeforeAll
    static void compile() throws Exception {
        Path runtime = Path.of(Tensor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> args = new ArrayList<>(List.of("-classpath", runtime.toString(), "-d", classes.toString(), "-Xlint:all", "-Werror"));
        try (Stream<Path> files = Files.list(GENERATED.resolve("crop_yield"))) {
            files.filter(p -> p.toString().endsWith(".java")).sorted().forEach(p -> args.add(p.toString()));
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int status = ToolProvider.getSystemJavaCompiler().run(null, log, log, args.toArray(String[]::new));
        assertEquals(0, status, "javac failed on the generated sources, with only modelc-runtime on the class path:\n" + log);
        loader = new URLClassLoader(new java.net.URL[] {classes.toUri().toURL()}, TypedClassOnDeviceTest.class.getClassLoader());
    }

    /** CropYieldManual: its initial params, then ten steps of its update rules and the losses before each, on both. */
    @Test
    void cropYieldManualOnTheEmulatedDeviceTrainsAsOnTheJvm() throws Exception {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        trainsAlike(EmulatedRuntime.DEVICE);
    }

    @Test
    void cropYieldManualOnAGpuTrainsAsOnTheJvm() throws Exception {
        assumeTrue(new CudaBackend().unavailable().isEmpty(), () -> "no GPU: " + new CudaBackend().unavailable().orElse(""));
        trainsAlike(Device.cuda(0));
    }

    private static void trainsAlike(Device device) throws Exception {
        Class<?> c = loader.loadClass("crop_yield.CropYieldManual");
        Object jvm = c.getConstructor(long.class).newInstance(3L);
        Object dev = c.getConstructor(Device.class, long.class).newInstance(device, 3L);
        close("initial params", parameters(jvm), parameters(dev));
        Generator g = Generator.of(5, "batch");
        Tensor x = Tensor.randn(DType.F32, g, 37, 3), y = Tensor.randn(DType.F32, g, 37, 2);
        var step = c.getMethod("step", Tensor.class, Tensor.class);
        for (int i = 0; i < 10; i++) {
            double want = ((Tensor) step.invoke(jvm, x, y)).item(), got = ((Tensor) step.invoke(dev, x, y)).item();
            assertEquals(want, got, 1e-5 * Math.max(1, Math.abs(want)), "loss before step " + i);
        }
        close("params after ten steps", parameters(jvm), parameters(dev));
        double want = ((Tensor) c.getMethod("loss", Tensor.class, Tensor.class).invoke(jvm, x, y)).item();
        assertEquals(want, ((Tensor) c.getMethod("loss", Tensor.class, Tensor.class).invoke(dev, x, y)).item(),
                1e-5 * Math.max(1, Math.abs(want)), "loss after ten steps");
    }

    /**
     * CropYieldLinear (nn.Linear): its outputs through the Outputs record (a matmul kernel), then
     * five SGD steps through step(Optimizer, ...), whose gradients come from the device.
     */
    @Test
    void cropYieldLinearOnTheEmulatedDevicePredictsAndTrainsAsOnTheJvm() throws Exception {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        Class<?> c = loader.loadClass("crop_yield.CropYieldLinear");
        Object jvm = c.getConstructor(long.class).newInstance(4L);
        Object dev = c.getConstructor(Device.class, long.class).newInstance(EmulatedRuntime.DEVICE, 4L);
        Generator g = Generator.of(6, "batch");
        Tensor x = Tensor.randn(DType.F32, g, 21, 3), y = Tensor.randn(DType.F32, g, 21, 2);
        var forward = c.getMethod("forward", Tensor.class);
        var preds = forward.getReturnType().getMethod("preds");
        close("preds", Map.of("preds", (Tensor) preds.invoke(forward.invoke(jvm, x))), Map.of("preds", (Tensor) preds.invoke(forward.invoke(dev, x))));
        var step = c.getMethod("step", dev.modelc.runtime.optim.Optimizer.class, Tensor.class, Tensor.class);
        var sgdJvm = new dev.modelc.runtime.optim.Sgd(0.05, 0.9, 0);
        var sgdDev = new dev.modelc.runtime.optim.Sgd(0.05, 0.9, 0);
        for (int i = 0; i < 5; i++) {
            double want = ((Tensor) step.invoke(jvm, sgdJvm, x, y)).item(), got = ((Tensor) step.invoke(dev, sgdDev, x, y)).item();
            assertEquals(want, got, 1e-5 * Math.max(1, Math.abs(want)), "loss before step " + i);
        }
        close("params after five steps", parameters(jvm), parameters(dev));
    }

    /**
     * CropYieldLinear's kernels (the generated class's {@code CompiledModel}) on the device,
     * trained by the runtime's Trainer with Adam: the optimizer steps on the device (the JVM's
     * kernels leave it to the host), and three epochs end where the JVM's do, within f32's
     * tolerance (the two backends' sums round differently in the last bits).
     */
    @Test
    void cropYieldLinearKernelsTrainWithAdamOnTheEmulatedDeviceAsOnTheJvm() throws Exception {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        Class<?> k = loader.loadClass("crop_yield.CropYieldLinear$Kernels");
        CompiledModel onJvm = (CompiledModel) k.getConstructor().newInstance();
        CompiledModel onDevice = (CompiledModel) k.getConstructor(DeviceSession.class).newInstance(((Device.Accelerator) EmulatedRuntime.DEVICE).open());
        Map<String, Tensor> start = onJvm.initialParams(8);
        assertTrue(onJvm.residentTraining(new Adam(0.05), start).isEmpty());
        assertTrue(onDevice.residentTraining(new Adam(0.05), start).isPresent());
        Generator g = Generator.of(7, "rows");
        TensorDataset data = new TensorDataset(Map.of("x", Tensor.randn(DType.F32, g, 23, 3), "y", Tensor.randn(DType.F32, g, 23, 2)));
        Trainer.Result want = Trainer.fit(onJvm, start, data, new Trainer.Options(3, 5, true, 1, new Adam(0.05), null),
                TrainingListener.NONE, () -> false);
        Trainer.Result got = Trainer.fit(onDevice, start, data, new Trainer.Options(3, 5, true, 1, new Adam(0.05), null),
                TrainingListener.NONE, () -> false);
        close("params after three epochs", want.params(), got.params());
        for (int e = 0; e < 3; e++) {
            assertEquals(want.epochLosses().get(e), got.epochLosses().get(e), 1e-5 * Math.abs(want.epochLosses().get(e)), "epoch " + e);
        }
    }

    /** A device whose module is not on the class path: the one-line reason, as --backend gives it. */
    @Test
    void aDeviceNoModuleProvidesSaysSo() throws Exception {
        Class<?> c = loader.loadClass("crop_yield.CropYieldManual");
        InvocationTargetException e = assertThrows(InvocationTargetException.class,
                () -> c.getConstructor(Device.class).newInstance(new Device.Accelerator("tpu", 0)));
        assertEquals(DeviceUnavailableException.class, e.getCause().getClass());
        assertEquals("backend tpu is not available here: the modelc-tpu module is not on the class path", e.getCause().getMessage());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Tensor> parameters(Object model) throws Exception {
        return (Map<String, Tensor>) model.getClass().getMethod("parameters").invoke(model);
    }

    private static void close(String what, Map<String, Tensor> want, Map<String, Tensor> got) {
        assertEquals(want.keySet(), got.keySet(), what);
        for (String k : want.keySet()) {
            double[] a = want.get(k).toDoubleArray(), b = got.get(k).toDoubleArray();
            assertEquals(a.length, b.length, what + ": " + k);
            for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-5 * Math.max(1, Math.abs(a[i])), what + ": " + k + "[" + i + "]");
        }
    }
}
