package dev.modelc.maven;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs modelc's generator ({@code dev.modelc.aot.Main}) in a JVM of its own. The compiler is
 * built for Java 25, and Maven may run on an older JDK, so the mojo never loads it: it starts
 * {@code java} from the build's JDK 25 toolchain with the plugin's own dependencies as class path.
 */
final class ForkedGenerator {
    static final String MAIN = "dev.modelc.aot.Main";

    /** How the generator is started: the {@code java} executable and the class path (the plugin's jars). */
    record Launcher(Path java, List<Path> classPath) {
        Launcher {
            classPath = List.copyOf(classPath);
        }
    }

    /**
     * What came back: the exit status, standard error (diagnostics, or a crash), and per
     * {@code .model} file (as passed) the Java files written, relative to the output folder;
     * a file that had errors maps to null.
     */
    record Outcome(int status, String errors, Map<Path, List<String>> generated) {
    }

    private ForkedGenerator() {
    }

    static Outcome run(Launcher launcher, Path workDir, Path outputDirectory, Path scratch, String dtype, List<String> models,
                       Map<Path, String> packages) throws IOException, InterruptedException {
        Files.createDirectories(scratch);
        Path report = scratch.resolve("report.txt"), stderr = scratch.resolve("stderr.txt"), stdout = scratch.resolve("stdout.txt");
        Files.deleteIfExists(report);
        List<String> command = new ArrayList<>(List.of(launcher.java().toString(),
                // A short-lived process: start fast rather than optimize hard.
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", launcher.classPath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                MAIN, "--out", outputDirectory.toString(), "--report", report.toString()));
        if (dtype != null) command.addAll(List.of("--dtype", dtype));
        if (!models.isEmpty()) command.addAll(List.of("--models", String.join(",", models)));
        packages.forEach((file, pkg) -> command.add(file + "=" + pkg));
        Process p = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        int status = p.waitFor();
        String errors = Files.readString(stderr, StandardCharsets.UTF_8) + Files.readString(stdout, StandardCharsets.UTF_8);
        Map<Path, List<String>> generated = new LinkedHashMap<>();
        if (Files.exists(report)) {
            for (String line : Files.readAllLines(report, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t", -1);
                if (f[0].equals("generated") && f.length == 3) {
                    generated.computeIfAbsent(Path.of(f[1]), k -> new ArrayList<>()).add(f[2].replace(File.separatorChar, '/'));
                } else if (f[0].equals("failed") && f.length == 2) {
                    generated.put(Path.of(f[1]), null);
                }
            }
        }
        return new Outcome(status, errors, generated);
    }
}
