package dev.modelc.compiler.check;

import java.util.ArrayList;
import java.util.List;

/**
 * The built-ins' names and the arguments users may name, read from the checker's own table, for
 * tools (the language server's completion and hover).
 */
public final class BuiltinSignatures {
    /** One built-in: its positional parameters (those users may name) and its keyword-only ones. */
    public record Entry(String name, List<String> positional, int required, boolean variadic, List<String> keywordOnly) {
        public Entry {
            positional = List.copyOf(positional);
            keywordOnly = List.copyOf(keywordOnly);
        }

        /** {@code sum(x, axis =, keepdims =)}. */
        public String label() {
            List<String> parts = new ArrayList<>(positional);
            if (variadic) parts.add("...");
            for (String k : keywordOnly) parts.add(k + " =");
            return name + "(" + String.join(", ", parts) + ")";
        }
    }

    private BuiltinSignatures() {
    }

    /** Every built-in, in the table's order. */
    public static List<Entry> all() {
        List<Entry> out = new ArrayList<>();
        for (String name : Builtins.names()) {
            Signature s = Builtins.lookup(name).signature();
            out.add(new Entry(name, s.visiblePositional(), s.required(), s.variadic(), s.keywordOnly()));
        }
        return out;
    }
}
