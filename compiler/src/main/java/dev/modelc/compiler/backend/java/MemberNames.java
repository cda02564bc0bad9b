package dev.modelc.compiler.backend.java;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.SourceVersion;

/**
 * Java names for a model's inputs, outputs and param paths in a generated typed API: record
 * components and method parameters. A path is camelCased ({@code linear.weight} becomes
 * {@code linearWeight}); a keyword, a reserved name or a name already taken gets a suffix.
 */
final class MemberNames {
    /** Record components may not be named like Object's no-argument methods. */
    static final List<String> RECORD_RESERVED = List.of("clone", "finalize", "getClass", "hashCode", "notify", "notifyAll",
            "toString", "wait");

    private final Set<String> used = new HashSet<>();

    MemberNames(List<String> reserved) {
        used.addAll(reserved);
    }

    String fresh(String path) {
        StringBuilder s = new StringBuilder();
        boolean upper = false;
        for (int c : path.codePoints().toArray()) {
            if (!Character.isJavaIdentifierPart(c) || c == '$') {
                upper = !s.isEmpty();
                continue;
            }
            s.appendCodePoint(upper ? Character.toUpperCase(c) : c);
            upper = false;
        }
        if (s.isEmpty() || !Character.isJavaIdentifierStart(s.codePointAt(0))) s.insert(0, '_');
        String base = s.toString();
        String name = base;
        for (int i = 2; used.contains(name) || SourceVersion.isKeyword(name) || name.equals("_"); i++) name = base + i;
        used.add(name);
        return name;
    }
}
