package dev.modelc.compiler.check;

import dev.modelc.compiler.ast.Decl;
import dev.modelc.compiler.ast.Expr;
import dev.modelc.compiler.ast.FunctionBody;
import dev.modelc.compiler.ast.Identifier;
import dev.modelc.compiler.ast.Stmt;
import dev.modelc.compiler.check.Value.Tensor;
import dev.modelc.compiler.diagnostics.Diagnostic;
import dev.modelc.compiler.diagnostics.Diagnostics;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.autodiff.Autodiff;
import dev.modelc.compiler.graph.Emitter;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.GraphTooLarge;
import dev.modelc.compiler.types.Broadcast;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks statements in order: model bodies (inputs, params, outputs, loss, updates, train),
 * layer bodies (run once per instance, giving params their paths), and the block bodies of defs
 * and forwards.
 */
final class Bodies {
    /** Where a list of statements stands; it decides which statements are allowed. */
    enum Place { MODEL, LAYER, BLOCK }

    /** Names user code may not redefine. */
    static final Set<String> PROTECTED = Set.of("grad", "stop_gradient", "f32", "f64", "i32", "bool");

    private final Elaborator el;
    /** The model being checked: where a forward's state update rules go. */
    private ModelState current;
    /** The instances whose forward is being applied, innermost first. */
    private final java.util.Deque<Value.Instance> applying = new java.util.ArrayDeque<>();

    Bodies(Elaborator elaborator) {
        this.el = elaborator;
    }

    /** Where errors go now: the elaborator's, which calls into the prelude redirect. */
    private Diagnostics diagnostics() {
        return el.diagnostics();
    }

    CheckedModel model(Decl.Model m, FileScope file) {
        ModelState state = new ModelState(m);
        current = state;
        Lowering lowering = el.startModel(m.name().text());
        state.scope = new Scope(null);
        Env env = new Env(state.scope, file, "", state, null);
        try {
            checkBody(m, env, state, lowering);
        } catch (ModelTooLarge tooLarge) {
            diagnostics().report(tooLarge.diagnostic());
        } catch (GraphTooLarge tooLarge) {
            // Outside any expression: the loss's gradients, or a statement's result. The node's
            // own position when it is in this file (not the prelude's), else the model's name.
            Span at = tooLarge.span() != null && tooLarge.span().source() == m.span().source() ? tooLarge.span() : m.name().span();
            diagnostics().report(el.expansion().graphTooLarge(at, tooLarge.limit()).diagnostic());
        }
        el.expansion().finished(lowering);
        return new CheckedModel(state.signature(), lowering.graph());
    }

    private void checkBody(Decl.Model m, Env env, ModelState state, Lowering lowering) {
        run(m.body(), env, Place.MODEL, null, true);
        if (state.optimizerSpan != null && !state.updates.isEmpty()) {
            diagnostics().error(state.optimizerSpan, "a model with update rules cannot also have an optimizer",
                    "the first update rule is at " + state.updates.values().iterator().next()
                            + "; update rules are the training step, so remove either the optimizer or the update rules");
        }
        if (state.stepSettingSpan != null && !state.updates.isEmpty()) {
            diagnostics().error(state.stepSettingSpan, "a model with update rules cannot have a schedule or clip_grad_norm",
                    "both act on an optimizer's steps, and update rules are the training step (the first is at "
                            + state.updates.values().iterator().next() + "); write the rate or the clipping into the rules instead");
        }
        // A loss statement whose value failed to check was reported already: it is there, only wrong.
        if (state.trainSpan != null && state.lossSpan == null && state.updates.isEmpty()) {
            diagnostics().error(state.trainSpan, "model '" + m.name().text() + "' has a train block but no loss",
                    "add loss = ... so there is something to minimise");
        }
        if (state.trainSpan != null) batchAxis(m, state);
        gradientsOfLoss(state, lowering);
    }

    /** Every model gets the loss's gradient for every param, without the user writing grad. */
    private void gradientsOfLoss(ModelState state, Lowering lowering) {
        if (state.loss == null || state.lossNode < 0 || diagnostics().hasErrors()) return;
        Emitter e = lowering.at(state.loss.span());
        List<Integer> params = new ArrayList<>();
        for (int node : state.paramNodes.values()) params.add(node);
        List<Integer> grads = Autodiff.gradients(e, state.lossNode, params);
        int i = 0;
        for (var p : state.paramNodes.entrySet()) {
            Integer g = grads.get(i++);
            int node = g != null ? g : e.full(0, e.type(p.getValue()));
            lowering.output(p.getKey(), Graph.Role.GRADIENT, node);
        }
    }

    /**
     * Training splits axis 0 of every input into batches, so the inputs of a model with a train
     * block share one symbolic leading dimension; reports the first input that does not.
     */
    private void batchAxis(Decl.Model m, ModelState state) {
        ModelSignature.Entry first = null;
        for (ModelSignature.Entry e : state.inputs) {
            Span at = leadingDimSpan(m, e);
            String why = "training splits axis 0 of every input into batches, so the inputs share one symbolic leading"
                    + " dimension";
            if (e.type().isScalar()) {
                diagnostics().error(at, "input '" + e.name() + "' is a scalar, so it cannot be split into batches", why);
                return;
            }
            Dim lead = e.type().shape().dim(0);
            if (first == null) {
                if (lead.isConstant()) {
                    diagnostics().error(at, "the leading dimension of input '" + e.name() + "' is " + lead
                            + ", but training needs a symbolic batch dimension such as N", why);
                    return;
                }
                first = e;
            } else if (!lead.equals(first.type().shape().dim(0))) {
                diagnostics().error(at, "input '" + e.name() + "' has leading dimension " + lead + ", but '" + first.name()
                        + "' has " + first.type().shape().dim(0), why);
                return;
            }
        }
    }

    /** Where an input's leading dimension is written (its type, for a scalar). */
    private static Span leadingDimSpan(Decl.Model m, ModelSignature.Entry e) {
        for (Stmt s : m.body()) {
            if (s instanceof Stmt.Input i && i.name().text().equals(e.name())) {
                return i.type().dims().isEmpty() ? i.type().span() : i.type().dims().getFirst().span();
            }
        }
        return e.span();
    }

    /** The result of running a body: the returned value of a block, the forward of a layer. */
    private record Result(Value returned, Stmt.Forward forward) {
    }

    /** Runs a def's or forward's block; returns its value. With {@code keepNames} its locals get alias nodes. */
    Value block(FunctionBody.Block b, Env env, boolean keepNames) {
        Result r = run(b.statements(), env, Place.BLOCK, b.span(), keepNames);
        return r.returned() == null ? Value.POISON : r.returned();
    }

    private Result run(List<Stmt> body, Env env, Place place, Span blockSpan, boolean keepNames) {
        for (Stmt s : body) {
            Identifier defined = definedName(s);
            if (defined != null) env.scope().willDefine(defined.text(), defined.span());
        }
        Value returned = null;
        Stmt.Forward forward = null;
        boolean sawReturn = false;
        for (Stmt s : body) {
            if (sawReturn) {
                diagnostics().error(s.span(), "statement after return", "return ends the block");
                break;
            }
            switch (s) {
                case Stmt.Input i -> {
                    if (allowed(s, "input", place, Place.MODEL)) input(i, env);
                }
                case Stmt.Param p -> {
                    if (allowed(s, p.keyword(), place, Place.MODEL, Place.LAYER)) param(p, env);
                }
                case Stmt.Const c -> constant(c, env);
                case Stmt.Let l -> let(l, env, place, keepNames);
                case Stmt.Output o -> {
                    if (allowed(s, "output", place, Place.MODEL)) output(o, env);
                }
                case Stmt.Loss l -> {
                    if (allowed(s, "loss", place, Place.MODEL)) loss(l, env);
                }
                case Stmt.Update u -> {
                    // A layer's forward block updates the layer's states; a def has none.
                    if (place == Place.BLOCK && !applying.isEmpty() || allowed(s, "update", place, Place.MODEL)) update(u, env, place);
                }
                case Stmt.Train t -> {
                    if (allowed(s, "train", place, Place.MODEL)) train(t, env);
                }
                case Stmt.Forward f -> {
                    if (allowed(s, "forward", place, Place.LAYER)) {
                        if (forward != null) {
                            diagnostics().error(f.span(), "a layer has one forward", "the first is at " + forward.span());
                        } else {
                            forward = f;
                        }
                    }
                }
                case Stmt.Return r -> {
                    if (place != Place.BLOCK) {
                        diagnostics().error(r.span(), "return is only allowed at the end of a def or forward block");
                    } else {
                        returned = el.eval(r.value(), env);
                        sawReturn = true;
                    }
                }
            }
        }
        if (place == Place.BLOCK && !sawReturn) {
            // At the closing '}', where the return belongs.
            Span end = new Span(blockSpan.source(), blockSpan.end() - 1, blockSpan.end());
            String example = !body.isEmpty() && body.getLast() instanceof Stmt.Let last
                    ? "; to return '" + last.name().text() + "', add: return " + last.name().text() : "";
            if (body.isEmpty()) {
                diagnostics().error(end, "the block is empty", "a block body ends with return expr;"
                        + " for a single expression write = expr instead of a block");
            } else {
                diagnostics().error(end, "missing return at the end of the block",
                        "a block body ends with return expr" + example);
            }
        }
        return new Result(returned, forward);
    }

    private static Identifier definedName(Stmt s) {
        return switch (s) {
            case Stmt.Input i -> i.name();
            case Stmt.Param p -> p.name();
            case Stmt.Const c -> c.name();
            case Stmt.Let l -> l.name();
            case Stmt.Output o -> o.value().isPresent() ? o.name() : null;
            case Stmt.Loss l -> l.name().orElse(null);
            case Stmt.Update u -> null;
            case Stmt.Train t -> null;
            case Stmt.Forward f -> null;
            case Stmt.Return r -> null;
        };
    }

    private boolean allowed(Stmt s, String keyword, Place place, Place... where) {
        for (Place p : where) if (p == place) return true;
        String whereText = where.length == 2 ? "a model or a layer" : where[0] == Place.MODEL ? "a model" : "a layer";
        String here = switch (place) {
            case MODEL -> "a model";
            case LAYER -> "a layer";
            case BLOCK -> "a def or forward block";
        };
        String note = switch (keyword) {
            case "input" -> place == Place.LAYER ? "a layer gets its data as arguments of forward(x)"
                    : "a def gets its data as arguments";
            case "param" -> "declare params in a layer and instantiate it in the model";
            case "state" -> "declare states in a layer and instantiate it in the model";
            case "update" -> place == Place.BLOCK ? "a layer's forward block may update the layer's states; a def may not" : null;
            case "forward" -> "a model's results are its outputs: output y = ...";
            default -> null;
        };
        if (note == null) diagnostics().error(keywordSpan(s, keyword), keyword + " is only allowed in " + whereText + ", not in " + here);
        else diagnostics().error(keywordSpan(s, keyword), keyword + " is only allowed in " + whereText + ", not in " + here, note);
        return false;
    }

    private static Span keywordSpan(Stmt s, String keyword) {
        Span all = s.span();
        return new Span(all.source(), all.start(), Math.min(all.end(), all.start() + keyword.length()));
    }

    /** Binds a name in the current body, reporting duplicates and protected names. */
    private void define(Identifier name, Binding b, Env env) {
        if (PROTECTED.contains(name.text())) {
            diagnostics().error(name.span(), "'" + name.text() + "' is built in and cannot be redefined");
            return;
        }
        Binding prior = env.scope().define(name.text(), b);
        if (prior != null) {
            diagnostics().error(name.span(), "'" + name.text() + "' is already defined",
                    "first defined at " + prior.definedAt() + "; names are assigned once");
        }
    }

    private void input(Stmt.Input i, Env env) {
        TensorType t = DeclaredTypes.resolve(i.type(), env.scope(), false, "input", diagnostics());
        Value v = t == null ? Value.POISON : new Tensor(t, el.lowering().at(i.span()).input(i.name().text(), t));
        define(i.name(), new Binding(Binding.Kind.INPUT, v, i.name().span(), i.name().text()), env);
        if (t != null) {
            env.model().inputs.add(new ModelSignature.Entry(i.name().text(), t, i.span()));
            List<Dim> dims = t.shape().dims();
            for (int k = 0; k < dims.size(); k++) {
                Dim d = dims.get(k);
                if (!d.isConstant() && d.equals(Dim.symbol(d.symbols().getFirst()))) {
                    env.model().symbolicDims.putIfAbsent(d.symbols().getFirst(), "size(" + i.name().text() + ", " + k + ")");
                }
            }
        }
    }

    /** A {@code param}, or a {@code state}: held and initialized alike, but a state has no gradient. */
    private void param(Stmt.Param p, Env env) {
        String path = env.pathPrefix() + p.name().text();
        String kind = p.keyword();
        TensorType t = DeclaredTypes.resolve(p.type(), env.scope(), true, kind, diagnostics());
        if (t != null && !t.isFloating()) {
            diagnostics().error(p.type().dtype().span(), kind + "s must be f32 or f64, found " + t, p.state()
                    ? "states are saved and updated like params; keep integer data in inputs or consts"
                    : "params are trained by gradients; keep integer data in inputs or consts");
            t = null;
        }
        if (t != null && p.init().isEmpty()) {
            diagnostics().error(p.name().span(), kind + " '" + p.name().text() + "' needs an initializer",
                    "for example = randn(), = zeros(), = uniform(-0.1, 0.1) or a tensor literal");
        } else if (t != null) {
            Lowering lowering = el.lowering();
            lowering.initPath(path);
            Value init;
            try {
                init = el.eval(p.init().get(), env.initialising(t));
            } finally {
                lowering.initPath(null);
            }
            if (init instanceof Tensor it) {
                String problem = assignable(it.type(), t, false);
                if (problem != null) {
                    diagnostics().error(p.init().get().span(), "cannot initialize " + kind + " '" + path + "' of type " + t
                            + " with " + it.type(), problem);
                } else {
                    lowering.at(p.init().get().span());
                    lowering.output(path, Graph.Role.INITIAL, lowering.as(it, t.dtype(), t.shape()));
                }
            }
        }
        if (env.model() != null) el.expansion().declaringParam(path, p.span());
        Value v = t == null ? Value.POISON : new Tensor(t, el.lowering().at(p.span()).param(path, t));
        // States are held like params (bound by path, saved, initialized) but are not differentiated.
        if (v instanceof Tensor pt && env.model() != null && !p.state()) env.model().paramNodes.put(path, pt.node());
        define(p.name(), new Binding(p.state() ? Binding.Kind.STATE : Binding.Kind.PARAM, v, p.name().span(), path), env);
        if (t != null && env.model() != null) {
            ModelSignature.ParamEntry entry = new ModelSignature.ParamEntry(path, t, p.init().map(e -> e.span().text()).orElse(""), p.span());
            (p.state() ? env.model().states : env.model().params).add(entry);
            ParamSize.check(path, t, p.type().span(), diagnostics());
        }
    }

    /**
     * Why a value of type {@code from} cannot be stored in {@code to}, or null when it can; a
     * value broadcasts to the shape unless {@code exact}.
     */
    private static String assignable(TensorType from, TensorType to, boolean exact) {
        DTypes.Joined j = from.weak() ? DTypes.adopt(from, to.dtype())
                : from.dtype() == to.dtype() ? new DTypes.Joined.Ok(to.dtype(), false)
                : new DTypes.Joined.Mismatch("dtypes differ: " + from.dtype() + " and " + to.dtype()
                        + "; convert with " + to.dtype() + "(...)");
        if (j instanceof DTypes.Joined.Mismatch m) return m.note();
        if (exact ? !from.shape().equals(to.shape()) : !Broadcast.to(from.shape(), to.shape())) {
            return "the shapes differ: " + from.shape() + (exact ? " is not " : " does not broadcast to ") + to.shape();
        }
        return null;
    }

    private void constant(Stmt.Const c, Env env) {
        Value v = el.eval(c.value(), env);
        if (v instanceof Tensor t && !t.constant()) {
            Binding varying = varyingName(c.value(), env);
            diagnostics().error(c.value().span(), "const '" + c.name().text() + "' must be a compile-time constant"
                            + (varying != null ? ", but it depends on '" + varying.path() + "', " + varying.kind().description() : ""),
                    "consts may use literals, other consts and layer arguments; use a local (" + c.name().text()
                            + " = ...) for values computed from inputs or params");
            v = Value.POISON;
        } else if (!(v instanceof Tensor) && !(v instanceof Value.Poison)) {
            diagnostics().error(c.value().span(), "const '" + c.name().text() + "' must be a tensor, found " + Elaborator.describe(v));
            v = Value.POISON;
        }
        define(c.name(), new Binding(Binding.Kind.CONST, v, c.name().span(), c.name().text()), env);
    }

    /** The first name in {@code e} (in source order) bound to a value known only when the model runs, or null. */
    private Binding varyingName(Expr e, Env env) {
        return switch (e) {
            case Expr.Name n -> {
                Binding b = el.bindingOf(n, env);
                yield b != null && b.value() instanceof Tensor t && !t.constant() ? b : null;
            }
            case Expr.Number n -> null;
            case Expr.Bool b -> null;
            case Expr.Str s -> null;
            case Expr.ListLiteral l -> first(l.elements(), env);
            case Expr.Unary u -> varyingName(u.operand(), env);
            case Expr.Binary b -> first(List.of(b.left(), b.right()), env);
            case Expr.Call c -> first(c.args().stream().map(Expr.Arg::value).toList(), env);
            case Expr.Member m -> {
                Binding b = el.bindingOf(m, env);
                yield b != null && b.value() instanceof Tensor t && !t.constant() ? b : varyingName(m.target(), env);
            }
            case Expr.Index i -> varyingName(i.target(), env);
        };
    }

    private Binding first(List<Expr> es, Env env) {
        for (Expr e : es) {
            Binding b = varyingName(e, env);
            if (b != null) return b;
        }
        return null;
    }

    private void let(Stmt.Let l, Env env, Place place, boolean keepNames) {
        if (l.value() instanceof Expr.Call call && !(call.callee() instanceof Expr.Call)) {
            Value callee = calleeIfLayer(call.callee(), env);
            if (callee instanceof Value.LayerType layer) {
                if (place == Place.BLOCK) {
                    diagnostics().error(call.span(), "layers are instantiated in models and layers, not in defs or forwards",
                            "declare the instance in the enclosing model or layer body");
                    define(l.name(), new Binding(Binding.Kind.LOCAL, Value.POISON, l.name().span(), l.name().text()), env);
                    return;
                }
                Value inst = el.intoPrelude(layer.layer(), "'" + layer.layer().name().text() + "'", call,
                        () -> instantiate(layer, call, env, env.pathPrefix() + l.name().text()));
                define(l.name(), new Binding(Binding.Kind.INSTANCE, inst, l.name().span(), env.pathPrefix() + l.name().text()), env);
                return;
            }
        }
        Value v = el.eval(l.value(), env);
        if (keepNames) v = el.lowering().named(v, l.name().text(), l.name().span());
        if (!(v instanceof Tensor) && !(v instanceof Value.Poison) && !(v instanceof Value.Instance)) {
            diagnostics().error(l.value().span(), "cannot bind " + Elaborator.describe(v) + " to a name",
                    "locals hold tensors; call it to get one");
            v = Value.POISON;
        }
        define(l.name(), new Binding(Binding.Kind.LOCAL, v, l.name().span(), env.pathPrefix() + l.name().text()), env);
    }

    /** The callee if it plainly names a layer (no errors reported otherwise; the call reports them). */
    private Value calleeIfLayer(Expr callee, Env env) {
        if (!(callee instanceof Expr.Name n)) return null;
        for (Scope s = env.scope(); s != null; s = s.parent()) {
            if (s.local(n.id().text()) != null || s.definesLater(n.id().text())) return null;
        }
        Decl d = env.file().lookup(n.id().text());
        return d instanceof Decl.Layer layer ? new Value.LayerType(layer, env.file().owner(layer)) : null;
    }

    private Value instantiate(Value.LayerType type, Expr.Call call, Env env, String path) {
        Decl.Layer layer = type.layer();
        if (el.isExpanding(layer)) {
            diagnostics().error(call.span(), "layer '" + layer.name().text() + "' contains itself", "layers cannot nest recursively");
            return Value.POISON;
        }
        List<Value> values = new ArrayList<>();
        for (Expr.Arg a : call.args()) values.add(el.eval(a.value(), env));
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) instanceof Tensor t && !t.constant()) {
                Expr arg = call.args().get(i).value();
                Binding varying = varyingName(arg, env);
                diagnostics().error(call.args().get(i).span(), "layer arguments must be constants, but '" + arg.span().text()
                                + "' " + (varying != null && varying.value() instanceof Tensor vt && arg instanceof Expr.Name
                                ? "is " + varying.kind().description() + " (" + vt.type() + ")"
                                : varying != null ? "depends on '" + varying.path() + "', " + varying.kind().description()
                                : "is computed when the model runs"),
                        "layer arguments size params, so they must be known before the model runs");
                return Value.POISON;
            }
        }
        Scope scope = el.bindParams(layer.name().text(), layer.params(), call, values, null, type.file(), env, true);
        if (scope == null) return Value.POISON;
        Scope members = new Scope(null);
        scope.bindings().forEach((name, b) -> members.define(name,
                new Binding(Binding.Kind.LAYER_ARGUMENT, b.value(), b.definedAt(), path + "." + name)));
        el.expanding().push(layer);
        el.expansion().calls().push(call);
        try {
            Result r = run(layer.body(), new Env(members, type.file(), path + ".", env.model(), null), Place.LAYER, null, true);
            return new Value.Instance(path, layer, members, r.forward(), type.file());
        } finally {
            el.expansion().calls().pop();
            el.expanding().pop();
        }
    }

    /** Applies a layer instance to arguments through its forward. */
    Value apply(Value.Instance inst, Expr.Call call, List<Value> values, Env env) {
        if (inst.forward() == null) {
            diagnostics().error(call.span(), "layer '" + inst.layer().name().text() + "' has no forward, so '" + inst.path()
                    + "' cannot be applied", "add forward(x) = ... to the layer");
            return Value.POISON;
        }
        Stmt.Forward f = inst.forward();
        boolean keepNames = el.cache().keepsNames(f.body(), f.params());
        Scope scope = el.bindParams(inst.path(), f.params(), call, values, inst.members(), inst.file(), env, keepNames);
        if (scope == null) return Value.POISON;
        Env inner = new Env(scope, inst.file(), inst.path() + ".", null, null);
        int rulesBefore = current.stateUpdates.size();
        applying.push(inst);
        try {
            return switch (f.body()) {
                case FunctionBody.Expression e -> el.eval(e.expr(), inner);
                case FunctionBody.Block b -> block(b, inner, keepNames);
            };
        } finally {
            applying.pop();
            if (current.stateUpdates.size() > rulesBefore) current.statefulCalls.putIfAbsent(inst.path(), call.span());
        }
    }

    /**
     * Whether {@code inst} may be applied at {@code call}: an instance whose forward updates
     * states may be applied once per model, since a second call would need a second update of
     * the same state (reported here, before an equal call could share the first's result).
     */
    boolean mayCall(Value.Instance inst, Expr.Call call) {
        Span first = current == null ? null : current.statefulCalls.get(inst.path());
        if (first == null) return true;
        diagnostics().error(call.span(), "layer instance '" + inst.path() + "' updates its states, so it can be called only once per model",
                "it was first called at " + first + "; declare a second instance for a second call");
        return false;
    }

    private void output(Stmt.Output o, Env env) {
        ModelState model = env.model();
        String name = o.name().text();
        ModelSignature.Entry earlier = model.outputsByName.get(name);
        if (earlier != null) {
            diagnostics().error(o.name().span(), "'" + name + "' is already an output", "first marked at " + earlier.span());
            return;
        }
        Value v;
        if (o.value().isPresent()) {
            v = el.lowering().named(el.eval(o.value().get(), env), name, o.name().span());
            define(o.name(), new Binding(Binding.Kind.LOCAL, v, o.name().span(), name), env);
        } else {
            v = el.lookup(o.name(), env);
        }
        if (v instanceof Tensor t) {
            TensorType settled = DTypes.settle(t.type());
            ModelSignature.Entry entry = new ModelSignature.Entry(name, settled, o.span());
            model.outputs.add(entry);
            model.outputsByName.put(name, entry);
            Lowering lowering = el.lowering();
            lowering.at(o.span());
            lowering.output(name, Graph.Role.OUTPUT, lowering.as(t, settled.dtype()));
        } else if (!(v instanceof Value.Poison)) {
            diagnostics().error(o.name().span(), "output '" + name + "' must be a tensor, found " + Elaborator.describe(v));
        }
    }

    private void loss(Stmt.Loss l, Env env) {
        ModelState model = env.model();
        Identifier name = l.name().orElse(null);
        Value v = el.lowering().named(el.eval(l.value(), env), name != null ? name.text() : "loss", l.span());
        if (name != null) define(name, new Binding(Binding.Kind.LOCAL, v, name.span(), name.text()), env);
        else if (env.scope().local("loss") == null) {
            env.scope().define("loss", new Binding(Binding.Kind.LOCAL, v, l.span(), "loss"));
        }
        if (model.lossSpan != null) {
            diagnostics().error(keywordSpan(l, "loss"), "a model has at most one loss", "the first is at " + model.lossSpan);
            return;
        }
        model.lossSpan = l.span();
        if (!(v instanceof Tensor t)) {
            if (!(v instanceof Value.Poison)) diagnostics().error(l.value().span(), "the loss must be a tensor, found " + Elaborator.describe(v));
            return;
        }
        if (!t.type().isScalar()) {
            diagnostics().error(l.value().span(), "the loss must be a scalar, found " + t.type(),
                    "reduce it, for example with mean(...) or sum(...)");
            return;
        }
        if (!t.type().isFloating() || t.type().weak()) {
            diagnostics().error(l.value().span(), "the loss must be a floating value computed from the model, found " + t.type());
            return;
        }
        model.loss = new ModelSignature.Entry(name == null ? "loss" : name.text(), t.type(), l.span());
        model.lossNode = el.lowering().node(t);
        el.lowering().output(model.loss.name(), Graph.Role.LOSS, model.lossNode);
    }

    private void update(Stmt.Update u, Env env, Place place) {
        ModelState model = current;
        Binding target = null;
        Scope scope = env.scope();
        for (int i = 0; i < u.target().size(); i++) {
            Identifier part = u.target().get(i);
            Binding b = null;
            if (i == 0) {
                for (Scope s = scope; s != null && b == null; s = s.parent()) b = s.local(part.text());
            } else if (target != null && target.value() instanceof Value.Instance inst) {
                b = inst.members().local(part.text());
            }
            if (b == null) {
                if (i == 0) {
                    diagnostics().error(part.span(), "undefined name '" + part.text() + "'");
                } else if (target.value() instanceof Value.Instance inst) {
                    diagnostics().error(part.span(), "'" + target.path() + "' has no member '" + part.text() + "'",
                            "its members are " + Elaborator.listed(inst.members().bindings().keySet()));
                } else {
                    diagnostics().error(part.span(), "'" + target.path() + "' is " + target.kind().description()
                            + ", not a layer instance, so it has no member '" + part.text() + "'");
                }
                return;
            }
            target = b;
        }
        Value rhs = el.eval(u.value(), env);
        boolean state = target.kind() == Binding.Kind.STATE;
        if (place == Place.BLOCK && !state) {
            diagnostics().error(u.targetSpan(), "update target '" + u.path() + "' is not a state (it is "
                    + target.kind().description() + ")", "a forward block updates only its layer's states");
            return;
        }
        if (!state && target.kind() != Binding.Kind.PARAM) {
            diagnostics().error(u.targetSpan(), "update target '" + u.path() + "' is not a param or a state (it is "
                    + target.kind().description() + ")", "update rules assign new values to params and states");
            return;
        }
        Span prior = (state ? model.stateUpdates : model.updates).putIfAbsent(target.path(), u.span());
        if (prior != null) {
            diagnostics().error(u.targetSpan(), (state ? "state '" : "param '") + target.path() + "' has two update rules",
                    "the first is at " + prior);
            return;
        }
        if (rhs instanceof Tensor t && target.value() instanceof Tensor p) {
            String problem = assignable(t.type(), p.type(), !t.type().isScalar() || !t.type().weak());
            if (problem != null) {
                diagnostics().error(u.value().span(), "the update of '" + target.path() + "' must have type " + p.type()
                        + ", found " + t.type(), problem);
            } else {
                Lowering lowering = el.lowering();
                lowering.at(u.span());
                lowering.output(target.path(), state ? Graph.Role.STATE : Graph.Role.UPDATE,
                        lowering.as(t, p.type().dtype(), p.type().shape()));
            }
        } else if (!(rhs instanceof Value.Poison) && !(rhs instanceof Tensor)) {
            diagnostics().error(u.value().span(), "an update must be a tensor, found " + Elaborator.describe(rhs));
        }
    }

    private void train(Stmt.Train t, Env env) {
        ModelState model = env.model();
        if (model.trainSpan != null) {
            diagnostics().error(keywordSpan(t, "train"), "a model has at most one train block", "the first is at " + model.trainSpan);
            return;
        }
        model.trainSpan = keywordSpan(t, "train");
        model.train = new TrainBlock(el).check(t, env, model);
    }
}
