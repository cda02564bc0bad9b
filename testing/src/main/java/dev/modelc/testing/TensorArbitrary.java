package dev.modelc.testing;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.arbitraries.ArbitraryDecorator;

/**
 * A jqwik arbitrary for tensors of one dtype and shape. Floating values are decimals in a range
 * (by default [-2, 2] with 2 decimals, so shrunk values read like {@code 1.01}); integers are
 * whole numbers in the range; bools are either. Values shrink towards 0 (or the end of the range
 * nearest to it), one element at a time, and {@link #awayFrom} keeps floating values clear of
 * points where the model under test is not differentiable, such as relu's kink at 0.
 *
 * <pre>{@code
 * @Provide Arbitrary<Tensor> activations() {
 *     return TensorArbitrary.of(DType.F32, 4, 3).between(-3, 3).awayFrom(0, 1e-3);
 * }
 * }</pre>
 *
 * <p>Like jqwik's own arbitraries it is immutable: each setting returns a new one.
 */
public final class TensorArbitrary extends ArbitraryDecorator<Tensor> {
    private final DType dtype;
    private final int[] shape;
    private final ValueRange range;

    private TensorArbitrary(DType dtype, int[] shape, ValueRange range) {
        this.dtype = dtype;
        this.shape = shape;
        this.range = range;
    }

    /** Tensors of {@code dtype} and {@code shape}, values in [-2, 2] with 2 decimals. */
    public static TensorArbitrary of(DType dtype, int... shape) {
        Objects.requireNonNull(dtype, "dtype == null");
        Tensor.numel(shape); // rejects negative and oversized shapes
        return new TensorArbitrary(dtype, shape.clone(), ValueRange.DEFAULT);
    }

    /** Values in [min, max] (integers: the whole numbers in it). */
    public TensorArbitrary between(double min, double max) {
        return new TensorArbitrary(dtype, shape, range.between(min, max));
    }

    /** Floating values with at most {@code decimals} digits after the point. */
    public TensorArbitrary ofScale(int decimals) {
        return new TensorArbitrary(dtype, shape, range.ofScale(decimals));
    }

    /** Floating values at least {@code margin} from {@code point}; may be given several times. */
    public TensorArbitrary awayFrom(double point, double margin) {
        return new TensorArbitrary(dtype, shape, range.awayFrom(point, margin));
    }

    TensorArbitrary with(ValueRange r) {
        return new TensorArbitrary(dtype, shape, r);
    }

    @Override
    protected Arbitrary<Tensor> arbitrary() {
        int n = Tensor.numel(shape);
        Arbitrary<Double> element = range.elements(dtype);
        return element.list().ofSize(n).map(values -> {
            double[] d = new double[n];
            for (int i = 0; i < n; i++) d[i] = values.get(i);
            return Tensor.of(dtype, shape, d);
        });
    }

    /**
     * The values a tensor's elements take: a range, a scale for decimals, and points to keep
     * away from (each with its margin).
     */
    record ValueRange(double min, double max, int scale, List<double[]> away) {
        static final ValueRange DEFAULT = new ValueRange(-2, 2, 2, List.of());

        ValueRange {
            if (!(min <= max)) throw new IllegalArgumentException("empty range [" + min + ", " + max + "]");
            if (scale < 0) throw new IllegalArgumentException("scale must not be negative, is " + scale);
            away = List.copyOf(away);
        }

        ValueRange between(double lo, double hi) {
            return new ValueRange(lo, hi, scale, away);
        }

        ValueRange ofScale(int decimals) {
            return new ValueRange(min, max, decimals, away);
        }

        ValueRange awayFrom(double point, double margin) {
            if (!(margin > 0)) throw new IllegalArgumentException("margin must be positive, is " + margin);
            List<double[]> a = new ArrayList<>(away);
            a.add(new double[] {point, margin});
            return new ValueRange(min, max, scale, a);
        }

        boolean clear(double v) {
            for (double[] p : away) if (Math.abs(v - p[0]) < p[1]) return false;
            return true;
        }

        Arbitrary<Double> elements(DType dtype) {
            return switch (dtype) {
                case F32, F64 -> {
                    Arbitrary<Double> d = Arbitraries.doubles().between(min, max).ofScale(scale);
                    yield away.isEmpty() ? d : d.filter(this::clear);
                }
                case I32 -> {
                    long lo = (long) Math.ceil(min), hi = (long) Math.floor(max);
                    if (lo > hi) throw new IllegalArgumentException("no whole number in [" + min + ", " + max + "]");
                    yield Arbitraries.integers().between((int) lo, (int) hi).map(Integer::doubleValue);
                }
                case BOOL -> Arbitraries.of(0.0, 1.0);
            };
        }
    }
}
