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
 * @param windows the constant indices and slices on symbolic axes, checked when the sizes are bound
 * @param requirements the conditions on sizes ({@code verify_batch_size}), checked when the sizes are bound
 */
public record KernelPlan(String name, List<String> symbols, List<Buffer> buffers, List<Kernel> kernels,
                         List<Result> results, int slots, List<SliceWindow> windows, List<SizeRequirement> requirements) {
    /** A plan with no windows to check. */
    public KernelPlan(String name, List<String> symbols, List<Buffer> buffers, List<Kernel> kernels, List<Result> results, int slots) {
        this(name, symbols, buffers, kernels, results, slots, List.of(), List.of());
    }

    public KernelPlan {
        windows = List.copyOf(windows);
        requirements = List.copyOf(requirements);
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

    /** A size's value with the plan's symbols bound to {@code d} (in the order of {@link #symbols}). */
    public long size(dev.modelc.compiler.types.Dim dim, long[] d) {
        long total = 0;
        for (var t : dim.terms().entrySet()) {
            long v = t.getValue();
            for (String s : t.getKey()) v *= d[symbols.indexOf(s)];
            total += v;
        }
        return total;
    }

    /** A shape's sizes with the plan's symbols bound to {@code d}. */
    public int[] shape(dev.modelc.compiler.types.Shape s, long[] d) {
        int[] out = new int[s.rank()];
        for (int i = 0; i < out.length; i++) out[i] = (int) size(s.dim(i), d);
        return out;
    }

    /**
     * Whether an input or param is a size witness: no kernel reads it and no result is it, it is
     * only there to bind sizes (see {@code DeadCodeElimination}), so its tensor may be left out
     * when other tensors bind the sizes the plan needs.
     */
    public boolean isWitness(Buffer b) {
        if (!b.isExternal()) return false;
        for (Kernel k : kernels) if (k.reads().contains(b.id())) return false;
        for (Result r : results) if (r.buffer() == b.id()) return false;
        return true;
    }

    /** Buffers bound from the caller's tensors (inputs and params), in plan order. */
    public List<Buffer> external() {
        return buffers.stream().filter(Buffer::isExternal).toList();
    }
}
