package dev.modelc.cli;

import dev.modelc.api.Driver;
import dev.modelc.api.Sampler;
import dev.modelc.compiler.backend.BackendUnavailableException;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code modelc sample FILE --params PARAMS.npz --count 20 --seed S}: new words from a trained
 * character-level model (makemore), one a line. The loop is {@link Sampler}'s; this command
 * picks the output, maps tokens to characters and reports what the model cannot sample from.
 */
@Command(name = "sample",
        mixinStandardHelpOptions = true,
        description = {"Samples new words from a trained character-level model, as makemore does.",
                "The model reads the last k tokens (an i32[N, k] input) and gives logits over",
                "the next one (an [N, V] output). Each word starts from a context of token 0;",
                "each next token is drawn from the softmax of the logits, the context shifts",
                "to take it, and the word ends at token 0. Token t prints as character t of",
                "--vocab (token 0, the end, is not printed). Word i draws from its own stream",
                "of --seed, so the same seed gives the same words, and --count 5 gives the",
                "first five of --count 20."},
        footer = {"", "Exit status: 0 on success, 1 on a mistake in FILE, the params or the command",
                "line, 2 on a bug in modelc."})
final class SampleCommand implements Callable<Integer> {
    /** makemore's tokens: '.' (start and end) and the letters. */
    static final String LETTERS = ".abcdefghijklmnopqrstuvwxyz";

    @CommandLine.Mixin
    ModelFile target;

    @CommandLine.Mixin
    BackendOption backend;

    @Option(names = "--params", required = true, paramLabel = "PARAMS.npz",
            description = "The trained params, keyed by path, as train --save writes them.")
    Path params;

    @Option(names = "--count", paramLabel = "K", defaultValue = "20", description = "How many words (default: 20).")
    int count;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "The seed of the draws (default: 0).")
    long seed;

    @Option(names = "--output", paramLabel = "NAME", defaultValue = "logits",
            description = "The output holding the logits of the next token (default: logits).")
    String output;

    @Option(names = "--vocab", paramLabel = "CHARS", defaultValue = LETTERS,
            description = "Character t is how token t prints; its length is the number of tokens (default: makemore's "
                    + "27, '.' then a to z).")
    String vocab;

    @Option(names = "--max-length", paramLabel = "L", defaultValue = "100",
            description = "Cut a word that has not ended after L characters (default: 100).")
    int maxLength;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        checkOptions();
        return Reported.run(out, err, "sampling from " + target.file, () -> sample(out, err));
    }

    private void checkOptions() {
        if (count < 0) throw new CommandLine.ParameterException(spec.commandLine(), "--count must be 0 or more, not " + count);
        if (maxLength < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--max-length must be 1 or more, not " + maxLength);
        if (vocab.length() < 2 || vocab.codePoints().count() != vocab.length()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--vocab must be at least 2 characters (each a single "
                    + "UTF-16 unit), one per token, not '" + vocab + "'");
        }
        if (vocab.chars().distinct().count() != vocab.length()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--vocab '" + vocab + "' repeats a character: each token must print differently");
        }
    }

    private int sample(PrintWriter out, PrintWriter err) throws UserError {
        CheckedModel checked = target.load(err);
        if (!Driver.inputsByOutput(checked).containsKey(output)) {
            throw UserError.line(target.file + ": " + checked.name() + " has no output '" + output + "' to sample from; its outputs are "
                    + String.join(", ", Driver.inputsByOutput(checked).keySet()) + " (pick one with --output NAME)");
        }
        CompiledModel alone;
        try {
            alone = Driver.outputsModel(checked, List.of(output), backend.backend(), null, backend.device());
        } catch (BackendUnavailableException e) {
            throw BackendOption.unavailable(e);
        }
        Map<String, Tensor> trained = ParamsFile.read(params, backend.compile(checked, null), null, "--params");
        Map<String, Tensor> p = new HashMap<>();
        for (var s : alone.params()) p.put(s.name(), trained.get(s.name()));
        Sampler sampler;
        try {
            sampler = Sampler.of(alone, p, output);
        } catch (IllegalArgumentException e) {
            throw UserError.line(target.file + ": cannot sample from " + checked.name() + ": " + e.getMessage());
        }
        var declared = checked.signature().outputs().stream().filter(o -> o.name().equals(output)).findFirst().orElseThrow().type();
        if (declared.shape().rank() == 2 && declared.shape().dim(1).isConstant() && declared.shape().dim(1).constant() != vocab.length()) {
            throw UserError.line("--vocab has " + vocab.length() + " characters, but output '" + output + "' of " + checked.name() + " is "
                    + declared + ": give one character per token (" + declared.shape().dim(1).constant() + ")");
        }
        List<Sampler.Sequence> words;
        try {
            words = sampler.sample(seed, count, maxLength);
        } catch (IllegalArgumentException e) {
            throw UserError.line(target.file + ": cannot sample from " + checked.name() + ": " + e.getMessage());
        }
        for (int i = 0; i < words.size(); i++) {
            StringBuilder w = new StringBuilder();
            for (int t : words.get(i).tokens()) {
                if (t >= vocab.length()) {
                    throw UserError.line("--vocab has " + vocab.length() + " characters, but output '" + output + "' draws token " + t
                            + ": give one character per token");
                }
                w.append(vocab.charAt(t));
            }
            out.println(w);
            if (!words.get(i).ended()) err.println("modelc: note: word " + (i + 1) + " did not end within --max-length " + maxLength + "; it is cut there");
        }
        return Main.OK;
    }
}
