package dev.modelc.testing;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Values for every input and param of a model, by name and path: one point at which
 * {@link GradCheck} compares gradients. Its text lists every tensor in full, since it is what
 * jqwik prints for a shrunk counterexample and what a failure message quotes.
 */
public record Bindings(Map<String, Tensor> inputs, Map<String, Tensor> params) {
    public Bindings {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(inputs, "inputs == null")));
        params = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(params, "params == null")));
    }

    public static Bindings of(Map<String, Tensor> inputs, Map<String, Tensor> params) {
        return new Bindings(inputs, params);
    }

    /** Inputs only, for a model without params (or one checked with respect to its inputs). */
    public static Bindings ofInputs(Map<String, Tensor> inputs) {
        return new Bindings(inputs, Map.of());
    }

    /** Inputs and params in one map (params win on a clash, as in the interpreter). */
    public Map<String, Tensor> all() {
        Map<String, Tensor> all = new LinkedHashMap<>(inputs);
        all.putAll(params);
        return all;
    }

    /** {@code x: f32[1, 2] = [[0.5, -1.25]]; w: f32[2] = [1.0, 0.0]}, inputs first. */
    @Override
    public String toString() {
        return String.join("; ", entries());
    }

    /** One {@code name: dtype[shape] = values} per tensor, inputs first. */
    List<String> entries() {
        List<String> out = new ArrayList<>();
        all().forEach((name, t) -> {
            StringBuilder s = new StringBuilder(name).append(": ").append(t.dtype()).append(Arrays.toString(t.shape())).append(" = ");
            values(s, t, 0, 0);
            out.add(s.toString());
        });
        return out;
    }

    /** The values of {@code t} from axis {@code axis} on, starting at flat index {@code offset}, as nested lists. */
    private static int values(StringBuilder s, Tensor t, int axis, int offset) {
        if (axis == t.rank()) {
            s.append(value(t.dtype(), t.getDouble(offset)));
            return offset + 1;
        }
        s.append('[');
        for (int i = 0; i < t.size(axis); i++) {
            if (i > 0) s.append(", ");
            offset = values(s, t, axis + 1, offset);
        }
        s.append(']');
        return offset;
    }

    /** The shortest text that reads back as the same value of the dtype. */
    static String value(DType dtype, double v) {
        return switch (dtype) {
            case F32 -> Float.toString((float) v);
            case F64 -> Double.toString(v);
            case I32 -> Long.toString((long) v);
            case BOOL -> v != 0 ? "true" : "false";
        };
    }
}
