package dev.modelc.compiler.check;

import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;

/**
 * How the dtypes of two operands combine. Strong dtypes must be equal (no silent f32/f64 or
 * int/float promotion); a weak operand takes the other's dtype; two weak operands stay weak,
 * integer only when both are.
 */
final class DTypes {
    private DTypes() {
    }

    /** The combined dtype and weakness, or a reason they do not combine. */
    sealed interface Joined {
        record Ok(DType dtype, boolean weak) implements Joined {
        }

        record Mismatch(String note) implements Joined {
        }
    }

    static Joined join(TensorType a, TensorType b) {
        if (a.weak() && b.weak()) {
            if (a.dtype() == DType.BOOL || b.dtype() == DType.BOOL) {
                return a.dtype() == b.dtype() ? new Joined.Ok(DType.BOOL, true)
                        : new Joined.Mismatch("bool values do not mix with numbers");
            }
            boolean integer = a.dtype() == DType.I32 && b.dtype() == DType.I32;
            return new Joined.Ok(integer ? DType.I32 : DType.F32, true);
        }
        if (a.weak()) return adopt(a, b.dtype());
        if (b.weak()) return adopt(b, a.dtype());
        if (a.dtype() == b.dtype()) return new Joined.Ok(a.dtype(), false);
        if (a.isFloating() && b.isFloating()) {
            return new Joined.Mismatch(a.dtype() + " and " + b.dtype()
                    + " do not mix; convert one side with f32(...) or f64(...)");
        }
        return new Joined.Mismatch(a.dtype() + " and " + b.dtype()
                + " do not mix; convert one side with " + (a.isFloating() ? a.dtype() : b.dtype()) + "(...)");
    }

    /** A weak value meeting a tensor of dtype {@code target}. */
    static Joined adopt(TensorType weak, DType target) {
        if (weak.dtype() == DType.BOOL && target != DType.BOOL) {
            return new Joined.Mismatch("a bool value cannot meet " + target);
        }
        if (weak.dtype() != DType.BOOL && target == DType.BOOL) {
            return new Joined.Mismatch("a number cannot meet bool; compare to get a mask");
        }
        if (weak.dtype() == DType.F32 && target == DType.I32) {
            return new Joined.Mismatch("a float literal cannot meet i32; cast with f32(...) first");
        }
        return new Joined.Ok(target, false);
    }

    /** The dtype a weak value gets when it meets no tensor: i32 for integers, f32 for floats. */
    static TensorType settle(TensorType t) {
        return t.weak() ? t.strong() : t;
    }
}
