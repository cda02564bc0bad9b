package dev.modelc.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.device.Device;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A typed class's methods for single outputs ({@code logits(x)} beside {@code forward(x, y)})
 * run their own plans with their CUDA C on a device, as {@code forward} does, and give what the
 * JVM gives: on the CUDA module over {@link EmulatedDevice} (g++ on the CPU), and on GPU 0 where
 * one is lent.
 */
class TypedOutputsOnDeviceTest {
    private static final String SOURCE = """
            model Classifier {
              input x: f32[N, 4]
              input y: i32[N]
              lin = Linear(4, 3)
              output logits = lin(x)
              output probs = softmax(logits)
              output predicted = argmax(logits, axis = -1)
              output accuracy = mean(f32(predicted == y))
              loss xent = cross_entropy(logits, y)
            }
            """;

    @TempDir
    Path dir;

    @Test
    void singleOutputsOnTheEmulatedDeviceMatchTheJvm() throws Exception {
        assumeTrue(EmulatedDevice.available(), "no g++ to compile the CUDA C for the CPU");
        outputsAlike(EmulatedRuntime.DEVICE);
    }

    @Test
    void singleOutputsOnAGpuMatchTheJvm() throws Exception {
        assumeTrue(new CudaBackend().unavailable().isEmpty(), () -> "no GPU: " + new CudaBackend().unavailable().orElse(""));
        outputsAlike(Device.cuda(0));
    }

    private void outputsAlike(Device device) throws Exception {
        try (TypedClasses.Loaded loaded = TypedClasses.load(dir, "classifier.model", SOURCE, "Classifier")) {
            Class<?> type = loaded.type();
            Object jvm = type.getConstructor(long.class).newInstance(5L);
            Object dev = type.getConstructor(Device.class, long.class).newInstance(device, 5L);
            Tensor x = Tensor.randn(DType.F32, Generator.of(8, "x"), 37, 4);
            for (String output : new String[] {"logits", "probs", "predicted"}) {
                var method = type.getMethod(output, Tensor.class);
                Tensor want = (Tensor) method.invoke(jvm, x), got = (Tensor) method.invoke(dev, x);
                assertArrayEquals(want.shape(), got.shape(), output);
                assertArrayEquals(want.toDoubleArray(), got.toDoubleArray(), 1e-5, output);
            }
        }
    }
}
