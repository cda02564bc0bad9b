package dev.modelc.cli;

import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.train.Evaluator;
import dev.modelc.runtime.train.RowAggregate;
import dev.modelc.runtime.train.Trainer;
import java.util.Map;

/**
 * {@code train --val}: held-out data the model is measured on after every epoch, as the test
 * loop of PyTorch's quickstart measures it: the loss and every scalar output (an accuracy, say),
 * evaluated {@code batchSize} rows at a time with the params the epoch ended with, never trained
 * on; both in one pass ({@code evaluator}), or the loss alone ({@code model}'s) when the model
 * has no scalar output on this data ({@code evaluator} null).
 */
record Validation(CompiledModel model, TensorDataset data, int batchSize, RowAggregate lossAggregate, Evaluator evaluator,
                  ScalarOutputs outputs) {

    /** One epoch's measurement: the loss, and the line part {@code "val loss 0.4123, val accuracy 0.8123"}. */
    record Measured(double loss, String text) {
    }

    /** The loss and every scalar output on the held-out data with {@code params}. */
    Measured measure(Map<String, Tensor> params) {
        if (evaluator == null) {
            double loss = Trainer.loss(model, params, data, batchSize, lossAggregate);
            return new Measured(loss, "val loss " + TrainProgress.fixed4(loss));
        }
        Evaluator.Evaluated e = evaluator.evaluate(params, data, batchSize);
        StringBuilder sb = new StringBuilder("val loss ").append(TrainProgress.fixed4(e.loss()));
        for (ScalarOutputs.Measured m : outputs.measured(e.outputs())) sb.append(", val ").append(m);
        return new Measured(e.loss(), sb.toString());
    }
}
