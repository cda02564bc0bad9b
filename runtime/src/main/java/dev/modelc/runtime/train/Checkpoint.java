package dev.modelc.runtime.train;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Npz;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training checkpoint: the params by path (what {@code predict} and {@code Model.load} read),
 * plus what resuming needs, under keys no param path can have (paths never contain '/'):
 * {@code training/epoch}, the epochs completed, and {@code training/optimizer/...}, the
 * optimizer's state. Written as one {@code .npz}, atomically.
 */
public record Checkpoint(Map<String, Tensor> params, int epoch, Map<String, Tensor> optimizerState) {
    /** The prefix of every key that is not a param. */
    public static final String TRAINING = "training/";
    private static final String EPOCH = TRAINING + "epoch";
    private static final String OPTIMIZER = TRAINING + "optimizer/";

    public Checkpoint {
        // Insertion order is declaration order (PyTorch's parameters() order): keep it.
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        optimizerState = Collections.unmodifiableMap(new LinkedHashMap<>(optimizerState));
    }

    /** Writes params, epoch and the optimizer's state (none for update rules) atomically. */
    public static void save(Path file, Map<String, Tensor> params, int epoch, Optimizer optimizer) throws IOException {
        Map<String, Tensor> all = new LinkedHashMap<>(params);
        all.put(EPOCH, Tensor.scalar(DType.I32, epoch));
        if (optimizer != null) optimizer.stateDict().forEach((k, v) -> all.put(OPTIMIZER + k, v));
        Npz.write(file, all);
    }

    /** Reads a checkpoint; a plain params file (no training keys) reads as epoch 0 with no optimizer state. */
    public static Checkpoint read(Path file) throws IOException {
        Map<String, Tensor> params = new LinkedHashMap<>(), state = new LinkedHashMap<>();
        int epoch = 0;
        for (var e : Npz.read(file).entrySet()) {
            String k = e.getKey();
            if (k.equals(EPOCH)) epoch = (int) e.getValue().item();
            else if (k.startsWith(OPTIMIZER)) state.put(k.substring(OPTIMIZER.length()), e.getValue());
            else if (!k.startsWith(TRAINING)) params.put(k, e.getValue());
        }
        return new Checkpoint(params, epoch, state);
    }
}
