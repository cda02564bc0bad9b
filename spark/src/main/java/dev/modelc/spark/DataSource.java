package dev.modelc.spark;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One {@code --data} argument of {@link Train}: {@code NAME=FORMAT:PATH[:COL1,COL2,...]}, input
 * {@code NAME} read from columns of the table at {@code PATH} (Parquet, ORC, JSON lines, or CSV
 * with a header); without columns, the column called {@code NAME}.
 */
record DataSource(String input, String format, String path, List<String> columns) {
    static final List<String> FORMATS = List.of("parquet", "orc", "json", "csv");

    DataSource {
        Objects.requireNonNull(input, "input == null");
        columns = List.copyOf(columns);
    }

    /** Parses the argument; the message of a refusal says what the argument should look like. */
    static DataSource parse(String arg) {
        int eq = arg.indexOf('=');
        if (eq <= 0) throw usage(arg, "it has no NAME=");
        String input = arg.substring(0, eq);
        String rest = arg.substring(eq + 1);
        int colon = rest.indexOf(':');
        if (colon < 0 || !FORMATS.contains(rest.substring(0, colon))) {
            throw usage(arg, "it names no format: the value starts with one of " + String.join(", ", FORMATS) + ", then ':'");
        }
        String format = rest.substring(0, colon);
        String pathAndColumns = rest.substring(colon + 1);
        // Columns follow the last ':' when what follows it has no '/' (so a path may hold ':' in a directory name).
        int last = pathAndColumns.lastIndexOf(':');
        String path = pathAndColumns;
        List<String> columns = List.of(input);
        if (last > 0 && !pathAndColumns.substring(last + 1).contains("/")) {
            path = pathAndColumns.substring(0, last);
            columns = Arrays.stream(pathAndColumns.substring(last + 1).split(",")).map(String::strip).toList();
            if (columns.stream().anyMatch(String::isEmpty)) throw usage(arg, "a column name is empty");
        }
        if (path.isEmpty()) throw usage(arg, "the path is empty");
        return new DataSource(input, format, path, columns);
    }

    private static SparkTrainingException usage(String arg, String why) {
        return new SparkTrainingException("--data " + arg + ": " + why + " (NAME=FORMAT:PATH[:COL1,COL2,...], FORMAT one of "
                + String.join(", ", FORMATS) + ")");
    }
}
