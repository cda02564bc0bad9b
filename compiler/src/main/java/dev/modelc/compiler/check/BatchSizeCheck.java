package dev.modelc.compiler.check;

import dev.modelc.compiler.check.Value.Tensor;
import dev.modelc.compiler.graph.IndexSite;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import java.util.Map;

/**
 * {@code verify_batch_size(x)}: PyTorch's {@code F._verify_batch_size}, which {@code F.batch_norm}
 * runs in training. It is {@code x}, refused at run time when {@code x} ({@code [N, C, *L]}) has
 * one value per channel ({@code N * prod(L) == 1}): "Expected more than 1 value per channel when
 * training, got input size [1, 3]", naming the user's call (the prelude's batch norm layers call
 * it). A condition on sizes alone, so every backend checks it when it binds the sizes, before
 * any kernel runs ({@code Op.Require}); without it such a batch's unbiased variance divides by 0.
 */
final class BatchSizeCheck {
    private BatchSizeCheck() {
    }

    /** The rule, by name. */
    static Map<String, Builtin> rules() {
        return Map.of("verify_batch_size", new Builtin("verify_batch_size", Signature.of("x"), BatchSizeCheck::verify, null, false, false));
    }

    private static Value verify(Site s) {
        Tensor x = s.tensor("x");
        if (x == null) return Value.POISON;
        Shape shape = x.type().shape();
        if (shape.rank() < 2) {
            return s.fail("x", "'verify_batch_size' needs a batch of channels [N, C, ...], found " + x.type(),
                    "batch norm's input is [N, C] or [N, C, L]");
        }
        Dim count = Dim.of(1);
        for (int axis = 0; axis < shape.rank(); axis++) if (axis != 1) count = count.times(shape.dim(axis));
        String what = IndexSite.describe(s.elaborator.userSpan(s.span())) + ": Expected more than 1 value per channel when training";
        return new Tensor(x.type(), x.constant(), null, s.at().require(s.lowering().node(x), what, count, 2));
    }
}
