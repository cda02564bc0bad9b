package dev.modelc.spark;

import dev.modelc.runtime.train.RowAggregate;
import java.io.Serializable;
import java.util.Map;

/**
 * What one step broadcasts: the params (by path, declaration order), the optimizer's step number
 * (steps taken before this one), and which batch of which epoch the step is on.
 */
record StepInput(Map<String, ShippedTensor> params, long step, int epoch, int batch, BatchPlan plan, RowAggregate aggregate)
        implements Serializable {
}
