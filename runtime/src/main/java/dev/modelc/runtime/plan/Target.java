package dev.modelc.runtime.plan;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.ResidentTraining;
import dev.modelc.runtime.optim.Optimizer;
import java.util.Map;
import java.util.Optional;

/**
 * What differs between running a {@link Plan} on the JVM's heap and on a device: where storage
 * lives and how each step runs on it. {@link PlanRunner} does everything else (binding sizes,
 * allocating and reusing slots, the order of the steps). Storage is opaque to the runner: Java
 * arrays for {@link JvmTarget}, device memory for a GPU.
 */
public interface Target {
    /**
     * Whether the plan's {@link Plan#limits} apply: they are what JVM kernels hold in ints; a
     * device whose kernels index in 64 bits skips them.
     */
    default boolean indexesInInts() {
        return true;
    }

    /**
     * Called on the calling thread before a run binds or runs anything: a GPU makes its context
     * current there (CUDA contexts are per thread).
     */
    default void enter() {
    }

    /** Storage for {@code elements} elements of {@code dtype} (a slot; its contents are written before they are read). */
    Object allocate(DType dtype, int elements);

    /** Storage holding a constant's values (row-major). */
    Object constant(DType dtype, double[] values);

    /** The storage an input or param buffer reads: the tensor's (already checked against the buffer's shape), or a copy of it. */
    Object bind(Plan.Buffer buffer, Tensor tensor);

    /** A result: the first numel(shape) elements of {@code storage}, copied out (storage is reused by later calls). */
    Tensor result(DType dtype, int[] shape, Object storage);

    /**
     * A gradient inside {@link LentGradients#during}: {@code storage} itself where it holds
     * exactly the result (the caller reads it before the plan runs again), else a copy as
     * {@link #result}; a device copies it as always.
     */
    default Tensor lend(DType dtype, int[] shape, Object storage) {
        return result(dtype, shape, storage);
    }

    /**
     * What step number {@code step} of {@code plan} needs besides storage for one binding of the
     * sizes {@code d} (arguments, sizes evaluated once, scratch, launch geometry), handed back to
     * every run of the step; null when it needs nothing.
     */
    Object prepare(Plan plan, int step, long[] d);

    void loop(Step.Loop loop, Object prepared, Object[] storage, long[] d);

    void matmul(Step.MatMul matmul, Object prepared, Object[] storage, long[] d);

    void call(Step.Call call, Object prepared, Object[] storage, long[] d, long seed);

    /**
     * Called after a run's results were copied out ({@code results}, in the plan's order), with
     * the storage the plan ran on: a device keeps the params an update step returns where they are.
     */
    default void finished(Plan plan, Tensor[] results, Object[] storage) {
    }

    /** Gives back storage (or a step's prepared scratch) of a binding no longer used; the heap's collector needs no help. */
    default void release(Object storage) {
    }

    /**
     * Training steps with {@code optimizer} run where this target keeps the params, the loss and
     * gradients by {@code gradients} (the runner on this target of a loss-and-gradients plan),
     * from {@code params} (every param, in the model's order); empty when the host runs the
     * optimizer, as on the heap. Steps this target made earlier are closed first.
     */
    default Optional<ResidentTraining> training(PlanRunner gradients, Optimizer optimizer, Map<String, Tensor> params) {
        return Optional.empty();
    }
}
