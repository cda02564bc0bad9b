package dev.modelc.compiler.passes;

import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.GraphBuilder;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.interp.Interpreter;
import dev.modelc.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Evaluates nodes whose inputs are all constants, at compile time, with the reference
 * interpreter (so folding cannot disagree with running). Fills (one value of any shape, even a
 * symbolic one) fold through elementwise ops; other constants fold when their shapes are fixed
 * and small.
 */
public final class ConstantFolding {
    /** Larger constants are left to run time rather than stored in the graph. */
    private static final int MAX_FOLDED_ELEMENTS = 4096;

    private ConstantFolding() {
    }

    public static Graph run(Graph g) {
        return Rewrite.apply(g, (node, inputs, e) -> {
            // A requirement on sizes is the plan's to check when they are bound, on constants too.
            if (inputs.isEmpty() || node.op() instanceof Op.Random || node.op() instanceof Op.Require) return null;
            List<Op.Constant> constants = new ArrayList<>();
            for (int i : inputs) {
                if (!(e.builder().node(i).op() instanceof Op.Constant c)) return null;
                constants.add(c);
            }
            boolean fills = constants.stream().allMatch(c -> c.size() == 1);
            boolean elementwise = node.op() instanceof Op.Unary || node.op() instanceof Op.Binary
                    || node.op() instanceof Op.Where || node.op() instanceof Op.Cast || node.op() instanceof Op.Broadcast
                    || node.op() instanceof Op.Reshape || node.op() instanceof Op.StopGradient || node.op() instanceof Op.Alias;
            if (fills && elementwise) {
                double[] one = evaluate(node, constants, e.builder(), inputs, true);
                return e.full(one[0], node.type());
            }
            boolean small = node.type().shape().isConcrete() && node.type().shape().numel().constant() <= MAX_FOLDED_ELEMENTS;
            // The inputs are expanded to arrays to run the node: a fill as large as memory must not be.
            for (int i : inputs) {
                var shape = e.builder().type(i).shape();
                small &= shape.isConcrete() && shape.numel().constant() <= MAX_FOLDED_ELEMENTS;
            }
            if (!small) return null;
            return e.constant(evaluate(node, constants, e.builder(), inputs, false), node.type());
        });
    }

    /** Runs one node on constant inputs (as scalars when {@code asScalars}, for fills). */
    private static double[] evaluate(Node node, List<Op.Constant> constants, GraphBuilder from, List<Integer> inputs,
                                     boolean asScalars) {
        GraphBuilder b = new GraphBuilder();
        List<Integer> ids = new ArrayList<>();
        for (int k = 0; k < constants.size(); k++) {
            var t = from.type(inputs.get(k));
            if (asScalars) t = t.withShape(dev.modelc.compiler.types.Shape.SCALAR);
            double[] values = expand(constants.get(k), t);
            ids.add(b.add(new Op.Constant(values), t, node.span()));
        }
        var type = asScalars ? node.type().withShape(dev.modelc.compiler.types.Shape.SCALAR) : node.type();
        int out = b.add(node.op(), type, node.span(), ids);
        Graph g = b.build(List.of(new Graph.Output("v", Graph.Role.OUTPUT, out)));
        Tensor t = Interpreter.run(g, Map.of(), Interpreter.Precision.DECLARED, 0).get("v");
        return t.toDoubleArray();
    }

    private static double[] expand(Op.Constant c, dev.modelc.compiler.types.TensorType t) {
        int n = t.shape().isConcrete() ? (int) t.shape().numel().constant() : 1;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = c.value(i);
        return out;
    }
}
