package dev.modelc.cuda;

import dev.modelc.runtime.device.DeviceRuntime;
import dev.modelc.runtime.device.DeviceSession;
import dev.modelc.runtime.device.DeviceUnavailableException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code cuda} device runtime, registered with {@link java.util.ServiceLoader}: what
 * {@code --backend cuda} and generated classes built with {@code Device.cuda(n)} run on. Probing goes from the
 * cheapest question to the dearest, and stops at the first missing piece with one sentence: is
 * there a CUDA driver ({@code libcuda.so.1}, asked of the dynamic loader through
 * {@code java.lang.foreign}, before any JCuda class loads its JNI library), is there an NVRTC,
 * does the driver start, does it see a GPU.
 */
public final class CudaBackend implements DeviceRuntime {
    /** The driver's soname: what JCuda's driver library links, and what every NVIDIA driver installs. */
    static final String DRIVER = "libcuda.so.1";

    private Optional<String> unavailable;
    private Nvrtc nvrtc;

    @Override
    public String backend() {
        return "cuda";
    }

    @Override
    public synchronized Optional<String> unavailable() {
        if (unavailable == null) unavailable = probe();
        return unavailable;
    }

    private Optional<String> probe() {
        if (!Nvrtc.loads(DRIVER)) return Optional.of("no CUDA driver found (" + DRIVER + " did not load)");
        try {
            nvrtc = Nvrtc.find(System.getenv(), Path.of("/usr/local"));
        } catch (Nvrtc.NotFound e) {
            return Optional.of(e.getMessage());
        }
        try {
            if (CudaDevice.count() == 0) return Optional.of("no CUDA device found (the driver sees no GPU)");
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("the CUDA driver did not start (" + firstLine(e) + ")");
        }
        return Optional.empty();
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Which NVRTC binding is in use, once {@link #unavailable()} found one: {@code NVRTC 13.0 (Foreign Function binding, ...)}. */
    public synchronized Optional<String> nvrtc() {
        unavailable();
        return Optional.ofNullable(nvrtc).map(Nvrtc::describe);
    }

    @Override
    public DeviceSession open(int ordinal) {
        unavailable().ifPresent(reason -> {
            throw new DeviceUnavailableException(backend(), reason);
        });
        return new CudaSession(CudaDevice.open(ordinal, nvrtc, KernelCache.of(System.getenv(), System.getProperty("user.home"))));
    }
}
