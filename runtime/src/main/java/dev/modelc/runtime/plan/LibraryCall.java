package dev.modelc.runtime.plan;

import java.util.List;

/**
 * What a {@link Step.Call} computes on whole buffers, each the runtime {@code exec.Library}
 * function of the same name (on a device, a kernel of its own or those functions on copies).
 */
public sealed interface LibraryCall {
    /** Softmax (or log-softmax) along {@code axis}. */
    record Softmax(int axis, boolean log) implements LibraryCall {
    }

    /** Log-sum-exp over {@code axes}. */
    record LogSumExp(int[] axes) implements LibraryCall {
        public LogSumExp {
            axes = axes.clone();
        }
    }

    /** The position of the largest ({@code max}) or smallest value along {@code axis} ({@code -1}: of all). */
    record ArgReduce(boolean max, int axis) implements LibraryCall {
    }

    /** The operand placed at {@code starts} with {@code steps} between elements, zeros elsewhere (pad and strided scatter). */
    record Pad(List<SizeExpr> starts, long[] steps) implements LibraryCall {
        public Pad {
            starts = List.copyOf(starts);
            steps = steps.clone();
        }
    }

    /** The operands joined along {@code axis}. */
    record Concat(int axis) implements LibraryCall {
    }

    /** Class labels as rows of {@code classes} zeros and a one. */
    record OneHot(long classes) implements LibraryCall {
    }

    /**
     * Rows of the first operand picked by the i32 indices of the second (any shape): {@code t[ids]};
     * {@code what} names the indexing in an out-of-range error.
     */
    record IndexSelect(String what) implements LibraryCall {
    }

    /** The adjoint of {@link IndexSelect}: rows of the first operand added into zeros at the rows the indices name. */
    record IndexAdd(String what) implements LibraryCall {
    }

    /** {@code torch.gather(x, axis, idx)}: the first operand read along {@code axis} at the second's i32 indices. */
    record Gather(int axis, String what) implements LibraryCall {
    }

    /** The adjoint of {@link Gather}: the first operand added into zeros along {@code axis} at the second's indices. */
    record ScatterAdd(int axis, String what) implements LibraryCall {
    }

    /** A convolution or one of its two adjoints ({@code exec.Convolution}) of the two operands. */
    record Conv(dev.modelc.runtime.exec.Convolution conv) implements LibraryCall {
    }

    /**
     * Draws from the seeded generator's stream {@code stream}: normal with mean {@code a} and
     * deviation {@code b}, or uniform on {@code [a, b)}.
     */
    record Random(boolean normal, double a, double b, String stream) implements LibraryCall {
    }

    /**
     * A draw of the training step ({@code rand_like}, {@code randn_like}, and {@code bernoulli}
     * and {@code dropout} through uniforms): uniform on [0, 1) or standard normal, from Philox
     * under the step key the run is given, counter (element, {@code site}).
     */
    record Draw(boolean normal, int site) implements LibraryCall {
    }

    /** Max pooling or one of the two ops of its derivatives ({@code exec.MaxPool}): x, then the value it moves. */
    record MaxPool(dev.modelc.runtime.exec.MaxPool pool) implements LibraryCall {
    }

    /** Its name in plans and errors. */
    default String label() {
        return switch (this) {
            case Softmax s -> s.log() ? "log_softmax" : "softmax";
            case LogSumExp l -> "logsumexp";
            case ArgReduce a -> a.max() ? "argmax" : "argmin";
            case Pad p -> "pad";
            case Concat c -> "concat";
            case OneHot o -> "one_hot";
            case IndexSelect i -> "index_select";
            case IndexAdd i -> "index_add";
            case Gather g -> "gather";
            case ScatterAdd a -> "scatter_add";
            case Random r -> r.normal() ? "normal" : "uniform";
            case Conv c -> c.conv().kind().spelling();
            case Draw d -> d.normal() ? "randn_like" : "rand_like";
            case MaxPool m -> m.pool().kind().spelling();
        };
    }
}
