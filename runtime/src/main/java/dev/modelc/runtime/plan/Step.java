package dev.modelc.runtime.plan;

import dev.modelc.runtime.DType;
import java.util.List;

/**
 * One step of a {@link Plan}, in order: a fused loop the backend compiled, a matrix product, or
 * a library call. Buffers are named by their position in {@link Plan#buffers}.
 */
public sealed interface Step {
    /** {@code k3}: its position among the plan's steps, as plans print it. */
    String name();

    /** The buffer it writes. */
    int writes();

    /**
     * A fused loop: kernel number {@code kernel} of the backend's (loops only, numbered in plan
     * order), run over {@code buffers} (in the kernel's own argument order).
     *
     * @param elements the number of positions of its outer loops (their product)
     * @param range what its outermost loop counts, the range split across cores: the first
     *              outer axis, or all the positions when the loop is flat or has no outer axis
     * @param inner how many values a position folds (1 without a reduction)
     * @param lets the lets each position computes, those of the reduction's body included (the work per value)
     * @param reductionLets the lets of the reduction's body (the work per folded value of a split reduction)
     * @param split whether it reduces everything to one value over a flat inner loop, folded in
     *              chunks on several cores and then in order (see {@code Parallel.REDUCTION_CHUNK})
     * @param partials how many values each chunk of a split loop folds into: 1, or the
     *                 accumulators of several reductions over the same rows (the compiler's
     *                 {@code Kernel.Reductions}), each chunk's laid out together
     */
    record Loop(String name, int kernel, int[] buffers, int writes, SizeExpr elements, SizeExpr range, SizeExpr inner,
                int lets, int reductionLets, boolean split, int partials) implements Step {
        public Loop {
            buffers = buffers.clone();
            if (partials < 1 || partials > 1 && !split) throw new IllegalArgumentException("partials " + partials + " of a loop");
        }

        /** A loop folding at most one value per chunk. */
        public Loop(String name, int kernel, int[] buffers, int writes, SizeExpr elements, SizeExpr range, SizeExpr inner,
                    int lets, int reductionLets, boolean split) {
            this(name, kernel, buffers, writes, elements, range, inner, lets, reductionLets, split, 1);
        }
    }

    /**
     * {@code out = op(a) @ op(b)} over {@code batch} stacked matrices, a being {@code [n, k]} and
     * b {@code [k, m]} after the optional transposes of their last two axes (read in place).
     */
    record MatMul(String name, int a, int b, int out, SizeExpr batch, SizeExpr n, SizeExpr k, SizeExpr m,
                  boolean transA, boolean transB, DType dtype) implements Step {
        public int writes() {
            return out;
        }
    }

    /**
     * A library function on whole buffers; {@code inputShapes} are the operands' own shapes (a
     * reshaped view reads its buffer in another shape than the buffer's).
     */
    record Call(String name, LibraryCall call, int[] inputs, List<List<SizeExpr>> inputShapes, int out,
                List<SizeExpr> outShape) implements Step {
        public Call {
            inputs = inputs.clone();
            inputShapes = inputShapes.stream().map(List::copyOf).toList();
            outShape = List.copyOf(outShape);
        }

        public int writes() {
            return out;
        }
    }
}
