package dev.modelc.compiler.backend.bytecode;

import dev.modelc.compiler.kernel.Affine;
import dev.modelc.compiler.kernel.Buffer;
import dev.modelc.compiler.kernel.Expr;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.Let;
import java.util.ArrayList;
import java.util.List;

/**
 * When the step loop may write a param's new value straight into the param ({@link StepLoop}):
 * {@code w - lr * grad} computed by one elementwise loop that reads {@code w} only at the
 * position it writes, after every other reader of {@code w}. Each position is then read before
 * it is overwritten, by the same thread, and no later kernel needs the old value, so the step
 * gives the values it gave with a temporary and a copy, without the copy (a pass over the
 * param: 800 KB for the perceptron's first layer). Not when a rule reads the param's old value
 * after the step ({@code update b = a}), nor when two rules share the result (equal expressions
 * merged into one buffer).
 */
final class InPlaceUpdates {
    private InPlaceUpdates() {
    }

    /** Whether the kernel writing temporary {@code result} may write it into param {@code param}'s storage. */
    static boolean fits(KernelPlan plan, int result, int param) {
        Buffer r = plan.buffer(result), p = plan.buffer(param);
        if (r.kind() != Buffer.Kind.TEMP || p.kind() != Buffer.Kind.PARAM || r.dtype() != p.dtype() || !r.shape().equals(p.shape())) {
            return false;
        }
        // A rule that takes the param's current value as another's new one (update b = a) reads
        // it after the step: it must still be the old value then.
        // Two rules with the same expression share one result buffer (the graph merges equal
        // expressions): it cannot be both params' storage, so neither rule writes in place.
        int rules = 0;
        for (KernelPlan.Result res : plan.results()) {
            if (res.buffer() == param) return false;
            if (res.buffer() == result) rules++;
        }
        if (rules > 1) return false;
        int writer = -1;
        List<Kernel> kernels = plan.kernels();
        for (int k = 0; k < kernels.size(); k++) {
            if (kernels.get(k).written().contains(result)) {
                if (writer >= 0) return false;
                writer = k;
            }
        }
        if (writer < 0 || !(kernels.get(writer) instanceof Kernel.Loop loop) || loop.reduction().isPresent()) return false;
        for (int k = writer + 1; k < kernels.size(); k++) {
            if (kernels.get(k).reads().contains(param)) return false;
        }
        Affine own = own(loop);
        for (Let l : loop.body()) {
            if (l.expr() instanceof Expr.Load ld && ld.buffer() == param && !ld.index().equals(own)) return false;
        }
        return true;
    }

    /** The loop's own position as an index (the one its store writes at). */
    private static Affine own(Kernel.Loop loop) {
        int vars = loop.variables();
        List<Affine> pos = new ArrayList<>();
        for (int a = 0; a < loop.outer().size(); a++) pos.add(Affine.variable(a, vars));
        return Affine.flat(pos, loop.outer(), vars);
    }
}
