package dev.modelc.runtime.exec;

import dev.modelc.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Takes a model's params out of a map by path, as generated typed models do when they load an
 * {@code .npz} file or are given a map: every path must be there, and nothing else, so a file
 * saved from another model fails with the names that differ instead of running with a stale param.
 */
public final class NamedTensors {
    private NamedTensors() {
    }

    /** The tensors of {@code paths}, in that order, from {@code byPath}; {@code where} names the map in errors (a file name). */
    public static Tensor[] take(String where, Map<String, Tensor> byPath, String... paths) {
        return take(where, "param", byPath, paths);
    }

    /**
     * {@link #take(String, Map, String...)} for the tensors of one {@code kind} ({@code param}, or
     * {@code state} for a model's states), which the errors name.
     */
    public static Tensor[] take(String where, String kind, Map<String, Tensor> byPath, String... paths) {
        List<String> missing = new ArrayList<>();
        Tensor[] out = new Tensor[paths.length];
        for (int i = 0; i < paths.length; i++) {
            out[i] = byPath.get(paths[i]);
            if (out[i] == null) missing.add("'" + paths[i] + "'");
        }
        List<String> extra = new ArrayList<>();
        for (String name : byPath.keySet()) if (!List.of(paths).contains(name)) extra.add("'" + name + "'");
        if (!missing.isEmpty() || !extra.isEmpty()) {
            StringBuilder m = new StringBuilder(where);
            if (!missing.isEmpty()) m.append(" has no ").append(kind).append(missing.size() == 1 ? " " : "s ").append(String.join(", ", missing));
            if (!missing.isEmpty() && !extra.isEmpty()) m.append(" and");
            if (!extra.isEmpty()) {
                m.append(" has ").append(String.join(", ", extra)).append(extra.size() == 1 ? ", which is not a " + kind : ", which are not " + kind + "s");
            }
            m.append(" (the model's ").append(kind).append("s: ").append(paths.length == 0 ? "none" : String.join(", ", paths)).append(')');
            throw new ExecutionError(m.toString());
        }
        return out;
    }
}
