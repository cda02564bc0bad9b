package dev.modelc.aot;

import dev.modelc.runtime.DType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The process build tools run to generate Java from {@code .model} files: the Maven plugin runs
 * it on a JDK 25 (from the build's toolchain) because the compiler needs one and Maven itself
 * may run on an older JDK.
 *
 * <pre>
 * java -cp ... dev.modelc.aot.Main --out DIR --report FILE [--dtype f32|f64] [--models A,B] FILE=PACKAGE...
 * </pre>
 *
 * Diagnostics go to standard error as the command line prints them. The report has one line per
 * Java file written, {@code generated<TAB>model file<TAB>java file} (relative to DIR), and one per
 * file with errors, {@code failed<TAB>model file}. Exit status: 0, 1 when a file has errors or
 * the arguments are wrong, 2 on a bug in modelc.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.err));
    }

    static int run(String[] args, PrintStream err) {
        Path out = null, report = null;
        DType floating = null;
        Set<String> models = new LinkedHashSet<>();
        List<SourceSet.Source> sources = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            boolean hasValue = i + 1 < args.length;
            switch (a) {
                case "--out", "--report", "--dtype", "--models" -> {
                    if (!hasValue) return usage(err, a + " needs a value");
                    String v = args[++i];
                    switch (a) {
                        case "--out" -> out = Path.of(v);
                        case "--report" -> report = Path.of(v);
                        case "--dtype" -> {
                            if (!v.equals("f32") && !v.equals("f64")) return usage(err, "--dtype is f32 or f64, not '" + v + "'");
                            floating = v.equals("f32") ? DType.F32 : DType.F64;
                        }
                        default -> {
                            for (String m : v.split(",")) if (!m.isBlank()) models.add(m.strip());
                        }
                    }
                }
                default -> {
                    int eq = a.lastIndexOf('=');
                    if (eq <= 0 || a.startsWith("--")) return usage(err, "unknown argument '" + a + "'");
                    sources.add(new SourceSet.Source(Path.of(a.substring(0, eq)), a.substring(eq + 1)));
                }
            }
        }
        if (out == null || report == null) return usage(err, "--out and --report are required");
        try {
            List<SourceSet.Result> results = SourceSet.generate(sources, out, floating, models);
            StringBuilder lines = new StringBuilder();
            boolean failed = false;
            for (SourceSet.Result r : results) {
                err.print(r.diagnostics());
                for (Path p : r.written()) lines.append("generated\t").append(r.source().file()).append('\t').append(p).append('\n');
                if (r.failed()) lines.append("failed\t").append(r.source().file()).append('\n');
                failed |= r.failed();
            }
            Files.writeString(report, lines, StandardCharsets.UTF_8);
            return failed ? 1 : 0;
        } catch (IOException e) {
            err.println("modelc: " + e);
            return 1;
        } catch (RuntimeException | Error e) {
            // A bug in modelc, not in the user's file: the trace is for the bug report.
            err.println("modelc: internal error while generating Java (a bug in modelc; please report it with this trace):");
            e.printStackTrace(err);
            return 2;
        }
    }

    private static int usage(PrintStream err, String message) {
        err.println("modelc aot: " + message);
        err.println("usage: dev.modelc.aot.Main --out DIR --report FILE [--dtype f32|f64] [--models A,B] FILE=PACKAGE...");
        return 1;
    }
}
