package dev.modelc.runtime.train;

/**
 * How a scalar over all rows of a data set (a loss, an accuracy) follows from its values on
 * batches of rows, so that it can be evaluated a batch at a time in memory bounded by the batch.
 *
 * <p>{@code SUM}: the value is a sum over rows (plus nothing else), so the batches' values add.
 * {@code MEAN}: a mean over rows, possibly scaled or plus a term that does not depend on the
 * data (a weight penalty), so the batches' values weighted by their rows give it. {@code
 * BATCH_MEAN}: neither (a maximum over rows, a square root of a mean...); the row-weighted mean
 * of the batches' values is reported, which is the value itself only when all rows are one batch.
 */
public enum RowAggregate {
    SUM, MEAN, BATCH_MEAN;

    /** Whether combining batch values gives the value on all rows (up to rounding). */
    public boolean exact() {
        return this != BATCH_MEAN;
    }

    /** Accumulates batch values; non-finite values stay non-finite (an inf batch gives inf or nan, never a number). */
    public Accumulator accumulator() {
        return new Accumulator(this);
    }

    /** A running combination of batch values, in double. */
    public static final class Accumulator {
        private final RowAggregate how;
        private double sum;
        private long rows;

        private Accumulator(RowAggregate how) {
            this.how = how;
        }

        /** Adds the value on one batch of {@code batchRows} rows. */
        public void add(double value, int batchRows) {
            if (batchRows <= 0) throw new IllegalArgumentException("a batch has at least one row, found " + batchRows);
            sum += how == SUM ? value : value * batchRows;
            rows += batchRows;
        }

        /** The combined value; NaN before any batch. */
        public double value() {
            if (rows == 0) return Double.NaN;
            return how == SUM ? sum : sum / rows;
        }
    }
}
