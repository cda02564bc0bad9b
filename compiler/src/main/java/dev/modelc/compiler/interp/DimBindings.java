package dev.modelc.compiler.interp;

import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.SizeSymbols;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.Size;
import dev.modelc.runtime.model.SizeBinder;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sizes of a graph's symbolic dimensions, read off the tensors bound to its inputs by the
 * runtime's {@link SizeBinder}; a size that disagrees between two inputs is an error naming
 * both, and one that no given tensor binds names the inputs that would.
 */
public final class DimBindings {
    private final Map<String, Long> sizes = new HashMap<>();
    /** Per symbol, the declared tensors not given that would have bound it ({@code 'x' [N, 3]}). */
    private final Map<String, List<String>> missing = new HashMap<>();

    /** Binds every symbolic dimension of the graph's inputs and params from the given tensors. */
    public static DimBindings of(Graph g, Map<String, Tensor> values) {
        return of(declared(g), values);
    }

    /** The graph whose declared shapes were read last, and them: an interpreter runs one graph step after step. */
    private record Last(WeakReference<Graph> graph, Declared declared) {
    }

    private static volatile Last last = new Last(new WeakReference<>(null), null);

    /** The declared shapes of the tensors that bind the graph's sizes; read once per graph (by identity: a graph's equals is deep). */
    private static Declared declared(Graph g) {
        Last l = last;
        if (l.graph().get() == g) return l.declared();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Node n : g.nodes()) SizeSymbols.binder(n).ifPresent(name -> shapes.put(name, n.type().shape()));
        Declared d = Declared.of(shapes);
        last = new Last(new WeakReference<>(g), d);
        return d;
    }

    /**
     * The declared shapes of the tensors that bind sizes (name to shape), with their sizes as the
     * runtime binds them: made once per graph, bound on every call.
     */
    public record Declared(Map<String, Shape> shapes, Map<String, List<Size>> sizes, boolean polynomial) {
        public static Declared of(Map<String, Shape> shapes) {
            Map<String, List<Size>> sizes = new LinkedHashMap<>();
            boolean polynomial = false;
            for (var e : shapes.entrySet()) {
                List<Size> dims = e.getValue().dims().stream().map(Dim::toSize).toList();
                sizes.put(e.getKey(), dims);
                for (Size d : dims) polynomial |= d instanceof Size.Polynomial;
            }
            return new Declared(Map.copyOf(shapes), Collections.unmodifiableMap(sizes), polynomial);
        }
    }

    /**
     * Binds the symbolic dimensions of {@code declared} (name to shape) from the given tensors;
     * missing ones are skipped, and named when a size they would have bound is needed. Whole
     * shapes (fixed sizes included) are the caller's to compare once the sizes are bound.
     */
    public static DimBindings of(Map<String, Shape> declared, Map<String, Tensor> values) {
        return of(Declared.of(declared), values);
    }

    /** {@link #of(Map, Map)} for shapes declared once. */
    public static DimBindings of(Declared declared, Map<String, Tensor> values) {
        DimBindings b = new DimBindings();
        SizeBinder binder = new SizeBinder();
        declared.sizes().forEach((name, dims) -> {
            Tensor t = values.get(name);
            if (t != null) {
                binder.bindSymbols(name, dims, t.shape()).ifPresent(m -> {
                    throw mismatch(name, declared.shapes().get(name), t.shape(), m);
                });
            } else {
                Shape shape = declared.shapes().get(name);
                for (String s : SizeSymbols.bound(shape)) b.missing.computeIfAbsent(s, k -> new ArrayList<>()).add("'" + name + "' " + shape);
            }
        });
        // sizes such as N + 1, once every given tensor has bound its symbols
        if (declared.polynomial()) {
            declared.sizes().forEach((name, dims) -> {
                Tensor t = values.get(name);
                if (t != null) binder.checkDerived(dims, t.shape()).ifPresent(m -> {
                    throw mismatch(name, declared.shapes().get(name), t.shape(), m);
                });
            });
        }
        b.sizes.putAll(binder.sizes());
        return b;
    }

    private static EvaluationError mismatch(String name, Shape declared, int[] actual, SizeBinder.Mismatch m) {
        return new EvaluationError(SizeBinder.describe(name, declared.dims().stream().map(Dim::toSize).toList(), actual, m));
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
        return new EvaluationError(SizeBinder.notBound(s, String.join(" or ", missing.getOrDefault(s, List.of()))));
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
