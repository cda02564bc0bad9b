package dev.modelc.runtime.device;

import dev.modelc.runtime.DType;
import java.util.List;
import java.util.Objects;

/**
 * A plan's device code: one CUDA C translation unit, as the compiler rendered it, and for each
 * step of the plan the kernel that runs it. Runtime data, like the plan itself: a device
 * runtime compiles the source (NVRTC) and launches the kernels with no compiler on the class
 * path, which is how generated Java classes carry it.
 *
 * @param name    the plan's name, {@code CropYield.loss}, which names the translation unit
 * @param source  the CUDA C
 * @param kernels a kernel per step of the plan, in the plan's order
 */
public record DeviceCode(String name, String source, List<DeviceKernel> kernels) {
    /**
     * Options every compilation uses. Contraction is off so that {@code a * b + c} rounds twice,
     * as the interpreter does: fused multiply-adds would change the last bits of f32 results.
     */
    public static final List<String> NVRTC_OPTIONS = List.of("--fmad=false", "--std=c++17");

    public DeviceCode {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(source, "source == null");
        kernels = List.copyOf(kernels);
    }

    /** Bytes per element on the device: bools are bytes (0 or 1). */
    public static int elementBytes(DType t) {
        return switch (t) {
            case F32, I32 -> 4;
            case F64 -> 8;
            case BOOL -> 1;
        };
    }
}
