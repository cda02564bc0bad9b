package dev.modelc.compiler.backend;

/** A backend that cannot run on this machine (no GPU, no driver, no NVRTC); its message is one line naming what is missing. */
public final class BackendUnavailableException extends RuntimeException {
    private final Backend backend;
    private final String reason;

    public BackendUnavailableException(Backend backend, String reason) {
        super("backend " + backend.spelling() + " is not available here: " + reason);
        this.backend = backend;
        this.reason = reason;
    }

    public Backend backend() {
        return backend;
    }

    /** What is missing, as a clause: {@code no CUDA driver found (libcuda.so.1 did not load)}. */
    public String reason() {
        return reason;
    }
}
