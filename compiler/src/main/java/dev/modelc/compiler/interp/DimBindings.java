package dev.modelc.compiler.interp;

import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.SizeSymbols;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.runtime.Tensor;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sizes of a graph's symbolic dimensions, read off the tensors bound to its inputs; a size
 * that disagrees between two inputs is an error naming both.
 */
public final class DimBindings {
    private final Map<String, Long> sizes = new HashMap<>();
    private final Map<String, String> boundBy = new HashMap<>();
    /** Per symbol, the declared tensors not given that would have bound it ({@code 'x' [N, 3]}). */
    private final Map<String, List<String>> missing = new HashMap<>();

    /** Binds every symbolic dimension of the graph's inputs and params from the given tensors. */
    public static DimBindings of(Graph g, Map<String, Tensor> values) {
        Map<String, Shape> declared = new LinkedHashMap<>();
        for (Node n : g.nodes()) SizeSymbols.binder(n).ifPresent(name -> declared.put(name, n.type().shape()));
        return of(declared, values);
    }

    /**
     * Binds the symbolic dimensions of {@code declared} (name to shape) from the given tensors;
     * missing ones are skipped, and named when a size they would have bound is needed.
     */
    public static DimBindings of(Map<String, Shape> declared, Map<String, Tensor> values) {
        DimBindings b = new DimBindings();
        declared.forEach((name, shape) -> {
            Tensor t = values.get(name);
            if (t != null) {
                b.bind(name, shape, t.shape());
            } else {
                for (String s : SizeSymbols.bound(shape)) b.missing.computeIfAbsent(s, k -> new ArrayList<>()).add("'" + name + "' " + shape);
            }
        });
        return b;
    }

    void bind(String name, Shape declared, int[] actual) {
        if (declared.rank() != actual.length) {
            throw new EvaluationError("'" + name + "' must have shape " + declared + " (rank " + declared.rank()
                    + "), found shape " + Arrays.toString(actual));
        }
        List<Dim> dims = declared.dims();
        // single symbols first, so polynomial sizes can be checked against them afterwards
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < dims.size(); i++) {
                Dim d = dims.get(i);
                boolean single = d.symbols().size() == 1 && d.terms().size() == 1
                        && d.terms().getOrDefault(List.of(d.symbols().getFirst()), 0L) == 1;
                if (pass == 0 && single) {
                    String s = d.symbols().getFirst();
                    Long prior = sizes.putIfAbsent(s, (long) actual[i]);
                    if (prior != null && prior != actual[i]) {
                        throw new EvaluationError("dimension " + s + " is " + prior + " in '" + boundBy.get(s) + "' but "
                                + actual[i] + " in '" + name + "' (axis " + i + " of shape " + Arrays.toString(actual) + ")");
                    }
                    boundBy.putIfAbsent(s, name);
                } else if (pass == 1 && !single) {
                    long want = eval(d);
                    if (want != actual[i]) {
                        throw new EvaluationError("'" + name + "' must have shape " + declared + ", but axis " + i + " is "
                                + actual[i] + " where " + d + " = " + want);
                    }
                }
            }
        }
    }

    /** The value of a size; every symbol in it must be bound. */
    public long eval(Dim d) {
        long total = 0;
        for (var t : d.terms().entrySet()) {
            long v = t.getValue();
            for (String s : t.getKey()) {
                Long size = sizes.get(s);
                if (size == null) throw unbound(s);
                v *= size;
            }
            total += v;
        }
        return total;
    }

    private EvaluationError unbound(String s) {
        List<String> could = missing.get(s);
        if (could == null) return new EvaluationError("dimension " + s + " is not bound by any input or param");
        return new EvaluationError("dimension " + s + " is not bound by the values given: give a value for "
                + String.join(" or ", could));
    }

    public int[] eval(Shape s) {
        int[] out = new int[s.rank()];
        for (int i = 0; i < out.length; i++) {
            long v = eval(s.dim(i));
            if (v < 0 || v > Integer.MAX_VALUE) throw new EvaluationError("size " + s.dim(i) + " = " + v + " is out of range");
            out[i] = (int) v;
        }
        return out;
    }

    public Map<String, Long> sizes() {
        return Map.copyOf(sizes);
    }
}
