package dev.modelc.runtime.train;

import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.optim.ParamBuffers;
import java.util.Map;

/** Finding NaN and infinities in tensors: in data before training, in params after each step. */
public final class NonFinite {
    private NonFinite() {
    }

    /** Elements scanned per block before asking whether the block held a NaN or infinity. */
    private static final int BLOCK = 1024;

    /**
     * The flat index of the first NaN or infinity in {@code t}, or -1 (always -1 for i32 and bool).
     * The trainer asks this of every param after every step, so it reads the storage array in
     * blocks with the optimizers' branch-free test ({@link ParamBuffers#finite}: the largest
     * magnitude, NaN if the block holds one, infinite if it holds an infinity), and looks for the
     * position only in a block that failed.
     */
    public static int first(Tensor t) {
        return switch (t.storage()) {
            case float[] f -> first(f);
            case double[] d -> first(d);
            default -> -1;
        };
    }

    private static int first(float[] v) {
        for (int start = 0; start < v.length; start += BLOCK) {
            int end = Math.min(v.length, start + BLOCK);
            if (!ParamBuffers.finite(v, start, end)) {
                for (int i = start; i < end; i++) if (!Float.isFinite(v[i])) return i;
            }
        }
        return -1;
    }

    private static int first(double[] v) {
        for (int start = 0; start < v.length; start += BLOCK) {
            int end = Math.min(v.length, start + BLOCK);
            if (!ParamBuffers.finite(v, start, end)) {
                for (int i = start; i < end; i++) if (!Double.isFinite(v[i])) return i;
            }
        }
        return -1;
    }

    /** The name of the first tensor of {@code tensors} (in map order) holding a NaN or infinity, or null. */
    public static String firstName(Map<String, Tensor> tensors) {
        for (var e : tensors.entrySet()) if (first(e.getValue()) >= 0) return e.getKey();
        return null;
    }

    /** The index of flat position {@code flat} in a row-major tensor of {@code shape}: {@code [12, 3]}. */
    public static String index(int[] shape, int flat) {
        int[] at = new int[shape.length];
        for (int a = shape.length - 1; a >= 0; a--) {
            at[a] = shape[a] == 0 ? 0 : flat % shape[a];
            flat = shape[a] == 0 ? flat : flat / shape[a];
        }
        return java.util.Arrays.toString(at);
    }

    /** {@code nan}, {@code inf} or {@code -inf}, as Python prints them; a finite value as its shortest decimal ({@code 8.25e37}). */
    public static String spell(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        return Double.toString(v).replace('E', 'e');
    }
}
