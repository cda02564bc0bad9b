package dev.modelc.compiler.check;

import dev.modelc.compiler.check.Value.Tensor;
import dev.modelc.compiler.graph.BinaryFn;
import dev.modelc.compiler.graph.Emitter;
import dev.modelc.compiler.types.Broadcast;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-ins that draw in the training step: {@code rand_like}, {@code randn_like},
 * {@code bernoulli} and {@code dropout}. Each draw is an {@code Op.Draw} numbered in the order
 * the model's calls are lowered ({@link Lowering#nextStepDraw}), so the number names the same
 * draw on every backend and in every compilation of the same file, and no pass renumbers it; the
 * values come from Philox under the step key ({@code runtime.Philox}). None is differentiable:
 * the derivative through a draw is zero, as in PyTorch (whose {@code bernoulli} and
 * {@code rand_like} pass no gradient either). {@code bernoulli} and {@code dropout} are
 * elementwise functions of a uniform draw, so their bits follow from the uniform's.
 */
final class StepDraws {
    private StepDraws() {
    }

    /** The rules, by name, in the order Builtins defines them. */
    static Map<String, Builtin> rules() {
        Map<String, Builtin> r = new LinkedHashMap<>();
        r.put("rand_like", new Builtin("rand_like", Signature.of("x"), s -> like(s, false), null, false, false));
        r.put("randn_like", new Builtin("randn_like", Signature.of("x"), s -> like(s, true), null, false, false));
        r.put("bernoulli", new Builtin("bernoulli", Signature.of("p").optional("shape"), StepDraws::bernoulli, null, false, false));
        r.put("dropout", new Builtin("dropout", Signature.of("x", "p"), StepDraws::dropout, null, false, false));
        return r;
    }

    /** {@code torch.rand_like(x)} / {@code torch.randn_like(x)}: x's shape and dtype (f32 for a literal). */
    private static Value like(Site s, boolean normal) {
        if (inInitializer(s)) return Value.POISON;
        Tensor x = s.floating("x");
        if (x == null) return Value.POISON;
        TensorType t = strong(x.type());
        return new Tensor(t, draw(s, normal, t));
    }

    /**
     * {@code torch.bernoulli(p)} over {@code shape} (p's own shape when absent): 1 where a uniform
     * draw u in [0, 1) has u < p, else 0, in p's dtype (f32 for a literal), so P(1) = p exactly up
     * to the uniform's resolution (2^-24 in f32, 2^-53 in f64). A constant p must be in [0, 1].
     */
    private static Value bernoulli(Site s) {
        if (inInitializer(s)) return Value.POISON;
        Tensor p = s.floating("p");
        if (p == null) return Value.POISON;
        Shape shape = p.type().shape();
        if (s.has("shape")) {
            List<Dim> dims = s.sizes("shape", false);
            if (dims == null) return Value.POISON;
            shape = new Shape(dims);
            if (!Broadcast.to(p.type().shape(), shape)) {
                return s.fail("p", "the probabilities of 'bernoulli' " + p.type() + " do not broadcast to the shape " + shape,
                        "give one probability, or one per element of the shape");
            }
        }
        if (p.isConstantScalar()) {
            double v = Folding.number(p.known());
            if (!(v >= 0 && v <= 1)) {
                return s.fail("p", "the probability of 'bernoulli' must be in [0, 1], found " + s.args.get("p").expr().span().text());
            }
        }
        TensorType t = strong(p.type()).withShape(shape);
        DType d = t.dtype();
        Emitter e = s.at();
        int u = draw(s, false, t);
        int ones = e.binary(BinaryFn.LT, u, s.lowering().as(p, d));
        return new Tensor(t, e.cast(ones, d));
    }

    /**
     * {@code torch.nn.functional.dropout(x, p)} in training: {@code x * mask / (1 - p)} as ATen
     * computes it, the mask scaled first ({@code noise = bernoulli(1 - p) / (1 - p)}, then
     * {@code x * noise}): each element is {@code x * (1 / (1 - p))} where the uniform draw u has
     * u >= p, and {@code x * 0} elsewhere. p is a constant in [0, 1); p = 0 is x itself, with no draw.
     * Only in training: the result is {@code where(training, masked, x)}, which the mode's program
     * folds to one branch ({@code passes.ModeSpecialization}), so evaluation is x, its draw dead.
     */
    private static Value dropout(Site s) {
        if (inInitializer(s)) return Value.POISON;
        Tensor x = s.floating("x");
        Double p = s.constNumber("p", null);
        if (x == null || p == null) return Value.POISON;
        if (!(p >= 0 && p < 1)) {
            return s.fail("p", "the drop probability of 'dropout' must be in [0, 1), found " + s.args.get("p").expr().span().text(),
                    "dropout zeroes each element with probability p and scales the rest by 1 / (1 - p)");
        }
        if (p == 0) return x;
        TensorType t = strong(x.type());
        int masked = masked(s, x, p);
        Emitter e = s.at();
        return new Tensor(t, e.where(e.training(), masked, s.lowering().as(x, t.dtype())));
    }

    /** The node of {@code x * where(u >= p, 1 / (1 - p), 0)}, u a fresh uniform draw of x's shape. */
    static int masked(Site s, Tensor x, double p) {
        TensorType t = strong(x.type());
        DType d = t.dtype();
        Emitter e = s.at();
        int u = draw(s, false, t);
        // ATen's noise.div_(1 - p): 1 - p in double (Python), rounded to the dtype, then divided in it.
        double scale = d == DType.F32 ? (float) (1 / (double) (float) (1 - p)) : 1 / (1 - p);
        int kept = e.binary(BinaryFn.GE, u, e.full(d == DType.F32 ? (float) p : p, d, Shape.SCALAR));
        int noise = e.where(kept, e.full(scale, d, Shape.SCALAR), e.full(0, d, Shape.SCALAR));
        return e.mul(s.lowering().as(x, d), noise);
    }

    private static int draw(Site s, boolean normal, TensorType t) {
        return s.at().draw(normal, s.lowering().nextStepDraw(), t);
    }

    /** A literal's weak type made concrete (f32, PyTorch's default float), so a draw's dtype is fixed by its call alone. */
    private static TensorType strong(TensorType t) {
        return t.weak() ? TensorType.of(DType.F32, t.shape()) : t;
    }

    private static boolean inInitializer(Site s) {
        if (s.env.initTarget() == null) return false;
        s.fail(null, "'" + s.name + "' draws in the training step, not in a param initializer",
                "an initializer draws with rand(), randn(), uniform(lo, hi) or normal(mean, std)");
        return true;
    }
}
