package dev.modelc.compiler.types;

import dev.modelc.runtime.DType;
import java.util.Objects;

/**
 * The static type of a tensor value: dtype and shape. A <em>weak</em> type belongs to values
 * built only from literals and creation helpers (as in JAX): it takes the dtype of the tensor
 * it meets, and is {@code i32} or {@code f32} when it meets none.
 */
public record TensorType(DType dtype, boolean weak, Shape shape) {
    public TensorType {
        Objects.requireNonNull(dtype, "dtype == null");
        Objects.requireNonNull(shape, "shape == null");
    }

    public static TensorType of(DType dtype, Shape shape) {
        return new TensorType(dtype, false, shape);
    }

    public static TensorType weakInt(Shape shape) {
        return new TensorType(DType.I32, true, shape);
    }

    public static TensorType weakFloat(Shape shape) {
        return new TensorType(DType.F32, true, shape);
    }

    public TensorType withShape(Shape s) {
        return new TensorType(dtype, weak, s);
    }

    public TensorType withDType(DType d) {
        return new TensorType(d, weak, shape);
    }

    public TensorType strong() {
        return new TensorType(dtype, false, shape);
    }

    public boolean isScalar() {
        return shape.isScalar();
    }

    public int rank() {
        return shape.rank();
    }

    /** Whether this is a floating type, weak floats included. */
    public boolean isFloating() {
        return dtype.isFloating();
    }

    /**
     * {@code f32[N, 3]}; weak types print as the kind of literal they are, {@code int[]} or
     * {@code float[2]}, since they have no dtype of their own yet.
     */
    @Override
    public String toString() {
        String base = weak ? (dtype == DType.I32 ? "int" : dtype == DType.BOOL ? "bool" : "float") : dtype.spelling();
        return base + shape;
    }
}
