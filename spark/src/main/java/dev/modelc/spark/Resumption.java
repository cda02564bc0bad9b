package dev.modelc.spark;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Npy;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.Size;
import dev.modelc.runtime.model.TensorSpec;
import dev.modelc.runtime.optim.Optimizer;
import dev.modelc.runtime.train.Checkpoint;
import dev.modelc.runtime.train.NonFinite;
import dev.modelc.runtime.train.Position;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A checkpoint (the local trainer's {@code .npz}: params, position, batch order, optimizer state)
 * checked against the model, the optimizer and the batches of the run about to start, before
 * any step: a driver that restarts goes on from it as if it had never stopped.
 */
final class Resumption {
    private Resumption() {
    }

    record Point(Map<String, Tensor> params, Position position) {
    }

    /** Reads {@code file}; loads its optimizer state into {@code optimizer}. */
    static Point read(Path file, SparkModel shipped, CompiledModel model, Optimizer optimizer, Checkpoint.BatchOrder order, boolean allowNonFinite) {
        String where = "checkpoint " + file;
        Checkpoint c;
        try {
            if (!Files.isRegularFile(file)) throw new SparkTrainingException(where + ": no such file");
            c = Checkpoint.read(file);
        } catch (Npy.FormatException e) {
            throw new SparkTrainingException(where + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new SparkTrainingException(where + ": cannot read it: " + e.getMessage(), e);
        } catch (Checkpoint.Invalid e) {
            throw new SparkTrainingException(where + ": " + e.getMessage(), e);
        }
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (TensorSpec spec : model.params()) {
            Tensor t = c.params().get(spec.name());
            if (t == null) throw new SparkTrainingException(where + " has no param '" + spec.name() + "' of " + model.name());
            long[] want = spec.dims().stream().mapToLong(d -> d instanceof Size.Fixed f ? f.value() : -1).toArray();
            long[] have = Arrays.stream(t.shape()).asLongStream().toArray();
            DType dtype = shipped.trainedAs(spec.dtype());
            if (t.dtype() != dtype || !Arrays.equals(want, have)) {
                throw new SparkTrainingException(where + ": param '" + spec.name() + "' is " + t.dtype().spelling() + Arrays.toString(t.shape())
                        + ", but " + model.name() + " trains it as " + dtype.spelling() + spec.dims());
            }
            if (!allowNonFinite && NonFinite.first(t) >= 0) {
                throw new SparkTrainingException(where + ": param '" + spec.name() + "' holds " + NonFinite.spell(t.getDouble(NonFinite.first(t)))
                        + "; training from it would give nothing but NaN");
            }
            params.put(spec.name(), t);
        }
        for (String k : c.params().keySet()) {
            if (!params.containsKey(k)) throw new SparkTrainingException(where + " has param '" + k + "', which " + model.name() + " does not have");
        }
        if (c.position().batch() > 0 && c.order().isPresent() && !c.order().get().sameBatches(order)) {
            throw new SparkTrainingException(where + " stopped inside an epoch of " + c.order().get().describe() + ", but this run has "
                    + order.describe() + "; the rest of that epoch is another run's");
        }
        if (!c.optimizerState().isEmpty()) {
            try {
                optimizer.loadStateDict(c.optimizerState());
                optimizer.checkState(params);
            } catch (IllegalArgumentException e) {
                throw new SparkTrainingException(where + ": " + e.getMessage() + "; resume with the optimizer it was trained with", e);
            }
        }
        return new Point(params, c.position());
    }
}
