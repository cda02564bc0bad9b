package dev.modelc.cli;

import dev.modelc.compiler.diagnostics.Spelling;

import dev.modelc.compiler.check.ModelSignature;
import dev.modelc.compiler.diagnostics.Diagnostic;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.Size;
import dev.modelc.runtime.model.SizeBinder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the values of a values file into tensors for a model: every name must be one of the
 * model's inputs or param paths, every shape must match the declared one (a symbolic dimension
 * takes the size of the first value that has it, and every other value must agree), and the
 * numbers become the declared dtype. Each mistake is a diagnostic pointing into the file.
 */
final class ValueBinding {
    /** The tensors by name, the mistakes, and the names suggested for misspelt keys. */
    record Bound(Map<String, Tensor> values, List<Diagnostic> problems, Set<String> suggested) {
    }

    /** An input or param as declared: "input" or "param", its name or path, its type (and its sizes as the runtime binds them). */
    private record Declared(String kind, String name, TensorType type, List<Size> sizes) {
        Declared(String kind, String name, TensorType type) {
            this(kind, name, type, type.shape().dims().stream().map(Dim::toSize).toList());
        }

        String describe() {
            return kind + " '" + name + "'";
        }
    }

    private final ModelSignature sig;
    private final DType floating;
    private final Map<String, Declared> declared = new LinkedHashMap<>();
    private final SizeBinder sizes = new SizeBinder();
    private final List<Diagnostic> problems = new ArrayList<>();
    private final Set<String> suggested = new LinkedHashSet<>();

    private ValueBinding(ModelSignature sig, DType floating) {
        this.sig = sig;
        this.floating = floating;
        for (ModelSignature.Entry e : sig.inputs()) declared.put(e.name(), new Declared("input", e.name(), e.type()));
        for (ModelSignature.ParamEntry p : sig.params()) declared.put(p.path(), new Declared("param", p.path(), p.type()));
        for (ModelSignature.ParamEntry p : sig.states()) declared.put(p.path(), new Declared("state", p.path(), p.type()));
    }

    /**
     * Binds the values to the model's signature. Floating values become {@code floating} when it
     * is not null (the --dtype the model runs in), else their declared dtype.
     */
    static Bound bind(ModelSignature sig, Map<String, ValuesFile.Value> raw, DType floating) {
        ValueBinding b = new ValueBinding(sig, floating);
        return b.run(raw);
    }

    private Bound run(Map<String, ValuesFile.Value> raw) {
        List<ValuesFile.Value> known = new ArrayList<>();
        for (ValuesFile.Value v : raw.values()) {
            if (declared.containsKey(v.name())) known.add(v);
            else unknown(v);
        }
        // Single symbols first (in file order, so the later of two disagreeing values is the one
        // pointed at), then sizes written as expressions of them.
        List<ValuesFile.Value> shaped = new ArrayList<>();
        for (ValuesFile.Value v : known) if (checkShape(v)) shaped.add(v);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (ValuesFile.Value v : shaped) {
            if (!checkDerivedSizes(v)) continue;
            Tensor t = convert(v);
            if (t != null) out.put(v.name(), t);
        }
        return new Bound(out, List.copyOf(problems), Set.copyOf(suggested));
    }

    private void unknown(ValuesFile.Value v) {
        List<String> notes = new ArrayList<>();
        String near = Spelling.nearest(v.name(), declared.keySet());
        if (near != null) {
            suggested.add(near);
            notes.add("did you mean '" + near + "'?");
        }
        if (sig.outputs().stream().anyMatch(o -> o.name().equals(v.name()))
                || sig.loss().map(l -> l.name().equals(v.name())).orElse(false)) {
            notes.add("'" + v.name() + "' is a result of " + sig.name() + ", computed, not given");
        }
        List<String> inputs = sig.inputs().stream().map(ModelSignature.Entry::name).toList();
        List<String> params = sig.held().stream().map(ModelSignature.ParamEntry::path).toList();
        notes.add(sig.name() + " takes " + (inputs.isEmpty() ? "no inputs" : "inputs " + String.join(", ", inputs))
                + (params.isEmpty() ? " and no params" : " and params " + String.join(", ", params)));
        problems.add(Diagnostic.error(v.at(), "'" + v.name() + "' is not an input or param of " + sig.name(),
                notes.toArray(String[]::new)));
    }

    /** Checks rank, fixed sizes and single-symbol sizes; binds new symbols when the value fits. */
    private boolean checkShape(ValuesFile.Value v) {
        Declared d = declared.get(v.name());
        int[] found = v.shape();
        var m = sizes.bind(v.name(), d.sizes(), found);
        m.ifPresent(mismatch -> mismatch(v, d, switch (mismatch) {
            case SizeBinder.Mismatch.Rank r -> "it has rank " + r.found() + " (" + nesting(r.found()) + ") where rank " + r.declared()
                    + " is declared";
            case SizeBinder.Mismatch.Fixed f -> "axis " + f.axis() + " has " + elements(f.found()) + " where " + f.declared()
                    + (f.declared() == 1 ? " is" : " are") + " declared";
            case SizeBinder.Mismatch.Conflict c -> {
                String from = c.prior().name().equals(v.name()) ? "axis " + c.prior().axis()
                        : "axis " + c.prior().axis() + " of '" + c.prior().name() + "'";
                yield c.symbol() + " is " + c.prior().size() + " (from " + from + "), but axis " + c.axis() + " here has "
                        + elements(c.found());
            }
            case SizeBinder.Mismatch.Derived x -> throw new IllegalStateException("bind checked a polynomial size: " + x);
        }));
        return m.isEmpty();
    }

    /**
     * Checks sizes like {@code N + 1} or {@code 2 * H} once every single symbol is bound; a symbol
     * no value binds is skipped (the interpreter reports it if it matters).
     */
    private boolean checkDerivedSizes(ValuesFile.Value v) {
        Declared d = declared.get(v.name());
        var m = sizes.checkDerived(d.sizes(), v.shape());
        m.ifPresent(mismatch -> {
            if (!(mismatch instanceof SizeBinder.Mismatch.Derived x)) throw new IllegalStateException("not a polynomial size: " + mismatch);
            mismatch(v, d, "axis " + x.axis() + " has " + elements(x.found()) + " where " + x.size() + " = " + x.value()
                    + (x.value() == 1 ? " is" : " are") + " declared");
        });
        return m.isEmpty();
    }

    /** The numbers as the dtype the value is run in; null (with a diagnostic) when one does not fit. */
    private Tensor convert(ValuesFile.Value v) {
        Declared d = declared.get(v.name());
        DType declaredDType = d.type().dtype();
        DType dtype = declaredDType.isFloating() && floating != null ? floating : declaredDType;
        double[] values = v.values();
        for (int i = 0; i < values.length; i++) {
            double x = values[i];
            String bad = switch (dtype) {
                case I32 -> x != Math.rint(x) ? "whole numbers" : x < Integer.MIN_VALUE || x > Integer.MAX_VALUE ? "numbers in the 32-bit range" : null;
                case BOOL -> x != 0 && x != 1 ? "true, false, 1 or 0" : null;
                case F32, F64 -> null;
            };
            if (bad != null) {
                problems.add(Diagnostic.error(v.valueAt(), d.describe() + " is " + dtype + ", but "
                        + (values.length > 1 ? "element " + i + " (row-major) of its value" : "its value") + " is " + number(x),
                        dtype + " values are " + bad));
                return null;
            }
        }
        return Tensor.of(dtype, v.shape(), values);
    }

    private void mismatch(ValuesFile.Value v, Declared d, String note) {
        String expected = d.type().toString();
        int[] concrete = concrete(d.sizes());
        if (concrete != null && !d.type().shape().isConcrete()) expected += " (here " + Arrays.toString(concrete) + ")";
        problems.add(Diagnostic.error(v.valueAt(), "wrong shape for " + d.describe() + ": expected " + expected
                + ", found " + Arrays.toString(v.shape()), note));
    }

    /** The declared shape with the sizes bound so far, or null when a symbol is not bound yet. */
    private int[] concrete(List<Size> declared) {
        int[] out = new int[declared.size()];
        for (int i = 0; i < out.length; i++) {
            var size = sizes.value(declared.get(i));
            if (size.isEmpty()) return null;
            out[i] = (int) size.getAsLong();
        }
        return out;
    }

    private static String elements(int n) {
        return n + (n == 1 ? " element" : " elements");
    }

    private static String nesting(int rank) {
        return switch (rank) {
            case 0 -> "a number";
            case 1 -> "a flat array";
            default -> "arrays nested " + rank + " deep";
        };
    }

    private static String number(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }
}
