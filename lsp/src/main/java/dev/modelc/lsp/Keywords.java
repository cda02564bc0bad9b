package dev.modelc.lsp;

import java.util.List;
import java.util.Set;

/** The language's words (docs/language.md, lexical structure). */
final class Keywords {
    private Keywords() {
    }

    /** Never names. */
    static final Set<String> RESERVED = Set.of("model", "layer", "def", "return", "true", "false");

    /** Words that start a statement. */
    static final List<String> STATEMENTS = List.of("input", "param", "const", "output", "loss", "update", "train", "forward", "return");

    /** Words that start a declaration. */
    static final List<String> DECLARATIONS = List.of("model", "layer", "def");

    /** The dtypes of tensor types, and {@code float}, the kind def annotations may name. */
    static final List<String> DTYPES = List.of("f32", "f64", "i32", "bool", "float");
}
