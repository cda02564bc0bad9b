package dev.modelc.compiler.kernel;

/** Writes let {@code value} to {@code buffer} at the loop's own position (row-major over the outer loops). */
public record Store(int buffer, int value) {
}
