package dev.modelc.runtime.plan;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.exec.ExecutionError;
import dev.modelc.runtime.exec.Shapes;
import dev.modelc.runtime.model.Size;
import java.util.List;
import java.util.Objects;

/**
 * What one entry point of a compiled model runs, as runtime data: the symbolic sizes, the
 * buffers (inputs and params bound from the caller's tensors, constants, temporaries sharing
 * {@code slots}), the steps in order, the results and the index limits. The compiler lowers its
 * kernel plans to this; {@link PlanRunner} runs it with the kernels a backend supplies.
 *
 * @param symbols the plan's symbolic sizes, in the order of the {@code long[] d} kernels receive
 * @param slots how many storage slots the temporaries share
 * @param limits what must fit in an int under the bound sizes (checked once per set of sizes)
 * @param windows constant indices and slices on symbolic axes, which must fit the bound sizes
 *                (checked when the limits are)
 * @param requirements conditions on the bound sizes (batch norm's values per channel), checked when the windows are
 */
public record Plan(String name, List<String> symbols, List<Buffer> buffers, int slots, List<Step> steps,
                   List<Result> results, List<Limit> limits, List<Window> windows, List<Requirement> requirements) {
    /** A plan with no windows to check. */
    public Plan(String name, List<String> symbols, List<Buffer> buffers, int slots, List<Step> steps, List<Result> results,
                List<Limit> limits) {
        this(name, symbols, buffers, slots, steps, results, limits, List.of(), List.of());
    }

    /** A plan with no requirements to check. */
    public Plan(String name, List<String> symbols, List<Buffer> buffers, int slots, List<Step> steps, List<Result> results,
                List<Limit> limits, List<Window> windows) {
        this(name, symbols, buffers, slots, steps, results, limits, windows, List.of());
    }

    public Plan {
        windows = List.copyOf(windows);
        requirements = List.copyOf(requirements);
        Objects.requireNonNull(name, "name == null");
        symbols = List.copyOf(symbols);
        buffers = List.copyOf(buffers);
        steps = List.copyOf(steps);
        results = List.copyOf(results);
        limits = List.copyOf(limits);
        for (int i = 0; i < buffers.size(); i++) {
            if (buffers.get(i).id() != i) throw new IllegalArgumentException("buffer " + i + " has id " + buffers.get(i).id());
        }
    }

    /** What a buffer holds. */
    public enum Kind { INPUT, PARAM, CONSTANT, TEMPORARY }

    /**
     * A row-major array the plan reads or writes.
     *
     * @param name the input's name or the param's path ({@code t<node>} for a temporary)
     * @param declared its shape as declared (an input's or param's, as the size binder reads it)
     * @param shape the same sizes compiled over the plan's symbols
     * @param slot a temporary's storage slot, -1 for the others
     * @param values a constant's values (row-major), else null
     * @param witness an input or param no step reads and no result is: it only binds sizes, so
     *                its tensor may be left out when others bind them
     */
    public record Buffer(int id, String name, Kind kind, DType dtype, List<Size> declared, List<SizeExpr> shape, int slot,
                         double[] values, boolean witness) {
        public Buffer {
            declared = List.copyOf(declared);
            shape = List.copyOf(shape);
        }

        /** Whether it is bound from the caller's tensors (an input or param). */
        public boolean isExternal() {
            return kind == Kind.INPUT || kind == Kind.PARAM;
        }

        /** {@code input} or {@code param}, as errors name it. */
        public String what() {
            return kind == Kind.INPUT ? "input" : "param";
        }
    }

    /** What a result is, as the model's graph calls it. */
    public enum Role { OUTPUT, LOSS, GRADIENT, UPDATE, INITIAL, STATE }

    /**
     * A named result: the buffer that holds it and its shape (a reshaped view of the buffer may
     * differ from the buffer's); {@code name} is the output's name, {@code loss}, or a param's path.
     */
    public record Result(String name, Role role, int buffer, List<SizeExpr> shape) {
        public Result {
            shape = List.copyOf(shape);
        }
    }

    /**
     * A quantity kernels hold in a Java int: {@code |offset| + sum over v of |coefs[v]| * (extents[v] - 1)},
     * the largest value of an affine index over its loops (a plain size has no coefficients).
     *
     * @param what what it is and where, to name it in the error ({@code crop.model:3: axis 2 of the sum over [N, 3, 3000000000]})
     */
    public record Limit(String what, SizeExpr offset, List<SizeExpr> coefs, List<SizeExpr> extents) {
        public Limit {
            coefs = List.copyOf(coefs);
            extents = List.copyOf(extents);
        }

        /** The value under the bound sizes {@code d}, saturating at Long.MAX_VALUE. */
        public long value(long[] d) {
            long total = Math.abs(offset.eval(d));
            for (int v = 0; v < coefs.size(); v++) {
                long c = Math.abs(coefs.get(v).eval(d)), e = Math.max(0, extents.get(v).eval(d) - 1);
                long term = Math.multiplyHigh(c, e) != 0 ? Long.MAX_VALUE : c * e;
                total = term < 0 || total > Long.MAX_VALUE - term ? Long.MAX_VALUE : total + term;
            }
            return total;
        }

        /** Fails unless the value under {@code d} fits in an int. */
        public void check(long[] d) {
            long v = value(d);
            if (v > Integer.MAX_VALUE) throw error(v);
        }

        public ExecutionError error(long value) {
            return Shapes.tooLarge(what, value);
        }
    }

    /**
     * A constant index or slice on an axis whose size or start is symbolic: {@code length}
     * elements from {@code start}, every {@code step}, must lie in {@code [0, size)}.
     *
     * @param what the indexing, to name it in the error ({@code m.model:3: x[0]})
     */
    public record Window(String what, int axis, SizeExpr start, long step, SizeExpr length, SizeExpr size) {
        /** Fails unless the window fits under the bound sizes {@code d}. */
        public void check(long[] d) {
            Shapes.window(what, axis, start.eval(d), step, length.eval(d), size.eval(d));
        }
    }

    /**
     * A condition on the bound sizes: {@code count} at least {@code atLeast}, else the run is
     * refused naming {@code what} and the operand's {@code shape} ({@code Shapes.require}).
     */
    public record Requirement(String what, SizeExpr count, long atLeast, List<SizeExpr> shape) {
        public Requirement {
            shape = List.copyOf(shape);
        }

        /** Fails unless the requirement holds under the bound sizes {@code d}. */
        public void check(long[] d) {
            long[] dims = new long[shape.size()];
            for (int i = 0; i < dims.length; i++) dims[i] = shape.get(i).eval(d);
            Shapes.require(what, count.eval(d), atLeast, dims);
        }
    }

    public Buffer buffer(int id) {
        return buffers.get(id);
    }

    /** Buffers bound from the caller's tensors (inputs and params), in plan order. */
    public List<Buffer> external() {
        return buffers.stream().filter(Buffer::isExternal).toList();
    }
}
