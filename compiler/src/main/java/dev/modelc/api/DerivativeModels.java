package dev.modelc.api;

import dev.modelc.compiler.autodiff.Autodiff;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.check.ModelSignature;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.graph.Emitter;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.GraphBuilder;
import dev.modelc.compiler.graph.GraphPrinter;
import dev.modelc.compiler.graph.GraphVerifier;
import dev.modelc.compiler.graph.Node;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.interp.DimBindings;
import dev.modelc.compiler.types.Shape;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The two models that check a model's derivatives by finite differences (modelc-testing's
 * {@code GradCheck}, made by {@link Driver#derivativeModels}), each a {@link CheckedModel} that
 * any backend compiles, both with every floating value in f64 (f32 nodes, params and inputs
 * become f64, so the finite differences are not drowned by f32 rounding whatever the model
 * declares):
 *
 * <ul>
 *   <li>{@link #gradientModel}: the objective as its loss (the model's loss, or {@code sum(output * c)}
 *   for one output, with the cotangent c fed as the extra input {@link #COTANGENT}) and its
 *   gradient for every variable (the params, and the floating inputs when they are checked too,
 *   which become params here). For the model's own loss and params the gradients are the ones
 *   the compiler built, so what is checked is what training uses.</li>
 *   <li>{@link #hessianVectorModel}: {@code sum_j <g_j, v_j>} as its loss, with each direction v_j fed as an
 *   input named {@link #DIRECTION} + the variable's name, so its gradients are the
 *   Hessian-vector products H v, made by differentiating the gradient graph again. Built on
 *   first use: a check of first derivatives never needs it.</li>
 * </ul>
 *
 * <p>This is graph work (autodiff on the checked graph), so it lives behind the front door:
 * modelc-testing gets models and runs them, and never sees a graph.
 */
public final class DerivativeModels {
    /** The input that carries the cotangent of a checked output; no source name can clash with it. */
    public static final String COTANGENT = "$cotangent";
    /** The prefix of the inputs that carry the directions of Hessian-vector products. */
    public static final String DIRECTION = "$direction:";

    private static final TensorType SCALAR = TensorType.of(DType.F64, Shape.SCALAR);

    /** What is differentiated: a param (by path) or an input turned into one. */
    public record Variable(String name, boolean input, TensorType type) {
        /** {@code param 'linear.weight'} or {@code input 'x'}. */
        public String describe() {
            return (input ? "input '" : "param '") + name + "'";
        }
    }

    private final CheckedModel source;
    private final Optional<String> output;
    private final List<Variable> variables;
    private final CheckedModel first;
    /** The builder and emitter of {@link #first}'s graph, which {@link #hessianVectorModel} extends. */
    private final Emitter emitter;
    private final List<Integer> variableNodes;
    private final List<Integer> gradientNodes;
    private final List<ModelSignature.Entry> inputs;
    private final List<ModelSignature.ParamEntry> params;
    private final Span span;
    private CheckedModel second;

    private DerivativeModels(CheckedModel source, Optional<String> output, boolean inputsToo) {
        this.source = source;
        this.output = output;
        ModelSignature sig = source.signature();
        Graph g = source.graph();
        Set<String> turned = new LinkedHashSet<>();
        if (inputsToo) for (ModelSignature.Entry in : sig.inputs()) if (in.type().isFloating()) turned.add(in.name());

        GraphBuilder b = new GraphBuilder();
        Emitter e = new Emitter(b);
        int[] map = new int[g.size()];
        Map<String, Integer> leaves = new HashMap<>();
        for (Node n : g.nodes()) {
            Op op = n.op() instanceof Op.Input i && turned.contains(i.name()) ? new Op.Param(i.name()) : n.op();
            List<Integer> ins = new ArrayList<>(n.inputs().size());
            for (int i : n.inputs()) ins.add(map[i]);
            map[n.id()] = b.add(op, inF64(n.type()), n.span(), ins);
            if (op instanceof Op.Param p) leaves.put(p.path(), map[n.id()]);
        }

        List<Variable> vars = new ArrayList<>();
        List<ModelSignature.ParamEntry> ps = new ArrayList<>();
        for (ModelSignature.ParamEntry p : sig.params()) {
            vars.add(new Variable(p.path(), false, inF64(p.type())));
            ps.add(new ModelSignature.ParamEntry(p.path(), inF64(p.type()), p.init(), p.span()));
        }
        List<ModelSignature.Entry> ins = new ArrayList<>();
        for (ModelSignature.Entry in : sig.inputs()) {
            ModelSignature.Entry f = new ModelSignature.Entry(in.name(), inF64(in.type()), in.span());
            if (turned.contains(in.name())) {
                vars.add(new Variable(in.name(), true, f.type()));
                ps.add(new ModelSignature.ParamEntry(in.name(), f.type(), "", in.span()));
            } else {
                ins.add(f);
            }
        }
        List<Integer> nodes = new ArrayList<>();
        for (Variable v : vars) nodes.add(leaves.computeIfAbsent(v.name(), name -> e.param(name, v.type())));

        int objective;
        String objectiveName;
        Span at;
        if (output.isEmpty()) {
            Graph.Output loss = g.outputs(Graph.Role.LOSS).stream().findFirst().orElseThrow(() -> new IllegalArgumentException(
                    "model " + source.name() + " has no loss; check one of its outputs " + outputNames(g)
                            + " with GradCheck.output(name)"));
            objective = map[loss.node()];
            objectiveName = loss.name();
            at = g.node(loss.node()).span();
        } else {
            String name = output.get();
            Graph.Output out = g.output(Graph.Role.OUTPUT, name).orElseThrow(() -> new IllegalArgumentException(
                    "model " + source.name() + " has no output '" + name + "'; its outputs are " + outputNames(g)));
            int o = map[out.node()];
            if (!b.type(o).isFloating()) {
                throw new IllegalArgumentException("output '" + name + "' of " + source.name() + " is "
                        + g.node(out.node()).type() + ": only floating outputs have gradients");
            }
            at = g.node(out.node()).span();
            e.at(at);
            int c = e.input(COTANGENT, b.type(o));
            ins.add(new ModelSignature.Entry(COTANGENT, b.type(o), at));
            objective = sumAll(e, e.mul(o, c));
            objectiveName = "<" + name + ", cotangent>";
        }
        e.at(at);

        // the compiler's own gradients for the loss and the params (what training uses), else differentiated here
        List<Integer> grads = new ArrayList<>();
        boolean own = output.isEmpty() && turned.isEmpty() && g.outputs(Graph.Role.GRADIENT).size() == sig.params().size();
        if (own) {
            for (Variable v : vars) grads.add(map[g.output(Graph.Role.GRADIENT, v.name()).orElseThrow().node()]);
        } else {
            grads = differentiate(e, objective, nodes, "differentiating the objective");
        }
        List<Graph.Output> outs = new ArrayList<>();
        outs.add(new Graph.Output(objectiveName, Graph.Role.LOSS, objective));
        for (int i = 0; i < vars.size(); i++) outs.add(new Graph.Output(vars.get(i).name(), Graph.Role.GRADIENT, grads.get(i)));

        this.variables = List.copyOf(vars);
        this.emitter = e;
        this.variableNodes = List.copyOf(nodes);
        this.gradientNodes = List.copyOf(grads);
        this.inputs = List.copyOf(ins);
        this.params = List.copyOf(ps);
        this.span = at;
        this.first = new CheckedModel(signature(ins, objectiveName), verified(b.build(outs), "the gradient graph"));
    }

    /** Derives the models for {@code source}'s loss, or for one of its outputs; see {@link Driver#derivativeModels}. */
    static DerivativeModels of(CheckedModel source, Optional<String> output, boolean inputsToo) {
        return new DerivativeModels(source, output, inputsToo);
    }

    /** The model they are derived from. */
    public CheckedModel source() {
        return source;
    }

    /** The output whose projection is the objective, or empty for the loss. */
    public Optional<String> output() {
        return output;
    }

    /** What is differentiated: the params, then the floating inputs when they are too; in that order. */
    public List<Variable> variables() {
        return variables;
    }

    /**
     * The objective as the loss (named {@code <output, cotangent>} for an output) and its gradient
     * for every variable, by the variable's name; the variables are its params, the other inputs
     * (and {@link #COTANGENT} for an output) its inputs.
     */
    public CheckedModel gradientModel() {
        return first;
    }

    /**
     * The shape of the cotangent input of {@link #gradientModel} when the other inputs and the
     * params are {@code values} (an output's shape depends on the sizes they bind).
     *
     * @throws IllegalStateException when the objective is the loss, which has no cotangent
     */
    public int[] cotangentShape(Map<String, Tensor> values) {
        ModelSignature.Entry c = first.signature().inputs().stream().filter(e -> e.name().equals(COTANGENT)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the objective of " + source.name() + " is its loss: no cotangent"));
        return DimBindings.of(first.graph(), values).eval(c.type().shape());
    }

    /**
     * {@code sum_j <g_j, v_j>} as the loss and its gradients H v, by variable name: the
     * Hessian-vector products, with each direction v_j the input {@link #DIRECTION} + the
     * variable's name. Built on first use.
     */
    public synchronized CheckedModel hessianVectorModel() {
        if (second != null) return second;
        Emitter e = emitter;
        e.at(span);
        List<ModelSignature.Entry> ins = new ArrayList<>(inputs);
        Integer dot = null;
        for (int i = 0; i < variables.size(); i++) {
            Variable v = variables.get(i);
            int dir = e.input(DIRECTION + v.name(), v.type());
            ins.add(new ModelSignature.Entry(DIRECTION + v.name(), v.type(), span));
            int term = sumAll(e, e.mul(gradientNodes.get(i), dir));
            dot = dot == null ? term : e.add(dot, term);
        }
        if (dot == null) dot = e.full(0, SCALAR);
        List<Integer> hv = differentiate(e, dot, variableNodes, "differentiating the gradient");
        List<Graph.Output> outs = new ArrayList<>();
        String name = "<gradient, direction>";
        outs.add(new Graph.Output(name, Graph.Role.LOSS, dot));
        for (int i = 0; i < variables.size(); i++) outs.add(new Graph.Output(variables.get(i).name(), Graph.Role.GRADIENT, hv.get(i)));
        second = new CheckedModel(signature(ins, name), verified(e.builder().build(outs), "the Hessian-vector graph"));
        return second;
    }

    private ModelSignature signature(List<ModelSignature.Entry> ins, String lossName) {
        return new ModelSignature(source.name(), ins, params, List.of(), Optional.of(new ModelSignature.Entry(lossName, SCALAR, span)),
                List.of(), Optional.empty());
    }

    private static TensorType inF64(TensorType t) {
        return t.dtype() == DType.F32 ? t.withDType(DType.F64) : t;
    }

    private static int sumAll(Emitter e, int id) {
        List<Integer> axes = new ArrayList<>();
        for (int a = 0; a < e.shape(id).rank(); a++) axes.add(a);
        return e.sum(id, axes, false);
    }

    /** dy/dw for every w, zeros where y does not depend on w. */
    private List<Integer> differentiate(Emitter e, int y, List<Integer> wrt, String what) {
        List<Integer> grads;
        try {
            grads = Autodiff.gradients(e, y, wrt);
        } catch (RuntimeException bad) {
            throw new AssertionError(what + " of model " + source.name() + " fails (a bug in modelc): " + bad, bad);
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < wrt.size(); i++) {
            Integer g = grads.get(i);
            out.add(g != null ? g : e.full(0, e.type(wrt.get(i))));
        }
        return out;
    }

    private Graph verified(Graph g, String what) {
        try {
            return GraphVerifier.verify(g);
        } catch (GraphVerifier.InvalidGraph bad) {
            throw new AssertionError(what + " derived from model " + source.name() + " does not verify (a bug in modelc): "
                    + bad.getMessage() + "\n" + GraphPrinter.print(g), bad);
        }
    }

    private static List<String> outputNames(Graph g) {
        return g.outputs(Graph.Role.OUTPUT).stream().map(Graph.Output::name).toList();
    }
}
