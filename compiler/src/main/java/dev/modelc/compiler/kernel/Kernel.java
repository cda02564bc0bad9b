package dev.modelc.compiler.kernel;

import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.graph.ReduceFn;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.runtime.DType;
import java.util.List;
import java.util.Optional;

/** One step of a {@link KernelPlan}: a fused loop, a matrix product, or a library call. */
public sealed interface Kernel {
    /** {@code k3}: its position in the plan. */
    String name();

    /** The source line(s) it came from, for comments in generated code. */
    Span span();

    /** Buffers it reads. */
    List<Integer> reads();

    /** The buffer it writes (the first, for a kernel that writes several). */
    int writes();

    /** Every buffer it writes. */
    default List<Integer> written() {
        return List.of(writes());
    }

    /**
     * A loop nest over {@code outer} (row-major) computing {@code body} at every position and
     * storing to the loop's output; with a reduction, an inner loop nest over {@code inner}
     * folds {@link Reduction#body} into an accumulator first, which the body reads as
     * {@link Expr.Accumulated}. Loop variables are numbered outer first, then inner.
     *
     * @param flat whether every access is either the loop's own position or a broadcast
     *             scalar, so the loops may run as one flat loop over the elements (what C2
     *             vectorizes best); for a reduction, this is about the inner loops
     */
    record Loop(String name, List<Dim> outer, Optional<Reduction> reduction, List<Let> body, Store store,
                boolean flat, Span span) implements Kernel {
        public Loop {
            outer = List.copyOf(outer);
            body = List.copyOf(body);
        }

        public List<Integer> reads() {
            java.util.LinkedHashSet<Integer> out = new java.util.LinkedHashSet<>();
            reduction.ifPresent(r -> r.body().forEach(l -> {
                if (l.expr() instanceof Expr.Load ld) out.add(ld.buffer());
            }));
            for (Let l : body) if (l.expr() instanceof Expr.Load ld) out.add(ld.buffer());
            return List.copyOf(out);
        }

        public int writes() {
            return store.buffer();
        }

        /** The loop's store, then those its reduction makes at each inner position (see {@link Reduction#each}). */
        public List<Integer> written() {
            java.util.LinkedHashSet<Integer> out = new java.util.LinkedHashSet<>();
            out.add(store.buffer());
            reduction.ifPresent(r -> r.each().forEach(s -> out.add(s.buffer())));
            return List.copyOf(out);
        }

        public int variables() {
            return outer.size() + reduction.map(r -> r.inner().size()).orElse(0);
        }

        /**
         * Whether this reduces everything to one value over a flat inner loop: such a loop may
         * be folded in chunks on several cores (see {@code Parallel.REDUCTION_CHUNK}).
         */
        public boolean isSplittable() {
            return outer.isEmpty() && reduction.map(Reduction::flat).orElse(false);
        }
    }

    /**
     * An inner loop nest folding one value per position with {@code fn} (sum, mean, max or min),
     * in f64, in row-major order: the interpreter's order, so sums come out the same.
     *
     * @param each elementwise results computed in the same pass (fusion's multi-output loops:
     *             {@code f = sum(q)} and {@code dx}, which reads q's producers, over the same
     *             positions), each let stored at the inner position, which is then the
     *             result's own flat position; only in a full, flat reduction (no outer axes),
     *             and only in the JVM plans (see {@code Fusion})
     */
    record Reduction(ReduceFn fn, List<Dim> inner, List<Let> body, int value, boolean flat, List<Store> each) {
        public Reduction {
            inner = List.copyOf(inner);
            body = List.copyOf(body);
            each = List.copyOf(each);
        }

        /** A reduction that stores nothing per position. */
        public Reduction(ReduceFn fn, List<Dim> inner, List<Let> body, int value, boolean flat) {
            this(fn, inner, body, value, flat, List.of());
        }

        /** How many values each position folds (the divisor of a mean). */
        public Dim count() {
            Dim c = Dim.of(1);
            for (Dim d : inner) c = c.times(d);
            return c;
        }
    }

    /**
     * {@code out = op(a) @ op(b)} over {@code batch} stacked matrices, a being {@code [n, k]}
     * and b {@code [k, m]} after the optional transposes of their last two axes (which are read
     * in place rather than copied).
     */
    record MatMul(String name, int a, int b, int out, Dim batch, Dim n, Dim k, Dim m, boolean transA, boolean transB,
                  DType dtype, Span span) implements Kernel {
        public List<Integer> reads() {
            return List.of(a, b);
        }

        public int writes() {
            return out;
        }
    }

    /** An op run by the runtime's {@code Library} on whole buffers (softmax, pad, concat, argmax, one-hot, random, logsumexp, the index ops). */
    record Call(String name, Op op, List<Integer> inputs, List<Shape> inputShapes, int out, Shape outShape,
                Span span) implements Kernel {
        public Call {
            inputs = List.copyOf(inputs);
            inputShapes = List.copyOf(inputShapes);
        }

        public List<Integer> reads() {
            return inputs;
        }

        public int writes() {
            return out;
        }
    }

    /**
     * Several reductions over the same rows folded in one pass, so the rows are read once (the
     * loss, the weight-gradient sums and the bias sums of a regression step): one loop over
     * {@code rows} (loop variable {@code j0}) computes {@code body} per row, and each
     * {@link Accumulator} folds its terms in f64 into one element of a small result. Each
     * accumulator sees its terms in the interpreter's order (rows in order, a row's terms in
     * order), so a sum of at most {@code Parallel.REDUCTION_CHUNK} rows gives the interpreter's
     * bits; longer ones fold chunks of rows on several cores and then the chunks in order, as a
     * split {@link Loop} does.
     *
     * @param tail small loops (a few constant elements, no reduction) that follow in the plan,
     *             run in order on one thread once the accumulators are stored: a training step's
     *             updates of its weights from their gradient sums, so that the whole step of a
     *             small model is one kernel (the seed's regression: its dispatch, not its 15
     *             rows, was most of a step's time)
     */
    record Reductions(String name, Dim rows, List<Let> body, List<Accumulator> accumulators, List<Loop> tail, Span span)
            implements Kernel {
        public Reductions {
            body = List.copyOf(body);
            accumulators = List.copyOf(accumulators);
            tail = List.copyOf(tail);
        }

        /** The buffers its rows and its tail read, those it writes itself included (a tail reads the sums). */
        public List<Integer> reads() {
            java.util.LinkedHashSet<Integer> out = new java.util.LinkedHashSet<>();
            for (Let l : body) if (l.expr() instanceof Expr.Load ld) out.add(ld.buffer());
            for (Loop t : tail) out.addAll(t.reads());
            return List.copyOf(out);
        }

        public int writes() {
            return accumulators.getFirst().buffer();
        }

        public List<Integer> written() {
            java.util.LinkedHashSet<Integer> out = new java.util.LinkedHashSet<>();
            for (Accumulator a : accumulators) out.add(a.buffer());
            for (Loop t : tail) out.add(t.writes());
            return List.copyOf(out);
        }

        /** The same pass with {@code more} loops run after it. */
        public Reductions followedBy(List<Loop> more) {
            List<Loop> all = new java.util.ArrayList<>(tail);
            all.addAll(more);
            return new Reductions(name, rows, body, accumulators, all, span);
        }

        /**
         * The row loop as a {@link Loop} with no outer axes, for what renderers share with loops
         * (the lets, the sizes they use); its store and fold are the first accumulator's.
         */
        public Loop rowLoop() {
            int first = accumulators.getFirst().terms().getFirst();
            return new Loop(name, List.of(), Optional.of(new Reduction(ReduceFn.SUM, List.of(rows), body, first, false)), List.of(),
                    new Store(writes(), first), false, span);
        }
    }

    /**
     * One result element of a {@link Reductions}: {@code fn} over the rows of its {@code terms}
     * (lets of the row body, folded in this order within a row), stored at {@code element} of
     * {@code buffer}; a mean divides by {@code count}, the number of terms over all rows.
     */
    record Accumulator(ReduceFn fn, List<Integer> terms, int buffer, long element, Dim count) {
        public Accumulator {
            terms = List.copyOf(terms);
        }
    }
}
