package dev.modelc.compiler.backend;

import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.model.CompiledModel;
import java.util.Optional;

/**
 * A backend that runs models on an accelerator and lives in its own module (the CUDA runtime,
 * with its native bindings), found through {@link java.util.ServiceLoader} so that the compiler
 * needs none of its libraries: {@code modelc-cuda} registers one for {@link Backend#CUDA}.
 */
public interface DeviceBackend {
    /** The backend it implements. */
    Backend backend();

    /**
     * Why it cannot run here (no driver, no device, no runtime compiler), as a clause that
     * completes "--backend cuda: ..."; empty when it can. Probing is done once and remembered.
     */
    Optional<String> unavailable();

    /** The model compiled for device number {@code device}; {@code floating} as in {@link Backend#compile}. */
    CompiledModel compile(CheckedModel model, DType floating, int device);
}
