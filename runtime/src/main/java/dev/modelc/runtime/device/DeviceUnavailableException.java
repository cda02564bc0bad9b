package dev.modelc.runtime.device;

/** A device that cannot run here (no module, no driver, no GPU, no NVRTC); its message is one line naming what is missing. */
public final class DeviceUnavailableException extends RuntimeException {
    private final String backend;
    private final String reason;

    public DeviceUnavailableException(String backend, String reason) {
        super("backend " + backend + " is not available here: " + reason);
        this.backend = backend;
        this.reason = reason;
    }

    /** {@code cuda}. */
    public String backend() {
        return backend;
    }

    /** What is missing, as a clause: {@code no CUDA driver found (libcuda.so.1 did not load)}. */
    public String reason() {
        return reason;
    }
}
