package dev.modelc.compiler.graph;

import java.util.stream.Collectors;

/**
 * The graph's one text form, jaxpr-like: one equation per line, then the results.
 *
 * <pre>
 * %0:f32[N, 3] = input[x]
 * %1:f32[2, 3] = param[w]
 * %2:f32[3, 2] = transpose[perm=(1, 0)] %1        # crop.model:10:22
 * ...
 * out preds = %4
 * </pre>
 *
 * Stable for golden tests: it depends only on the graph, and spans print as line:column (prefixed with the source's name for the prelude).
 */
public final class GraphPrinter {
    private GraphPrinter() {
    }

    public static String print(Graph g) {
        StringBuilder out = new StringBuilder();
        for (Node n : g.nodes()) out.append(line(n)).append('\n');
        for (Graph.Output o : g.outputs()) {
            out.append(switch (o.role()) {
                case OUTPUT -> "out ";
                case LOSS -> "loss ";
                case GRADIENT -> "grad ";
                case UPDATE -> "update ";
                case INITIAL -> "init ";
                case STATE -> "state ";
            }).append(o.name()).append(" = %").append(o.node()).append('\n');
        }
        return out.toString();
    }

    /** One equation, as error messages quote it. */
    public static String line(Node n) {
        String lhs = "%" + n.id() + ":" + n.type().dtype() + n.type().shape();
        String args = n.inputs().stream().map(i -> "%" + i).collect(Collectors.joining(" "));
        String eq = lhs + " = " + n.op().label() + (args.isEmpty() ? "" : " " + args);
        if (n.span() == null) return eq;
        return String.format("%-48s # %s", eq, n.span().where());
    }
}
