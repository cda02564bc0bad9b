package dev.modelc.compiler.kernel;

import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.runtime.exec.ExecutionError;
import dev.modelc.runtime.exec.Shapes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The quantities a plan's kernels hold in Java ints, each of which must stay at most
 * 2^31 - 1: a temporary's element count (a JVM array), a loop's extents, the count of a flat
 * reduction, and the largest position a position ({@code arange}) let computes. Reads of
 * buffers need no limit: their indices stay below the length of an array that exists. A plan
 * whose sizes pass a limit is refused, with the line and the number, before anything runs:
 * an int that wrapped around would give a wrong number, not an error.
 */
public final class IndexRange {
    /** The largest int: the most elements a JVM array holds, the last value of an int loop counter plus one. */
    public static final long MAX = Integer.MAX_VALUE;

    private IndexRange() {
    }

    /**
     * One quantity: {@code |offset| + sum over v of |coefs[v]| * (extents[v] - 1)}, the largest
     * value of an affine index over its loops; a plain size has no coefficients.
     *
     * @param what what it is and where, to name it in the error ({@code crop.model:3: axis 2 of the reduction over [N, 3, 3000000000]})
     */
    public record Limit(String what, Dim offset, List<Dim> coefs, List<Dim> extents) {
        public Limit {
            coefs = List.copyOf(coefs);
            extents = List.copyOf(extents);
        }

        static Limit size(String what, Dim size) {
            return new Limit(what, size, List.of(), List.of());
        }

        /** The value with every size evaluated by {@code eval}, saturating at Long.MAX_VALUE. */
        public long value(ToLongFunction<Dim> eval) {
            long total = Math.abs(eval.applyAsLong(offset));
            for (int v = 0; v < coefs.size(); v++) {
                long c = Math.abs(eval.applyAsLong(coefs.get(v))), e = Math.max(0, eval.applyAsLong(extents.get(v)) - 1);
                long term = Math.multiplyHigh(c, e) != 0 ? Long.MAX_VALUE : c * e;
                total = term < 0 || total > Long.MAX_VALUE - term ? Long.MAX_VALUE : total + term;
            }
            return total;
        }

        public boolean isConstant() {
            return offset.isConstant() && coefs.stream().allMatch(Dim::isConstant) && extents.stream().allMatch(Dim::isConstant);
        }

        /** The error for a value past {@link #MAX}. */
        public ExecutionError error(long value) {
            return Shapes.tooLarge(what, value);
        }
    }

    /**
     * The plan's limits that its sizes do not already guarantee: a constant one is checked here
     * (and refused at once), and a plain size that is the product of some axes of an input or
     * param is at most that tensor's element count, so it fits.
     */
    public static List<Limit> limits(KernelPlan plan) {
        List<Limit> out = new ArrayList<>();
        Map<List<String>, Long> bounds = externalBounds(plan);
        for (Limit l : all(plan)) {
            if (l.isConstant()) {
                long v = l.value(Dim::constant);
                if (v > MAX) throw l.error(v);
            } else if (!(l.coefs().isEmpty() && withinAnExternal(bounds, l.offset()))) {
                out.add(l);
            }
        }
        return out;
    }

    private static List<Limit> all(KernelPlan plan) {
        List<Limit> out = new ArrayList<>();
        for (Kernel k : plan.kernels()) {
            String at = where(k.span());
            Buffer written = plan.buffer(k.writes());
            out.add(Limit.size(at + "the number of elements of a value of shape " + written.shape(), written.shape().numel()));
            if (k instanceof Kernel.Reductions r) {
                for (Kernel.Loop t : r.tail()) {
                    Buffer tw = plan.buffer(t.writes());
                    out.add(Limit.size(at + "the number of elements of a value of shape " + tw.shape(), tw.shape().numel()));
                }
                out.add(Limit.size(at + "the rows of the reductions over " + r.rows(), r.rows()));
                for (Let let : r.body()) {
                    if (let.expr() instanceof Expr.Position p) {
                        out.add(new Limit(at + "the largest position (arange) of the loop", p.index().offset(), p.index().coefs(),
                                List.of(r.rows())));
                    }
                }
            }
            if (!(k instanceof Kernel.Loop l)) continue;
            List<Dim> extents = new ArrayList<>(l.outer());
            for (int a = 0; a < l.outer().size(); a++) {
                out.add(Limit.size(at + "axis " + a + " of the loop over " + new Shape(l.outer()), l.outer().get(a)));
            }
            List<Let> lets = new ArrayList<>(l.body());
            l.reduction().ifPresent(r -> {
                extents.addAll(r.inner());
                lets.addAll(r.body());
                String over = r.fn().name().toLowerCase(Locale.ROOT) + " over " + new Shape(r.inner());
                for (int a = 0; a < r.inner().size(); a++) out.add(Limit.size(at + "axis " + a + " of the " + over, r.inner().get(a)));
                if (r.flat()) out.add(Limit.size(at + "the number of elements of the " + over, r.count()));
            });
            for (Let let : lets) {
                if (let.expr() instanceof Expr.Position p) {
                    out.add(new Limit(at + "the largest position (arange) of the loop", p.index().offset(), p.index().coefs(),
                            extents));
                }
            }
        }
        return out;
    }

    private static String where(Span s) {
        if (s == null) return "";
        String name = s.source().name();
        return name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1) + ":" + s.line() + ": ";
    }

    /**
     * For every product of some axes of an input or param (whose tensor exists, so the product
     * fits in an int) that is a monomial, its symbols and the largest coefficient seen:
     * {@code [N] -> 3} given {@code x: [N, 3]}.
     */
    private static Map<List<String>, Long> externalBounds(KernelPlan plan) {
        Map<List<String>, Long> out = new HashMap<>();
        for (Buffer b : plan.external()) {
            // A witness may be left out (see KernelPlan.isWitness): its tensor need not exist.
            if (plan.isWitness(b)) continue;
            List<Dim> dims = b.shape().dims();
            if (dims.size() > 16) continue;
            for (int mask = 1; mask < 1 << dims.size(); mask++) {
                Dim p = Dim.of(1);
                for (int a = 0; a < dims.size(); a++) if ((mask & 1 << a) != 0) p = p.times(dims.get(a));
                if (p.terms().size() != 1) continue;
                var term = p.terms().entrySet().iterator().next();
                out.merge(term.getKey(), term.getValue(), Math::max);
            }
        }
        return out;
    }

    /** Whether {@code size} is a monomial at most one of the {@link #externalBounds}: {@code 2*N} given {@code x: [N, 3]}. */
    private static boolean withinAnExternal(Map<List<String>, Long> bounds, Dim size) {
        if (size.terms().size() != 1) return false;
        var term = size.terms().entrySet().iterator().next();
        Long bound = bounds.get(term.getKey());
        return bound != null && bound >= term.getValue();
    }
}
