package dev.modelc.compiler.graph;

import dev.modelc.compiler.types.Dim;
import dev.modelc.runtime.exec.Convolution;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a graph node computes; one record per kind. A node's result type (dtype and shape) is
 * on the node, so ops whose result shape is a choice (reshape, broadcast, cast) need no
 * attribute for it. Elementwise ops take operands of equal shape: broadcasting is explicit.
 */
public sealed interface Op {

    /** The name the text form prints, with attributes: {@code reduce_sum[axes=(1) keepdims=false]}. */
    String label();

    /** Data fed at run time. */
    record Input(String name) implements Op {
        public String label() {
            return "input[" + name + "]";
        }
    }

    /** Trainable state, by path ({@code linear.weight}). */
    record Param(String path) implements Op {
        public String label() {
            return "param[" + path + "]";
        }
    }

    /** A constant, row-major; a single value fills any shape. */
    record Constant(double[] values) implements Op {
        public Constant {
            values = values.clone();
        }

        @Override
        public double[] values() {
            return values.clone();
        }

        public int size() {
            return values.length;
        }

        public double value(int i) {
            return values[values.length == 1 ? 0 : i];
        }

        public boolean isScalar(double v) {
            for (double x : values) if (Double.compare(x, v) != 0) return false;
            return values.length > 0;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Constant c && Arrays.equals(values, c.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return label();
        }

        public String label() {
            if (values.length <= 6) {
                return "const[" + Arrays.stream(values).mapToObj(Op::number).collect(Collectors.joining(" ")) + "]";
            }
            return "const[" + number(values[0]) + " " + number(values[1]) + " ... (" + values.length + " values)]";
        }
    }

    /** A size as a number: {@code numel(x)}, {@code size(x, 0)}, the count behind {@code mean}. */
    record Size(Dim dim) implements Op {
        public String label() {
            return "size[" + dim + "]";
        }
    }

    /** {@code arange}: 0, 1, ..., n-1 along the node's one axis. */
    record Iota() implements Op {
        public String label() {
            return "iota";
        }
    }

    /**
     * The built-in {@code training}, a bool scalar: true in the training step, false otherwise.
     * It never reaches a backend: {@code passes.ModeSpecialization} replaces it by a constant for
     * the program being compiled, so the branch not taken folds away.
     */
    record Training() implements Op {
        public String label() {
            return "training";
        }
    }

    /**
     * A param initializer drawing random numbers (runs once, before training) from the
     * generator stream {@code stream} (the param's path), so values depend only on the seed and
     * the path.
     */
    record Random(Distribution distribution, double a, double b, String stream) implements Op {
        /** {@code randn()}: normal(a, b); {@code rand()}/{@code uniform}: uniform on [a, b). */
        public enum Distribution { NORMAL, UNIFORM }

        public String label() {
            return "random_" + distribution.name().toLowerCase() + "[" + number(a) + " " + number(b) + " stream=" + stream + "]";
        }
    }

    /**
     * A draw of the training step ({@code rand_like}, {@code randn_like}; {@code bernoulli} and
     * {@code dropout} through uniforms): uniform on [0, 1) or standard normal, a function of the
     * step key a run is given and of ({@code site}, element) alone. The site is the draw's number
     * in its model, given when the call is lowered, so passes never renumber it and two draws never
     * compare equal (common subexpressions keep both).
     */
    record Draw(boolean normal, int site) implements Op {
        public String label() {
            return (normal ? "randn" : "rand") + "[site=" + site + "]";
        }
    }

    /** An elementwise function of one operand. */
    record Unary(UnaryFn fn) implements Op {
        public String label() {
            return fn.spelling();
        }
    }

    /** An elementwise function of two operands of equal shape. */
    record Binary(BinaryFn fn) implements Op {
        public String label() {
            return fn.spelling();
        }
    }

    /** {@code where(mask, a, b)}, all three of equal shape. */
    record Where() implements Op {
        public String label() {
            return "where";
        }
    }

    /** Conversion to the node's dtype. */
    record Cast() implements Op {
        public String label() {
            return "cast";
        }
    }

    /** Stretches axes of size 1 and adds leading axes, to the node's shape. */
    record Broadcast() implements Op {
        public String label() {
            return "broadcast";
        }
    }

    /** Same elements, the node's shape. */
    record Reshape() implements Op {
        public String label() {
            return "reshape";
        }
    }

    /** Axis {@code i} of the result is axis {@code perm[i]} of the operand. */
    record Transpose(List<Integer> perm) implements Op {
        public Transpose {
            perm = List.copyOf(perm);
        }

        public String label() {
            return "transpose[perm=" + tuple(perm) + "]";
        }
    }

    /** A strided window: per axis, the first index and the step; lengths are the node's shape. */
    record Slice(List<Dim> starts, List<Long> steps) implements Op {
        public Slice {
            starts = List.copyOf(starts);
            steps = List.copyOf(steps);
        }

        public String label() {
            return "slice[starts=" + tuple(starts) + " steps=" + tuple(steps) + "]";
        }
    }

    /** The adjoint of {@link Slice}: the operand placed at the window, zeros elsewhere, in the node's shape. */
    record Pad(List<Dim> starts, List<Long> steps) implements Op {
        public Pad {
            starts = List.copyOf(starts);
            steps = List.copyOf(steps);
        }

        public String label() {
            return "pad[starts=" + tuple(starts) + " steps=" + tuple(steps) + "]";
        }
    }

    /** Joins operands along an axis. */
    record Concat(int axis) implements Op {
        public String label() {
            return "concat[axis=" + axis + "]";
        }
    }

    /** A reduction over axes. */
    record Reduce(ReduceFn fn, List<Integer> axes, boolean keepdims) implements Op {
        public Reduce {
            axes = List.copyOf(axes);
        }

        public String label() {
            return "reduce_" + fn.name().toLowerCase() + "[axes=" + tuple(axes) + " keepdims=" + keepdims + "]";
        }
    }

    /** Index of the largest (or smallest) element along an axis, or of the flattened tensor when {@code axis} is -1. */
    record ArgReduce(boolean max, int axis, boolean keepdims) implements Op {
        public String label() {
            return (max ? "argmax" : "argmin") + "[axis=" + axis + " keepdims=" + keepdims + "]";
        }
    }

    /** softmax or log_softmax along an axis. */
    record Softmax(int axis, boolean log) implements Op {
        public String label() {
            return (log ? "log_softmax" : "softmax") + "[axis=" + axis + "]";
        }
    }

    /** Batched matrix product {@code [..., n, k] @ [..., k, m]} with equal batch axes. */
    record MatMul() implements Op {
        public String label() {
            return "matmul";
        }
    }

    /** Class indices to one-hot rows of {@code classes} columns. */
    record OneHot(long classes) implements Op {
        public String label() {
            return "one_hot[classes=" + classes + "]";
        }
    }

    /**
     * {@code t[ids]} (PyTorch's {@code C[X]}): the rows (axis 0) of the first operand that the
     * second's i32 indices name; the result has shape {@code ids.shape + t.shape[1:]}.
     */
    record IndexSelect() implements Op {
        public String label() {
            return "index_select";
        }
    }

    /**
     * The adjoint of {@link IndexSelect}: each row of the first operand (shape
     * {@code ids.shape + rest}) added into zeros of the node's shape at the row the second's index
     * names, repeated indices accumulating ({@code index_add_}).
     */
    record IndexAdd() implements Op {
        public String label() {
            return "index_add";
        }
    }

    /** {@code torch.gather(x, axis, idx)}: x read along {@code axis} at idx's i32 indices; idx's shape. */
    record Gather(int axis) implements Op {
        public String label() {
            return "gather[axis=" + axis + "]";
        }
    }

    /** The adjoint of {@link Gather}: the first operand added into zeros of the node's shape along {@code axis} at the second's indices. */
    record ScatterAdd(int axis) implements Op {
        public String label() {
            return "scatter_add[axis=" + axis + "]";
        }
    }

    /**
     * {@code conv1d}/{@code conv2d} of the two operands, or one of its adjoints (the input
     * gradient, a transposed convolution; the weight gradient, a convolution of the input with
     * the output's gradient): {@link Convolution} says which, its geometry and its loops. Each
     * kind's derivative is again one of the three.
     */
    record Conv(Convolution conv) implements Op {
        public String label() {
            return conv.label();
        }
    }

    /**
     * {@code max_pool1d}/{@code max_pool2d} of the first operand, or one of the two ops its
     * derivatives need (the second operand's value moved to or read at each window's first
     * maximum): {@link dev.modelc.runtime.exec.MaxPool} says which, its geometry and its loops.
     * Each kind's derivative is again one of them.
     */
    record MaxPool(dev.modelc.runtime.exec.MaxPool pool) implements Op {
        public String label() {
            return pool.label();
        }
    }

    /**
     * A named value ({@code v = ...}, a def's argument): the identity, but never merged with
     * another node, so {@code grad(y, v)} differentiates with respect to this value and not to
     * every equal expression. Simplification removes it once gradients are built.
     */
    record Alias(String name, int serial) implements Op {
        public String label() {
            return "alias[" + name + "]";
        }
    }

    /** The identity that differentiation does not pass through. */
    record StopGradient() implements Op {
        public String label() {
            return "stop_gradient";
        }
    }

    /**
     * The identity on its operand, refused at run time when {@code count}, a size computed from
     * the operand's shape, is below {@code atLeast}: a condition on sizes alone, so every backend
     * checks it when it binds the sizes, before any kernel runs (batch norm's "more than 1 value
     * per channel when training", {@code verify_batch_size}). Differentiation passes through it.
     *
     * @param what the error's start, naming the call: {@code m.model:6: bn(x): Expected more than 1
     *             value per channel when training}; the error adds {@code , got input size [1, 3]}
     */
    record Require(String what, Dim count, long atLeast) implements Op {
        public String label() {
            return "require[" + count + " >= " + atLeast + "]";
        }
    }

    private static String tuple(List<?> items) {
        return items.stream().map(Object::toString).collect(Collectors.joining(", ", "(", ")"));
    }

    /** A number in the text form: integers without a fraction, others as Java prints them. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }
}
