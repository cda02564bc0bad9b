package dev.modelc.runtime.optim;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The storage a training loop owns for its params, so that a step allocates none: a built-in
 * optimizer writes each param's new values into the array that held that param two steps ago
 * (double buffering), and says for each array it wrote whether every value is finite (checked a
 * block at a time while the block is still in cache), so the loop need not read the params again
 * to find a NaN.
 *
 * <p>The ownership rule: an array is written only if this object made it ({@link #next}) and no
 * tensor that anyone outside the loop can read wraps it. So the params a caller gives the loop,
 * and the states a model returns, are never written; the params the loop holds now are never
 * written (the loop needs them if the step diverges); and once the loop hands its params out
 * ({@link #handedOut}: to a listener, say) their arrays are never written again. What stays the
 * loop's to guarantee: that the model and the optimizer keep no param tensor between steps (the
 * built-in optimizers keep none; the compiled models read params only during a call).
 */
public final class ParamBuffers {
    /** Per param path: an array no tensor outside the loop wraps, for that param's next values. */
    private final Map<String, Object> spare = new HashMap<>();
    /** Per param path: the array of the param the loop holds now, when this object made it and it was not handed out. */
    private final Map<String, Object> current = new HashMap<>();
    /** The arrays the step in progress wrote, and whether all their values are finite. */
    private final Map<Object, Boolean> written = new IdentityHashMap<>();

    /** Storage for a loop's params; it owns none yet. */
    public ParamBuffers() {
    }

    /**
     * An array of {@code length} elements of {@code dtype} (f32 or f64) for the next values of
     * param {@code path}: its spare one when that fits, else a new one. Its contents are garbage;
     * the caller writes every element, then reports with {@link #wrote}.
     */
    Object next(String path, DType dtype, int length) {
        Object s = spare.remove(path);
        return switch (dtype) {
            case F32 -> s instanceof float[] f && f.length == length ? f : new float[length];
            case F64 -> s instanceof double[] d && d.length == length ? d : new double[length];
            default -> throw new IllegalArgumentException("only f32 and f64 params are optimized, not " + dtype);
        };
    }

    /** Records that an array from {@link #next} now holds a param's new values, all finite or not. */
    void wrote(Object array, boolean finite) {
        written.put(array, finite);
    }

    /**
     * Whether {@code t} is a param the step in progress wrote with every value finite; false says
     * nothing (a param the step did not write may be finite too: scan it).
     */
    public boolean knownFinite(Tensor t) {
        return written.get(t.storage()) == Boolean.TRUE;
    }

    /**
     * Makes {@code next} (the step's params, every param by path) the params the loop holds: the
     * arrays of the params it replaces become spare when this object made them and did not hand
     * them out; those {@code next} holds become current when this object made them in this step.
     */
    public void accept(Map<String, Tensor> next) {
        // A model's state may be another param's value as it was (an update rule `b = a`): such an array stays unwritten.
        Set<Object> held = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor t : next.values()) held.add(t.storage());
        for (var e : next.entrySet()) {
            String path = e.getKey();
            Object array = e.getValue().storage();
            Object old = current.get(path);
            if (array == old) continue;
            if (written.containsKey(array)) current.put(path, array);
            else current.remove(path);
            if (old != null && !held.contains(old)) spare.put(path, old);
        }
        written.clear();
    }

    /** The params the loop holds now were handed out (to a listener, say): their arrays are never written again. */
    public void handedOut() {
        current.clear();
    }

    /** The largest number of elements {@link #finite} reads at once: a block of floats stays in the first-level cache. */
    static final int BLOCK = 2048;

    /**
     * Whether values {@code from} to {@code to} of {@code v} are all finite: on vector lanes where
     * the JVM has them, else the largest magnitude, a branch-free max reduction, is tested
     * ({@link Updates#finite}). Also the trainer's scan ({@code train.NonFinite}) of what the
     * optimizers did not write.
     */
    public static boolean finite(float[] v, int from, int to) {
        return Updates.finite(v, from, to, Updates.LANES);
    }

    /** {@link #finite(float[], int, int)} for doubles. */
    public static boolean finite(double[] v, int from, int to) {
        return Updates.finite(v, from, to, Updates.LANES);
    }

    /**
     * Stores a param's new values, computed in double and each already rounded to the param's dtype,
     * in an array from {@link #next} (converted to float for f32: exact), checking they are finite:
     * the general path of the optimizers, for params of any dtype pair.
     */
    Tensor store(String path, Tensor param, double[] values) {
        int n = values.length;
        Object out = next(path, param.dtype(), n);
        boolean finite = true;
        if (out instanceof float[] f) {
            for (int start = 0; start < n; start += BLOCK) {
                int end = Math.min(n, start + BLOCK);
                for (int i = start; i < end; i++) f[i] = (float) values[i];
                finite &= finite(f, start, end);
            }
        } else {
            System.arraycopy(values, 0, out, 0, n);
            finite = finite(values, 0, n);
        }
        wrote(out, finite);
        return Tensor.wrap(param.dtype(), param.shape(), out);
    }
}
