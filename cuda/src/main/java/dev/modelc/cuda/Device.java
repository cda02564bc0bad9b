package dev.modelc.cuda;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.device.DeviceCode;
import dev.modelc.runtime.device.LaunchGeometry;
import java.util.List;

/**
 * What a {@link CudaSession} runs on: memory, programs and launches. {@link CudaDevice} is a GPU
 * through JCuda's driver API; the tests also run the same generated CUDA C on the CPU through
 * this interface, which is how the kernels' arithmetic is checked on machines without a GPU.
 */
interface Device {
    /** {@code NVIDIA H200 (device 0, sm_90, 132 multiprocessors)}. */
    String describe();

    /** How many blocks run at once scales with this (see {@link LaunchGeometry}). */
    int multiprocessors();

    /** Binds the device to the calling thread, before any other call on it. */
    void bind();

    /** The program compiled and loaded, ready to launch its kernels. */
    Program load(DeviceCode program);

    /** A block of device memory; its contents are undefined until written. */
    Memory alloc(long bytes);

    void free(Memory m);

    void zero(Memory m, long bytes);

    void copy(Memory dst, Memory src, long bytes);

    /** Copies the first {@code n} elements of a storage array (float[], double[], int[] or boolean[], bools as bytes). */
    void upload(Memory dst, Object array, int n);

    /** {@code n} elements of dtype {@code t}, as a storage array. */
    Object download(Memory src, DType t, int n);

    /** Device memory, as each device represents it. */
    interface Memory {
    }

    /** A loaded program. */
    interface Program {
        /**
         * Launches the kernel named {@code function}; each argument is a {@link Memory} (passed as
         * a pointer) or a {@link Long} (a {@code long long}), in the kernel's parameter order.
         */
        void launch(String function, LaunchGeometry g, List<Object> args);
    }
}
