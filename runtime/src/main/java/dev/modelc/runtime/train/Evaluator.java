package dev.modelc.runtime.train;

import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.Mode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The loss over all rows of a data set together with some of the model's scalar outputs (an
 * accuracy), in one pass: each batch is run once, by {@code model}, whose {@code forward} gives
 * the loss (as output {@code lossOutput}) and the scalars together, as PyTorch's test loop gets
 * both from one forward pass. A model of these results alone (the compiler's {@code
 * Driver.evaluator}) computes the values a separate loss pass and forward pass would, since it is
 * the same graph with fewer outputs.
 *
 * <p>Batches and aggregation are those of {@link Trainer#loss} for the loss (all rows in one call
 * when they fit one batch, else {@code batchSize} rows at a time in order, combined as {@code
 * lossAggregate} says) and, for each scalar, its {@link Scalar#aggregate}, so the numbers are the
 * separate passes' numbers.
 */
public record Evaluator(CompiledModel model, String lossOutput, RowAggregate lossAggregate, List<Scalar> scalars) {

    public Evaluator {
        Objects.requireNonNull(model, "model == null");
        Objects.requireNonNull(lossOutput, "lossOutput == null");
        Objects.requireNonNull(lossAggregate, "lossAggregate == null");
        scalars = List.copyOf(scalars);
        if (!model.outputs().contains(lossOutput)) {
            throw new IllegalArgumentException("model " + model.name() + " has no output '" + lossOutput + "' for the loss");
        }
        for (Scalar s : scalars) {
            if (!model.outputs().contains(s.name())) {
                throw new IllegalArgumentException("model " + model.name() + " has no output '" + s.name() + "'");
            }
        }
    }

    /** A scalar output to report, and how it combines over batches of rows. */
    public record Scalar(String name, RowAggregate aggregate) {
        public Scalar {
            Objects.requireNonNull(name, "name == null");
            Objects.requireNonNull(aggregate, "aggregate == null");
        }
    }

    /**
     * A scalar output's value over all rows; {@code batchMean} when it is the row-weighted mean of
     * its values on more than one batch rather than its value on all rows ({@link RowAggregate#BATCH_MEAN}).
     */
    public record Value(String name, double value, boolean batchMean) {
    }

    /** The loss over all rows and the scalar outputs, in the order of {@link #scalars()}. */
    public record Evaluated(double loss, List<Value> outputs) {
        public Evaluated {
            outputs = List.copyOf(outputs);
        }
    }

    /** The loss and the scalars over all rows of {@code data} with {@code params}, {@code batchSize} rows at a time. */
    public Evaluated evaluate(Map<String, Tensor> params, TensorDataset data, int batchSize) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, found " + batchSize);
        // Evaluation, as the epoch's loss: training false, no state rules.
        CompiledModel c = model.inMode(Mode.EVALUATION);
        // The model of these results may take fewer params than the whole model (those they need).
        Map<String, Tensor> p = new HashMap<>();
        for (var spec : c.params()) p.put(spec.name(), params.get(spec.name()));
        int n = data.size();
        List<RowAggregate.Accumulator> sums = new ArrayList<>();
        for (Scalar s : scalars) sums.add(s.aggregate().accumulator());
        double loss;
        if (n <= batchSize) {
            // One call on all rows, as Trainer.loss makes it: the loss is that call's value, not a combination.
            Map<String, Tensor> results = c.forward(p, data.columns());
            loss = results.get(lossOutput).item();
            if (n > 0) for (int i = 0; i < scalars.size(); i++) sums.get(i).add(results.get(scalars.get(i).name()).item(), n);
        } else {
            RowAggregate.Accumulator acc = lossAggregate.accumulator();
            for (int from = 0; from < n; from += batchSize) {
                int to = (int) Math.min(n, (long) from + batchSize);
                Map<String, Tensor> results = c.forward(p, data.slice(from, to));
                acc.add(results.get(lossOutput).item(), to - from);
                for (int i = 0; i < scalars.size(); i++) sums.get(i).add(results.get(scalars.get(i).name()).item(), to - from);
            }
            loss = acc.value();
        }
        List<Value> out = new ArrayList<>();
        for (int i = 0; i < scalars.size(); i++) {
            Scalar s = scalars.get(i);
            out.add(new Value(s.name(), sums.get(i).value(), !s.aggregate().exact() && n > batchSize));
        }
        return new Evaluated(loss, out);
    }
}
