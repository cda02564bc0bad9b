package dev.modelc.compiler.fuzz;

import net.jqwik.api.Arbitrary;

/** The compiler fuzzers' program generators (package-private there), for the formatter's properties. */
public final class GeneratedPrograms {
    private GeneratedPrograms() {
    }

    /** Random declarations of every kind, often with mistakes. */
    public static Arbitrary<String> anyProgram() {
        return Programs.program();
    }

    /** Files that check. */
    public static Arbitrary<String> wellTyped() {
        return Programs.wellTyped();
    }

    /** Shape calls on symbolic and fixed sizes. */
    public static Arbitrary<String> shapeCalls() {
        return Programs.shapeCalls();
    }
}
