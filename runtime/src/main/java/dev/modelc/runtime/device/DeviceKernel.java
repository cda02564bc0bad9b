package dev.modelc.runtime.device;

/**
 * How a device launches the kernel of one plan step: which {@code extern "C"} function of its
 * {@link DeviceCode}, with which arguments, over which {@link LaunchGeometry}. The arguments
 * follow the step: a loop's buffers in the order its {@code Step.Loop} lists them, then every
 * symbol of the plan as a {@code long long}.
 */
public sealed interface DeviceKernel {
    /** A fused elementwise loop, one thread per element (grid-stride, {@link LaunchGeometry#elementwise}). */
    record Elementwise(String function) implements DeviceKernel {
    }

    /**
     * A fused loop with a reduction ({@link LaunchGeometry#reduction}): after the buffers and
     * symbols, a scratch {@code double*} of partial results and an {@code unsigned int*} of
     * counters that start at zero.
     */
    record Reduction(String function) implements DeviceKernel {
    }

    /**
     * A matrix product: the a, b and out pointers, then batch, n, k and m. When
     * {@link LaunchGeometry#splitK} says so, {@code splitFunction} runs it instead, as a reduction
     * over k with a reduction's partials and counters after the same arguments.
     */
    record MatMul(String function, String splitFunction) implements DeviceKernel {
    }

    /** A library call on the device (softmax, argmax along {@code axis}), a thread per row: input, output, then the symbols. */
    record Library(String function, int axis) implements DeviceKernel {
    }

    /**
     * A library call on the device with a thread per output element (logsumexp, pad, concat):
     * each input's pointer in the step's order, the output's, then the symbols.
     */
    record PerOutput(String function) implements DeviceKernel {
    }

    /**
     * A library call on the device with a thread per output element that checks indices (one-hot,
     * row selection, gather): as {@link PerOutput}'s arguments, then an {@code int*} error word
     * that starts at zero. A word set after the launch means an index was out of range: the
     * runtime runs the call on the host, whose {@code Library} refuses it with the JVM's message.
     */
    record Checked(String function) implements DeviceKernel {
    }

    /** A library call with no device kernel: the runtime's {@code Library} runs it on the host. */
    record Host() implements DeviceKernel {
    }
}
