package dev.modelc.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which compiler types a module's sources name, for the front-door tests of the modules that
 * must reach the compiler through {@code dev.modelc.api} alone (modelc-testing, the
 * benchmarks): every mention of {@code dev.modelc.compiler...}, by import or spelled out in
 * full, that is not one of the names the API hands out. An allow list rather than a list of
 * forbidden packages, so that a new reach past the API (a backend's internals, a check class)
 * fails too. In the compiler's test jar, shared by those modules' tests.
 */
public final class FrontDoorScan {
    private FrontDoorScan() {
    }

    /** A qualified name under the compiler, up to where it stops being one ({@code .*} of an import stops it). */
    private static final Pattern COMPILER_NAME = Pattern.compile("\\bdev\\.modelc\\.compiler(?:\\.\\w+)*");

    /**
     * Every line of {@code root}'s Java files naming a compiler type or package outside
     * {@code allowed} (classes, or packages and everything in them), as {@code File.java:line: text}.
     */
    public static List<String> namesBehindTheApi(Path root, Set<String> allowed) throws IOException {
        List<String> found = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = COMPILER_NAME.matcher(lines.get(i));
                while (m.find()) {
                    if (!isAllowed(m.group(), allowed)) {
                        found.add(root.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                        break;
                    }
                }
            }
        }
        return found;
    }

    private static boolean isAllowed(String name, Set<String> allowed) {
        for (String a : allowed) if (name.equals(a) || name.startsWith(a + ".")) return true;
        return false;
    }
}
