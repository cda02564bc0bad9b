package dev.modelc.cuda;

import dev.modelc.runtime.device.DeviceRuntime;
import dev.modelc.runtime.device.DeviceSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Optional;

/**
 * A device runtime named {@code emulated-cuda}, registered through ServiceLoader in the tests
 * only: the CUDA module's sessions and targets on an {@link EmulatedDevice}, so that code which
 * finds its device by name (a generated class built with a {@code Device}) runs its CUDA C on
 * the CPU.
 */
public final class EmulatedRuntime implements DeviceRuntime {
    /** The device number 0 of this runtime, as a generated class is given it. */
    public static final dev.modelc.runtime.device.Device DEVICE = new dev.modelc.runtime.device.Device.Accelerator("emulated-cuda", 0);

    @Override
    public String backend() {
        return "emulated-cuda";
    }

    @Override
    public Optional<String> unavailable() {
        return EmulatedDevice.available() ? Optional.empty() : Optional.of("no g++ to compile the CUDA C for the CPU");
    }

    @Override
    public DeviceSession open(int ordinal) {
        try {
            // Eight multiprocessors, as EmulatedCudaTest's device.
            return new CudaSession(new EmulatedDevice(Files.createTempDirectory("modelc-emulated"), 8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
