package dev.modelc.cli;

import dev.modelc.runtime.train.Checkpoint;

import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.api.Driver;
import dev.modelc.runtime.exec.ExecutionError;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.TensorDataset;
import dev.modelc.runtime.model.TensorSpec;
import dev.modelc.runtime.model.TrainConfig;
import dev.modelc.runtime.model.TrainRules;
import dev.modelc.runtime.optim.Adam;
import dev.modelc.runtime.optim.Optimizer;
import dev.modelc.runtime.optim.Sgd;
import dev.modelc.runtime.train.NonFinite;
import dev.modelc.runtime.train.Position;
import dev.modelc.runtime.train.RowAggregate;
import dev.modelc.runtime.train.Trainer;
import dev.modelc.runtime.train.TrainingListener;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modelc train FILE --data NAME=SOURCE...}: trains a model on data from .npy, .csv and IDX files. */
@Command(name = "train",
        mixinStandardHelpOptions = true,
        description = {"Trains a model on data and saves its params.",
                "Each --data feeds one of the model's inputs (every input its loss uses)",
                "from a .npy file, from columns of a .csv file with a header row, e.g.",
                "  --data x=crops.csv:temp,rainfall --data y=crops.csv:apples,oranges",
                "or from an IDX file (MNIST's format, gzipped or not), e.g.",
                "  --data x=train-images-idx3-ubyte.gz --data y=train-labels-idx1-ubyte.gz",
                "whose bytes become floats in [0, 1] (as ToTensor() scales pixels) or i32s.",
                "The data must share the leading dimension (the rows). Values become the",
                "input's declared dtype: i32 columns must hold whole numbers (class labels).",
                "Options override the model's train block, whose defaults are all rows in",
                "one batch, 1 epoch, no shuffling and seed 0. A model with update rules is",
                "trained by them; any other by the train block's optimizer (sgd with lr",
                "0.001 when it names none) or the one --optimizer picks.",
                "Prints the loss over all rows (evaluated a batch at a time) after each",
                "epoch as 'Epoch [k/E], Loss: v' (a progress bar instead, on a terminal).",
                "--save writes a checkpoint after every epoch; Ctrl-C stops after the",
                "current batch and keeps one there, which --resume continues exactly. The",
                "first NaN or infinity in the data, a loss or a param stops the run."},
        footer = {"", "Exit status: 0 when training ran to the end, 1 on a mistake in FILE, the",
                "data, a checkpoint or the command line, when training diverges or runs out",
                "of memory (MODELC_OPTS=-Xmx8g gives the launcher's java more), 2 on a bug in",
                "modelc, 130 when stopped by Ctrl-C."})
final class TrainCommand implements Callable<Integer> {

    @CommandLine.Mixin
    ModelFile target;

    @CommandLine.Mixin
    BackendOption backend;

    @Option(names = "--data", required = true, paramLabel = "NAME=SOURCE",
            description = "An input's values: NAME=path.npy, NAME=path.csv:col1,col2,... or NAME=path-idx3-ubyte.gz "
                    + "(repeat for each input).")
    List<String> data = new ArrayList<>();

    @Option(names = "--val", paramLabel = "NAME=SOURCE",
            description = {"Held-out data, given as --data is (repeat for each input the loss uses): after every epoch, "
                    + "the loss and each scalar output (an accuracy, say) on it are printed beside the epoch's loss. "
                    + "It is never trained on."})
    List<String> val = new ArrayList<>();

    @Option(names = "--epochs", paramLabel = "E", description = "Passes over the data (default: the train block's, else 1).")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "B", description = "Rows per batch (default: the train block's, else all rows).")
    Integer batch;

    @Option(names = "--lr", paramLabel = "LR", description = "The optimizer's learning rate (default: the train block's).")
    Double lr;

    @Option(names = "--optimizer", paramLabel = "sgd|adam|adamw",
            description = "The optimizer (default: the train block's); another kind than the block's starts from "
                    + "PyTorch's defaults for its settings.")
    String optimizer;

    @Option(names = "--schedule", paramLabel = "SCHEDULE",
            description = {"How the learning rate changes per epoch, written as in a train block: step_lr(step_size, gamma = 0.1), "
                    + "exponential(gamma), cosine(t_max, eta_min = 0) or linear_warmup(epochs, start_factor = 1/3); "
                    + "none for a constant rate (default: the train block's)."})
    String schedule;

    @Option(names = "--clip-grad-norm", paramLabel = "C",
            description = "Scale each step's gradients so their total 2-norm is at most C, as clip_grad_norm_ (default: the train block's).")
    Double clipGradNorm;

    @Option(names = "--shuffle", negatable = true,
            description = "Shuffle the rows every epoch, or not with --no-shuffle (default: the train block's, else not).")
    Boolean shuffle;

    @Option(names = "--seed", paramLabel = "S",
            description = "The seed for initial params and shuffling (default: the train block's, else 0).")
    Long seed;

    @Option(names = "--save", paramLabel = "PARAMS.npz",
            description = "Where to write a checkpoint after every epoch and on Ctrl-C: the params (keyed by path, as "
                    + "predict reads them) and, under training/, the position (epochs and batches done), the batch "
                    + "order and the optimizer's state. A file already there must be a checkpoint or this model's "
                    + "params; an input of the run is never overwritten.")
    Path save;

    @Option(names = "--save-best", paramLabel = "PARAMS.npz",
            description = "With --val: where to keep the params of the epoch with the lowest validation loss, as a "
                    + "plain params file for eval and predict (rewritten whenever an epoch beats the best before it). "
                    + "The same rules as --save for a file already there.")
    Path saveBest;

    @Option(names = "--resume", paramLabel = "PARAMS.npz",
            description = "Continue from a checkpoint (or a plain params file) instead of the model's initializers: "
                    + "E more epochs, the first finishing the epoch the checkpoint is inside, with the optimizer's state "
                    + "and the batch order where it left them.")
    Path resume;

    @Option(names = "--print-every", paramLabel = "K",
            description = "Without a progress bar, print the loss every K epochs and after the last (default: every "
                    + "epoch up to 20 epochs, else every ceil(E/10)-th).")
    Integer printEvery;

    @Option(names = "--dtype", paramLabel = "f32|f64",
            description = "Train in this floating dtype, whatever the model declares (default: as declared).")
    String dtype;

    @Option(names = "--allow-non-finite",
            description = "Go on when the data, a loss or a param holds NaN or an infinity (default: stop at the first, "
                    + "exit 1 and keep the last checkpoint with finite params).")
    boolean allowNonFinite;

    /** Asks for a stop after this many batches, as Ctrl-C would (for tests of stopping and resuming). */
    @Option(names = "--stop-after-batches", hidden = true, paramLabel = "K")
    Integer stopAfterBatches;

    /** Made-up steps the warm-up runs before the trainer starts, however soon the data are read (for tests that it changes nothing). */
    @Option(names = "--warmup-steps", hidden = true, paramLabel = "K")
    int warmupSteps;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The momentum of the SGD chosen by {@link #optimizer}, 0 for none; for the memory check. */
    private double momentum;
    /** {@code --schedule} as a schedule (null when absent or "none"). */
    private TrainConfig.Schedule scheduleSet;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DType floating = floatingDType(spec, dtype);
        checkOptions();
        try {
            return train(out, err, floating);
        } catch (OutOfMemoryError e) {
            // Reading the data or compiling, before the loop (whose own handler says more).
            err.println("modelc: " + OutOfMemory.message("preparing to train", batch == null));
            return Main.USER_ERROR;
        } catch (UserError e) {
            err.print(e.report);
            return Main.USER_ERROR;
        } catch (ExecutionError e) {
            err.println("modelc: " + e.getMessage());
            return Main.USER_ERROR;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The --dtype option as a dtype, or null when absent. */
    static DType floatingDType(CommandLine.Model.CommandSpec spec, String dtype) {
        if (dtype == null) return null;
        return switch (dtype) {
            case "f32" -> DType.F32;
            case "f64" -> DType.F64;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "unknown dtype '" + dtype + "' for --dtype: it is f32 or f64");
        };
    }

    /** The options that stand for train block settings follow the block's rules (TrainRules), the others their own. */
    private void checkOptions() {
        check(spec, "--epochs", epochs, TrainRules.EPOCHS);
        check(spec, "--batch", batch, TrainRules.BATCH);
        check(spec, "--lr", lr, TrainRules.LR);
        check(spec, "--seed", seed, TrainRules.SEED);
        if (stopAfterBatches != null && stopAfterBatches < 1) usage("--stop-after-batches must be at least 1, not " + stopAfterBatches);
        if (printEvery != null && printEvery < 1) usage("--print-every must be at least 1, not " + printEvery);
        check(spec, "--clip-grad-norm", clipGradNorm, TrainRules.CLIP_GRAD_NORM);
        if (saveBest != null && val.isEmpty()) usage("--save-best needs --val: the best epoch is the one with the lowest validation loss");
        if (saveBest != null && save != null && saveBest.toAbsolutePath().normalize().equals(save.toAbsolutePath().normalize())) {
            usage("--save-best and --save name the same file, " + save + "; the checkpoint and the best params need a file each");
        }
        if (optimizer != null && !List.of("sgd", "adam", "adamw").contains(optimizer)) {
            usage("unknown optimizer '" + optimizer + "' for --optimizer: it is sgd, adam or adamw");
        }
        if (schedule != null && !schedule.strip().equals("none")) {
            try {
                scheduleSet = Driver.schedule(schedule);
            } catch (IllegalArgumentException e) {
                usage("--schedule " + schedule + ": " + e.getMessage());
            }
        }
    }

    /** Refuses {@code value} of {@code option} (when given) unless {@code rule}, the train block's, admits it. */
    static void check(CommandLine.Model.CommandSpec spec, String option, Number value, TrainRules.Range rule) {
        if (value == null || rule.admits(value.doubleValue())) return;
        throw new CommandLine.ParameterException(spec.commandLine(), option + " must be " + rule.requirement() + ", as "
                + rule.name() + " in a train block must; found " + (rule.integer() || !Double.isFinite(value.doubleValue()) ? value.toString() : number(value.doubleValue())));
    }

    private void usage(String message) {
        throw new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private int train(PrintWriter out, PrintWriter err, DType floating) throws UserError {
        List<DataArgs.Source> sources = new ArrayList<>();
        for (String d : data) sources.add(DataArgs.parse(d));
        List<DataArgs.Source> valSources = new ArrayList<>();
        for (String d : val) valSources.add(DataArgs.parse("--val", d));
        // The data files are read on another core while this one checks and compiles the model (DataPrefetch).
        List<DataArgs.Source> all = new ArrayList<>(sources);
        all.addAll(valSources);
        DataPrefetch prefetch = DataPrefetch.enabled() ? DataPrefetch.start(all) : DataPrefetch.NONE;
        CheckedModel checked = target.load(err);
        ModelMemory.checkSizes(checked);
        CompiledModel m = backend.compile(checked, floating);
        String where = target.file + ": " + m.name();
        if (!m.hasLoss()) {
            throw UserError.line(where + " has no loss, so there is nothing to train (add `loss = ...`)");
        }
        TrainConfig config = m.trainConfig();
        Optimizer opt = optimizer(m, config);
        List<DataArgs.Source> read = new ArrayList<>(sources);
        read.addAll(valSources);
        checkSavePath(m, read);
        checkMemory(checked, floating, opt);

        List<String> needed = Driver.inputsForTraining(checked);
        if (needed.isEmpty()) throw UserError.line(where + ": its loss uses no inputs, so there is no data to train on");
        // The training step on made-up data runs on another core while this one reads the data (Warmup says why).
        try (Warmup warmup = warmup(m, config, needed, floating)) {
            return train(out, err, floating, checked, m, opt, needed, sources, valSources, warmup, prefetch);
        }
    }

    /**
     * The warm-up for batches of the rows the run will take: --batch or the train block's; a run
     * of all rows in one batch, whose count is known only once the data are read, warms on 64.
     */
    private Warmup warmup(CompiledModel m, TrainConfig config, List<String> needed, DType floating) throws UserError {
        long rows = batch != null ? batch : config.batch().orElse(64);
        boolean jvm = backend.backend() == Backend.BYTECODE || backend.backend() == Backend.JAVA;
        return Warmup.training(m, jvm, needed, floating, (int) Math.min(rows, Integer.MAX_VALUE),
                m.hasUpdateRules() ? null : optimizer(m, config), warmupSteps);
    }

    private int train(PrintWriter out, PrintWriter err, DType floating, CheckedModel checked, CompiledModel m, Optimizer opt,
                      List<String> needed, List<DataArgs.Source> sources, List<DataArgs.Source> valSources, Warmup warmup,
                      DataPrefetch prefetch)
            throws UserError {
        String where = target.file + ": " + m.name();
        TrainConfig config = m.trainConfig();
        TensorDataset dataset = rows("--data", DataArgs.load(m, sources, needed, floating, "the loss of " + m.name(), err, prefetch), sources);
        TensorDataset valData = valSources.isEmpty() ? null
                : rows("--val", DataArgs.load(m, valSources, needed, floating, "the loss of " + m.name(), err, prefetch), valSources);
        // From here on the model runs on this thread (its initializers, the trainer), so the warm-up ends first.
        warmup.close();

        long seedUsed = seed != null ? seed : config.seed();
        long epochCount = epochs != null ? epochs : config.epochs();
        if (epochCount > Integer.MAX_VALUE) throw UserError.line(where + ": " + epochCount + " epochs are more than modelc can count");
        long batchRows = batch != null ? batch : config.batch().orElse(dataset.size());
        int batchSize = (int) Math.max(1, Math.min(batchRows, dataset.size()));
        boolean shuffled = shuffle != null ? shuffle : config.shuffle();
        Checkpoint.BatchOrder order = new Checkpoint.BatchOrder(seedUsed, shuffled, batchSize, dataset.size());

        // A resumed run continues where the checkpoint stopped, inside an epoch if need be: the epoch's
        // index keeps the shuffle order, and the optimizer's state (momentum, Adam's moments and step
        // counts) makes the steps the same as those of one long run.
        Map<String, Tensor> params;
        Position start = Position.START;
        java.util.OptionalLong stepsDone = java.util.OptionalLong.empty();
        if (resume != null) {
            Resume.Point point = Resume.read(resume, m, floating, opt, order, allowNonFinite);
            params = point.params();
            start = point.position();
            stepsDone = point.steps();
            if ((long) start.epoch() + epochCount > Integer.MAX_VALUE) {
                throw UserError.line("--resume " + resume + ": " + epochCount + " more epochs after epoch " + start.epoch()
                        + " are more than modelc can count");
            }
        } else {
            params = m.initialParams(seedUsed);
        }
        RowAggregate lossAggregate = Driver.lossAggregate(checked);
        ScalarOutputs scalars = new ScalarOutputs(checked, backend.backend(), backend.device(), floating);
        TrainConfig.Schedule scheduleUsed = schedule != null ? scheduleSet : config.schedule().orElse(null);
        OptionalDouble clipUsed = clipGradNorm != null ? OptionalDouble.of(clipGradNorm) : config.clipGradNorm();
        if (opt == null && (scheduleUsed != null || clipUsed.isPresent())) {
            throw UserError.line(where + " is trained by its update rules, which " + (schedule != null ? "--schedule" : "--clip-grad-norm")
                    + " cannot change: both act on an optimizer's steps");
        }
        // The step counter goes on from the checkpoint's, so the step's draws (dropout) continue the run's sequence.
        Trainer.Options options = new Trainer.Options((int) epochCount, batchSize, shuffled, seedUsed, opt, save, start,
                allowNonFinite, lossAggregate, scheduleUsed, clipUsed, stepsDone)
                // Each epoch's loss with the scalar outputs in the same pass: the last epoch's are the final line's.
                .evaluatingWith(scalars.evaluator(dataset));
        int batches = (dataset.size() + batchSize - 1) / batchSize;
        out.println("training " + m.name() + " on " + dataset.size() + (dataset.size() == 1 ? " row: " : " rows: ") + epochCount
                + (epochCount == 1 ? " epoch" : " epochs") + " of " + batches + (batches == 1 ? " batch" : " batches")
                + " (" + (batches == 1 ? batchSize + (batchSize == 1 ? " row" : " rows")
                        : (dataset.size() % batchSize == 0 ? "" : "up to ") + batchSize + " rows each")
                + (shuffled ? ", shuffled" : "") + "), "
                + (opt == null ? "its update rules" : describe(opt, config))
                + (scheduleUsed == null ? "" : ", " + scheduleUsed.spelling())
                + (clipUsed.isEmpty() ? "" : ", clip_grad_norm = " + number(clipUsed.getAsDouble()))
                + (resume != null ? ", params from " + resume + (start.equals(Position.START) ? "" : " (after " + start.describe() + ")") : "")
                + ", seed " + seedUsed);
        if (batches > 1 && !lossAggregate.exact()) {
            out.println("note: the loss of " + m.name() + " is not a sum or a mean over rows, so the epoch losses are the means of its"
                    + " values on the batches, weighted by rows");
        }
        out.flush();

        Trainer.Result r;
        TrainProgress progress = TrainProgress.interactive()
                ? TrainProgress.bar(out, System.err, "train " + m.name())
                : TrainProgress.lines(out, printEvery);
        if (valData != null) progress.validating(new Validation(m, valData, batchSize, lossAggregate, scalars.evaluator(valData), scalars));
        BestParams best = saveBest == null ? null : new BestParams(saveBest);
        if (best != null) progress.savingBest(best);
        if (scheduleUsed != null) {
            // The rate each epoch of this run trains with: the schedule's, counted from where the run starts.
            double base = opt.lr();
            int first = start.epoch();
            progress.showingLearningRate(e -> scheduleUsed.lr(base, first + e - 1L));
        }
        try (Interrupts interrupts = Interrupts.install(System.err); progress) {
            TrainingListener listener = stopAfterBatches == null ? progress : new StopAfterBatches(progress, stopAfterBatches, interrupts);
            try {
                r = Trainer.fit(m, params, dataset, options, listener, interrupts);
            } catch (UncheckedIOException e) {
                progress.close();
                throw UserError.line(e.getMessage());
            } catch (OutOfMemoryError e) {
                progress.close();
                throw UserError.line(OutOfMemory.message("training (" + progress.where() + ")", true) + "; "
                        + (progress.saved != null ? progress.saved + " holds the params after epoch " + progress.savedEpoch
                        : "no checkpoint was written"));
            }
            progress.finish(r.stopped());
            int done = r.position().epoch() - start.epoch(); // epochs done in this run, as the Epoch lines count them
            String saved = r.saved().isPresent() ? "params saved to " + save
                    : save != null ? "params not saved (no epoch ended)" : "params not saved (no --save)";
            switch (r.ending()) {
                case Trainer.Ending.Stopped s -> {
                    String partial = r.position().atEpochEnd() ? ""
                            : " (and " + r.position().batch() + " of " + batches + " batches of epoch " + (done + 1) + ")";
                    out.println("stopped after epoch " + done + partial + " of " + epochCount + "; " + saved);
                    if (best != null) out.println(best.describe());
                    out.flush();
                    return Interrupts.EXIT_CODE;
                }
                case Trainer.Ending.Diverged d -> {
                    int before = start.epoch();
                    String kept = r.saved().map(p -> "; " + save + " holds the params after "
                            + new Position(p.epoch() - before, p.batch()).describe())
                            .orElse(save != null ? "; nothing was saved to " + save : "");
                    if (d.beforeAnyStep()) {
                        // No step was taken, so no learning rate is to blame: the model gives this on the data.
                        throw UserError.line(d.describe() + " with the " + (resume != null ? "params from " + resume : "initial params")
                                + ", before any training step: " + m.name() + " gives a loss that is not finite on this batch"
                                + " (see `modelc eval`; or --allow-non-finite to go on regardless)");
                    }
                    if (d.param() != null && m.buffers().stream().anyMatch(s -> s.name().equals(d.param()))) {
                        // A state is no optimizer's doing: its rule gave it (batch norm refuses the batch that would: verify_batch_size).
                        throw UserError.line("training diverged: " + d.describe().replace("made param '", "made state '") + kept
                                + "; its update rule gave it (or --allow-non-finite to go on regardless)");
                    }
                    throw UserError.line("training diverged: " + d.describe() + kept + "; "
                            + (opt != null ? "a smaller --lr may help" : "smaller steps in its update rules may help")
                            + " (or --allow-non-finite to go on regardless)");
                }
                case Trainer.Ending.Completed c -> {
                }
            }
            // From the pass that gave the final loss (a completed run has at least one epoch: --epochs is at least 1).
            String outputs = scalars.describe(r.outputs());
            out.println("trained " + m.name() + " for " + done + (done == 1 ? " epoch" : " epochs")
                    + " in " + duration(r.time()) + "; final loss " + TrainProgress.fixed4(r.finalLoss()) + outputs
                    + (progress.lastValidation == null ? "" : "; " + progress.lastValidation));
            // Only with --allow-non-finite can a run end with NaN or infinities; it says so rather than pass for a result.
            String badParam = NonFinite.firstName(r.params());
            if (!Double.isFinite(r.finalLoss()) || badParam != null) {
                err.println("modelc: warning: " + (badParam != null ? "param '" + badParam + "' holds NaN or infinities" : "")
                        + (badParam != null && !Double.isFinite(r.finalLoss()) ? " and " : "")
                        + (!Double.isFinite(r.finalLoss()) ? "the final loss is " + TrainProgress.fixed4(r.finalLoss()) : "")
                        + " (--allow-non-finite went on past them)");
            }
            out.println(saved.equals("params not saved (no --save)") ? "params not saved (add --save PARAMS.npz to keep them)" : saved);
            if (best != null) out.println(best.describe());
            return Main.OK;
        }
    }

    /**
     * The data of {@code option} ({@code --data}, {@code --val}) as rows: every input split along
     * axis 0, so every input needs one and all the same number of rows; finite unless allowed.
     */
    private TensorDataset rows(String option, Map<String, Tensor> columns, List<DataArgs.Source> sources) throws UserError {
        String first = null;
        for (var e : columns.entrySet()) {
            Tensor t = e.getValue();
            if (t.rank() == 0) {
                throw UserError.line(option + " " + e.getKey() + ": input '" + e.getKey() + "' is a single value, but training "
                        + "splits every input into batches of rows along axis 0");
            }
            if (first == null) first = e.getKey();
            else if (t.size(0) != columns.get(first).size(0)) {
                throw UserError.line(option + " " + e.getKey() + " has " + t.size(0) + " rows but " + option + " " + first + " has "
                        + columns.get(first).size(0) + "; the data must share the leading dimension");
            }
        }
        if (!allowNonFinite) FiniteData.check(columns, sources);
        TensorDataset dataset = new TensorDataset(columns);
        if (dataset.size() == 0) throw UserError.line(option + " " + first + " has no rows");
        return dataset;
    }

    /** The optimizer to train with, or null for the model's update rules. */
    private Optimizer optimizer(CompiledModel m, TrainConfig config) throws UserError {
        if (m.hasUpdateRules()) {
            if (optimizer != null || lr != null) {
                throw UserError.line(target.file + ": " + m.name() + " has update rules, and a model with update rules is trained by "
                        + "them; drop " + (optimizer != null ? "--optimizer" : "--lr") + " (its learning rate is in its rules)");
            }
            return null;
        }
        TrainConfig.Optimizer declared = config.optimizerOrDefault();
        if (optimizer != null && !optimizer.equals(kind(declared))) {
            declared = switch (optimizer) {
                case "adam" -> TrainConfig.Optimizer.Adam.DEFAULT;
                case "adamw" -> TrainConfig.Optimizer.AdamW.DEFAULT;
                default -> TrainConfig.Optimizer.Sgd.DEFAULT;
            };
        }
        if (lr != null) declared = declared.withLr(lr);
        momentum = declared instanceof TrainConfig.Optimizer.Sgd s ? s.momentum() : 0;
        return Optimizer.of(declared);
    }

    private static String kind(TrainConfig.Optimizer o) {
        return switch (o) {
            case TrainConfig.Optimizer.Sgd s -> "sgd";
            case TrainConfig.Optimizer.Adam a -> "adam";
            case TrainConfig.Optimizer.AdamW a -> "adamw";
        };
    }

    /** The optimizer as a train block would write it, with only the settings that differ from PyTorch's defaults. */
    private String describe(Optimizer o, TrainConfig config) {
        TrainConfig.Optimizer declared = config.optimizer().orElse(null);
        boolean sameKind = declared != null && (optimizer == null || optimizer.equals(kind(declared)));
        return switch (o) {
            case Sgd s -> {
                StringBuilder sb = new StringBuilder("sgd(lr = " + number(s.lr()));
                if (sameKind && declared instanceof TrainConfig.Optimizer.Sgd d) {
                    if (d.momentum() != 0) sb.append(", momentum = ").append(number(d.momentum()));
                    if (d.weightDecay() != 0) sb.append(", weight_decay = ").append(number(d.weightDecay()));
                }
                yield sb.append(")").toString();
            }
            case Adam a -> {
                StringBuilder sb = new StringBuilder((a.isDecoupled() ? "adamw" : "adam") + "(lr = " + number(a.lr()));
                if (sameKind && declared instanceof TrainConfig.Optimizer.Adam d) {
                    if (d.beta1() != 0.9) sb.append(", beta1 = ").append(number(d.beta1()));
                    if (d.beta2() != 0.999) sb.append(", beta2 = ").append(number(d.beta2()));
                    if (d.eps() != 1e-8) sb.append(", eps = ").append(number(d.eps()));
                    if (d.weightDecay() != 0) sb.append(", weight_decay = ").append(number(d.weightDecay()));
                } else if (sameKind && declared instanceof TrainConfig.Optimizer.AdamW d) {
                    if (d.beta1() != 0.9) sb.append(", beta1 = ").append(number(d.beta1()));
                    if (d.beta2() != 0.999) sb.append(", beta2 = ").append(number(d.beta2()));
                    if (d.eps() != 1e-8) sb.append(", eps = ").append(number(d.eps()));
                    if (d.weightDecay() != 0.01) sb.append(", weight_decay = ").append(number(d.weightDecay()));
                }
                yield sb.append(")").toString();
            }
            default -> o.toString();
        };
    }

    /** Refuses a model whose params, with the gradients and optimizer state training keeps beside them, cannot fit the heap. */
    private void checkMemory(CheckedModel checked, DType floating, Optimizer opt) throws UserError {
        // Copies of the params training holds at once: the values, their gradients, and the optimizer's state.
        int state = switch (opt) {
            case null -> 0; // update rules: the new values are computed beside the old
            case Adam a -> 2;
            case Sgd s -> momentum != 0 ? 1 : 0;
            default -> 0;
        };
        String why = switch (state) {
            case 2 -> "the values, their gradients and Adam's two moments";
            case 1 -> "the values, their gradients and SGD's momentum";
            default -> opt == null ? "the values and the update rules' new values" : "the values and their gradients";
        };
        ModelMemory.checkHeap(checked, floating, "training", 2 + state, why);
    }

    /**
     * Refuses a --save path that would destroy something: an input of this run (the model file, a
     * --data file; --resume may be the same file, it is read before the first save), anything but a
     * regular file, or a file that is not a checkpoint.
     */
    private void checkSavePath(CompiledModel m, List<DataArgs.Source> sources) throws UserError {
        List<OutputFile.Input> inputs = new ArrayList<>();
        inputs.add(new OutputFile.Input("model file", target.file));
        for (DataArgs.Source s : sources) inputs.add(new OutputFile.Input(s.describe() + " file", s.file()));
        var checkpoint = new OutputFile.Replaceable.CheckpointFile(m.params().stream().map(TensorSpec::name).toList());
        if (save != null) new OutputFile("--save", save).check(checkpoint, inputs);
        if (saveBest != null) new OutputFile("--save-best", saveBest).check(checkpoint, inputs);
    }

    /** A number as short as it can be written exactly: {@code 0}, {@code 0.01}, {@code 1e-5}. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        if (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e7) return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
        String[] parts = Double.toString(v).split("E");
        String mantissa = parts[0].contains(".") ? parts[0].replaceAll("0+$", "").replaceAll("\\.$", "") : parts[0];
        return mantissa + "e" + parts[1];
    }

    static String duration(Duration d) {
        double s = d.toNanos() / 1e9;
        if (s < 60) return String.format(Locale.ROOT, "%.2f s", s);
        long whole = Math.round(s);
        return whole / 60 + " min " + whole % 60 + " s";
    }
}
