package dev.modelc.compiler.backend;

import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.check.ModelSignature;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A bare graph dressed as a model (inputs, params and outputs read off its nodes), so any backend can run it. */
public final class GraphModel {
    private GraphModel() {
    }

    public static CheckedModel of(String name, Graph g) {
        List<ModelSignature.Entry> inputs = new ArrayList<>();
        List<ModelSignature.ParamEntry> params = new ArrayList<>();
        for (Node n : g.nodes()) {
            switch (n.op()) {
                case Op.Input i -> inputs.add(new ModelSignature.Entry(i.name(), n.type(), n.span()));
                case Op.Param p -> params.add(new ModelSignature.ParamEntry(p.path(), n.type(), null, n.span()));
                default -> {
                }
            }
        }
        List<ModelSignature.Entry> outputs = new ArrayList<>();
        for (Graph.Output o : g.outputs(Graph.Role.OUTPUT)) outputs.add(new ModelSignature.Entry(o.name(), g.node(o.node()).type(), null));
        return new CheckedModel(new ModelSignature(name, inputs, params, outputs, Optional.empty(), List.of(), Optional.empty()), g);
    }
}
