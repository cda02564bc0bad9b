package dev.modelc.maven;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the last run of the goal generated, kept in {@code target/}: a fingerprint of everything
 * that decides the output besides the files (the generator's jars, the options), and for each
 * {@code .model} file the SHA-256 of its bytes and the Java files it became. A file is generated
 * again when its bytes change, an output of it is missing, or the fingerprint changes; touching
 * a file without changing it regenerates nothing.
 */
final class GenerationState {
    private static final String HEADER = "modelc generate state 1";

    /** One {@code .model} file's hash and outputs (paths relative to the output folder, {@code /} separators). */
    record Entry(String hash, List<String> outputs) {
        Entry {
            outputs = List.copyOf(outputs);
        }
    }

    private final String fingerprint;
    private final Map<String, Entry> entries;

    GenerationState(String fingerprint, Map<String, Entry> entries) {
        this.fingerprint = fingerprint;
        this.entries = new LinkedHashMap<>(entries);
    }

    String fingerprint() {
        return fingerprint;
    }

    /** Entries by the file's path under the source folder. */
    Map<String, Entry> entries() {
        return entries;
    }

    /** The state in {@code file}, or an empty one when there is none or it cannot be read (everything is then generated). */
    static GenerationState read(Path file) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.size() < 2 || !lines.get(0).equals(HEADER) || !lines.get(1).startsWith("fingerprint\t")) return empty();
            String fingerprint = lines.get(1).substring("fingerprint\t".length());
            String source = null, hash = null;
            List<String> outputs = new ArrayList<>();
            for (String line : lines.subList(2, lines.size())) {
                String[] f = line.split("\t", -1);
                if (f[0].equals("source") && f.length == 3) {
                    if (source != null) entries.put(source, new Entry(hash, outputs));
                    hash = f[1];
                    source = f[2];
                    outputs = new ArrayList<>();
                } else if (f[0].equals("output") && f.length == 2 && source != null) {
                    outputs.add(f[1]);
                } else {
                    return empty();
                }
            }
            if (source != null) entries.put(source, new Entry(hash, outputs));
            return new GenerationState(fingerprint, entries);
        } catch (IOException e) {
            return empty();
        }
    }

    static GenerationState empty() {
        return new GenerationState("", Map.of());
    }

    /** Writes the state, replacing the file in one move so a killed build leaves the old state or the new one. */
    void write(Path file) throws IOException {
        StringBuilder s = new StringBuilder(HEADER).append('\n').append("fingerprint\t").append(fingerprint).append('\n');
        entries.forEach((source, e) -> {
            s.append("source\t").append(e.hash()).append('\t').append(source).append('\n');
            for (String o : e.outputs()) s.append("output\t").append(o).append('\n');
        });
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, s, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Whether {@code relativePath}, now hashing to {@code hash}, must be generated again under {@code outputDirectory}. */
    boolean isStale(String relativePath, String hash, Path outputDirectory) {
        Entry e = entries.get(relativePath);
        if (e == null || !e.hash().equals(hash)) return true;
        for (String o : e.outputs()) if (!Files.isRegularFile(outputDirectory.resolve(o))) return true;
        return false;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest d = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    static String sha256(String text) {
        return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
