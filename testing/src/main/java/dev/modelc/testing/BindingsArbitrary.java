package dev.modelc.testing;

import dev.modelc.api.Model;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.check.ModelSignature;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.arbitraries.ArbitraryDecorator;

/**
 * A jqwik arbitrary for complete {@link Bindings} of a model's signature: a value for every
 * input and every param, with each symbolic dimension ({@code N} in {@code f32[N, 3]}) given one
 * size for the whole binding, so the shapes agree as the model requires. Sizes are drawn first
 * (by default from 1 to 4), then the values ({@link TensorArbitrary}'s defaults: [-2, 2], 2
 * decimals; integer inputs 0 or 1 unless set with {@link #values(String, double, double)}, for
 * class labels and other indices). Shrinking makes the sizes smaller and then the values
 * simpler, so a failure is reported on the smallest batch that still fails.
 *
 * <pre>{@code
 * static final Model MODEL = Modelc.compile(Path.of("crop_yield.model")).model("CropYield");
 *
 * @Provide Arbitrary<Bindings> cropYield() {
 *     return BindingsArbitrary.of(MODEL).sizes(1, 8);
 * }
 *
 * @Property void gradientsAreRight(@ForAll("cropYield") Bindings b) {
 *     GradCheck.assertGradients(MODEL, b);
 * }
 * }</pre>
 */
public final class BindingsArbitrary extends ArbitraryDecorator<Bindings> {
    private static final TensorArbitrary.ValueRange INTEGERS = new TensorArbitrary.ValueRange(0, 1, 0, List.of());

    private final ModelSignature signature;
    private final int[] sizes;
    private final Map<String, int[]> sizesBySymbol;
    private final TensorArbitrary.ValueRange values;
    private final Map<String, TensorArbitrary.ValueRange> valuesByName;

    private BindingsArbitrary(ModelSignature signature, int[] sizes, Map<String, int[]> sizesBySymbol,
                              TensorArbitrary.ValueRange values, Map<String, TensorArbitrary.ValueRange> valuesByName) {
        this.signature = signature;
        this.sizes = sizes;
        this.sizesBySymbol = Map.copyOf(sizesBySymbol);
        this.values = values;
        this.valuesByName = Map.copyOf(valuesByName);
    }

    public static BindingsArbitrary of(Model model) {
        return of(model.signature());
    }

    public static BindingsArbitrary of(CheckedModel model) {
        return of(model.signature());
    }

    public static BindingsArbitrary of(ModelSignature signature) {
        Objects.requireNonNull(signature, "signature == null");
        return new BindingsArbitrary(signature, new int[] {1, 4}, Map.of(), TensorArbitrary.ValueRange.DEFAULT, Map.of());
    }

    /** Every symbolic dimension from {@code min} to {@code max}. */
    public BindingsArbitrary sizes(int min, int max) {
        return new BindingsArbitrary(signature, range(min, max), sizesBySymbol, values, valuesByName);
    }

    /** The symbolic dimension {@code symbol} from {@code min} to {@code max}. */
    public BindingsArbitrary size(String symbol, int min, int max) {
        if (!symbols().contains(symbol)) {
            throw new IllegalArgumentException("model " + signature.name() + " has no symbolic dimension '" + symbol + "'; it has "
                    + symbols());
        }
        Map<String, int[]> m = new HashMap<>(sizesBySymbol);
        m.put(symbol, range(min, max));
        return new BindingsArbitrary(signature, sizes, m, values, valuesByName);
    }

    /** Floating values of every input and param in [min, max]. */
    public BindingsArbitrary values(double min, double max) {
        return new BindingsArbitrary(signature, sizes, sizesBySymbol, values.between(min, max), valuesByName);
    }

    /** The values of one input or param in [min, max] (for an integer input, the whole numbers in it). */
    public BindingsArbitrary values(String name, double min, double max) {
        TensorType t = type(name);
        TensorArbitrary.ValueRange base = valuesByName.getOrDefault(name, t.isFloating() ? values : INTEGERS);
        Map<String, TensorArbitrary.ValueRange> m = new HashMap<>(valuesByName);
        m.put(name, base.between(min, max));
        return new BindingsArbitrary(signature, sizes, sizesBySymbol, values, m);
    }

    /** Floating values with at most {@code decimals} digits after the point. */
    public BindingsArbitrary ofScale(int decimals) {
        Map<String, TensorArbitrary.ValueRange> m = new HashMap<>();
        valuesByName.forEach((k, v) -> m.put(k, v.ofScale(decimals)));
        return new BindingsArbitrary(signature, sizes, sizesBySymbol, values.ofScale(decimals), m);
    }

    /** Floating values at least {@code margin} from {@code point} (relu's kink: {@code awayFrom(0, 1e-3)}). */
    public BindingsArbitrary awayFrom(double point, double margin) {
        Map<String, TensorArbitrary.ValueRange> m = new HashMap<>();
        valuesByName.forEach((k, v) -> m.put(k, type(k).isFloating() ? v.awayFrom(point, margin) : v));
        return new BindingsArbitrary(signature, sizes, sizesBySymbol, values.awayFrom(point, margin), m);
    }

    /**
     * How shrinking can remove any row, not only the last: each symbolic dimension is a list of
     * distinct row numbers ("tokens", up to its largest size), and each tensor is a table of
     * values at the largest sizes; a binding takes from every table the rows its tokens name.
     * Shrinking drops tokens (the same rows from every tensor that has the dimension) and
     * simplifies the values in the tables, independently, so the row that fails is kept while
     * the others go.
     */
    @Override
    protected Arbitrary<Bindings> arbitrary() {
        List<String> symbols = new ArrayList<>(symbols());
        Map<String, Integer> largest = new HashMap<>();
        List<Arbitrary<List<Integer>>> tokens = new ArrayList<>();
        for (String s : symbols) {
            int[] r = sizesBySymbol.getOrDefault(s, sizes);
            largest.put(s, r[1]);
            tokens.add(Arbitraries.integers().between(0, r[1] - 1).list().uniqueElements().ofMinSize(r[0]).ofMaxSize(r[1]));
        }
        List<String> names = new ArrayList<>();
        List<TensorType> types = new ArrayList<>();
        for (ModelSignature.Entry in : signature.inputs()) {
            names.add(in.name());
            types.add(in.type());
        }
        for (ModelSignature.ParamEntry p : signature.params()) {
            names.add(p.path());
            types.add(p.type());
        }
        List<Arbitrary<Tensor>> tables = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) tables.add(table(names.get(i), types.get(i), largest));
        int inputs = signature.inputs().size();

        Arbitrary<List<List<Integer>>> rows = symbols.isEmpty() ? Arbitraries.just(List.of()) : Combinators.combine(tokens).as(l -> l);
        Arbitrary<List<Tensor>> values = tables.isEmpty() ? Arbitraries.just(List.of()) : Combinators.combine(tables).as(l -> l);
        return Combinators.combine(rows, values).as((chosen, full) -> {
            Map<String, List<Integer>> bySymbol = new HashMap<>();
            for (int i = 0; i < symbols.size(); i++) bySymbol.put(symbols.get(i), chosen.get(i));
            Map<String, Tensor> in = new LinkedHashMap<>(), ps = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                (i < inputs ? in : ps).put(names.get(i), select(full.get(i), types.get(i).shape(), bySymbol));
            }
            return Bindings.of(in, ps);
        }).withoutEdgeCases(); // the edge cases of every table combined crowd out everything else: mostly all zeros
    }

    /** Values for {@code name} at the largest sizes. */
    private Arbitrary<Tensor> table(String name, TensorType t, Map<String, Integer> largest) {
        TensorArbitrary.ValueRange r = valuesByName.getOrDefault(name, t.isFloating() ? values : INTEGERS);
        int[] shape = new int[t.rank()];
        for (int a = 0; a < shape.length; a++) {
            Dim d = t.shape().dim(a);
            shape[a] = d.isConstant() ? Math.toIntExact(d.constant()) : largest.get(symbol(name, d));
        }
        return TensorArbitrary.of(t.dtype(), shape).with(r);
    }

    /** The rows of {@code table} that the tokens of each symbolic axis name. */
    private Tensor select(Tensor table, Shape declared, Map<String, List<Integer>> bySymbol) {
        int rank = declared.rank();
        List<List<Integer>> picks = new ArrayList<>();
        int[] shape = new int[rank];
        for (int a = 0; a < rank; a++) {
            Dim d = declared.dim(a);
            List<Integer> p;
            if (d.isConstant()) {
                p = new ArrayList<>();
                for (int i = 0; i < d.constant(); i++) p.add(i);
            } else {
                p = bySymbol.get(d.symbols().getFirst());
            }
            picks.add(p);
            shape[a] = p.size();
        }
        int n = Tensor.numel(shape);
        double[] out = new double[n];
        int[] idx = new int[rank];
        int[] full = table.shape();
        for (int k = 0; k < n; k++) {
            int flat = 0;
            for (int a = 0; a < rank; a++) flat = flat * full[a] + picks.get(a).get(idx[a]);
            out[k] = table.getDouble(flat);
            for (int a = rank - 1; a >= 0; a--) {
                if (++idx[a] < shape[a]) break;
                idx[a] = 0;
            }
        }
        return Tensor.of(table.dtype(), shape, out);
    }

    /** The symbol a declared size is; declared sizes are numbers or single names. */
    private String symbol(String name, Dim d) {
        if (d.terms().size() != 1 || d.symbols().size() != 1 || d.terms().getOrDefault(List.of(d.symbols().getFirst()), 0L) != 1) {
            throw new IllegalArgumentException("'" + name + "' of model " + signature.name() + " has size " + d
                    + ", neither a number nor a symbolic dimension");
        }
        return d.symbols().getFirst();
    }

    private TreeSet<String> symbols() {
        TreeSet<String> out = new TreeSet<>();
        for (TensorType t : types()) for (Dim d : t.shape().dims()) out.addAll(d.symbols());
        return out;
    }

    private List<TensorType> types() {
        List<TensorType> out = new ArrayList<>();
        for (ModelSignature.Entry in : signature.inputs()) out.add(in.type());
        for (ModelSignature.ParamEntry p : signature.params()) out.add(p.type());
        return out;
    }

    private TensorType type(String name) {
        for (ModelSignature.Entry in : signature.inputs()) if (in.name().equals(name)) return in.type();
        for (ModelSignature.ParamEntry p : signature.params()) if (p.path().equals(name)) return p.type();
        List<String> names = new ArrayList<>();
        signature.inputs().forEach(e -> names.add(e.name()));
        signature.params().forEach(p -> names.add(p.path()));
        throw new IllegalArgumentException("model " + signature.name() + " has no input or param '" + name + "'; it has " + names);
    }

    private static int[] range(int min, int max) {
        if (min < 0 || min > max || max < 1) throw new IllegalArgumentException("bad size range [" + min + ", " + max + "]");
        return new int[] {min, max};
    }
}
