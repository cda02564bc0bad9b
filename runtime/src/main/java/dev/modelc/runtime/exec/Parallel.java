package dev.modelc.runtime.exec;

import java.util.concurrent.RecursiveAction;

/**
 * Splits a loop's range across the machine's cores when it is long enough to pay for it: a
 * kernel over the seed's 15 rows runs on the caller's thread with no task objects at all.
 */
public final class Parallel {
    /** The range a thread is worth below which splitting costs more than it saves (measured: a fork-join hop is ~5-20 µs). */
    public static final int MIN_ELEMENTS_PER_TASK = 1 << 15;

    /**
     * A reduction of everything to one value is split into chunks of this many elements, each
     * folded in order, the chunks' results then folded in order: fixed, so the result does not
     * depend on the number of cores.
     */
    public static final int REDUCTION_CHUNK = 1 << 16;

    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

    private Parallel() {
    }

    /** A body run over {@code [start, end)}. */
    @FunctionalInterface
    public interface Body {
        void run(int start, int end);
    }

    /** How many tasks a range of {@code n} iterations, each costing about {@code work} elements, is split into. */
    public static int tasks(long n, long work) {
        long total = n * Math.max(1, work);
        if (THREADS == 1 || n < 2 || total < 2L * MIN_ELEMENTS_PER_TASK) return 1;
        return (int) Math.min(Math.min(n, THREADS), total / MIN_ELEMENTS_PER_TASK);
    }

    /** Runs {@code body} over {@code [0, n)}, split across cores when {@code n * work} is large. */
    public static void forRange(int n, long work, Body body) {
        int tasks = tasks(n, work);
        if (tasks <= 1) {
            body.run(0, n);
            return;
        }
        // invoke() computes on this thread and lets the common pool steal the other halves.
        new Split(body, 0, n, tasks).invoke();
    }

    /** Runs a generated kernel over {@code [0, n)}, split like {@link #forRange}. */
    public static void forRange(RangeKernel kernel, Object[] b, long[] d, int n, long work) {
        if (tasks(n, work) <= 1) {
            kernel.run(b, d, 0, n);
            return;
        }
        forRange(n, work, (s, e) -> kernel.run(b, d, s, e));
    }

    private static final class Split extends RecursiveAction {
        private final Body body;
        private final int start;
        private final int end;
        private final int tasks;

        Split(Body body, int start, int end, int tasks) {
            this.body = body;
            this.start = start;
            this.end = end;
            this.tasks = tasks;
        }

        @Override
        protected void compute() {
            if (tasks <= 1) {
                body.run(start, end);
                return;
            }
            int half = tasks / 2;
            int mid = start + (int) ((long) (end - start) * half / tasks);
            invokeAll(new Split(body, start, mid, half), new Split(body, mid, end, tasks - half));
        }
    }
}
