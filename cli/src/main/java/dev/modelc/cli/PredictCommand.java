package dev.modelc.cli;

import dev.modelc.compiler.diagnostics.Spelling;

import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.api.Driver;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.AtomicFiles;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Npy;
import dev.modelc.runtime.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modelc predict FILE --params PARAMS.npz --data NAME=SOURCE...}: a trained model's outputs on data. */
@Command(name = "predict",
        mixinStandardHelpOptions = true,
        description = {"Runs a model forward with trained params on data and writes its outputs.",
                "--data takes the same sources as train: NAME=path.npy, NAME=path.csv:c1,c2",
                "or an IDX file such as NAME=t10k-images-idx3-ubyte.gz.",
                "Without --output, every output whose inputs are given is computed (the",
                "others are skipped with a note). The outputs print to stdout as PyTorch",
                "prints tensors, or go to --out: a .npy file holds one output; a .csv file",
                "holds outputs side by side under a header row (preds_0, preds_1, ... for",
                "the columns of preds)."},
        footer = {"", "Exit status: 0 on success, 1 on a mistake in FILE, the params, the data",
                "or the command line, 2 on a bug in modelc."})
final class PredictCommand implements Callable<Integer> {

    @CommandLine.Mixin
    ModelFile target;

    @CommandLine.Mixin
    BackendOption backend;

    @Option(names = "--params", required = true, paramLabel = "PARAMS.npz",
            description = "The params, keyed by path, as train --save writes them.")
    Path params;

    @Option(names = "--data", paramLabel = "NAME=SOURCE",
            description = "An input's values: NAME=path.npy, NAME=path.csv:col1,col2,... or NAME=path-idx3-ubyte.gz "
                    + "(repeat for each input).")
    List<String> data = new ArrayList<>();

    @Option(names = "--output", paramLabel = "NAME", description = "An output to compute (repeat for several; default: all).")
    List<String> outputs = new ArrayList<>();

    @Option(names = "--out", paramLabel = "FILE.npy|FILE.csv",
            description = "Where to write the outputs (default: print them). A file already there must be a .npy, or a "
                    + ".csv of this model's outputs; an input of the run is never overwritten.")
    Path outFile;

    @Option(names = "--dtype", paramLabel = "f32|f64",
            description = "Compute in this floating dtype, whatever the model declares (default: as declared).")
    String dtype;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DType floating = TrainCommand.floatingDType(spec, dtype);
        return Reported.run(out, err, "predicting with " + target.file, () -> predict(out, err, floating));
    }

    private int predict(PrintWriter out, PrintWriter err, DType floating) throws UserError {
        String format = format();
        List<DataArgs.Source> sources = new ArrayList<>();
        for (String d : data) sources.add(DataArgs.parse(d));
        // The data files are read on another core while this one checks and compiles the model (DataPrefetch).
        DataPrefetch prefetch = DataPrefetch.enabled() ? DataPrefetch.start(sources) : DataPrefetch.NONE;
        CheckedModel checked = target.load(err);
        ModelMemory.check(checked, floating, "running", 1, "");
        CompiledModel m = backend.compile(checked, floating);
        if (m.outputs().isEmpty()) {
            throw UserError.line(target.file + ": " + m.name() + " has no outputs to predict (mark one with `output name = ...`)");
        }
        Map<String, List<String>> needs = Driver.inputsByOutput(checked);
        Set<String> all = needs.keySet();

        Set<String> given = new LinkedHashSet<>();
        for (DataArgs.Source s : sources) given.add(s.input());
        List<String> chosen = new ArrayList<>();
        if (!outputs.isEmpty()) {
            for (String name : outputs) {
                if (!all.contains(name)) throw UserError.line(notAnOutput(m, checked, name));
                if (!chosen.contains(name)) chosen.add(name);
            }
        } else {
            for (String name : all) if (given.containsAll(needs.get(name))) chosen.add(name);
            if (chosen.isEmpty()) {
                chosen.addAll(all); // nothing computable: report every missing input below
            } else {
                for (String name : all) {
                    if (chosen.contains(name)) continue;
                    List<String> lacking = needs.get(name).stream().filter(i -> !given.contains(i)).toList();
                    err.println("modelc: note: skipping output '" + name + "': it needs " + (lacking.size() == 1 ? "input " : "inputs ")
                            + String.join(", ", lacking.stream().map(i -> "'" + i + "'").toList())
                            + " (give --data " + lacking.getFirst() + "=...)");
                }
            }
        }
        List<String> needed = new ArrayList<>();
        for (String name : chosen) for (String i : needs.get(name)) if (!needed.contains(i)) needed.add(i);
        String neededBy = (chosen.size() == 1 ? "output '" + chosen.getFirst() + "'" : "outputs " + String.join(", ", chosen))
                + " of " + m.name();
        if (format.equals("npy") && chosen.size() > 1) {
            throw UserError.line("--out " + outFile + ": a .npy file holds one output, but " + String.join(", ", chosen)
                    + " are computed; pick one with --output NAME, or write a .csv file");
        }
        if (outFile != null) {
            List<OutputFile.Input> read = new ArrayList<>();
            read.add(new OutputFile.Input("model file", target.file));
            read.add(new OutputFile.Input("--params file", params));
            for (DataArgs.Source s : sources) read.add(new OutputFile.Input(s.describe() + " file", s.file()));
            new OutputFile("--out", outFile).check(format.equals("npy") ? new OutputFile.Replaceable.NpyFile()
                    : new OutputFile.Replaceable.OutputTable(all), read);
        }
        Map<String, Tensor> inputs = DataArgs.load(m, sources, needed, floating, neededBy, err, prefetch);
        Map<String, Tensor> trained = ParamsFile.read(params, m, floating, "--params");

        Map<String, Tensor> results;
        if (chosen.size() == all.size()) {
            results = m.forward(trained, inputs);
        } else {
            CompiledModel some = Driver.outputsModel(checked, chosen, backend.backend(), floating, backend.device());
            Map<String, Tensor> p = new HashMap<>();
            for (var spec : some.params()) p.put(spec.name(), trained.get(spec.name()));
            results = some.forward(p, inputs);
        }
        Map<String, Tensor> picked = new LinkedHashMap<>();
        for (String name : chosen) picked.put(name, results.get(name));

        switch (format) {
            case "npy" -> {
                try {
                    Npy.write(outFile, picked.values().iterator().next());
                } catch (IOException e) {
                    throw UserError.line("--out: cannot write " + outFile + ": " + OutputFile.reason(e));
                }
                out.println("wrote " + chosen.getFirst() + " " + shapeOf(picked.get(chosen.getFirst())) + " to " + outFile);
            }
            case "csv" -> {
                // Chosen for the user, single values (such as an accuracy) print rather than spoil the table.
                Map<String, Tensor> table = new LinkedHashMap<>(picked);
                Map<String, Tensor> single = new LinkedHashMap<>();
                if (outputs.isEmpty() && picked.values().stream().anyMatch(t -> t.rank() > 0)) {
                    for (var e : picked.entrySet()) if (e.getValue().rank() == 0) single.put(e.getKey(), e.getValue());
                    table.keySet().removeAll(single.keySet());
                }
                writeCsv(table);
                out.println("wrote " + String.join(", ", table.keySet().stream().map(n -> n + " " + shapeOf(table.get(n))).toList())
                        + " to " + outFile);
                single.forEach((name, t) -> out.println(name + ": " + t));
            }
            default -> {
                boolean firstOne = true;
                for (var e : picked.entrySet()) {
                    if (!firstOne) out.println();
                    firstOne = false;
                    out.println(e.getKey() + ":");
                    out.println(e.getValue());
                }
            }
        }
        return Main.OK;
    }

    /** "npy", "csv", or "print" when there is no --out. */
    private String format() throws UserError {
        if (outFile == null) return "print";
        String name = outFile.getFileName() == null ? "" : outFile.getFileName().toString().toLowerCase(Locale.ROOT);
        String format = name.endsWith(".npy") ? "npy" : name.endsWith(".csv") ? "csv" : null;
        if (format == null) throw UserError.line("--out: write a .npy or a .csv file, not '" + outFile + "'");
        return format; // where it may be written is checked once the model's outputs are known (OutputFile)
    }

    private static String notAnOutput(CompiledModel m, CheckedModel checked, String name) {
        StringBuilder sb = new StringBuilder(m.name()).append(" has no output '").append(name).append("'");
        boolean isLoss = checked.signature().loss().map(l -> l.name().equals(name)).orElse(false);
        String near = Spelling.nearest(name, m.outputs());
        if (isLoss) sb.append(": '").append(name).append("' is its loss (train reports it)");
        else if (m.inputs().stream().anyMatch(i -> i.name().equals(name))) sb.append(": '").append(name).append("' is an input");
        else if (near != null) sb.append(" (did you mean '").append(near).append("'?)");
        return sb.append("; its outputs are ").append(String.join(", ", m.outputs())).toString();
    }

    /** The outputs side by side, one row per row of data, with {@code name_i} columns for the values of each row. */
    private void writeCsv(Map<String, Tensor> picked) throws UserError {
        List<String> header = new ArrayList<>();
        int rows = -1;
        String first = null;
        boolean single = picked.size() == 1;
        for (var e : picked.entrySet()) {
            Tensor t = e.getValue();
            if (t.rank() == 0) {
                if (single) {
                    rows = 1;
                    header.add(e.getKey());
                    continue;
                }
                throw UserError.line("--out " + outFile + ": output '" + e.getKey() + "' is a single value and the others have rows; "
                        + "pick the outputs for the table with --output NAME");
            }
            if (first == null) {
                first = e.getKey();
                rows = t.size(0);
            } else if (t.size(0) != rows) {
                throw UserError.line("--out " + outFile + ": output '" + e.getKey() + "' has " + t.size(0) + " rows but '" + first
                        + "' has " + rows + "; pick the outputs for the table with --output NAME");
            }
            header.addAll(columnNames(e.getKey(), Arrays.copyOfRange(t.shape(), 1, t.rank())));
        }
        StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
        for (int r = 0; r < rows; r++) {
            boolean firstCell = true;
            for (Tensor t : picked.values()) {
                int per = t.rank() == 0 ? 1 : t.numel() / Math.max(1, t.size(0));
                for (int k = 0; k < per; k++) {
                    if (!firstCell) sb.append(',');
                    firstCell = false;
                    sb.append(cell(t, r * per + k));
                }
            }
            sb.append('\n');
        }
        try {
            AtomicFiles.write(outFile, sb.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw UserError.line("--out: cannot write " + outFile + ": " + OutputFile.reason(e));
        }
    }

    /** {@code preds} for a rank-1 output, {@code preds_0, preds_1} for its columns, {@code x_0_1} deeper. */
    private static List<String> columnNames(String name, int[] trailing) {
        List<String> out = new ArrayList<>();
        if (trailing.length == 0) {
            out.add(name);
            return out;
        }
        int n = Tensor.numel(trailing);
        for (int flat = 0; flat < n; flat++) {
            StringBuilder sb = new StringBuilder(name);
            int rest = flat;
            int[] index = new int[trailing.length];
            for (int a = trailing.length - 1; a >= 0; a--) {
                index[a] = rest % trailing[a];
                rest /= trailing[a];
            }
            for (int i : index) sb.append('_').append(i);
            out.add(sb.toString());
        }
        return out;
    }

    /** A value so that it reads back exactly: the shortest decimal of the f32 or f64, whole numbers for i32, 1/0 for bool. */
    static String cell(Tensor t, int index) {
        double v = t.getDouble(index);
        return switch (t.dtype()) {
            case BOOL -> v != 0 ? "1" : "0";
            case I32 -> Integer.toString((int) v);
            case F32, F64 -> {
                if (Double.isNaN(v)) yield "nan";
                if (Double.isInfinite(v)) yield v > 0 ? "inf" : "-inf";
                String s = t.dtype() == DType.F32 ? Float.toString((float) v) : Double.toString(v);
                yield s.replace('E', 'e');
            }
        };
    }

    private static String shapeOf(Tensor t) {
        return t.dtype() + Arrays.toString(t.shape());
    }
}
