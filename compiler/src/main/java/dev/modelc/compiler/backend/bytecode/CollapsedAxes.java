package dev.modelc.compiler.backend.bytecode;

import dev.modelc.compiler.kernel.Affine;
import dev.modelc.compiler.kernel.Expr;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.Let;
import dev.modelc.compiler.types.Dim;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A loop with adjacent axes that every access reads as one (the bias and relu of a
 * convolution over {@code [B, C, H, W]}: the image read at {@code 28*i2 + i3}, the bias at
 * {@code i1} alone) rendered as a loop over the axes merged ({@code [B, C, H*W]}): the same
 * positions in the same order, so the same values, with a long last axis for
 * {@link VectorLanes#fitsRows} and one loop level fewer. The first axis is kept as it is, since
 * the runner splits a loop's range along it across cores.
 */
final class CollapsedAxes {
    private CollapsedAxes() {
    }

    /**
     * {@code loop} with outer axes {@code a} and {@code a + 1} merged wherever every index allows
     * it (a ≥ 1), and likewise the axes of its reduction's loop nest (a channel's sum over
     * {@code [B, H, W]} runs over {@code [B, H*W]}); the loop itself when none does.
     */
    static Kernel.Loop of(Kernel.Loop loop) {
        if (loop.flat() || loop.isSplittable()) return loop;
        if (loop.reduction().isPresent() && !loop.reduction().get().each().isEmpty()) return loop;
        Kernel.Loop out = loop;
        for (int a = out.outer().size() - 2; a >= 1; a--) {
            if (mergeable(out, a, out.outer().get(a + 1))) out = merged(out, a);
        }
        if (out.reduction().isPresent() && !out.reduction().get().flat()) {
            for (int b = out.reduction().get().inner().size() - 2; b >= 0; b--) {
                int v = out.outer().size() + b;
                if (mergeable(out, v, out.reduction().get().inner().get(b + 1))) out = merged(out, v);
            }
        }
        return out;
    }

    /** Whether every index moves by variable {@code v} as by {@code next} (the next variable's extent) steps of variable {@code v + 1}. */
    private static boolean mergeable(Kernel.Loop loop, int v, Dim next) {
        List<Let> all = new ArrayList<>(loop.body());
        loop.reduction().ifPresent(r -> all.addAll(r.body()));
        for (Let l : all) {
            Affine index = switch (l.expr()) {
                case Expr.Load ld -> ld.index();
                case Expr.Position p -> p.index();
                default -> null;
            };
            if (index != null && !index.coefs().get(v).equals(index.coefs().get(v + 1).times(next))) return false;
        }
        return true;
    }

    /** Variables {@code v} and {@code v + 1} as one (outer ones, or two of the reduction's). */
    private static Kernel.Loop merged(Kernel.Loop loop, int v) {
        int r = loop.outer().size();
        List<Dim> outer = new ArrayList<>(loop.outer());
        if (v < r) {
            outer.set(v, outer.get(v).times(outer.get(v + 1)));
            outer.remove(v + 1);
        }
        Optional<Kernel.Reduction> reduction = loop.reduction().map(red -> {
            List<Dim> inner = new ArrayList<>(red.inner());
            if (v >= r) {
                inner.set(v - r, inner.get(v - r).times(inner.get(v - r + 1)));
                inner.remove(v - r + 1);
            }
            return new Kernel.Reduction(red.fn(), inner, merged(red.body(), v), red.value(), red.flat(), red.each());
        });
        return new Kernel.Loop(loop.name(), outer, reduction, merged(loop.body(), v), loop.store(), loop.flat(), loop.span());
    }

    private static List<Let> merged(List<Let> lets, int v) {
        List<Let> out = new ArrayList<>();
        for (Let l : lets) {
            Expr e = switch (l.expr()) {
                case Expr.Load ld -> new Expr.Load(ld.buffer(), merged(ld.index(), v));
                case Expr.Position p -> new Expr.Position(merged(p.index(), v));
                default -> l.expr();
            };
            out.add(new Let(l.id(), l.dtype(), e, l.node()));
        }
        return out;
    }

    /** The index over the merged variables: the merged one steps as variable {@code v + 1} did. */
    private static Affine merged(Affine index, int v) {
        List<Dim> coefs = new ArrayList<>(index.coefs());
        coefs.remove(v);
        return new Affine(index.offset(), coefs);
    }
}
