package dev.modelc.compiler.check;

import dev.modelc.compiler.ast.Decl;
import dev.modelc.compiler.ast.Stmt;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.TensorType;
import java.util.Arrays;
import java.util.List;

/** What a name or expression denotes while a model is checked. */
sealed interface Value {

    /**
     * A tensor of a known type. {@code constant} is true for compile-time constants (literals,
     * consts, layer arguments and what is built only from them); {@code known} holds the value
     * when the checker could fold it, which axis, shape and layer arguments need. {@code node}
     * is the graph node computing it (see {@link Lowering}); it may be {@link #NO_NODE} only when
     * the value is known, in which case a node is built where it is used, in the dtype it meets.
     */
    record Tensor(TensorType type, boolean constant, Known known, int node) implements Value {
        static final int NO_NODE = -1;

        public Tensor {
            if (node == NO_NODE && known == null) throw new IllegalArgumentException("a " + type + " value without a graph node");
        }

        /** A folded constant, lowered where it is used. */
        Tensor(TensorType type, boolean constant, Known known) {
            this(type, constant, known, NO_NODE);
        }

        /** A value computed by graph node {@code node}. */
        Tensor(TensorType type, int node) {
            this(type, false, null, node);
        }

        /** A compile-time scalar constant whose value the checker knows. */
        boolean isConstantScalar() {
            return constant && known != null && type.isScalar();
        }
    }

    /** A folded constant: numbers, or sizes that may be symbolic ({@code size(x, 0)}). */
    sealed interface Known {
        /** Row-major numbers; equal when the numbers are (bit for bit), so equal calls can be shared. */
        record Numbers(double[] data) implements Known {
            @Override
            public boolean equals(Object o) {
                return o instanceof Numbers n && Arrays.equals(data, n.data);
            }

            @Override
            public int hashCode() {
                return Arrays.hashCode(data);
            }

            @Override
            public String toString() {
                return "Numbers" + Arrays.toString(data);
            }
        }

        /** Integer sizes, row-major; scalar sizes hold one. */
        record Sizes(List<Dim> dims) implements Known {
        }
    }

    /** A layer instance: its members (params, instances, locals) and its forward. */
    record Instance(String path, Decl.Layer layer, Scope members, Stmt.Forward forward, FileScope file) implements Value {
    }

    /** A def, to be inlined at its calls. */
    record Function(Decl.Def def, FileScope file) implements Value {
    }

    /** A layer, to be instantiated. */
    record LayerType(Decl.Layer layer, FileScope file) implements Value {
    }

    /** A built-in operation. */
    record BuiltinRef(Builtin builtin) implements Value {
    }

    /** The value of an expression whose error was already reported; it silences follow-on errors. */
    record Poison() implements Value {
    }

    Poison POISON = new Poison();
}
