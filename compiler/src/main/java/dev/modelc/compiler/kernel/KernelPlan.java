package dev.modelc.compiler.kernel;

import dev.modelc.compiler.graph.Graph;
import java.util.List;

/**
 * What one entry point of a model (forward, loss and gradients, an update step, the
 * initializers) runs: buffers, kernels in order, and which buffers hold the named results. It
 * is the one input of every code generator. Sizes are symbolic; {@code symbols} orders the
 * dimension names, which generated code receives as {@code long[] d}.
 *
 * @param slots how many storage slots the temporaries share
 */
public record KernelPlan(String name, List<String> symbols, List<Buffer> buffers, List<Kernel> kernels,
                         List<Result> results, int slots) {
    public KernelPlan {
        symbols = List.copyOf(symbols);
        buffers = List.copyOf(buffers);
        kernels = List.copyOf(kernels);
        results = List.copyOf(results);
    }

    /** A named result, the buffer that holds it, and its shape (a reshaped view of the buffer may differ from the buffer's). */
    public record Result(Graph.Output output, int buffer, dev.modelc.compiler.types.Shape shape) {
    }

    public Buffer buffer(int id) {
        return buffers.get(id);
    }

    /** Buffers bound from the caller's tensors (inputs and params), in plan order. */
    public List<Buffer> external() {
        return buffers.stream().filter(Buffer::isExternal).toList();
    }
}
