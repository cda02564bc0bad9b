package dev.modelc.cuda.check;

import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.runtime.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code scripts/gpu-check.sh} runs on a GPU machine, with no Maven and no JUnit there:
 * every reference case and sample model on a backend (cuda) against the interpreter, in the
 * declared dtypes and in f64, then the benchmark; a line per check, a short table last.
 * Exits 0 when every check passed, 1 otherwise, 3 when the backend cannot run here.
 *
 * <pre>GpuCheck [--root DIR] [--backend cuda] [--no-bench | --no-checks] [--bench-scale S] [--out DIR]</pre>
 */
public final class GpuCheck {
    private GpuCheck() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(".");
        Backend backend = Backend.CUDA;
        boolean bench = true, checks = true;
        double scale = 1;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]);
                case "--backend" -> backend = Backend.bySpelling(args[++i]);
                case "--no-bench" -> bench = false;
                case "--no-checks" -> checks = false;
                case "--bench-scale" -> scale = Double.parseDouble(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("gpu-check: unknown argument " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (backend == null) {
            System.err.println("gpu-check: unknown backend");
            System.exit(2);
        }
        if (backend.unavailable().isPresent()) {
            System.out.println("gpu-check: --backend " + backend.spelling() + ": " + backend.unavailable().get());
            System.exit(3);
        }
        StringBuilder log = new StringBuilder();
        int passed = 0, failed = 0;
        long t0 = System.nanoTime();
        for (Path f : checks ? ModelFiles.under(root) : List.<Path>of()) {
            for (CheckedModel m : ModelFiles.models(f)) {
                for (DType floating : new DType[] {null, DType.F64}) {
                    String name = root.relativize(f) + " " + m.name() + (floating == null ? "" : " in f64");
                    // The name first: a kernel that never returns (a hung launch) then names its check in the log.
                    System.out.print("...   " + name + "\r");
                    System.out.flush();
                    long c0 = System.nanoTime();
                    List<String> problems;
                    try {
                        problems = BackendComparison.compare(m, backend, floating);
                    } catch (RuntimeException e) {
                        problems = new ArrayList<>(List.of(e.toString().lines().limit(40).reduce((a, b) -> a + "\n      " + b).orElse("")));
                    }
                    String line = (problems.isEmpty() ? "ok    " : "FAIL  ") + name
                            + String.format(" (%.2f s)", (System.nanoTime() - c0) / 1e9)
                            + (problems.isEmpty() ? "" : "\n      " + String.join("\n      ", problems));
                    System.out.println(line);
                    log.append(line).append('\n');
                    if (problems.isEmpty()) passed++;
                    else failed++;
                }
            }
        }
        String summary = passed + " passed, " + failed + " failed";
        String checkTime = String.format("(%.1f s, compiling included)", (System.nanoTime() - t0) / 1e9);
        String table = "";
        if (bench) table = GpuBenchmark.table(GpuBenchmark.run(backend, scale), backend.spelling());
        if (out != null) {
            Files.createDirectories(out);
            if (checks) Files.writeString(out.resolve("gpu-check.log"), log + summary + "\n");
            if (bench) Files.writeString(out.resolve("gpu-benchmark.md"), table);
        }
        System.out.println();
        if (bench) System.out.print(table);
        if (checks) {
            System.out.println("checks on " + backend.spelling() + " against the interpreter " + checkTime + ":");
            System.out.println(summary);
        }
        System.exit(failed == 0 ? 0 : 1);
    }
}
