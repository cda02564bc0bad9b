package dev.modelc.cli;

import dev.modelc.runtime.Npz;
import dev.modelc.runtime.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code train --save-best}: the params of the epoch with the lowest validation loss so far, as a
 * plain params file (what {@code torch.save(model.state_dict(), "best.pt")} keeps in the
 * tutorials' loops), for {@code eval} and {@code predict --params}. Written atomically whenever an
 * epoch beats the best before it (a tie keeps the earlier epoch; a NaN loss never wins), so the
 * file holds the best epoch even if the run is stopped or diverges later.
 */
final class BestParams {
    private final Path file;
    private double bestLoss = Double.POSITIVE_INFINITY;
    private int bestEpoch;

    BestParams(Path file) {
        this.file = file;
    }

    /** Keeps {@code params} when {@code loss} beats the best so far. */
    void offer(int epoch, double loss, Map<String, Tensor> params) {
        if (!(loss < bestLoss)) return;
        try {
            Npz.write(file, params);
        } catch (IOException e) {
            throw new UncheckedIOException("--save-best " + file + ": " + e.getMessage(), e);
        }
        bestLoss = loss;
        bestEpoch = epoch;
    }

    /** {@code "best val loss 0.4123 after epoch 3, params saved to best.npz"}, or why nothing was saved. */
    String describe() {
        if (bestEpoch == 0) return "no epoch had a finite val loss, so nothing was saved to " + file;
        return "best val loss " + TrainProgress.fixed4(bestLoss) + " after epoch " + bestEpoch + ", params saved to " + file;
    }
}
