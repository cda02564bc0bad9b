package dev.modelc.spark;

import dev.modelc.runtime.Tensor;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Part of a step's sum over the global batch: the rows counted, the loss and every param's
 * gradient, each already weighted (by the partition's share of the batch's rows for a mean, by
 * one for a sum) so that the sum of all partitions' parts is the global batch's value. Sums are
 * in double whatever the model's dtype. The empty part (no rows) is the identity of {@link #plus}.
 */
final class Partial implements Serializable {
    static final Partial EMPTY = new Partial(0, 0, null);

    final long rows;
    final double loss;
    /** Gradients by param path, in declaration order; null for the empty part. */
    final Map<String, double[]> gradients;

    private Partial(long rows, double loss, Map<String, double[]> gradients) {
        this.rows = rows;
        this.loss = loss;
        this.gradients = gradients;
    }

    /** The part of a partition whose {@code rows} rows gave {@code loss} and {@code gradients}, weighted by {@code weight}. */
    static Partial of(int rows, Tensor loss, Map<String, Tensor> gradients, double weight) {
        Map<String, double[]> g = new LinkedHashMap<>();
        gradients.forEach((name, t) -> {
            double[] v = t.toDoubleArray();
            for (int i = 0; i < v.length; i++) v[i] *= weight;
            g.put(name, v);
        });
        return new Partial(rows, loss.item() * weight, g);
    }

    /** The two parts summed; the empty part changes nothing (not even a rounding: 0 + x is x). */
    Partial plus(Partial other) {
        if (other.gradients == null) return this;
        if (gradients == null) return other;
        Map<String, double[]> g = new LinkedHashMap<>();
        gradients.forEach((name, v) -> {
            double[] w = other.gradients.get(name);
            double[] s = new double[v.length];
            for (int i = 0; i < v.length; i++) s[i] = v[i] + w[i];
            g.put(name, s);
        });
        return new Partial(rows + other.rows, loss + other.loss, g);
    }
}
