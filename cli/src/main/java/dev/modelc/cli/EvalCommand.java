package dev.modelc.cli;

import dev.modelc.api.Driver;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.check.ModelSignature;
import dev.modelc.compiler.diagnostics.DiagnosticRenderer;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.exec.ExecutionError;
import dev.modelc.compiler.backend.Evaluation;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.model.TrainRules;
import dev.modelc.runtime.Tensor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import dev.modelc.runtime.model.Mode;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modelc eval FILE --inputs VALUES.json}: a model's outputs, loss and gradients on given values, as JSON. */
@Command(name = "eval",
        mixinStandardHelpOptions = true,
        description = {"Runs a model once on named values and prints the results as JSON.",
                "The results are its outputs, its loss and the loss's gradient for every param, as one JSON object on one line:",
                "  {\"model\": M, \"outputs\": {NAME: V}, \"loss\": V or null, \"grads\": {PATH: V}}",
                "and with --train-mode (the training step's program) also \"states\": {PATH: V}.",
                "VALUES.json maps the model's inputs and param paths to numbers or nested",
                "arrays, e.g. {\"x\": [[73, 67, 43], [91, 88, 64]], \"y\": [[56, 70], [81, 101]]}",
                "Params left out start from their initializers (random ones drawn with --seed);",
                "the step's draws (dropout with --train-mode) are keyed by --seed and step 0.",
                "Numbers print so they read back exactly (f32 values as the shortest decimal of",
                "the float); NaN and infinities, which JSON lacks, print as the strings \"NaN\",",
                "\"Infinity\" and \"-Infinity\"."},
        footer = {"", "Exit status: 0 on success, 1 on a mistake in FILE, VALUES.json or the command",
                "line (values the model cannot run on included), 2 on a bug in modelc."})
final class EvalCommand implements Callable<Integer> {

    @CommandLine.Mixin
    ModelFile target;

    @Option(names = "--inputs", required = true, paramLabel = "VALUES.json",
            description = "The inputs (and any params to set), as a JSON object of named values.")
    Path inputs;

    @Option(names = "--dtype", paramLabel = "f32|f64",
            description = "Compute every floating value in this dtype, whatever it is declared as "
                    + "(default: each value in its declared dtype).")
    String dtype;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "The seed for random initializers of params not in VALUES.json, and of the step's draws (dropout, "
                    + "rand_like): those of step 0 of `modelc train --seed S` (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--train-mode",
            description = "Run the training step's program: training is true, and each state's value after the step's "
                    + "update rules is printed under \"states\" (default: the evaluation program, training false).")
    boolean trainMode;

    @CommandLine.Mixin
    BackendOption backend;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DType floating = TrainCommand.floatingDType(spec, dtype);
        TrainCommand.check(spec, "--seed", seed, TrainRules.SEED);
        backend.backend();
        try {
            CheckedModel m = target.load(err);
            ModelMemory.check(m, floating, "running", 1, "");
            Map<String, Tensor> values = values(m, floating);
            var r = Evaluation.evaluate(backend.compile(m, floating), values, seed, trainMode ? Mode.TRAINING : Mode.EVALUATION);
            out.print(EvalJson.write(m.name(), r.outputs(), r.loss(), r.gradients(), trainMode ? Optional.of(r.states()) : Optional.empty()));
            return Main.OK;
        } catch (OutOfMemoryError e) {
            err.println("modelc: " + OutOfMemory.message("evaluating " + target.file, false));
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

    /** The values of VALUES.json as tensors, checked against the model's signature. */
    private Map<String, Tensor> values(CheckedModel m, DType floating) throws UserError {
        SourceFile source;
        try {
            source = SourceReader.read(inputs);
        } catch (SourceReader.Unreadable e) {
            throw UserError.line(e.getMessage());
        }
        Map<String, ValuesFile.Value> raw;
        try {
            raw = ValuesFile.parse(source);
        } catch (ValuesFile.Invalid e) {
            throw UserError.rendered(DiagnosticRenderer.render(e.diagnostic));
        }
        ValueBinding.Bound bound = ValueBinding.bind(m.signature(), raw, floating);
        StringBuilder report = new StringBuilder(DiagnosticRenderer.render(bound.problems()));
        List<String> missing = new ArrayList<>();
        for (String name : Driver.inputsForEvaluation(m)) {
            if (!raw.containsKey(name) && !bound.suggested().contains(name)) missing.add(name);
        }
        if (!missing.isEmpty()) report.append("modelc: ").append(missingMessage(m.signature(), missing, source.name())).append('\n');
        if (!report.isEmpty()) throw UserError.rendered(report.toString());
        return bound.values();
    }

    private static String missingMessage(ModelSignature sig, List<String> missing, String valuesFile) {
        List<String> described = new ArrayList<>();
        for (String name : missing) {
            String type = sig.inputs().stream().filter(e -> e.name().equals(name)).map(e -> " (" + e.type() + ")")
                    .findFirst().orElse("");
            described.add("'" + name + "'" + type);
        }
        return valuesFile + ": missing " + (missing.size() == 1 ? "input " : "inputs ") + String.join(", ", described)
                + ", needed by " + sig.name();
    }
}
