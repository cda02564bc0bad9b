package dev.modelc.api;

import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.check.ModelSignature;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.runtime.Npz;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.Mode;
import dev.modelc.runtime.model.StepKey;
import dev.modelc.runtime.model.TensorSpec;
import dev.modelc.runtime.model.TrainConfig;
import dev.modelc.runtime.optim.Optimizer;
import dev.modelc.runtime.train.RowAggregate;
import dev.modelc.runtime.train.Trainer;
import dev.modelc.runtime.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One model with its params, like a PyTorch {@code nn.Module}: run it forward, get the loss and
 * its gradients, take steps, train, and save or load its params (by path, as in
 * {@code state_dict}). It runs on the backend it was made with ({@link Backend#DEFAULT}, the
 * bytecode backend, unless {@link Program#model(String, Backend)} chose another).
 *
 * <p>Like a module it has a mode ({@link #train()}, {@link #eval()}): the value of the language's
 * {@code training} in {@link #forward}, {@link #loss} and {@link #gradients}. It starts in
 * evaluation mode (where PyTorch's modules start in training mode), since those calls evaluate
 * the model; {@link #step} and {@link #fit} always run the training step, whatever the mode, and
 * leave the mode as it was.
 */
public final class Model {
    private final CheckedModel checked;
    private final CompiledModel compiled;
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Backend backend;
    private final int device;
    /** How the loss combines over batches of rows, worked out from the graph on first use. */
    private RowAggregate lossAggregate;
    /** Each output's inputs (in graph order), and per set of outputs a model of them alone, built on first use. */
    private Map<String, List<String>> needs;
    private final Map<List<String>, CompiledModel> outputsAlone = new HashMap<>();
    private Mode mode = Mode.EVALUATION;

    Model(CheckedModel checked, Backend backend, int device) {
        this.checked = checked;
        this.backend = backend;
        this.device = device;
        this.compiled = backend.compile(checked, null, device);
    }

    public String name() {
        return checked.name();
    }

    /** Inputs, params, outputs and loss with their types. */
    public ModelSignature signature() {
        return checked.signature();
    }

    /** The checked model (signature and graph) this model was compiled from; tools derive other models from it. */
    public CheckedModel checked() {
        return checked;
    }

    /** The model as the runtime runs it. */
    public CompiledModel compiled() {
        return compiled;
    }

    /** Runs {@link #forward}, {@link #loss} and {@link #gradients} with {@code training} true, as PyTorch's {@code model.train()}. */
    public Model train() {
        mode = Mode.TRAINING;
        return this;
    }

    /** Runs {@link #forward}, {@link #loss} and {@link #gradients} with {@code training} false (the initial mode), as PyTorch's {@code model.eval()}. */
    public Model eval() {
        mode = Mode.EVALUATION;
        return this;
    }

    /** The mode {@link #forward}, {@link #loss} and {@link #gradients} run in. */
    public Mode mode() {
        return mode;
    }

    /** The program of the current mode. */
    private CompiledModel running() {
        return compiled.inMode(mode);
    }

    /**
     * The states by path (PyTorch's buffers, such as {@code bn.running_mean}), a read-only view:
     * held, saved and loaded with the params, changed only by their update rules in the training step.
     */
    public Map<String, Tensor> buffers() {
        ensureInitialized();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (TensorSpec s : compiled.buffers()) out.put(s.name(), params.get(s.name()));
        return Collections.unmodifiableMap(out);
    }

    /** Sets every param from its initializer, drawn with {@code seed} (keyed by param path). */
    public Model initialize(long seed) {
        params.clear();
        params.putAll(compiled.initialParams(seed));
        return this;
    }

    /** The params and then the states by path, in declaration order (a read-only view): PyTorch's {@code state_dict()}. */
    public Map<String, Tensor> params() {
        ensureInitialized();
        return Collections.unmodifiableMap(params);
    }

    public Tensor param(String path) {
        ensureInitialized();
        Tensor t = params.get(path);
        if (t == null) throw new IllegalArgumentException("no param '" + path + "'; params are " + params.keySet());
        return t;
    }

    /** Replaces a param's value; it must have the param's dtype and shape. */
    public Model setParam(String path, Tensor value) {
        ensureInitialized();
        Objects.requireNonNull(value, "value == null");
        TensorSpec spec = compiled.params().stream().filter(p -> p.name().equals(path)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no param '" + path + "'; params are " + params.keySet()));
        Tensor old = params.get(path);
        if (value.dtype() != spec.dtype() || !Arrays.equals(value.shape(), old.shape())) {
            throw new IllegalArgumentException("param '" + path + "' is " + spec.dtype() + Arrays.toString(old.shape())
                    + ", given " + value.dtype() + Arrays.toString(value.shape()));
        }
        params.put(path, value);
        return this;
    }

    /**
     * The outputs {@code inputs} allow: every output whose inputs are all given, so predicting
     * needs no labels even when the model has an accuracy output that does (as
     * {@code modelc predict} skips such outputs). The outputs of a set of inputs that leaves some
     * out are compiled once, on first use, by the model's backend.
     *
     * @throws IllegalArgumentException when no output can be computed from the inputs given
     */
    public Map<String, Tensor> forward(Map<String, Tensor> inputs) {
        if (needs == null) needs = Driver.inputsByOutput(checked);
        List<String> computable = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (var e : needs.entrySet()) {
            if (inputs.keySet().containsAll(e.getValue())) computable.add(e.getKey());
            else for (String i : e.getValue()) if (!inputs.containsKey(i) && !missing.contains(i)) missing.add(i);
        }
        if (computable.size() == needs.size()) return running().forward(params(), inputs);
        if (computable.isEmpty()) {
            throw new IllegalArgumentException("no output of " + name() + " can be computed without input"
                    + (missing.size() == 1 ? " '" + missing.getFirst() + "'" : "s " + missing));
        }
        CompiledModel alone = outputsAlone.computeIfAbsent(List.copyOf(computable),
                k -> Driver.outputsModel(checked, k, backend, null, device));
        Map<String, Tensor> p = new LinkedHashMap<>();
        for (var spec : alone.params()) p.put(spec.name(), params().get(spec.name()));
        return alone.inMode(mode).forward(p, inputs);
    }

    /** The loss on one batch of inputs. */
    public double loss(Map<String, Tensor> batch) {
        return running().loss(params(), batch).item();
    }

    /**
     * The loss over every row of {@code data}, evaluated {@code batchSize} rows at a time and
     * combined over batches as a training epoch's loss is (a mean of row means weighted by rows
     * when the loss is a mean over rows): PyTorch's test loop, and what {@code modelc train --val}
     * prints. With the model's params, in its mode ({@link #eval} for a validation pass).
     */
    public double loss(TensorDataset data, int batchSize) {
        return loss(data, batchSize, params());
    }

    /**
     * {@link #loss(TensorDataset, int)} with {@code params} instead of the model's: those a
     * {@code TrainingListener.epochParams} receives after each epoch, for a validation pass.
     */
    public double loss(TensorDataset data, int batchSize, Map<String, Tensor> params) {
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be at least 1, not " + batchSize);
        if (lossAggregate == null) lossAggregate = Driver.lossAggregate(checked);
        return Trainer.loss(running(), params, data, batchSize, lossAggregate);
    }

    /** The loss's gradient for every param, by path (the step's draws, if any, as step 0 of seed 0). */
    public Map<String, Tensor> gradients(Map<String, Tensor> batch) {
        return gradients(batch, StepKey.NONE);
    }

    /** The loss's gradient for every param, by path, with the step's draws ({@code dropout}, ...) keyed by {@code key}. */
    public Map<String, Tensor> gradients(Map<String, Tensor> batch, StepKey key) {
        return running().lossAndGradients(params(), batch, key).gradients();
    }

    /** One step of the model's own update rules (and its states'), in training mode; returns the loss before the step. */
    public double step(Map<String, Tensor> batch) {
        return step(batch, StepKey.NONE);
    }

    /**
     * One step of the model's own update rules with the step's draws keyed by {@code key}
     * ({@code new StepKey(seed, i)} for the i-th step, as {@link #fit} numbers them); returns the loss before the step.
     */
    public double step(Map<String, Tensor> batch, StepKey key) {
        CompiledModel.Step s = compiled.inMode(Mode.TRAINING).updateStep(params(), batch, key);
        params.putAll(s.params());
        return s.loss() == null ? Double.NaN : s.loss().item();
    }

    /** One optimizer step on the loss's gradients, in training mode (the states take their rules' values); returns the loss before the step. */
    public double step(Map<String, Tensor> batch, Optimizer optimizer) {
        return step(batch, optimizer, StepKey.NONE);
    }

    /**
     * One optimizer step with the step's draws keyed by {@code key} ({@code new StepKey(seed, i)}
     * for the i-th step, as {@link #fit} numbers them); returns the loss before the step.
     */
    public double step(Map<String, Tensor> batch, Optimizer optimizer, StepKey key) {
        CompiledModel.Gradients g = compiled.inMode(Mode.TRAINING).lossAndGradients(params(), batch, key);
        params.putAll(optimizer.step(params(), g.gradients()));
        params.putAll(g.states());
        return g.loss().item();
    }

    /**
     * Trains with the model's {@code train} block (its update rules, or its optimizer, SGD lr 1e-3 if none).
     * A run stops at the first NaN or infinity in a loss or a param, keeping the last finite params
     * ({@code Trainer.Result.ending()} says so); data holding NaN or infinities is refused.
     */
    public Trainer.Result fit(TensorDataset data) {
        TrainConfig c = compiled.trainConfig();
        int batch = (int) Math.min(Integer.MAX_VALUE, c.batch().orElse(data.size()));
        return fit(data, new Trainer.Options((int) c.epochs(), Math.max(1, batch), c.shuffle(), c.seed(),
                compiled.hasUpdateRules() ? null : Optimizer.of(c), null)
                .scheduled(c.schedule().orElse(null)).clippingGradNorm(c.clipGradNorm()), TrainingListener.NONE);
    }

    /** Trains with explicit options; the params become the trained ones. */
    public Trainer.Result fit(TensorDataset data, Trainer.Options options, TrainingListener listener) {
        Trainer.Result r = Trainer.fit(compiled, params(), data, options, listener, () -> false);
        params.putAll(r.params());
        return r;
    }

    /** The optimizer a train block names (SGD with PyTorch's default lr when it names none); {@link Optimizer#of(TrainConfig)}. */
    public static Optimizer optimizerOf(TrainConfig c) {
        return Optimizer.of(c);
    }

    /** Writes the params as an {@code .npz} file (atomically), keyed by path. */
    public void save(Path file) throws IOException {
        Npz.write(file, params());
    }

    /**
     * Reads params (and states) saved by {@link #save}; every one must be there with its dtype and
     * shape, and the file must hold nothing else.
     */
    public Model load(Path file) throws IOException {
        Map<String, Tensor> loaded = Npz.read(file);
        ensureInitialized();
        List<String> missing = new ArrayList<>();
        for (TensorSpec p : compiled.params()) if (!loaded.containsKey(p.name())) missing.add(p.name());
        if (!missing.isEmpty()) throw new IOException(file + " has no " + PathList.of(missing, compiled.buffers()));
        List<String> extra = new ArrayList<>(loaded.keySet());
        extra.removeIf(key -> key.startsWith(dev.modelc.runtime.train.Checkpoint.TRAINING));
        extra.removeAll(compiled.params().stream().map(TensorSpec::name).toList());
        if (!extra.isEmpty()) throw new IOException(file + " holds " + extra + ", which " + name() + " does not have");
        for (TensorSpec p : compiled.params()) setParam(p.name(), loaded.get(p.name()));
        return this;
    }

    private void ensureInitialized() {
        if (params.isEmpty() && !compiled.params().isEmpty()) initialize(compiled.trainConfig().seed());
    }

    @Override
    public String toString() {
        return "Model(" + name() + ", params " + compiled.params() + ")";
    }
}
