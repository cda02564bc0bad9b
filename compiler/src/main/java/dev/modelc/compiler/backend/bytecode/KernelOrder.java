package dev.modelc.compiler.backend.bytecode;

import dev.modelc.compiler.kernel.Affine;
import dev.modelc.compiler.kernel.Expr;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.Let;
import dev.modelc.compiler.types.Dim;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** What a loop kernel touches: the order of its buffers in the {@code Object[]} it is given, and the sizes it uses. */
public final class KernelOrder {
    private KernelOrder() {
    }

    /** The buffers it reads, then those it writes (if not also read): its store, then its reduction's stores per position. */
    public static List<Integer> of(Kernel.Loop loop) {
        LinkedHashSet<Integer> out = new LinkedHashSet<>(loop.reads());
        out.addAll(loop.written());
        return new ArrayList<>(out);
    }

    /** The buffers it reads, then those it writes, in the order of its accumulators. */
    public static List<Integer> of(Kernel.Reductions r) {
        LinkedHashSet<Integer> out = new LinkedHashSet<>(r.reads());
        out.addAll(r.written());
        return new ArrayList<>(out);
    }

    /** Every size its row loop, its means and its tail use. */
    public static List<Dim> dims(Kernel.Reductions r) {
        LinkedHashSet<Dim> out = new LinkedHashSet<>(dims(r.rowLoop()));
        for (Kernel.Accumulator a : r.accumulators()) out.add(a.count());
        for (Kernel.Loop t : r.tail()) out.addAll(dims(t));
        return new ArrayList<>(out);
    }

    /** Every size in the loop: extents, index coefficients and offsets, the reduction's count, and the outer layout. */
    public static List<Dim> dims(Kernel.Loop loop) {
        LinkedHashSet<Dim> out = new LinkedHashSet<>(loop.outer());
        List<Let> all = new ArrayList<>(loop.body());
        loop.reduction().ifPresent(r -> {
            out.addAll(r.inner());
            out.add(r.count());
            all.addAll(r.body());
        });
        Dim stride = Dim.of(1);
        for (int a = loop.outer().size() - 1; a >= 0; a--) {
            out.add(stride);
            stride = stride.times(loop.outer().get(a));
        }
        out.add(stride);
        for (Let l : all) {
            Affine index = switch (l.expr()) {
                case Expr.Load ld -> ld.index();
                case Expr.Position p -> p.index();
                default -> null;
            };
            if (l.expr() instanceof Expr.SizeOf z) out.add(z.size());
            if (index != null) {
                out.add(index.offset());
                out.addAll(index.coefs());
            }
        }
        return new ArrayList<>(out);
    }
}
