package dev.modelc.compiler.kernel;

import dev.modelc.compiler.types.Shape;
import dev.modelc.runtime.DType;

/**
 * A row-major array a plan reads or writes. Inputs and params are the caller's tensors' storage
 * (never written); constants are filled once; temporaries live in {@code slot}s that the
 * {@link BufferPlanner} shares between buffers whose lifetimes do not overlap.
 *
 * @param name the input's name or param's path, or {@code t<node>} for a temporary
 * @param values a constant's values (row-major), else null
 * @param slot the storage slot of a temporary, -1 otherwise
 */
public record Buffer(int id, String name, DType dtype, Shape shape, Kind kind, double[] values, int slot) {
    public enum Kind { INPUT, PARAM, CONSTANT, TEMP }

    public Buffer withSlot(int s) {
        return new Buffer(id, name, dtype, shape, kind, values, s);
    }

    public boolean isExternal() {
        return kind == Kind.INPUT || kind == Kind.PARAM;
    }
}
