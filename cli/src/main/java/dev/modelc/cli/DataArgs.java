package dev.modelc.cli;

import dev.modelc.compiler.diagnostics.Spelling;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Idx;
import dev.modelc.runtime.Npy;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.data.CsvSource;
import dev.modelc.runtime.data.DataException;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.Size;
import dev.modelc.runtime.model.SizeBinder;
import dev.modelc.runtime.model.TensorSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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

/**
 * The {@code --data NAME=SOURCE} arguments of {@code train} and {@code predict}: each names one
 * of the model's inputs and where its values come from, {@code path.npy},
 * {@code path.csv:col1,col2,...} (columns by header name) or an IDX file such as MNIST's
 * {@code train-images-idx3-ubyte.gz}. The values become the input's declared dtype (floating ones
 * the {@code --dtype} when given) and must fit its declared shape; symbolic sizes such as
 * {@code N} must agree across inputs.
 */
final class DataArgs {

    /** The file formats {@code --data} reads. */
    enum Format { NPY, CSV, IDX }

    /**
     * One {@code --data} (or {@code --val}: {@code option}) argument: the input it feeds, the file,
     * its format, and the columns for a CSV file (null otherwise).
     */
    record Source(String option, String input, Path file, Format format, List<String> columns) {
        boolean csv() {
            return format == Format.CSV;
        }

        String describe() {
            return option + " " + input;
        }
    }

    private DataArgs() {
    }

    /** IDX files by the names MNIST-like data sets give them ({@code train-images-idx3-ubyte.gz}) or {@code .idx}. */
    private static final java.util.regex.Pattern IDX_NAME =
            java.util.regex.Pattern.compile("(?i).*(\\.idx|idx\\d+-(ubyte|byte|short|int|float|double))(\\.gz)?");

    /** Parses {@code NAME=path.npy} or {@code NAME=path.csv:col1,col2} of {@code --data}. */
    static Source parse(String arg) throws UserError {
        return parse("--data", arg);
    }

    /** Parses {@code NAME=path.npy} or {@code NAME=path.csv:col1,col2} given to {@code option}. */
    static Source parse(String option, String arg) throws UserError {
        int eq = arg.indexOf('=');
        if (eq <= 0) {
            throw UserError.line(option + " takes NAME=SOURCE, such as x=data.csv:temp,rainfall or x=x.npy; found '" + arg + "'");
        }
        String input = arg.substring(0, eq).strip();
        String source = arg.substring(eq + 1).strip();
        if (source.isEmpty()) throw UserError.line(option + " " + input + " names no source; give x=path.npy or x=path.csv:col1,col2");
        String lower = source.toLowerCase(Locale.ROOT);
        int colon = source.lastIndexOf(':');
        if (colon > 0 && source.substring(0, colon).toLowerCase(Locale.ROOT).endsWith(".csv")) {
            Path file = Path.of(source.substring(0, colon));
            List<String> columns = new ArrayList<>();
            for (String c : source.substring(colon + 1).split(",", -1)) {
                String name = c.strip();
                if (name.isEmpty()) {
                    throw UserError.line(option + " " + input + ": empty column name in '" + source.substring(colon + 1)
                            + "'; list the columns as path.csv:col1,col2");
                }
                columns.add(name);
            }
            return new Source(option, input, file, Format.CSV, List.copyOf(columns));
        }
        if (lower.endsWith(".csv")) {
            Path file = Path.of(source);
            String header = "";
            try {
                if (Files.isRegularFile(file)) header = " (its columns are " + String.join(", ", new CsvSource(file).header()) + ")";
            } catch (DataException e) {
                // reported when the file is read
            }
            throw UserError.line(option + " " + input + ": name the columns to read from " + source + ", such as "
                    + input + "=" + source + ":col1,col2" + header);
        }
        if (lower.endsWith(".npy")) return new Source(option, input, Path.of(source), Format.NPY, null);
        if (IDX_NAME.matcher(Path.of(source).getFileName() == null ? "" : Path.of(source).getFileName().toString()).matches()) {
            return new Source(option, input, Path.of(source), Format.IDX, null);
        }
        throw UserError.line(option + " " + input + ": cannot read '" + source + "': give a .npy file, a .csv file with "
                + "its columns, such as " + input + "=data.csv:col1,col2, or an IDX file (name.idx, train-images-idx3-ubyte, "
                + "either gzipped)");
    }

    /**
     * Reads the sources of the inputs in {@code needed} (every one must be given) as tensors,
     * by input name. A source for an input that is not needed is skipped with a warning saying
     * {@code unusedWhy}.
     */
    static Map<String, Tensor> load(CompiledModel model, List<Source> sources, List<String> needed, DType floating,
                                    String neededBy, PrintWriter err) throws UserError {
        return load(model, sources, needed, floating, neededBy, err, DataPrefetch.NONE);
    }

    /** {@link #load(CompiledModel, List, List, DType, String, PrintWriter)} taking the files {@code read} has read ahead. */
    static Map<String, Tensor> load(CompiledModel model, List<Source> sources, List<String> needed, DType floating,
                                    String neededBy, PrintWriter err, DataPrefetch read) throws UserError {
        Map<String, TensorSpec> inputs = new LinkedHashMap<>();
        for (TensorSpec s : model.inputs()) inputs.put(s.name(), s);
        Map<String, Source> byInput = new LinkedHashMap<>();
        for (Source s : sources) {
            if (!inputs.containsKey(s.input())) throw UserError.line(notAnInput(model, s.input()));
            if (byInput.containsKey(s.input())) throw UserError.line(s.describe() + " is given twice");
            byInput.put(s.input(), s);
        }
        List<String> missing = new ArrayList<>();
        for (String name : needed) if (!byInput.containsKey(name)) missing.add("'" + name + "' (" + typeOf(inputs.get(name)) + ")");
        if (!missing.isEmpty()) {
            throw UserError.line("missing " + (sources.isEmpty() ? "--data" : sources.getFirst().option()) + " for " + (missing.size() == 1 ? "input " : "inputs ") + String.join(", ", missing)
                    + ", needed by " + neededBy);
        }
        List<Source> used = new ArrayList<>();
        for (Source s : byInput.values()) {
            if (needed.contains(s.input())) used.add(s);
            else err.println("modelc: warning: ignoring " + s.describe() + ": " + neededBy + " does not use input '" + s.input() + "'");
        }

        // Every CSV file is read once per dtype it is read as (f32 exactly as Float.parseFloat rounds).
        Map<String, Tensor> raw = new HashMap<>();
        Map<Path, Map<DType, Map<String, List<String>>>> csvGroups = new LinkedHashMap<>();
        for (Source s : used) {
            DType want = target(inputs.get(s.input()), floating);
            if (s.csv()) {
                checkColumns(s);
                csvGroups.computeIfAbsent(s.file(), f -> new LinkedHashMap<>())
                        .computeIfAbsent(want == DType.F32 ? DType.F32 : DType.F64, d -> new LinkedHashMap<>())
                        .put(s.input(), s.columns());
            } else if (s.format() == Format.IDX) {
                raw.put(s.input(), readIdx(s, want, read));
            } else {
                raw.put(s.input(), readNpy(s, read));
            }
        }
        for (var file : csvGroups.entrySet()) {
            for (var group : file.getValue().entrySet()) {
                try {
                    raw.putAll(new CsvSource(file.getKey()).readGroups(group.getKey(), group.getValue()));
                } catch (DataException e) {
                    String inputsRead = String.join(", ", group.getValue().keySet());
                    throw UserError.line(sources.getFirst().option() + " " + inputsRead + ": " + e.getMessage());
                }
            }
        }

        Map<String, Tensor> out = new LinkedHashMap<>();
        SizeBinder sizes = new SizeBinder();
        for (Source s : used) {
            TensorSpec spec = inputs.get(s.input());
            Tensor t = shape(s, spec, raw.get(s.input()));
            t = convert(s, spec, t, target(spec, floating));
            checkDims(s, spec, t, sizes);
            out.put(s.input(), t);
        }
        return out;
    }

    /** The dtype an input's values are read as. */
    private static DType target(TensorSpec spec, DType floating) {
        return spec.dtype().isFloating() && floating != null ? floating : spec.dtype();
    }

    private static String typeOf(TensorSpec spec) {
        return spec.dtype() + spec.dims().toString();
    }

    private static String notAnInput(CompiledModel model, String name) {
        List<String> names = model.inputs().stream().map(TensorSpec::name).toList();
        StringBuilder sb = new StringBuilder(model.name()).append(" has no input '").append(name).append("'");
        String near = Spelling.nearest(name, names);
        if (model.params().stream().anyMatch(p -> p.name().equals(name))) {
            sb.append(": '").append(name).append("' is a param (params come from the initializers or a params file)");
        } else if (model.outputs().contains(name)) {
            sb.append(": '").append(name).append("' is an output, computed, not given");
        } else if (near != null) {
            sb.append(" (did you mean '").append(near).append("'?)");
        }
        sb.append(names.isEmpty() ? "; it takes no inputs" : "; its inputs are " + String.join(", ", names));
        return sb.toString();
    }

    private static void checkColumns(Source s) throws UserError {
        if (!Files.exists(s.file())) throw UserError.line(s.describe() + ": no such file: " + s.file());
        List<String> header;
        try {
            header = new CsvSource(s.file()).header();
        } catch (DataException e) {
            throw UserError.line(s.describe() + ": " + e.getMessage());
        }
        for (String c : s.columns()) {
            if (header.contains(c)) continue;
            String near = Spelling.nearest(c, header);
            throw UserError.line(s.describe() + ": " + s.file() + " has no column '" + c + "'"
                    + (near != null ? " (did you mean '" + near + "'?)" : "") + "; its columns are " + String.join(", ", header));
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String c : s.columns()) {
            if (!seen.add(c)) throw UserError.line(s.describe() + ": column '" + c + "' is listed twice");
        }
    }

    private static Tensor readNpy(Source s, DataPrefetch read) throws UserError {
        try {
            return read.npy(s);
        } catch (NoSuchFileException e) {
            throw UserError.line(s.describe() + ": no such file: " + s.file());
        } catch (Npy.FormatException e) {
            throw UserError.line(s.describe() + ": " + e.getMessage());
        } catch (IOException e) {
            throw UserError.line(s.describe() + ": cannot read " + s.file() + ": " + e.getMessage());
        }
    }

    /**
     * The array in an IDX file. Unsigned bytes read into a floating input are scaled to
     * {@code [0, 1]} as torchvision's {@code ToTensor} scales images (pixels 0 to 255); into an
     * {@code i32} input (labels) they are kept as stored.
     */
    private static Tensor readIdx(Source s, DType want, DataPrefetch read) throws UserError {
        try {
            DataPrefetch.IdxFile f = read.idx(s);
            // Bytes read ahead as their f32 scaling: the same values in any dtype (Idx.rescaled).
            if (f.scaledF32()) return Idx.rescaled(f.values(), want.isFloating() ? want : DType.I32);
            return f.type() == Idx.Type.UBYTE && want.isFloating() ? Idx.scaled(f.values(), want) : f.values();
        } catch (NoSuchFileException e) {
            throw UserError.line(s.describe() + ": no such file: " + s.file());
        } catch (Idx.FormatException e) {
            throw UserError.line(s.describe() + ": " + e.getMessage());
        } catch (IOException e) {
            throw UserError.line(s.describe() + ": cannot read " + s.file() + ": " + e.getMessage());
        }
    }

    /**
     * An IDX file's rows fill an input whose sizes after the first are fixed and hold as many
     * values per row, in row-major order: 28 x 28 images feed {@code f32[N, 784]} or
     * {@code f32[N, 1, 28, 28]} as well as {@code f32[N, 28, 28]} (PyTorch code reshapes or
     * unsqueezes for the same reason).
     */
    private static Tensor rows(Source s, TensorSpec spec, Tensor t) {
        int rank = spec.dims().size();
        if (t.rank() == 0 || rank == 0 || rank == t.rank()) return t;
        int[] shape = new int[rank];
        shape[0] = t.size(0);
        long per = 1;
        for (int i = 1; i < rank; i++) {
            Integer size = constant(spec.dims().get(i));
            if (size == null) return t;
            shape[i] = size;
            per *= size;
        }
        return shape[0] == 0 || per * shape[0] != t.numel() ? t : t.reshape(shape);
    }

    /**
     * CSV values come as {@code [rows, columns]}: a rank-1 input takes one column as {@code [rows]};
     * a higher-rank one takes its fixed trailing sizes from the columns in row-major order.
     */
    private static Tensor shape(Source s, TensorSpec spec, Tensor t) throws UserError {
        if (s.format() == Format.IDX) return rows(s, spec, t);
        if (!s.csv()) return t;
        int rank = spec.dims().size();
        int rows = t.size(0), cols = t.size(1);
        String what = "input '" + spec.name() + "' is " + typeOf(spec);
        if (rank == 2) return t;
        if (rank == 0) throw UserError.line(s.describe() + ": " + what + ", a single value, but csv columns give one value per row");
        if (rank == 1) {
            if (cols != 1) {
                throw UserError.line(s.describe() + ": " + what + ", one value per row, but " + cols + " columns are listed ("
                        + String.join(", ", s.columns()) + ")");
            }
            return t.reshape(rows);
        }
        int[] shape = new int[rank];
        shape[0] = rows;
        int per = 1;
        for (int i = 1; i < rank; i++) {
            Integer size = constant(spec.dims().get(i));
            if (size == null) {
                throw UserError.line(s.describe() + ": " + what + "; csv columns can fill only fixed sizes after the rows");
            }
            shape[i] = size;
            per *= size;
        }
        if (per != cols) {
            throw UserError.line(s.describe() + ": " + what + ", " + per + " values per row, but " + cols + " columns are listed");
        }
        return t.reshape(shape);
    }

    private static Tensor convert(Source s, TensorSpec spec, Tensor t, DType dtype) throws UserError {
        if (t.dtype() == dtype) return t;
        if (dtype == DType.I32 || dtype == DType.BOOL) {
            int perRow = t.rank() == 0 || t.size(0) == 0 ? 1 : t.numel() / t.size(0);
            for (int i = 0; i < t.numel(); i++) {
                double v = t.getDouble(i);
                boolean ok = dtype == DType.I32 ? v == Math.rint(v) && Math.abs(v) <= Integer.MAX_VALUE : v == 0 || v == 1;
                if (!ok) {
                    String where = s.csv() ? "data row " + (i / perRow + 1) : "flat index " + i;
                    throw UserError.line(s.describe() + ": input '" + spec.name() + "' is " + dtype + ", but " + s.file()
                            + " has " + number(v) + " at " + where + " (" + dtype + " values are "
                            + (dtype == DType.I32 ? "whole numbers" : "0 or 1") + ")");
                }
            }
        }
        return t.to(dtype);
    }

    /** Checks the values' shape against the input's declared sizes, binding its symbols in {@code sizes} (shared by all inputs). */
    private static void checkDims(Source s, TensorSpec spec, Tensor t, SizeBinder sizes) throws UserError {
        int[] shape = t.shape();
        String expected = "input '" + spec.name() + "' is " + typeOf(spec) + ", but " + s.file() + " gives "
                + t.dtype() + Arrays.toString(shape);
        // sizes such as N + 1 are left to the run, which names them
        var mismatch = sizes.bind(spec.name(), spec.dims(), shape);
        if (mismatch.isEmpty()) return;
        throw UserError.line(s.describe() + ": " + switch (mismatch.get()) {
            case SizeBinder.Mismatch.Rank r -> expected + " (rank " + r.found() + ", not " + r.declared() + ")";
            case SizeBinder.Mismatch.Fixed f -> expected + " (axis " + f.axis() + " is " + f.found() + ", not " + f.declared() + ")";
            case SizeBinder.Mismatch.Conflict c -> c.symbol() + " is " + c.prior().size() + " from '" + c.prior().name() + "' (axis "
                    + c.prior().axis() + "), but axis " + c.axis() + " of '" + spec.name() + "' has " + c.found()
                    + (c.axis() == 0 ? "; the data must share the leading dimension" : "");
            case SizeBinder.Mismatch.Derived d -> throw new IllegalStateException("bind checked a polynomial size: " + d);
        });
    }

    private static Integer constant(Size dim) {
        return dim instanceof Size.Fixed f && f.value() <= Integer.MAX_VALUE ? (int) f.value() : null;
    }

    private static String number(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }
}
