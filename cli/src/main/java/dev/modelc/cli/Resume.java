package dev.modelc.cli;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Npy;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.optim.Optimizer;
import dev.modelc.runtime.train.Checkpoint;
import dev.modelc.runtime.train.NonFinite;
import dev.modelc.runtime.train.Position;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code train --resume FILE}: a checkpoint (or a plain params file) checked against the model,
 * the optimizer and the run about to start, so that every inconsistency is the user's error with
 * the file, the key and both types, never a failure later in the loop.
 */
final class Resume {
    private Resume() {
    }

    /**
     * What a run resumes from: params in the model's dtypes, the position to go on from and the
     * steps taken before it (empty for a checkpoint without the counter: counted from the position).
     */
    record Point(Map<String, Tensor> params, Position position, java.util.OptionalLong steps) {
    }

    /**
     * Reads {@code file} for {@code model}; loads its optimizer state into {@code optimizer}
     * (null: the model's update rules). A position inside an epoch needs the same batch order
     * ({@code order}) as the run that wrote it.
     */
    static Point read(Path file, CompiledModel model, DType floating, Optimizer optimizer, Checkpoint.BatchOrder order,
                      boolean allowNonFinite) throws UserError {
        String where = "--resume " + file;
        Checkpoint c;
        try {
            if (!Files.exists(file)) throw UserError.line("--resume: no such file: " + file);
            if (Files.isDirectory(file)) throw UserError.line("--resume: " + file + " is a directory, not an .npz file");
            c = Checkpoint.read(file);
        } catch (NoSuchFileException e) {
            throw UserError.line("--resume: no such file: " + file);
        } catch (Npy.FormatException e) {
            throw UserError.line("--resume: " + e.getMessage());
        } catch (IOException e) {
            throw UserError.line("--resume: cannot read " + file + ": " + e.getMessage());
        } catch (Checkpoint.Invalid e) {
            throw UserError.line(where + ": " + e.getMessage());
        }
        // A plain params file starts a run from other params; a checkpoint continues one, in its own dtypes.
        Map<String, Tensor> params = ParamsFile.check(c.params(), file, model, floating, "--resume", !c.isPlainParams());
        if (!allowNonFinite) {
            for (var e : params.entrySet()) {
                int i = NonFinite.first(e.getValue());
                if (i < 0) continue;
                Tensor t = e.getValue();
                throw UserError.line(where + ": param '" + e.getKey() + "' holds " + NonFinite.spell(t.getDouble(i))
                        + (t.rank() == 0 ? "" : " at " + NonFinite.index(t.shape(), i))
                        + "; training from it would give nothing but NaN (add --allow-non-finite to try anyway)");
            }
        }
        if (!c.optimizerState().isEmpty()) {
            String first = Checkpoint.TRAINING + "optimizer/" + c.optimizerState().keySet().iterator().next();
            if (optimizer == null) {
                throw UserError.line(where + ": it holds an optimizer's state (" + first + "), but " + model.name()
                        + " trains by its update rules; resume it with the model it was trained with");
            }
            try {
                optimizer.loadStateDict(c.optimizerState());
            } catch (IllegalArgumentException e) {
                // A key of another kind means another optimizer; anything else is a malformed entry of this one's.
                if (!e.getMessage().startsWith("unknown optimizer state key")) throw UserError.line(where + ": " + e.getMessage());
                throw UserError.line(where + ": it holds another optimizer's state (" + e.getMessage()
                        + "); resume with the optimizer it was trained with");
            }
            try {
                optimizer.checkState(params);
            } catch (IllegalArgumentException e) {
                throw UserError.line(where + ": " + e.getMessage());
            }
        }
        Position at = c.position();
        if (!at.atEpochEnd()) {
            Checkpoint.BatchOrder saved = c.order().orElseThrow(); // Checkpoint.read requires it inside an epoch
            if (!saved.sameBatches(order)) {
                throw UserError.line(where + ": it was saved inside an epoch (after " + at.describe() + ") of " + saved.describe()
                        + ", but this run takes " + order.describe() + "; the rest of that epoch exists only in the same order ("
                        + differences(saved, order) + ")");
            }
        }
        return new Point(params, at, c.steps());
    }

    /** The options that would give the saved order: {@code --batch 5 --seed 0}. */
    private static String differences(Checkpoint.BatchOrder saved, Checkpoint.BatchOrder now) {
        StringBuilder sb = new StringBuilder();
        if (saved.rows() != now.rows()) sb.append("the same ").append(saved.rows()).append(" rows of data");
        if (saved.batchSize() != now.batchSize()) sb.append(sb.isEmpty() ? "" : ", ").append("--batch ").append(saved.batchSize());
        if (saved.shuffle() != now.shuffle()) sb.append(sb.isEmpty() ? "" : ", ").append(saved.shuffle() ? "--shuffle" : "--no-shuffle");
        if (saved.shuffle() && saved.seed() != now.seed()) sb.append(sb.isEmpty() ? "" : ", ").append("--seed ").append(saved.seed());
        return sb.isEmpty() ? "the same options" : "use " + sb;
    }
}
