package dev.modelc.runtime.data;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A UTF-8 CSV file with a header row whose numeric columns are read, by name, into {@code [rows, cols]}
 * tensors of f32 or f64.
 *
 * <p>The format is RFC 4180 (commas, double quotes, CRLF or LF). Positions in errors are 1-based as a
 * spreadsheet shows them: the header is row 1, the first data row is row 2, and blank lines count as
 * rows but hold no data. Cells may be surrounded by spaces; a cell must be a decimal number (such as
 * {@code 3}, {@code -0.5} or {@code 1e-3}) or {@code nan}, {@code inf}, {@code infinity} in any case,
 * optionally signed. Each row must have as many cells as the header.
 */
public final class CsvSource {
    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(false).get();
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern SPECIAL = Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

    private final Path file;

    /** The CSV file at {@code file}; nothing is read until asked. */
    public CsvSource(Path file) {
        this.file = Objects.requireNonNull(file, "file == null");
    }

    /** The file this reads. */
    public Path file() {
        return file;
    }

    /** The column names in the header row, in file order. */
    public List<String> header() throws DataException {
        try (Reader reader = open();
                CSVParser parser = CSVParser.parse(reader, FORMAT)) {
            Iterator<CSVRecord> records = parser.iterator();
            return readHeader(records, parser);
        } catch (IOException | UncheckedIOException e) {
            throw ioProblem(e, 0);
        }
    }

    /** The named columns, in the order given, as a {@code [rows, columns.length]} tensor of {@code dtype}. */
    public Tensor read(DType dtype, String... columns) throws DataException {
        return read(dtype, List.of(columns));
    }

    /** The named columns, in the order given, as a {@code [rows, columns.size()]} tensor of {@code dtype}. */
    public Tensor read(DType dtype, List<String> columns) throws DataException {
        if (columns.isEmpty()) throw new IllegalArgumentException("no columns named to read from " + file);
        return readGroups(dtype, Map.of("", columns)).get("");
    }

    /**
     * Several groups of columns read in one pass, such as {@code {x: [temp, rainfall], y: [apples]}}: each
     * group becomes a {@code [rows, group size]} tensor of {@code dtype}, under the group's name, in the
     * map's order. The result fits {@link TensorDataset} directly.
     */
    public Map<String, Tensor> readGroups(DType dtype, Map<String, List<String>> groups) throws DataException {
        Objects.requireNonNull(dtype, "dtype == null");
        if (dtype != DType.F32 && dtype != DType.F64) {
            throw new IllegalArgumentException("csv columns are read as f32 or f64, not " + dtype);
        }
        if (groups.isEmpty()) throw new IllegalArgumentException("no column groups to read from " + file);
        for (Map.Entry<String, List<String>> g : groups.entrySet()) {
            if (g.getValue().isEmpty()) throw new IllegalArgumentException("column group \"" + g.getKey() + "\" names no columns");
        }
        LinkedHashSet<String> wanted = new LinkedHashSet<>();
        groups.values().forEach(wanted::addAll);
        List<String> names = List.copyOf(wanted);

        int rowCount = 0;
        double[] table = new double[64 * names.size()];
        long row = 0;
        try (Reader reader = open();
                CSVParser parser = CSVParser.parse(reader, FORMAT)) {
            Iterator<CSVRecord> records = parser.iterator();
            List<String> header = readHeader(records, parser);
            int[] positions = new int[names.size()];
            for (int k = 0; k < positions.length; k++) positions[k] = locate(header, names.get(k), (int) parser.getRecordNumber());
            row = parser.getRecordNumber();
            while (records.hasNext()) {
                CSVRecord record = records.next();
                row = record.getRecordNumber();
                if (isBlank(record)) continue;
                if (record.size() != header.size()) {
                    boolean shortRow = record.size() < header.size();
                    throw new DataException(file, (int) row, (shortRow ? record.size() : header.size()) + 1,
                            "this row has " + cells(record.size()) + " but the header has " + cells(header.size()));
                }
                if ((rowCount + 1) * names.size() > table.length) table = Arrays.copyOf(table, table.length * 2);
                for (int k = 0; k < positions.length; k++) {
                    table[rowCount * names.size() + k] = parse(record.get(positions[k]), dtype, (int) row, positions[k] + 1, names.get(k));
                }
                rowCount++;
            }
        } catch (IOException | UncheckedIOException e) {
            throw ioProblem(e, (int) row + 1);
        }

        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> g : groups.entrySet()) {
            List<String> cols = g.getValue();
            double[] values = new double[rowCount * cols.size()];
            for (int c = 0; c < cols.size(); c++) {
                int from = names.indexOf(cols.get(c));
                for (int r = 0; r < rowCount; r++) values[r * cols.size() + c] = table[r * names.size() + from];
            }
            out.put(g.getKey(), Tensor.of(dtype, new int[] {rowCount, cols.size()}, values));
        }
        return out;
    }

    /** The file as UTF-8 text, past a byte-order mark if there is one (as spreadsheets write). */
    private Reader open() throws IOException {
        BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        try {
            reader.mark(1);
            if (reader.read() != '\uFEFF') reader.reset();
            return reader;
        } catch (IOException e) {
            reader.close();
            throw e;
        }
    }

    private List<String> readHeader(Iterator<CSVRecord> records, CSVParser parser) throws DataException {
        while (records.hasNext()) {
            CSVRecord record = records.next();
            if (isBlank(record)) continue;
            List<String> header = new ArrayList<>(record.toList());
            return header;
        }
        throw new DataException(file, 0, 0, "the file is empty; expected a header row naming the columns");
    }

    private int locate(List<String> header, String name, int headerRow) throws DataException {
        int first = header.indexOf(name);
        if (first < 0) {
            String hint = "";
            for (String h : header) {
                if (h.strip().equalsIgnoreCase(name.strip())) {
                    hint = " (did you mean \"" + h + "\"?)";
                    break;
                }
            }
            throw new DataException(file, headerRow, 0, "no column named \"" + name + "\"" + hint + "; the header has "
                    + quoted(header));
        }
        int last = header.lastIndexOf(name);
        if (last != first) {
            throw new DataException(file, headerRow, last + 1, "the header names \"" + name + "\" twice, in columns "
                    + (first + 1) + " and " + (last + 1) + "; cannot tell which to read");
        }
        return first;
    }

    private double parse(String cell, DType dtype, int row, int column, String name) throws DataException {
        String s = cell.strip();
        if (DECIMAL.matcher(s).matches()) {
            return dtype == DType.F32 ? Float.parseFloat(s) : Double.parseDouble(s); // each correctly rounded
        }
        if (SPECIAL.matcher(s).matches()) {
            boolean negative = s.startsWith("-");
            if (s.toLowerCase().contains("nan")) return Double.NaN;
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        String what = s.isEmpty() ? "is empty" : "is \"" + cell + "\", not a number";
        throw new DataException(file, row, column, "cell of column \"" + name + "\" " + what);
    }

    private DataException ioProblem(Exception e, int row) {
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (cause instanceof NoSuchFileException) return new DataException(file, 0, 0, "no such file", cause);
        if (cause instanceof CharacterCodingException) return new DataException(file, 0, 0, "not UTF-8 text", cause);
        if (cause instanceof CSVException) { // malformed quoting, such as an unclosed quote
            return new DataException(file, row, 0, "malformed CSV: " + cause.getMessage(), cause);
        }
        return new DataException(file, 0, 0, "cannot read: " + cause, cause);
    }

    private static boolean isBlank(CSVRecord record) {
        return record.size() == 1 && record.get(0).isEmpty();
    }

    private static String cells(int n) {
        return n == 1 ? "1 cell" : n + " cells";
    }

    private static String quoted(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append('"').append(names.get(i)).append('"');
        }
        return sb.toString();
    }
}
