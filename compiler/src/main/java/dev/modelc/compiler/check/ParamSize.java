package dev.modelc.compiler.check;

import dev.modelc.compiler.diagnostics.Diagnostics;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.HeapLimit;
import java.math.BigInteger;

/**
 * Warnings for params too large to run: a model that declares one is well typed, so {@code check}
 * passes, but says what the param will cost before {@code train} or {@code eval} finds out. The
 * thresholds do not depend on the machine: the heap of a later run is unknown here.
 */
final class ParamSize {
    /** Params of at least this many bytes get a warning with their size (1 GB). */
    static final long LARGE_BYTES = 1_000_000_000L;

    private ParamSize() {
    }

    /** Warns at {@code at} when param {@code path} of type {@code t} (concrete sizes only) is past a tensor's limit or large. */
    static void check(String path, TensorType t, Span at, Diagnostics diagnostics) {
        BigInteger elements = elements(t);
        if (elements == null) return;
        BigInteger bytes = elements.multiply(BigInteger.valueOf(t.dtype().byteSize()));
        String size = bytes.bitLength() < 64 ? HeapLimit.size(bytes.longValue()) : bytes + " bytes";
        if (elements.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
            diagnostics.warning(at, "param '" + path + "' is " + t + ": " + elements + " elements (" + size + "), more than the "
                            + Integer.MAX_VALUE + " a tensor can hold",
                    "train, eval and predict refuse to run this model; make the param smaller");
        } else if (bytes.compareTo(BigInteger.valueOf(LARGE_BYTES)) >= 0) {
            diagnostics.warning(at, "param '" + path + "' needs " + size + " (" + t + ", " + elements + " elements)",
                    "train, eval and predict need a Java heap that holds it (training also keeps a gradient and the "
                            + "optimizer's state of the same size); raise the heap with MODELC_OPTS=-Xmx...");
        }
    }

    /** The exact element count of {@code t}, or null when a size is symbolic. */
    static BigInteger elements(TensorType t) {
        BigInteger n = BigInteger.ONE;
        for (Dim d : t.shape().dims()) {
            if (!d.isConstant()) return null;
            n = n.multiply(BigInteger.valueOf(d.constant()));
        }
        return n;
    }
}
