package dev.modelc.runtime.optim;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Shared plumbing of the optimizers: checking params against grads, float rounding and per-path state buffers. */
final class ParamState {
    private ParamState() {}

    /** One param to update: its values, gradient (in the param's dtype) and whether arithmetic rounds to float. */
    record Slot(String path, Tensor param, double[] p, double[] g, boolean f32) {
        /** {@code x} rounded to the param's precision: to float for f32, unchanged for f64. */
        double r(double x) {
            return f32 ? (float) x : x;
        }

    }

    /** The params that have gradients, checked; a gradient for a missing param is an error. */
    static Map<String, Slot> slots(Map<String, Tensor> params, Map<String, Tensor> grads) {
        for (String path : grads.keySet()) {
            if (!params.containsKey(path)) throw new IllegalArgumentException("gradient for \"" + path + "\", which is not a param");
        }
        Map<String, Slot> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            String path = e.getKey();
            Tensor param = e.getValue();
            Tensor grad = grads.get(path);
            if (grad == null) continue;
            if (!param.dtype().isFloating()) {
                throw new IllegalArgumentException("param \"" + path + "\" is " + param.dtype() + "; only f32 and f64 params can be optimized");
            }
            if (!Arrays.equals(param.shape(), grad.shape())) {
                throw new IllegalArgumentException("gradient of \"" + path + "\" has shape " + Arrays.toString(grad.shape())
                        + " but the param has shape " + Arrays.toString(param.shape()));
            }
            out.put(path, new Slot(path, param, param.toDoubleArray(), grad.to(param.dtype()).toDoubleArray(),
                    param.dtype() == DType.F32));
        }
        return out;
    }

    /**
     * Whether every gradient is an f32 tensor of its f32 param's shape: the usual case, which the
     * optimizers' float paths serve (anything else, errors included, takes the general path).
     */
    static boolean plainF32(Map<String, Tensor> params, Map<String, Tensor> grads) {
        return plain(params, grads, DType.F32);
    }

    /** Whether every gradient is a {@code dtype} tensor of its {@code dtype} param's shape (f64: plain SGD's double path). */
    static boolean plain(Map<String, Tensor> params, Map<String, Tensor> grads, DType dtype) {
        for (var e : grads.entrySet()) {
            Tensor p = params.get(e.getKey()), g = e.getValue();
            if (p == null || p.dtype() != dtype || g.dtype() != dtype || !Arrays.equals(p.shape(), g.shape())) return false;
        }
        return true;
    }

    /** A per-param state buffer, such as a momentum buffer, with the param's dtype and shape. */
    record Buffer(DType dtype, int[] shape, double[] values) {
        static Buffer of(Tensor t) {
            return new Buffer(t.dtype(), t.shape(), t.toDoubleArray());
        }

        Tensor tensor() {
            return Tensor.of(dtype, shape, values);
        }

        /** Checks that this buffer, loaded or kept, still fits the param it belongs to. */
        void check(String kind, Slot slot) {
            check(kind, slot.path(), slot.param());
        }

        /** Checks that this buffer, loaded or kept, still fits {@code param}, the param at {@code path}. */
        void check(String kind, String path, Tensor param) {
            if (!Arrays.equals(shape, param.shape()) || dtype != param.dtype()) {
                throw new IllegalStateException(kind + " of \"" + path + "\" is " + dtype + Arrays.toString(shape)
                        + " but the param is " + param.dtype() + Arrays.toString(param.shape()));
            }
        }

        /** A buffer of zeros for {@code param}. */
        static Buffer zeros(Tensor param) {
            return new Buffer(param.dtype(), param.shape(), new double[param.numel()]);
        }
    }

    /** Checks per-param buffers of {@code kind} against {@code params}: each of an existing param, its dtype and shape, finite. */
    static void checkBuffers(String kind, Map<String, Buffer> buffers, Map<String, Tensor> params) {
        for (String path : new TreeMap<>(buffers).keySet()) {
            Buffer b = buffers.get(path);
            Tensor p = params.get(path);
            String key = "\"" + kind + "/" + path + "\"";
            if (p == null) {
                throw new IllegalArgumentException("optimizer state " + key + " is for a param \"" + path + "\" the model does not have");
            }
            if (b.dtype() != p.dtype() || !Arrays.equals(b.shape(), p.shape())) {
                throw new IllegalArgumentException("optimizer state " + key + " is " + b.dtype() + Arrays.toString(b.shape())
                        + " but param \"" + path + "\" is " + p.dtype() + Arrays.toString(p.shape()));
            }
            for (int i = 0; i < b.values().length; i++) {
                if (!Double.isFinite(b.values()[i])) {
                    throw new IllegalArgumentException("optimizer state " + key + " holds " + b.values()[i] + " at flat index " + i);
                }
            }
        }
    }

    /** Splits a state key {@code "<kind>/<path>"}, checking the kind is one of {@code kinds}. */
    static String[] splitKey(String key, String... kinds) {
        int slash = key.indexOf('/');
        String kind = slash < 0 ? key : key.substring(0, slash);
        for (String k : kinds) {
            if (k.equals(kind) && slash > 0 && slash < key.length() - 1) return new String[] {kind, key.substring(slash + 1)};
        }
        throw new IllegalArgumentException("unknown optimizer state key \"" + key + "\"; expected \"<kind>/<param path>\" with kind one of "
                + String.join(", ", kinds));
    }

    /** A map sorted by key, so state dicts come out in a stable order. */
    static <V> Map<String, V> sorted() {
        return new TreeMap<>();
    }
}
