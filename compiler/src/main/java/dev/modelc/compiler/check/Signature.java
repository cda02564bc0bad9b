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

    /**
     * Whether a positional parameter is only there to catch a common mistake ({@code sum(x, 1)}
     * binds {@code _second} so the rule can say axis is keyword-only): such a parameter is never
     * named in messages nor accepted as a keyword.
     */
    static boolean hidden(String name) {
        return name.startsWith("_");
    }

    /** The positional parameters a user may know about. */
    List<String> visiblePositional() {
        return positional.stream().filter(n -> !hidden(n)).toList();
    }

    /** Every name a keyword argument may use. */
    List<String> all() {
        List<String> out = new java.util.ArrayList<>(visiblePositional());
        out.addAll(keywordOnly);
        return out;
    }
}
