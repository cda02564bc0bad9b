package dev.modelc.runtime;

/** The element types a tensor can hold, named as in `.model` files. */
public enum DType {
    F32("f32", true),
    F64("f64", true),
    I32("i32", false),
    BOOL("bool", false);

    private final String spelling;
    private final boolean floating;

    DType(String spelling, boolean floating) {
        this.spelling = spelling;
        this.floating = floating;
    }

    /** The name used in `.model` source, such as {@code f32}. */
    public String spelling() {
        return spelling;
    }

    /** Whether values of this type are differentiable (f32 and f64). */
    public boolean isFloating() {
        return floating;
    }

    /** Whether arithmetic is defined on this type (everything but bool). */
    public boolean isNumeric() {
        return this != BOOL;
    }

    /** The bytes one element takes in a tensor's Java array (a {@code boolean[]} takes one per element). */
    public int byteSize() {
        return switch (this) {
            case F32, I32 -> 4;
            case F64 -> 8;
            case BOOL -> 1;
        };
    }

    /** The dtype spelled {@code name} in source, or null when the name is not a dtype. */
    public static DType bySpelling(String name) {
        for (DType t : values()) {
            if (t.spelling.equals(name)) return t;
        }
        return null;
    }

    @Override
    public String toString() {
        return spelling;
    }
}
