package dev.modelc.compiler.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The text form of a kernel plan, for golden tests and {@code modelc graph --kernels}: buffers,
 * then each kernel with its loop nest and lets, then the results.
 *
 * <pre>
 * k1 loop [N, 2] flat  # crop_yield.model:9
 *   v0: f32 = load %3[2*i0 + i1]
 *   v2: f32 = add v0 v1
 *   v3: f32 = exp v2 in f64
 *   store %4 = v3
 * </pre>
 *
 * A {@link Kernel.Reductions} prints its row lets, then a line per result element: the
 * reduction and the terms each row folds ({@code %5[0] = mean v24 v30 / 2*N}), then its tail's
 * loops, each line after {@code then}.
 *
 * A function let says {@code in f64} when the kernel IR computes it in f64 and rounds it once to
 * its own dtype ({@link Arithmetic}); the others are computed in their dtype.
 */
public final class PlanPrinter {
    private PlanPrinter() {
    }

    public static String print(KernelPlan plan) {
        StringBuilder s = new StringBuilder();
        s.append("plan ").append(plan.name());
        if (!plan.symbols().isEmpty()) s.append(" (").append(String.join(", ", plan.symbols())).append(')');
        s.append('\n');
        for (Buffer b : plan.buffers()) {
            s.append("  %").append(b.id()).append(' ').append(b.kind().name().toLowerCase()).append(' ').append(b.name())
                    .append(": ").append(b.dtype().spelling()).append(b.shape());
            if (b.slot() >= 0) s.append(" slot ").append(b.slot());
            s.append('\n');
        }
        for (Kernel k : plan.kernels()) print(s, k);
        s.append("results\n");
        for (KernelPlan.Result r : plan.results()) {
            s.append("  ").append(r.output().role().name().toLowerCase()).append(' ').append(r.output().name())
                    .append(" = %").append(r.buffer()).append('\n');
        }
        return s.toString();
    }

    private static void print(StringBuilder s, Kernel k) {
        String where = k.span() == null ? "" : "  # " + k.span().source().name() + ":" + k.span().line();
        switch (k) {
            case Kernel.MatMul m -> s.append(m.name()).append(" matmul %").append(m.out()).append(" = %").append(m.a())
                    .append(m.transA() ? "^T" : "").append(" @ %").append(m.b()).append(m.transB() ? "^T" : "")
                    .append(" [batch ").append(m.batch()).append(", n ").append(m.n()).append(", k ").append(m.k())
                    .append(", m ").append(m.m()).append(']').append(where).append('\n');
            case Kernel.Call c -> s.append(c.name()).append(" call ").append(c.op().label()).append(" %").append(c.out())
                    .append(" = ").append(c.inputs().stream().map(i -> "%" + i).collect(Collectors.joining(", ")))
                    .append(where).append('\n');
            case Kernel.Reductions r -> {
                s.append(r.name()).append(" reductions over [").append(r.rows()).append(']').append(where).append('\n');
                List<String> names = List.of("j0");
                for (Let let : r.body()) s.append("    ").append(let(let, names)).append('\n');
                for (Kernel.Accumulator a : r.accumulators()) {
                    s.append("  %").append(a.buffer()).append('[').append(a.element()).append("] = ")
                            .append(a.fn().name().toLowerCase()).append(' ')
                            .append(a.terms().stream().map(t -> "v" + t).collect(Collectors.joining(" ")));
                    if (a.fn() == dev.modelc.compiler.graph.ReduceFn.MEAN) s.append(" / ").append(a.count());
                    s.append('\n');
                }
                for (Kernel.Loop t : r.tail()) {
                    StringBuilder loop = new StringBuilder();
                    print(loop, t);
                    List<String> lines = loop.toString().lines().toList();
                    s.append("  then ").append(lines.getFirst()).append('\n');
                    lines.subList(1, lines.size()).forEach(line -> s.append("    ").append(line).append('\n'));
                }
            }
            case Kernel.Loop l -> {
                List<String> names = variableNames(l);
                s.append(l.name()).append(" loop ").append(l.outer());
                if (l.flat() && l.outer().size() > 1) s.append(" flat");
                l.reduction().ifPresent(r -> {
                    s.append(" reduce ").append(r.fn().name().toLowerCase()).append(" over ").append(r.inner());
                    if (r.flat() && r.inner().size() > 1) s.append(" flat");
                });
                s.append(where).append('\n');
                l.reduction().ifPresent(r -> {
                    for (Let let : r.body()) s.append("    ").append(let(let, names)).append('\n');
                    s.append("    fold v").append(r.value()).append('\n');
                    for (Store each : r.each()) s.append("    store %").append(each.buffer()).append(" = v").append(each.value()).append('\n');
                });
                for (Let let : l.body()) s.append("  ").append(let(let, names)).append('\n');
                s.append("  store %").append(l.store().buffer()).append(" = v").append(l.store().value()).append('\n');
            }
        }
    }

    /** {@code i0, i1} for the outer loops, {@code j0, ...} for the reduced ones. */
    static List<String> variableNames(Kernel.Loop l) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < l.outer().size(); i++) names.add("i" + i);
        l.reduction().ifPresent(r -> {
            for (int j = 0; j < r.inner().size(); j++) names.add("j" + j);
        });
        return names;
    }

    private static String let(Let let, List<String> names) {
        String rhs = switch (let.expr()) {
            case Expr.Load ld -> "load %" + ld.buffer() + "[" + ld.index().render(names) + "]";
            case Expr.Constant c -> "const " + number(c.value());
            case Expr.SizeOf z -> "size " + z.size();
            case Expr.Position p -> "position " + p.index().render(names);
            case Expr.Unary u -> u.fn().spelling() + " v" + u.x() + in(u.arithmetic(), let);
            case Expr.Binary b -> b.fn().spelling() + " v" + b.a() + " v" + b.b() + in(b.arithmetic(), let);
            case Expr.Select w -> "where v" + w.mask() + " v" + w.a() + " v" + w.b();
            case Expr.Convert c -> "convert v" + c.x();
            case Expr.Accumulated a -> "accumulated";
        };
        return "v" + let.id() + ": " + let.dtype().spelling() + " = " + rhs;
    }

    /**
     * {@code " in f64"} where the arithmetic shows: an f32 or i32 let computed in f64 and rounded
     * once (exp of an f32, an i32 sum wrapped). An f64 let is computed in its own dtype, and a
     * bool is 0 or 1 whatever a comparison is computed in, so neither says it.
     */
    private static String in(Arithmetic arithmetic, Let let) {
        return switch (arithmetic) {
            case F32 -> "";
            case F64 -> switch (let.dtype()) {
                case F32, I32 -> " in f64";
                case F64, BOOL -> "";
            };
        };
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }
}
