package dev.modelc.compiler.backend.cuda;

import dev.modelc.runtime.device.LaunchGeometry;
import dev.modelc.compiler.kernel.Kernel;
import java.util.List;

/**
 * How the runtime launches one kernel of a {@link CudaProgram}: which {@code extern "C"}
 * function, with which arguments in which order, over which launch geometry.
 */
public sealed interface CudaKernel {
    /** The plan's kernel it runs. */
    Kernel kernel();

    /**
     * A fused elementwise loop, one thread per element (grid-stride). Arguments: {@code buffers}
     * (device pointers, in this order), then every symbol of the plan as a {@code long long}.
     */
    record Elementwise(String function, Kernel.Loop kernel, List<Integer> buffers) implements CudaKernel {
        public Elementwise {
            buffers = List.copyOf(buffers);
        }
    }

    /**
     * A fused loop with a reduction: each outer position is folded by one or more blocks
     * ({@link LaunchGeometry#reduction}); the last block of a position to finish combines the
     * blocks' partial results in block order. Arguments: {@code buffers}, the symbols, then a
     * scratch {@code double*} of {@code outer * gridX} partial results and an
     * {@code unsigned int*} of {@code outer} counters that start at zero (each last block
     * resets its own, so they are zero again after every launch).
     */
    record Reduction(String function, Kernel.Loop kernel, List<Integer> buffers) implements CudaKernel {
        public Reduction {
            buffers = List.copyOf(buffers);
        }
    }

    /**
     * A matrix product tiled through shared memory ({@link LaunchGeometry#matmul}). Arguments:
     * the a, b and out pointers, then batch, n, k and m as {@code long long}. When
     * {@link LaunchGeometry#splitK} says so, {@code splitFunction} runs it instead, as a
     * reduction over k ({@link LaunchGeometry#reduction} of {@code batch * n * m} outputs of k
     * elements), with the same arguments followed by a reduction's partials and counters.
     */
    record MatMul(String function, String splitFunction, Kernel.MatMul kernel) implements CudaKernel {
    }

    /**
     * A library call on the GPU ({@link CudaLibrary}: softmax, argmax along an axis), a thread
     * per row. Arguments: the input and output pointers, then every symbol of the plan.
     */
    record Library(String function, Kernel.Call kernel) implements CudaKernel {
        /** The axis its rows run along. */
        public int axis() {
            return switch (kernel.op()) {
                case dev.modelc.compiler.graph.Op.Softmax s -> s.axis();
                case dev.modelc.compiler.graph.Op.ArgReduce a -> a.axis();
                default -> throw new IllegalStateException("no GPU kernel for " + kernel.op().label());
            };
        }

        /** The input's sizes before the axis, along it, and after it: the rows are outer x inner, each len long. */
        public List<dev.modelc.compiler.types.Dim> rows() {
            return CudaLibrary.rows(kernel.inputShapes().getFirst(), axis());
        }
    }

    /**
     * A library call on the GPU with a thread per output element ({@link CudaLibrary#renderPerOutput}:
     * logsumexp, pad, concat, convolutions). Arguments: each input's pointer, the output's, then every symbol of
     * the plan.
     */
    record PerOutput(String function, Kernel.Call kernel) implements CudaKernel {
    }

    /**
     * A library call on the GPU with a thread per output element that checks indices
     * ({@link CudaLibrary#renderChecked}: one-hot, row selection, gather). Arguments: as
     * {@link PerOutput}'s, then an {@code int*} error word that starts at zero.
     */
    record Checked(String function, Kernel.Call kernel) implements CudaKernel {
    }

    /** A library call (the scatter-adds, random, a flattened argmax) run on the host by the runtime's {@code Library}. */
    record Host(Kernel.Call kernel) implements CudaKernel {
    }
}
