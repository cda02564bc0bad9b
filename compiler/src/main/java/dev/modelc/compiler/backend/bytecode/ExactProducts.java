package dev.modelc.compiler.backend.bytecode;

import dev.modelc.compiler.graph.BinaryFn;
import dev.modelc.compiler.kernel.Arithmetic;
import dev.modelc.compiler.kernel.Expr;
import dev.modelc.compiler.kernel.Let;
import dev.modelc.runtime.DType;
import java.lang.management.ManagementFactory;
import java.util.function.IntFunction;

/**
 * Products of two f32 values computed in f64, which a row pass adds to a sum ({@code x @ w.T}
 * written out term by term, the terms of {@code x.T @ g}): such a product is exact in f64 (24
 * by 24 significant bits need 48 of the 53; the exponents of two floats, subnormals included,
 * stay inside a double's normal range), so {@code s + x * y} rounds once, at the addition, and
 * {@code Math.fma(x, y, s)} gives the same bits, infinities and NaN included, in one instruction
 * instead of two. The interpreter's order of terms is kept; only the work per term shrinks.
 */
final class ExactProducts {
    private ExactProducts() {
    }

    /**
     * Whether the JVM runs {@link Math#fma(double, double, double)} as an instruction (HotSpot's
     * {@code UseFMA}): without it the method is a slow exact software routine, and the plain
     * multiply and add are kept. Asked once, when the first such product is compiled: the
     * diagnostic bean takes some tens of milliseconds to start.
     */
    static boolean hardware() {
        return Hardware.FMA;
    }

    private static final class Hardware {
        static final boolean FMA = useFma();
    }

    /** The product {@code let} computes when it is an f64 product of two f32 values, else null. */
    static Expr.Binary product(Let let, IntFunction<Let> lets) {
        if (let.dtype() != DType.F64 || !(let.expr() instanceof Expr.Binary b)) return null;
        if (b.fn() != BinaryFn.MUL || b.arithmetic() != Arithmetic.F64) return null;
        return isFloat(lets.apply(b.a()), lets) && isFloat(lets.apply(b.b()), lets) ? b : null;
    }

    /** Whether {@code let}'s value is an f32 value: an f32 let, or one widened to f64. */
    private static boolean isFloat(Let let, IntFunction<Let> lets) {
        if (let.dtype() == DType.F32) return true;
        return let.dtype() == DType.F64 && let.expr() instanceof Expr.Convert c && lets.apply(c.x()).dtype() == DType.F32;
    }

    private static boolean useFma() {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean != null && Boolean.parseBoolean(bean.getVMOption("UseFMA").getValue());
        } catch (RuntimeException | LinkageError e) {
            // not HotSpot, or no such option: keep the multiply and the add
            return false;
        }
    }
}
