package dev.modelc.runtime.device;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A module that runs plans on an accelerator, found through {@link ServiceLoader} so that
 * neither the runtime nor the compiler needs its native libraries: {@code modelc-cuda}
 * registers one named {@code cuda}.
 */
public interface DeviceRuntime {
    /** The backend's spelling: {@code cuda}. */
    String backend();

    /**
     * Why it cannot run here (no driver, no device, no runtime compiler), as a clause that
     * completes "backend cuda is not available here: ..."; empty when it can. Probing is done
     * once and remembered.
     */
    Optional<String> unavailable();

    /**
     * A session on device number {@code ordinal}.
     *
     * @throws DeviceUnavailableException when the device cannot run here or there is no such device
     */
    DeviceSession open(int ordinal);

    /** The runtime registered for {@code backend}, if a module on the class path has one. */
    static Optional<DeviceRuntime> find(String backend) {
        return Registered.ALL.stream().filter(r -> r.backend().equals(backend)).findFirst();
    }

    /** Why {@code backend} cannot run here, including that no module provides it; empty when it can. */
    static Optional<String> unavailable(String backend) {
        return find(backend).map(DeviceRuntime::unavailable).orElse(Optional.of(notOnClassPath(backend)));
    }

    /**
     * A session on device {@code ordinal} of {@code backend}.
     *
     * @throws DeviceUnavailableException when no module provides it, or it cannot run here
     */
    static DeviceSession open(String backend, int ordinal) {
        DeviceRuntime r = find(backend).orElseThrow(() -> new DeviceUnavailableException(backend, notOnClassPath(backend)));
        r.unavailable().ifPresent(reason -> {
            throw new DeviceUnavailableException(backend, reason);
        });
        return r.open(ordinal);
    }

    private static String notOnClassPath(String backend) {
        return "the modelc-" + backend + " module is not on the class path";
    }

    /** Loaded once, on first use of a device: a JVM-only run never scans for them. */
    final class Registered {
        static final List<DeviceRuntime> ALL = ServiceLoader.load(DeviceRuntime.class, DeviceRuntime.class.getClassLoader())
                .stream().map(ServiceLoader.Provider::get).toList();

        private Registered() {
        }
    }
}
