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
     * Draws from the seeded generator's stream {@code stream}: normal with mean {@code a} and
     * deviation {@code b}, or uniform on {@code [a, b)}.
     */
    record Random(boolean normal, double a, double b, String stream) implements LibraryCall {
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
            case Random r -> r.normal() ? "normal" : "uniform";
        };
    }
}
