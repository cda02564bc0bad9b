package dev.modelc.cli;

import dev.modelc.runtime.train.Checkpoint;

import dev.modelc.compiler.diagnostics.Spelling;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Npy;
import dev.modelc.runtime.Npz;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.Size;
import dev.modelc.runtime.model.TensorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's params in an {@code .npz} file, keyed by param path ({@code linear.weight}), as
 * {@code modelc train --save} writes them and {@code np.savez(**state_dict)} would.
 */
final class ParamsFile {
    private ParamsFile() {
    }

    /**
     * Reads {@code file} for {@code model}: every param must be there, with its declared shape,
     * and nothing else; floating values become the param's dtype ({@code floating} when not null).
     */
    static Map<String, Tensor> read(Path file, CompiledModel model, DType floating, String option) throws UserError {
        Map<String, Tensor> loaded;
        try {
            if (!Files.exists(file)) throw UserError.line(option + ": no such file: " + file);
            if (Files.isDirectory(file)) throw UserError.line(option + ": " + file + " is a directory, not an .npz file");
            loaded = Npz.read(file);
        } catch (NoSuchFileException e) {
            throw UserError.line(option + ": no such file: " + file);
        } catch (Npy.FormatException e) {
            throw UserError.line(option + ": " + e.getMessage());
        } catch (IOException e) {
            throw UserError.line(option + ": cannot read " + file + ": " + e.getMessage());
        }
        return check(loaded, file, model, floating, option, false);
    }

    /**
     * Checks params read from {@code file} against {@code model}, as {@link #read} does, and
     * converts them to the model's dtypes; with {@code exactDType} (a checkpoint being resumed,
     * whose optimizer state and rounding belong to its dtype) a floating param must already
     * have the dtype it will train in.
     */
    static Map<String, Tensor> check(Map<String, Tensor> loaded, Path file, CompiledModel model, DType floating, String option,
                                     boolean exactDType) throws UserError {
        loaded = new LinkedHashMap<>(loaded);
        List<String> paths = model.params().stream().map(TensorSpec::name).toList();
        List<String> extra = new ArrayList<>();
        // A checkpoint also holds what resuming needs, under training/ (no param path has a '/').
        loaded.keySet().removeIf(key -> key.startsWith(Checkpoint.TRAINING));
        for (String key : loaded.keySet()) if (!paths.contains(key)) extra.add(key);
        if (!extra.isEmpty()) {
            String first = extra.getFirst();
            String near = Spelling.nearest(first, paths);
            throw UserError.line(option + ": " + file + " has " + quoted(extra) + ", but " + model.name() + " has no "
                    + (extra.size() == 1 ? "such param" : "such params") + (near != null ? " (did you mean '" + near + "'?)" : "")
                    + "; its params are " + (paths.isEmpty() ? "none" : String.join(", ", paths)));
        }
        List<String> missing = new ArrayList<>();
        for (TensorSpec p : model.params()) {
            if (!loaded.containsKey(p.name())) missing.add("'" + p.name() + "' (" + p.dtype() + p.dims() + ")");
        }
        if (!missing.isEmpty()) {
            // A checkpoint written before the model had states (or by another model) names what it lacks, states as states.
            List<String> states = model.buffers().stream().map(TensorSpec::name).toList();
            long missingStates = 0;
            for (TensorSpec p : model.params()) if (!loaded.containsKey(p.name()) && states.contains(p.name())) missingStates++;
            String kind = missingStates == 0 ? "param" : missingStates == missing.size() ? "state" : "param and state";
            throw UserError.line(option + ": " + file + " lacks " + kind + (missing.size() == 1 ? " " : "s ")
                    + String.join(", ", missing) + " of " + model.name());
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (TensorSpec p : model.params()) {
            Tensor t = loaded.get(p.name());
            // a param's sizes are fixed (the checker refuses symbolic ones)
            int[] want = p.dims().stream().mapToInt(d -> (int) ((Size.Fixed) d).value()).toArray();
            if (!Arrays.equals(want, t.shape())) {
                throw UserError.line(option + ": param '" + p.name() + "' of " + model.name() + " is " + p.dtype() + p.dims()
                        + ", but " + file + " holds " + t.dtype() + Arrays.toString(t.shape()));
            }
            DType dtype = p.dtype().isFloating() && floating != null ? floating : p.dtype();
            if (!t.dtype().isFloating() && dtype.isFloating() || t.dtype().isFloating() && !dtype.isFloating()) {
                throw UserError.line(option + ": param '" + p.name() + "' of " + model.name() + " is " + dtype + ", but "
                        + file + " holds " + t.dtype() + " values");
            }
            if (exactDType && t.dtype() != dtype) {
                throw UserError.line(option + ": param '" + p.name() + "' of " + model.name() + " trains as " + dtype
                        + (floating != null ? " (--dtype " + floating + ")" : "") + ", but the checkpoint " + file + " holds "
                        + t.dtype() + Arrays.toString(t.shape()) + "; resume in the dtype it was trained in (--dtype " + t.dtype() + ")");
            }
            out.put(p.name(), t.to(dtype));
        }
        return out;
    }

    private static String quoted(List<String> names) {
        List<String> q = names.stream().map(n -> "'" + n + "'").toList();
        return String.join(", ", q);
    }
}
