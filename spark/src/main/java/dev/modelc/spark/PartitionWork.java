package dev.modelc.spark;

import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.train.RowAggregate;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** What a task does with its partition's {@link Block}: a step's gradients, or the loss over its rows. */
final class PartitionWork {
    /** Gradient tasks run in this JVM (tests check that a refused run ran none). */
    static final AtomicLong GRADIENT_TASKS = new AtomicLong();

    private PartitionWork() {
    }

    /**
     * This block's part of the step's batch: the loss and gradients on its rows of the batch,
     * weighted by their share of the batch's rows (a mean over rows) or by one (a sum); empty when
     * none of the batch's rows are here.
     */
    static Partial gradients(SparkModel model, StepInput in, Block block) {
        Faults.maybeFail(in.step());
        GRADIENT_TASKS.incrementAndGet();
        int[] rows = in.plan().rowsIn(in.epoch(), in.batch(), block.first(), block.rows());
        if (rows.length == 0) return Partial.EMPTY;
        CompiledModel m = ExecutorModels.compiled(model);
        Map<String, Tensor> batch = rows.length == block.rows() && inOrder(rows)
                ? block.dataset().columns() : block.dataset().gather(rows);
        CompiledModel.Gradients g = m.lossAndGradients(ShippedTensor.unship(in.params()), batch);
        // k / n is exactly 1 when one partition holds the whole batch, so one partition gives the local trainer's bits.
        double weight = in.aggregate() == RowAggregate.SUM ? 1 : (double) rows.length / in.plan().batchRows(in.batch());
        return Partial.of(rows.length, g.loss(), g.gradients(), weight);
    }

    /** A part of the loss over all rows: its value on chunks of rows combined as the aggregate says, before dividing. */
    record LossPart(double sum, long rows) implements Serializable {
        static final LossPart EMPTY = new LossPart(0, 0);

        LossPart plus(LossPart o) {
            return o.rows == 0 ? this : rows == 0 ? o : new LossPart(sum + o.sum, rows + o.rows);
        }
    }

    /** The loss on this block's rows, {@code chunk} rows at a time (memory bounded as the local trainer's evaluation is). */
    static LossPart loss(SparkModel model, Map<String, ShippedTensor> params, int chunk, RowAggregate how, Block block) {
        if (block.rows() == 0) return LossPart.EMPTY;
        CompiledModel m = ExecutorModels.compiled(model);
        Map<String, Tensor> p = ShippedTensor.unship(params);
        double sum = 0;
        for (int from = 0; from < block.rows(); from += chunk) {
            int to = (int) Math.min(block.rows(), (long) from + chunk);
            double v = m.loss(p, from == 0 && to == block.rows() ? block.dataset().columns() : block.dataset().slice(from, to)).item();
            sum += how == RowAggregate.SUM ? v : v * (to - from);
        }
        return new LossPart(sum, block.rows());
    }

    private static boolean inOrder(int[] rows) {
        for (int i = 0; i < rows.length; i++) if (rows[i] != i) return false;
        return true;
    }
}
