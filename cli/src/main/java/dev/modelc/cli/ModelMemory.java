package dev.modelc.cli;

import dev.modelc.api.Driver;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.check.ModelSignature;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.HeapLimit;
import java.math.BigInteger;

/**
 * What running a model must hold in memory at the least, checked before any work by {@code train},
 * {@code eval} and {@code predict} ({@code compile}: the sizes only): every value of a fixed shape must fit in one tensor (at most
 * 2^31 - 1 elements, the length of a Java array), and the params, times the copies the command
 * keeps of them, must fit under the Java heap's limit. A refusal names the param or the value and
 * its line, what it needs, and how to raise the limit. Values whose sizes depend on the data
 * ({@code N}) are not checked here.
 */
final class ModelMemory {
    private static final BigInteger MAX_ELEMENTS = BigInteger.valueOf(Integer.MAX_VALUE);

    private ModelMemory() {
    }

    /**
     * Refuses {@code m} when a param or a value of fixed shape is past a tensor's limit, or when
     * {@code copies} copies of its params (1 to run it; the params, their gradients and the
     * optimizer's state to train it, as {@code copiesWhy} says) exceed the heap. {@code purpose} is
     * what the command does ({@code running}, {@code training}); {@code floating}, when not null,
     * is the dtype floating values are computed in.
     */
    static void check(CheckedModel m, DType floating, String purpose, int copies, String copiesWhy) throws UserError {
        checkSizes(m);
        checkHeap(m, floating, purpose, copies, copiesWhy);
    }

    /**
     * Refuses {@code m} when a param or a value of fixed shape is past a tensor's limit; before a
     * backend compiles anything (the java backend would write the size into its source).
     */
    static void checkSizes(CheckedModel m) throws UserError {
        ModelSignature sig = m.signature();
        for (ModelSignature.ParamEntry p : sig.params()) {
            BigInteger n = elements(p.type());
            if (n != null && n.compareTo(MAX_ELEMENTS) > 0) {
                throw UserError.line(where(p.span()) + ": param '" + p.path() + "' of " + sig.name() + " is " + p.type() + ", "
                        + n + " elements, more than the " + Integer.MAX_VALUE + " a tensor can hold; make it smaller");
            }
        }
        for (Driver.Value node : Driver.values(m)) {
            BigInteger n = elements(node.type());
            if (n != null && n.compareTo(MAX_ELEMENTS) > 0) {
                throw UserError.line(where(node.span()) + ": " + quote(node) + " has shape " + node.type().shape() + ", " + n
                        + " elements, more than the " + Integer.MAX_VALUE + " a tensor can hold");
            }
        }
    }

    /** Refuses {@code m} when {@code copies} copies of its params exceed the heap (see {@link #check}). */
    static void checkHeap(CheckedModel m, DType floating, String purpose, int copies, String copiesWhy) throws UserError {
        ModelSignature sig = m.signature();
        BigInteger total = BigInteger.ZERO;
        ModelSignature.ParamEntry largest = null;
        BigInteger largestBytes = BigInteger.ZERO;
        for (ModelSignature.ParamEntry p : sig.params()) {
            BigInteger n = elements(p.type());
            if (n == null) continue;
            BigInteger bytes = n.multiply(BigInteger.valueOf(dtype(p.type(), floating).byteSize()));
            total = total.add(bytes);
            if (bytes.compareTo(largestBytes) > 0) {
                largest = p;
                largestBytes = bytes;
            }
        }
        BigInteger needed = total.multiply(BigInteger.valueOf(copies));
        if (largest != null && needed.compareTo(BigInteger.valueOf(HeapLimit.max())) > 0) {
            long bytes = needed.longValueExact(); // below copies * params * 2^31 * 8
            String detail = copies > 1 ? " (its params, " + HeapLimit.size(total.longValueExact()) + ", " + copies + " times: "
                    + copiesWhy + ")" : sig.params().size() > 1 ? " (its params)" : "";
            throw UserError.line(where(largest.span()) + ": param '" + largest.path() + "' of " + sig.name() + " is "
                    + dtype(largest.type(), floating) + largest.type().shape() + ": " + HeapLimit.size(largestBytes.longValueExact())
                    + "; " + purpose + " " + sig.name() + " needs " + HeapLimit.size(bytes) + detail + ", more than the "
                    + HeapLimit.size(HeapLimit.max()) + " the Java heap may grow to; " + HeapLimit.advice(bytes));
        }
    }

    private static DType dtype(TensorType t, DType floating) {
        return floating != null && t.dtype().isFloating() ? floating : t.dtype();
    }

    /** The exact element count of {@code t}, or null when a size is symbolic (known only from the data). */
    private static BigInteger elements(TensorType t) {
        BigInteger n = BigInteger.ONE;
        for (Dim d : t.shape().dims()) {
            if (!d.isConstant()) return null;
            n = n.multiply(BigInteger.valueOf(d.constant()));
        }
        return n;
    }

    private static String where(Span span) {
        return span == null ? "modelc" : span.toString();
    }

    private static String quote(Driver.Value node) {
        if (node.span() == null) return "a value";
        String text = node.span().text().strip();
        int newline = text.indexOf('\n');
        if (newline >= 0) text = text.substring(0, newline) + " ...";
        return "'" + (text.length() > 60 ? text.substring(0, 57) + "..." : text) + "'";
    }
}
