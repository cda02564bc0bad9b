package dev.modelc.runtime.exec;

/**
 * One generated loop kernel: runs the iterations {@code [start, end)} of its outermost loop over
 * the buffers {@code b} (storage arrays, in the kernel's own order) with the model's symbolic
 * sizes {@code d} bound. Disjoint ranges write disjoint elements, so ranges may run on
 * different threads.
 */
@FunctionalInterface
public interface RangeKernel {
    void run(Object[] b, long[] d, int start, int end);
}
