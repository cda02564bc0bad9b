package dev.modelc.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.device.Device;
import dev.modelc.runtime.optim.Sgd;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The typed class of a model with two programs and states (batch norm) on a device: both
 * programs run in the instance's one session, a step updates the params and the running
 * statistics there, and forward in either mode gives what the JVM gives (f32, within 1e-5: the
 * device's sums run in another order). On the CUDA module over {@link EmulatedDevice}, and on
 * GPU 0 where one is lent.
 */
class TypedModesOnDeviceTest {
    private static final String SOURCE = """
            model BN {
              input x: f32[N, 3, L]
              input y: f32[N, 3, L]
              bn = BatchNorm1d(3)
              output h = bn(x)
              loss = mean((h - y) ** 2)
            }
            """;

    @TempDir
    Path dir;

    @Test
    void modesAndStatesOnTheEmulatedDeviceMatchTheJvm() throws Exception {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        alike(EmulatedRuntime.DEVICE);
    }

    @Test
    void modesAndStatesOnAGpuMatchTheJvm() throws Exception {
        assumeTrue(new CudaBackend().unavailable().isEmpty(), () -> "no GPU: " + new CudaBackend().unavailable().orElse(""));
        alike(Device.cuda(0));
    }

    private void alike(Device device) throws Exception {
        try (TypedClasses.Loaded loaded = TypedClasses.load(dir, "bn.model", SOURCE, "BN")) {
            Class<?> type = loaded.type();
            Object jvm = type.getConstructor(long.class).newInstance(5L);
            Object dev = type.getConstructor(Device.class, long.class).newInstance(device, 5L);
            Generator g = Generator.of(8, "bn");
            Tensor x = Tensor.randn(DType.F32, g, 6, 3, 4), y = Tensor.randn(DType.F32, g, 6, 3, 4);
            Method step = type.getMethod("step", dev.modelc.runtime.optim.Optimizer.class, Tensor.class, Tensor.class);
            for (Object m : new Object[] {jvm, dev}) {
                step.invoke(m, new Sgd(0.1), x, y);
                step.invoke(m, new Sgd(0.1), x, y);
            }
            Method buffers = type.getMethod("buffers");
            @SuppressWarnings("unchecked")
            Map<String, Tensor> want = (Map<String, Tensor>) buffers.invoke(jvm), got = (Map<String, Tensor>) buffers.invoke(dev);
            for (String s : want.keySet()) assertArrayEquals(want.get(s).toDoubleArray(), got.get(s).toDoubleArray(), 1e-5, s);
            Method forward = type.getMethod("forward", Tensor.class);
            for (String mode : new String[] {"eval", "train"}) {
                type.getMethod(mode).invoke(jvm);
                type.getMethod(mode).invoke(dev);
                Object a = forward.invoke(jvm, x), b = forward.invoke(dev, x);
                Tensor ha = (Tensor) a.getClass().getMethod("h").invoke(a), hb = (Tensor) b.getClass().getMethod("h").invoke(b);
                assertArrayEquals(ha.toDoubleArray(), hb.toDoubleArray(), 1e-5, mode);
            }
        }
    }
}
