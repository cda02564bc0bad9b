package dev.modelc.runtime.model;

import dev.modelc.runtime.DType;
import java.util.List;

/**
 * The declared type of a model's input or param: its name (a param's path), dtype and sizes,
 * each a fixed number, a symbolic size such as {@code N}, or a polynomial in symbolic sizes.
 */
public record TensorSpec(String name, DType dtype, List<Size> dims) {
    public TensorSpec {
        dims = List.copyOf(dims);
    }

    /** {@code x: f32[N, 3]}. */
    @Override
    public String toString() {
        return name + ": " + dtype + dims.toString();
    }
}
