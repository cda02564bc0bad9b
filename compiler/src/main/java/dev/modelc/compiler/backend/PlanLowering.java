package dev.modelc.compiler.backend;

import dev.modelc.compiler.backend.bytecode.KernelOrder;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.graph.IndexSite;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.kernel.Buffer;
import dev.modelc.compiler.kernel.IndexRange;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.runtime.model.Size;
import dev.modelc.runtime.plan.LibraryCall;
import dev.modelc.runtime.plan.Plan;
import dev.modelc.runtime.plan.SizeExpr;
import dev.modelc.runtime.plan.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link KernelPlan} as the runtime's {@link Plan}: the one place compiler types become the
 * data every backend's {@code PlanRunner} runs. Sizes become {@link SizeExpr}s over the plan's
 * symbols, each loop the number of the kernel the backend compiles for it (its buffers in
 * {@link KernelOrder}), each library call its {@link LibraryCall}, and the index limits the
 * ones {@link IndexRange} finds (a constant one past an int is refused here, at compile time).
 */
public final class PlanLowering {
    private final KernelPlan plan;
    private final boolean split;

    private PlanLowering(KernelPlan plan, boolean split) {
        this.plan = plan;
        this.split = split;
    }

    /** The plan, a reduction of everything to one value folded in chunks on all cores (see {@link Step.Loop#split}). */
    public static Plan lower(KernelPlan plan) {
        return lower(plan, true);
    }

    /** The plan; {@code split} says whether the backend's loops fold full reductions in chunks (the Java source's do not). */
    public static Plan lower(KernelPlan plan, boolean split) {
        return new PlanLowering(plan, split).lower();
    }

    private Plan lower() {
        List<Plan.Buffer> buffers = new ArrayList<>();
        for (Buffer b : plan.buffers()) {
            List<Size> declared = b.shape().dims().stream().map(PlanLowering::size).toList();
            buffers.add(new Plan.Buffer(b.id(), b.name(), kind(b.kind()), b.dtype(), declared, shape(b.shape()), b.slot(),
                    b.values(), plan.isWitness(b)));
        }
        List<Step> steps = new ArrayList<>();
        int loops = 0;
        for (Kernel k : plan.kernels()) {
            steps.add(switch (k) {
                case Kernel.Loop l -> loop(l, loops++);
                case Kernel.Reductions r -> reductions(r, loops++);
                case Kernel.MatMul m -> new Step.MatMul(m.name(), m.a(), m.b(), m.out(), expr(m.batch()), expr(m.n()),
                        expr(m.k()), expr(m.m()), m.transA(), m.transB(), m.dtype());
                case Kernel.Call c -> new Step.Call(c.name(), call(c.op(), c.span()), c.inputs().stream().mapToInt(Integer::intValue).toArray(),
                        c.inputShapes().stream().map(this::shape).toList(), c.out(), shape(c.outShape()));
            });
        }
        List<Plan.Result> results = plan.results().stream().map(r -> new Plan.Result(r.output().name(),
                Plan.Role.valueOf(r.output().role().name()), r.buffer(), shape(r.shape()))).toList();
        List<Plan.Limit> limits = IndexRange.limits(plan).stream().map(l -> new Plan.Limit(l.what(), expr(l.offset()),
                l.coefs().stream().map(this::expr).toList(), l.extents().stream().map(this::expr).toList())).toList();
        List<Plan.Window> windows = plan.windows().stream().map(w -> new Plan.Window(w.what(), w.axis(), expr(w.start()), w.step(),
                expr(w.length()), expr(w.size()))).toList();
        List<Plan.Requirement> requirements = plan.requirements().stream().map(r -> new Plan.Requirement(r.what(), expr(r.count()),
                r.atLeast(), r.shape().stream().map(this::expr).toList())).toList();
        return new Plan(plan.name(), plan.symbols(), buffers, plan.slots(), steps, results, limits, windows, requirements);
    }

    private Step.Loop loop(Kernel.Loop l, int kernel) {
        Dim elements = Dim.of(1);
        for (Dim d : l.outer()) elements = elements.times(d);
        Dim range = l.flat() || l.outer().isEmpty() ? elements : l.outer().getFirst();
        Dim inner = l.reduction().map(Kernel.Reduction::count).orElse(Dim.of(1));
        int reductionLets = l.reduction().map(r -> r.body().size()).orElse(0);
        int[] buffers = KernelOrder.of(l).stream().mapToInt(Integer::intValue).toArray();
        return new Step.Loop(l.name(), kernel, buffers, l.writes(), expr(elements), expr(range), expr(inner),
                l.body().size() + reductionLets, reductionLets, split && l.isSplittable());
    }

    /**
     * Several reductions over the same rows: always folded in chunks of rows, on every JVM
     * backend (so the Java source's give the bytecode's bits), one partial per accumulator.
     */
    private Step.Loop reductions(Kernel.Reductions r, int kernel) {
        int[] buffers = KernelOrder.of(r).stream().mapToInt(Integer::intValue).toArray();
        int tail = r.tail().stream().mapToInt(t -> t.body().size()).sum();
        return new Step.Loop(r.name(), kernel, buffers, r.writes(), expr(Dim.of(1)), expr(Dim.of(1)), expr(r.rows()),
                r.body().size() + tail, r.body().size(), true, r.accumulators().size());
    }

    private LibraryCall call(Op op, Span span) {
        return switch (op) {
            case Op.Softmax s -> new LibraryCall.Softmax(s.axis(), s.log());
            // the one reduction a call runs (the others are loops)
            case Op.Reduce r -> new LibraryCall.LogSumExp(r.axes().stream().mapToInt(Integer::intValue).toArray());
            case Op.ArgReduce a -> new LibraryCall.ArgReduce(a.max(), a.axis());
            case Op.Pad p -> new LibraryCall.Pad(p.starts().stream().map(this::expr).toList(),
                    p.steps().stream().mapToLong(Long::longValue).toArray());
            case Op.Concat c -> new LibraryCall.Concat(c.axis());
            case Op.OneHot o -> new LibraryCall.OneHot(o.classes());
            case Op.IndexSelect i -> new LibraryCall.IndexSelect(IndexSite.describe(span));
            case Op.IndexAdd i -> new LibraryCall.IndexAdd(IndexSite.describe(span));
            case Op.Gather gt -> new LibraryCall.Gather(gt.axis(), IndexSite.describe(span));
            case Op.ScatterAdd sa -> new LibraryCall.ScatterAdd(sa.axis(), IndexSite.describe(span));
            case Op.Conv c -> new LibraryCall.Conv(c.conv());
            case Op.MaxPool m -> new LibraryCall.MaxPool(m.pool());
            case Op.Random r -> new LibraryCall.Random(r.distribution() == Op.Random.Distribution.NORMAL, r.a(), r.b(), r.stream());
            case Op.Draw r -> new LibraryCall.Draw(r.normal(), r.site());
            default -> throw new IllegalStateException("no library call for " + op.label());
        };
    }

    private SizeExpr expr(Dim d) {
        return SizeExpr.of(size(d), plan.symbols());
    }

    private List<SizeExpr> shape(Shape s) {
        return s.dims().stream().map(this::expr).toList();
    }

    /** {@code d} as the runtime spells sizes ({@link Dim#toSize}, and a negative constant as a one-term polynomial: an index offset may be one). */
    static Size size(Dim d) {
        if (d.isConstant() && d.constant() < 0) return new Size.Polynomial(List.of(new Size.Term(d.constant(), List.of())));
        return d.toSize();
    }

    private static Plan.Kind kind(Buffer.Kind k) {
        return switch (k) {
            case INPUT -> Plan.Kind.INPUT;
            case PARAM -> Plan.Kind.PARAM;
            case CONSTANT -> Plan.Kind.CONSTANT;
            case TEMP -> Plan.Kind.TEMPORARY;
        };
    }
}
