package dev.modelc.runtime.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Binds the symbolic sizes of a model's declared inputs and params from the shapes of the
 * tensors given for them, and says how a shape does not fit: the one binder the interpreter, the
 * plan executors and the command line's data and values files use, each rendering a
 * {@link Mismatch} in its own words (generated code follows the same rule unrolled, through
 * {@code exec.Shapes}).
 *
 * <p>A symbol is bound by the first tensor that has it alone on an axis ({@link Size.Symbol});
 * polynomial sizes such as {@code N + 1} are checked once every tensor has bound its symbols
 * ({@link #checkDerived}), so the order the tensors come in does not matter to them.
 */
public final class SizeBinder {
    /** Where a symbol got its size: axis {@code axis} of the tensor given for {@code name}. */
    public record Binding(long size, String name, int axis) {
    }

    /** Why a tensor's shape does not fit its declared sizes. */
    public sealed interface Mismatch {
        /** The tensor has rank {@code found} where {@code declared} axes are declared. */
        record Rank(int declared, int found) implements Mismatch {
        }

        /** Axis {@code axis} has {@code found} elements where the fixed size {@code declared} is declared. */
        record Fixed(int axis, long declared, int found) implements Mismatch {
        }

        /** Axis {@code axis} has {@code found} elements where {@code symbol} is already {@code prior.size()}. */
        record Conflict(String symbol, Binding prior, int axis, int found) implements Mismatch {
        }

        /** Axis {@code axis} has {@code found} elements where {@code size} is {@code value} under the sizes bound. */
        record Derived(int axis, Size size, long value, int found) implements Mismatch {
        }
    }

    private final Map<String, Binding> bound = new LinkedHashMap<>();

    /**
     * Checks a tensor's rank, fixed sizes and symbols against its declaration, in axis order,
     * and binds the symbols it is the first to have; nothing is bound when it does not fit.
     *
     * @return the first mismatch, if any
     */
    public Optional<Mismatch> bind(String name, List<Size> declared, int[] shape) {
        return bind(name, declared, shape, true);
    }

    /**
     * {@link #bind} without checking fixed sizes, for callers that compare whole shapes once
     * the sizes are bound (and so report a wrong fixed size in their own words).
     */
    public Optional<Mismatch> bindSymbols(String name, List<Size> declared, int[] shape) {
        return bind(name, declared, shape, false);
    }

    private Optional<Mismatch> bind(String name, List<Size> declared, int[] shape, boolean fixed) {
        if (declared.size() != shape.length) return Optional.of(new Mismatch.Rank(declared.size(), shape.length));
        Map<String, Binding> fresh = new LinkedHashMap<>(); // in axis order
        for (int i = 0; i < shape.length; i++) {
            switch (declared.get(i)) {
                case Size.Fixed f -> {
                    if (fixed && f.value() != shape[i]) return Optional.of(new Mismatch.Fixed(i, f.value(), shape[i]));
                }
                case Size.Symbol s -> {
                    Binding prior = bound.containsKey(s.name()) ? bound.get(s.name()) : fresh.get(s.name());
                    if (prior == null) fresh.put(s.name(), new Binding(shape[i], name, i));
                    else if (prior.size() != shape[i]) return Optional.of(new Mismatch.Conflict(s.name(), prior, i, shape[i]));
                }
                case Size.Polynomial p -> {
                    // checked by checkDerived, once every tensor has bound its symbols
                }
            }
        }
        bound.putAll(fresh);
        return Optional.empty();
    }

    /**
     * Checks a tensor's polynomial sizes ({@code N + 1}, {@code 2*H}) against the sizes bound;
     * one that mentions a symbol no tensor bound is skipped (what needs it reports it).
     *
     * @return the first axis that differs, if any
     */
    public Optional<Mismatch> checkDerived(List<Size> declared, int[] shape) {
        for (int i = 0; i < Math.min(declared.size(), shape.length); i++) {
            if (!(declared.get(i) instanceof Size.Polynomial p)) continue;
            OptionalLong want = value(p);
            if (want.isPresent() && want.getAsLong() != shape[i]) {
                return Optional.of(new Mismatch.Derived(i, p, want.getAsLong(), shape[i]));
            }
        }
        return Optional.empty();
    }

    /** The value of a size under the sizes bound; empty while one of its symbols is not bound. */
    public OptionalLong value(Size s) {
        for (String symbol : s.symbols()) if (!bound.containsKey(symbol)) return OptionalLong.empty();
        return OptionalLong.of(s.value(symbol -> bound.get(symbol).size()));
    }

    /**
     * What to say of a tensor whose shape does not fit: {@code 'x' must have shape [N, 3] (rank 2),
     * found shape [4]}, naming both tensors and both sizes of a conflict; the wording of the
     * interpreter and the plan runner alike. A {@link Mismatch.Fixed} (which only {@link #bind}
     * reports) reads as a shape mismatch.
     */
    public static String describe(String name, List<Size> declared, int[] found, Mismatch m) {
        return switch (m) {
            case Mismatch.Rank r -> "'" + name + "' must have shape " + declared + " (rank " + declared.size()
                    + "), found shape " + Arrays.toString(found);
            case Mismatch.Conflict c -> "dimension " + c.symbol() + " is " + c.prior().size() + " in '" + c.prior().name()
                    + "' but " + c.found() + " in '" + name + "' (axis " + c.axis() + " of shape " + Arrays.toString(found) + ")";
            case Mismatch.Derived d -> "'" + name + "' must have shape " + declared + ", but axis " + d.axis() + " is "
                    + d.found() + " where " + d.size() + " = " + d.value();
            case Mismatch.Fixed f -> "'" + name + "' must have shape " + declared + ", found shape " + Arrays.toString(found);
        };
    }

    /**
     * What to say of a size no given tensor bound: {@code could} names the declared tensors that
     * were not given and would have bound it ({@code 'x' [N, 3] or 'y' [N]}), empty when none would.
     */
    public static String notBound(String symbol, String could) {
        return could.isEmpty() ? "dimension " + symbol + " is not bound by any input or param"
                : "dimension " + symbol + " is not bound by the values given: give a value for " + could;
    }

    /** Where {@code symbol} got its size, if it is bound. */
    public Optional<Binding> binding(String symbol) {
        return Optional.ofNullable(bound.get(symbol));
    }

    /** Every bound symbol's size, in the order they were bound. */
    public Map<String, Long> sizes() {
        Map<String, Long> out = new LinkedHashMap<>();
        bound.forEach((s, b) -> out.put(s, b.size()));
        return Collections.unmodifiableMap(out);
    }
}
