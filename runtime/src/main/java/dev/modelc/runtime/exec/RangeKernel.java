package dev.modelc.runtime.exec;

/**
 * One generated loop kernel: runs the iterations {@code [start, end)} of its outermost loop over
 * the buffers {@code b} (storage arrays, in the kernel's own order) with the model's symbolic
 * sizes {@code d} bound. Disjoint ranges write disjoint elements, so ranges may run on
 * different threads.
 *
 * <p>A reduction folded in chunks (a plan's split loop) takes its partial results as one more
 * buffer: {@code run(b, d, start, end)} folds chunks {@code [start, end)} into it,
 * {@code run(b, d, -1, chunks)} folds the partials in order and stores, and
 * {@code run(b, d, ONE_CHUNK, 1)} does both for a reduction of one chunk in one call.
 */
@FunctionalInterface
public interface RangeKernel {
    /** The {@code start} of a split reduction's one call when it has one chunk: fold it and store. */
    int ONE_CHUNK = -2;

    void run(Object[] b, long[] d, int start, int end);
}
