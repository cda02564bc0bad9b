package dev.modelc.compiler.backend.java;

import java.util.HashSet;
import java.util.Set;
import javax.lang.model.SourceVersion;

/** Java identifiers for a method's locals: a model's names where they are valid Java, never two alike. */
final class JavaNames {
    private final Set<String> used = new HashSet<>();

    JavaNames(String... reserved) {
        used.addAll(Set.of(reserved));
    }

    /** {@code linear.weight} becomes {@code linear_weight}; a keyword or a name taken gets a suffix. */
    String fresh(String wanted) {
        StringBuilder s = new StringBuilder();
        wanted.codePoints().forEach(c -> s.appendCodePoint(Character.isJavaIdentifierPart(c) ? c : '_'));
        if (s.isEmpty() || !Character.isJavaIdentifierStart(s.codePointAt(0))) s.insert(0, '_');
        String base = s.toString();
        String name = base;
        // i0, j1, v7 are the generated loops' variables and lets.
        for (int i = 2; used.contains(name) || SourceVersion.isKeyword(name) || name.equals("_") || name.matches("[ijv][0-9]+"); i++) {
            name = base + "_" + i;
        }
        used.add(name);
        return name;
    }
}
