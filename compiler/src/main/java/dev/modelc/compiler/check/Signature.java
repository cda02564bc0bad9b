package dev.modelc.compiler.check;

import java.util.List;

/**
 * How a built-in takes its arguments: positional ones (the first {@code required} of them
 * required), optionally any number more ({@code variadic}: {@code cat(a, b, c)}), and
 * keyword-only ones such as {@code axis} and {@code keepdims}.
 */
record Signature(List<String> positional, int required, boolean variadic, List<String> keywordOnly) {

    static Signature of(String... positional) {
        return new Signature(List.of(positional), positional.length, false, List.of());
    }

    Signature optional(String... names) {
        List<String> p = new java.util.ArrayList<>(positional);
        p.addAll(List.of(names));
        return new Signature(p, required, variadic, keywordOnly);
    }

    Signature keywords(String... names) {
        return new Signature(positional, required, variadic, List.of(names));
    }

    static Signature variadic(String name) {
        return new Signature(List.of(name), 1, true, List.of());
    }

    List<String> all() {
        List<String> out = new java.util.ArrayList<>(positional);
        out.addAll(keywordOnly);
        return out;
    }
}
