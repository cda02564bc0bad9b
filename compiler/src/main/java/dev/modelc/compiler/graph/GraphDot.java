package dev.modelc.compiler.graph;

/**
 * The graph as Graphviz DOT, for {@code modelc graph --format dot | dot -Tsvg}: one box per
 * node, labelled with its id and op, its dtype and shape, and the source line:column it came
 * from (when it has one); an edge from each input (numbered when a node has several, since
 * {@code sub} and {@code matmul} care about order); and each named result as a node of its own,
 * shaped by role, with an edge from the node that computes it.
 *
 * <pre>
 * digraph "CropYield" {
 *   n0 [shape=invhouse, label="%0 input[x]\nf32[N, 3]\nat 5:3"];
 *   ...
 *   n3 -> n4 [label="0"];
 *   r0 [shape=ellipse, label="out preds"];
 *   n4 -> r0;
 * }
 * </pre>
 *
 * The output depends only on the graph and the name, so it can be compared in golden tests.
 */
public final class GraphDot {
    private GraphDot() {
    }

    public static String render(Graph g, String name) {
        StringBuilder out = new StringBuilder();
        out.append("digraph ").append(quote(name)).append(" {\n");
        out.append("  rankdir=TB;\n");
        out.append("  node [shape=box, fontname=\"monospace\", fontsize=10];\n");
        out.append("  edge [fontname=\"monospace\", fontsize=8];\n");
        for (Node n : g.nodes()) {
            String label = "%" + n.id() + " " + n.op().label() + "\n" + n.type().dtype() + n.type().shape();
            if (n.span() != null) label += "\nat " + n.span().where();
            out.append("  n").append(n.id()).append(" [");
            String shape = switch (n.op()) {
                case Op.Input _ -> "invhouse";
                case Op.Param _ -> "cylinder";
                case Op.Constant _ -> "plaintext";
                default -> null;
            };
            if (shape != null) out.append("shape=").append(shape).append(", ");
            out.append("label=").append(quote(label)).append("];\n");
        }
        for (Node n : g.nodes()) {
            for (int i = 0; i < n.inputs().size(); i++) {
                out.append("  n").append(n.input(i)).append(" -> n").append(n.id());
                if (n.inputs().size() > 1) out.append(" [label=\"").append(i).append("\"]");
                out.append(";\n");
            }
        }
        for (int i = 0; i < g.outputs().size(); i++) {
            Graph.Output o = g.outputs().get(i);
            String role = switch (o.role()) {
                case OUTPUT -> "out";
                case LOSS -> "loss";
                case GRADIENT -> "grad";
                case UPDATE -> "update";
                case INITIAL -> "init";
                case STATE -> "state";
            };
            String shape = switch (o.role()) {
                case OUTPUT -> "ellipse";
                case LOSS -> "doubleoctagon";
                case GRADIENT -> "octagon";
                case UPDATE -> "hexagon";
                case INITIAL -> "house";
                case STATE -> "cylinder";
            };
            out.append("  r").append(i).append(" [shape=").append(shape).append(", style=bold, label=")
                    .append(quote(role + " " + o.name())).append("];\n");
            out.append("  n").append(o.node()).append(" -> r").append(i).append(" [style=dashed];\n");
        }
        out.append("}\n");
        return out.toString();
    }

    /** A DOT string: quotes and backslashes escaped, line breaks as DOT's centred {@code \n}. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> {
                }
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
