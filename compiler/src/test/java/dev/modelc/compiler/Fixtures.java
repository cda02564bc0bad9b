package dev.modelc.compiler;

import dev.modelc.compiler.diagnostics.SourceFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test `.model` files with their expected output written inline, jlox-style: everything after a
 * line {@code # expect:} is the expected text, one line per comment line ({@code # } stripped).
 */
public final class Fixtures {
    private Fixtures() {
    }

    /** The files under a test-resources folder, sorted by name. */
    public static List<Path> list(String folder, String extension) {
        try {
            Path dir = Path.of(Fixtures.class.getResource("/" + folder).toURI());
            try (Stream<Path> s = Files.list(dir)) {
                return s.filter(p -> p.toString().endsWith(extension)).sorted().toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The file as a source named by its file name alone, as diagnostics print it. */
    public static SourceFile source(Path p) {
        try {
            return new SourceFile(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The expected text after {@code # expect:}, or null when the file has none. */
    public static String expected(SourceFile source) {
        List<String> lines = source.text().lines().toList();
        int at = lines.indexOf("# expect:");
        if (at < 0) return null;
        List<String> out = new ArrayList<>();
        for (String l : lines.subList(at + 1, lines.size())) {
            if (l.equals("#")) out.add("");
            else if (l.startsWith("# ")) out.add(l.substring(2));
            else throw new IllegalArgumentException(source.name() + ": expectation line does not start with '# ': " + l);
        }
        return String.join("\n", out) + "\n";
    }
}
