package dev.modelc.compiler.backend.cuda;

import dev.modelc.compiler.graph.ReduceFn;

/**
 * The end of every reduction kernel, shared by fused loops and split-k matmuls: each thread's
 * {@code acc} folded across the block in shared memory, then, when the grid splits an output
 * position over several blocks, each block's part published to {@code partials}, a ticket
 * taken from {@code counters}, and the parts added in block order by the block that took the
 * last ticket (which resets the counter for the next launch). The result is in thread 0's
 * {@code acc} inside the {@code if (last)} this opens; {@link #CLOSE} ends it.
 */
final class CudaFold {
    /** Closes the block {@link #open} leaves open, and the loop over output positions {@code o}. */
    static final String CLOSE = "      }\n    }\n    __syncthreads();\n  }\n";

    private CudaFold() {
    }

    /** The shared-memory array the fold uses, declared at the top of the kernel. */
    static String declaration() {
        return "  __shared__ double mc_fold[" + CudaLoop.MAX_REDUCTION_BLOCK + "];\n";
    }

    static String open(ReduceFn fn) {
        return """
                    mc_fold[threadIdx.x] = acc;
                    __syncthreads();
                    for (unsigned int s = blockDim.x / 2; s > 0; s >>= 1) {
                      if (threadIdx.x < s) mc_fold[threadIdx.x] = %s;
                      __syncthreads();
                    }
                    if (threadIdx.x == 0) {
                      acc = mc_fold[0];
                      bool last = true;
                      if (gridDim.x > 1) {
                        // Publish this block's part; the block that takes the last ticket adds them all, in block order.
                        partials[o * gridDim.x + blockIdx.x] = acc;
                        __threadfence();
                        last = atomicAdd(&counters[o], 1u) == gridDim.x - 1;
                        if (last) {
                          __threadfence();
                          acc = %s;
                          for (unsigned int b = 0; b < gridDim.x; b++) acc = %s;
                          counters[o] = 0;
                        }
                      }
                      if (last) {
                """.formatted(CudaScalars.combine(fn, "mc_fold[threadIdx.x]", "mc_fold[threadIdx.x + s]"), CudaScalars.identity(fn),
                CudaScalars.combine(fn, "acc", "((volatile double*) partials)[o * gridDim.x + b]"));
    }
}
