package dev.modelc.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input corpus: small hostile inputs (files, options, data) that once crashed, hung,
 * printed a stack trace, lost data or gave a wrong answer, each run through the {@code modelc}
 * command in process and held to what a user must see instead.
 *
 * <p>A case is a file {@code src/test/resources/hostile/AREA/NAME.case}:
 * <pre>
 * # Why this case exists: the bug it guards against (at least one comment line).
 * args: train {dir}/m.model --data x={dir}/x.csv:a --save {dir}/x.csv
 * exit: 1
 * stderr: text that must appear on stderr (repeatable)
 * stdout: text that must appear on stdout (repeatable)
 * not: text that must appear on neither (repeatable)
 * unchanged: x.csv        (a case file that must be byte for byte the same after the run)
 * absent: PWNED           (a file that must not exist in {dir} after the run)
 * within: 20              (seconds before the run counts as a hang; default 20)
 * === m.model
 * the file's lines, written as they stand (LF line ends)
 * === x.npy hex
 * 93 4e 55 4d 50 59 ... (the file's bytes in hex; white space ignored)
 * </pre>
 * {@code args} are split at white space; {@code {dir}} is the case's own temporary folder, where
 * its files are written. Every case also holds the house rules: no stack trace and no "internal
 * error" on stderr, and an exit code that is the one it names. Big inputs (megabytes, a full heap)
 * do not belong here: they are JUnit tests that generate what they need.
 */
class HostileInputTest {
    private static final Duration DEFAULT_BOUND = Duration.ofSeconds(20);

    @TempDir
    Path temp;

    /** One case file, parsed. */
    record Case(String name, List<String> args, int exit, List<String> stderr, List<String> stdout, List<String> not,
            List<String> unchanged, List<String> absent, Duration within, Map<String, byte[]> files) {

        static Case parse(String name, String text) {
            List<String> args = null;
            Integer exit = null;
            List<String> stderr = new ArrayList<>();
            List<String> stdout = new ArrayList<>();
            List<String> not = new ArrayList<>();
            List<String> unchanged = new ArrayList<>();
            List<String> absent = new ArrayList<>();
            Duration within = DEFAULT_BOUND;
            Map<String, byte[]> files = new LinkedHashMap<>();
            boolean why = false;
            String[] lines = text.split("\n", -1);
            int i = 0;
            for (; i < lines.length && !lines[i].startsWith("=== "); i++) {
                String line = lines[i];
                if (line.isBlank()) continue;
                if (line.startsWith("#")) {
                    why = true;
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon < 0) throw new IllegalArgumentException(name + ":" + (i + 1) + ": expected 'key: value', found: " + line);
                String key = line.substring(0, colon).strip();
                String value = line.substring(colon + 1).strip();
                switch (key) {
                    case "args" -> args = List.of(value.split("\\s+"));
                    case "exit" -> exit = Integer.parseInt(value);
                    case "stderr" -> stderr.add(value);
                    case "stdout" -> stdout.add(value);
                    case "not" -> not.add(value);
                    case "unchanged" -> unchanged.add(value);
                    case "absent" -> absent.add(value);
                    case "within" -> within = Duration.ofSeconds(Long.parseLong(value));
                    default -> throw new IllegalArgumentException(name + ":" + (i + 1) + ": unknown key '" + key + "'");
                }
            }
            while (i < lines.length) {
                String header = lines[i].substring(4).strip();
                boolean hex = header.endsWith(" hex");
                String file = hex ? header.substring(0, header.length() - 4).strip() : header;
                StringBuilder body = new StringBuilder();
                for (i++; i < lines.length && !lines[i].startsWith("=== "); i++) {
                    body.append(lines[i]).append('\n');
                }
                // The split leaves one empty piece after the file's last line end.
                if (i == lines.length && body.length() > 0) body.setLength(body.length() - 1);
                files.put(file, hex
                        ? HexFormat.of().parseHex(body.toString().replaceAll("\\s+", ""))
                        : body.toString().getBytes(StandardCharsets.UTF_8));
            }
            if (!why) throw new IllegalArgumentException(name + ": a case starts with a comment saying why it exists");
            if (args == null) throw new IllegalArgumentException(name + ": no 'args:' line");
            if (exit == null) throw new IllegalArgumentException(name + ": no 'exit:' line");
            if (stderr.isEmpty() && stdout.isEmpty()) {
                throw new IllegalArgumentException(name + ": a case names some text the user must see (stderr: or stdout:)");
            }
            return new Case(name, args, exit, stderr, stdout, not, unchanged, absent, within, files);
        }

        void run(Path dir) throws IOException {
            for (var f : files.entrySet()) {
                Path p = dir.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, f.getValue());
            }
            String[] argv = args.stream().map(a -> a.replace("{dir}", dir.toString())).toArray(String[]::new);
            Cli.Result r = assertTimeoutPreemptively(within, () -> Cli.modelc(argv),
                    () -> name + " ran past " + within.toSeconds() + " s");
            String shown = "\n--- stdout:\n" + r.out() + "--- stderr:\n" + r.err();
            List<Executable> checks = new ArrayList<>();
            checks.add(() -> assertEquals(exit, r.code(), name + ": exit code" + shown));
            checks.add(r::assertNoStackTrace);
            for (String s : stderr) checks.add(() -> assertTrue(r.err().contains(s), name + ": stderr lacks '" + s + "'" + shown));
            for (String s : stdout) checks.add(() -> assertTrue(r.out().contains(s), name + ": stdout lacks '" + s + "'" + shown));
            for (String s : not) {
                checks.add(() -> assertFalse(r.out().contains(s) || r.err().contains(s), name + ": shows '" + s + "'" + shown));
            }
            for (String f : unchanged) {
                checks.add(() -> assertArrayEquals(files.get(f), Files.readAllBytes(dir.resolve(f)), name + ": " + f + " changed"));
            }
            for (String f : absent) checks.add(() -> assertFalse(Files.exists(dir.resolve(f)), name + ": " + f + " exists"));
            assertAll(checks);
        }
    }

    @TestFactory
    Stream<DynamicTest> corpus() throws IOException {
        Path root = corpusRoot();
        List<Path> cases;
        try (Stream<Path> s = Files.walk(root)) {
            cases = s.filter(p -> p.toString().endsWith(".case")).sorted().toList();
        }
        assertFalse(cases.isEmpty(), "no cases under " + root);
        return cases.stream().map(p -> {
            String name = root.relativize(p).toString();
            // No file URI as the test's source: Surefire's -Dtest filter matches only method sources.
            return DynamicTest.dynamicTest(name, () -> {
                Case c = Case.parse(name, Files.readString(p));
                c.run(Files.createDirectories(temp.resolve(name.replace('/', '_'))));
            });
        });
    }

    private static Path corpusRoot() {
        try {
            var url = HostileInputTest.class.getResource("/hostile");
            if (url == null) throw new AssertionError("the corpus folder hostile/ is not on the test class path");
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
