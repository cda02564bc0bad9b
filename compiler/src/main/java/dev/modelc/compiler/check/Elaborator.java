package dev.modelc.compiler.check;

import dev.modelc.compiler.diagnostics.Spelling;

import dev.modelc.compiler.ast.BinaryOp;
import dev.modelc.compiler.ast.Decl;
import dev.modelc.compiler.ast.Expr;
import dev.modelc.compiler.ast.FunctionBody;
import dev.modelc.compiler.ast.Identifier;
import dev.modelc.compiler.ast.Param;
import dev.modelc.compiler.ast.UnaryOp;
import dev.modelc.compiler.check.Value.Known;
import dev.modelc.compiler.check.Value.Tensor;
import dev.modelc.compiler.diagnostics.Diagnostic;
import dev.modelc.compiler.diagnostics.Diagnostics;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.graph.BinaryFn;
import dev.modelc.compiler.graph.Emitter;
import dev.modelc.compiler.graph.GraphTooLarge;
import dev.modelc.compiler.graph.UnaryFn;
import dev.modelc.compiler.types.Broadcast;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.DimTooLarge;
import dev.modelc.compiler.types.Shape;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Checks expressions by evaluating them over types: every expression gets a dtype and a shape
 * (symbolic dims allowed), defs are inlined at each call with the argument types, and layer
 * instances are applied through their forward.
 */
final class Elaborator {
    /** Inlining deeper than this is reported rather than followed. */
    private static final int MAX_INLINE_DEPTH = 10_000;

    /** Where errors go; swapped while a call from the user's file runs prelude code (see {@link #intoPrelude}). */
    private Diagnostics diagnostics;
    private final Set<Decl.Def> recursiveDefs;
    private final Deque<Decl> expanding = new ArrayDeque<>();
    /** The scopes of the calls being inlined, innermost first: only to explain a def's use of its caller's names. */
    private final Deque<Scope> callers = new ArrayDeque<>();
    private Bodies bodies;
    /** The graph of the model being checked. */
    private Lowering lowering;
    private final Indexing indexing = new Indexing(this);
    /**
     * What is left for "did you mean" searches in this file, in candidates looked at and
     * character pairs compared (about a tenth of a second of work): past it, undefined names get no suggestion, so that
     * thousands of mistakes among thousands of similar names stay linear.
     */
    private long spellingBudget = 50_000_000;
    /** What the models checked so far have expanded to, for the file's limits. */
    private final Expansion.Totals fileTotals = new Expansion.Totals();
    /** The model being checked: how far it has expanded, and its calls shared so far. */
    private Expansion expansion = new Expansion("", fileTotals);
    private InlineCache cache = new InlineCache();
    /** Told each expression's type (the language server's hover); {@link TypeListener#NONE} when compiling. */
    private final TypeListener types;

    Elaborator(Diagnostics diagnostics, Set<Decl.Def> recursiveDefs, TypeListener types) {
        this.diagnostics = diagnostics;
        this.recursiveDefs = recursiveDefs;
        this.types = types;
    }

    void bodies(Bodies b) {
        this.bodies = b;
    }

    Lowering lowering() {
        return lowering;
    }

    /** Starts checking model {@code name}; returns its graph under construction. Nothing is shared with the model before. */
    Lowering startModel(String name) {
        expansion = new Expansion(name, fileTotals);
        lowering = new Lowering(expansion.nodeLimit());
        cache = new InlineCache();
        return lowering;
    }

    Expansion expansion() {
        return expansion;
    }

    InlineCache cache() {
        return cache;
    }

    Diagnostics diagnostics() {
        return diagnostics;
    }

    Deque<Decl> expanding() {
        return expanding;
    }

    /** Whether {@code d} is being inlined or instantiated now (by identity: a record's equals compares whole syntax trees). */
    boolean isExpanding(Decl d) {
        for (Decl e : expanding) if (e == d) return true;
        return false;
    }

    Value eval(Expr e, Env env) {
        expansion.evaluating(e);
        Value v;
        try {
            v = evalNode(e, env);
            // Every stage after this one may take a shape's element count; it must be computable.
            if (v instanceof Tensor t) checkNumel(t.type().shape());
        } catch (GraphTooLarge tooLarge) {
            throw expansion.graphTooLarge(e.span(), tooLarge.limit());
        } catch (DimTooLarge tooLarge) {
            // The innermost expression whose size arithmetic went too far (an enclosing one never sees it).
            diagnostics.error(e.span(), tooLarge.getMessage(), "symbolic sizes are kept exactly, as polynomials in the"
                    + " dimension names ((A + B)*(C + D) has 4 terms), of at most " + Dim.MAX_TERMS + " terms, each"
                    + " of degree at most " + Dim.MAX_DEGREE + ", with 64-bit coefficients");
            return Value.POISON;
        }
        if (v instanceof Tensor t && !countable(t.type().shape())) {
            diagnostics.error(e.span(), "this tensor would have more elements than a 64-bit count holds: " + t.type(),
                    "its sizes multiply past 2^63 - 1");
            return Value.POISON;
        }
        if (types != TypeListener.NONE) {
            if (v instanceof Tensor t) types.tensor(e.span(), t.type());
            else if (v instanceof Value.Instance i) types.instance(e.span(), i.layer());
        }
        return v;
    }

    /**
     * Throws {@link DimTooLarge} when a symbolic shape's element count is not a size within the
     * limits. Most shapes have at most one symbolic axis, whose count is checked without
     * building it (this runs for every expression).
     */
    private static void checkNumel(Shape shape) {
        Dim symbolic = null;
        long constant = 1;
        for (Dim d : shape.dims()) {
            if (d.isConstant()) {
                if (d.constant() == 0) return;
                try {
                    constant = Math.multiplyExact(constant, d.constant());
                } catch (ArithmeticException e) {
                    return; // countable() reports it
                }
            } else if (symbolic == null) {
                symbolic = d;
            } else {
                shape.numel();
                return;
            }
        }
        if (symbolic == null || constant == 1) return;
        for (long k : symbolic.terms().values()) {
            try {
                Math.multiplyExact(constant, k);
            } catch (ArithmeticException e) {
                shape.numel(); // throws, with the message of the overflow
            }
        }
    }

    /**
     * Whether a shape's element count fits in a long. Sizes are longs and their products would
     * wrap silently (2^32 * 2^32 is 0), so every result is checked where it is made; symbolic
     * sizes are bound at run time and checked then.
     */
    static boolean countable(Shape shape) {
        long n = 1;
        boolean overflow = false;
        for (Dim d : shape.dims()) {
            if (!d.isConstant()) continue;
            if (d.constant() == 0) return true;
            try {
                n = Math.multiplyExact(n, d.constant());
            } catch (ArithmeticException e) {
                overflow = true;
            }
        }
        return !overflow;
    }

    private Value evalNode(Expr e, Env env) {
        return switch (e) {
            case Expr.Number n -> new Tensor(n.integer() ? TensorType.weakInt(Shape.SCALAR) : TensorType.weakFloat(Shape.SCALAR),
                    true, Folding.scalar(n.value()));
            case Expr.Bool b -> new Tensor(new TensorType(DType.BOOL, true, Shape.SCALAR), true, Folding.scalar(b.value() ? 1 : 0));
            case Expr.Str s -> {
                diagnostics.error(s.span(), "a string is not a value here", Einsum.STRING_NOTE);
                yield Value.POISON;
            }
            case Expr.Name n -> lookup(n.id(), env);
            case Expr.ListLiteral l -> list(l, env);
            case Expr.Unary u -> unary(u, env);
            case Expr.Binary b -> binary(b, env);
            case Expr.Call c -> call(c, env);
            case Expr.Member m -> member(m, env);
            case Expr.Index i -> indexing.index(i, env);
        };
    }

    /**
     * Names for a note, in order: all of them, or the first 20 and how many there are, so a
     * layer of 20,000 members does not put 20,000 names into every message about it.
     */
    static String listed(java.util.Collection<String> names) {
        if (names.size() <= 20) return String.join(", ", names);
        return String.join(", ", names.stream().limit(20).toList()) + ", ... (" + names.size() + " in all)";
    }

    /** A short description of a value for messages: "tensor f32[3]", "layer 'Linear'". */
    static String describe(Value v) {
        return switch (v) {
            case Tensor t -> "tensor " + t.type();
            case Value.Instance i -> "layer instance '" + i.path() + "' (" + i.layer().name().text() + ")";
            case Value.Function f -> "def '" + f.def().name().text() + "'";
            case Value.LayerType l -> "layer '" + l.layer().name().text() + "'";
            case Value.BuiltinRef b -> "built-in '" + b.builtin().name() + "'";
            case Value.Poison p -> "an erroneous value";
        };
    }

    // ---- names ------------------------------------------------------------------------------

    /** The built-in constant of the mode, {@code training}. */
    static final String TRAINING = "training";

    /**
     * {@code training}: a bool scalar the graph keeps as a node of its own until a backend
     * compiles one mode's program ({@code passes.ModeSpecialization}), where it becomes a constant.
     */
    private Value training(Identifier id, Env env) {
        if (env.initTarget() != null) {
            diagnostics.error(id.span(), "a param initializer can only use constants, but 'training' is the mode of the program",
                    "initializers run once, before any step, in no mode");
            return Value.POISON;
        }
        return new Tensor(TensorType.of(DType.BOOL, Shape.SCALAR), lowering().at(id.span()).training());
    }

    Value lookup(Identifier id, Env env) {
        return lookup(id, env, false);
    }

    /** Looks a name up; {@code called} when it is the callee of a call, which changes only the message when it is undefined. */
    private Value lookup(Identifier id, Env env, boolean called) {
        String name = id.text();
        for (Scope s = env.scope(); s != null; s = s.parent()) {
            Binding b = s.local(name);
            if (b != null) {
                if (env.initTarget() != null && b.kind() != Binding.Kind.CONST && b.kind() != Binding.Kind.LAYER_ARGUMENT
                        && !(b.value() instanceof Tensor t && t.constant())) {
                    diagnostics.error(id.span(), "a param initializer can only use constants, but '" + name + "' is "
                            + b.kind().description(), "initializers run once, before any input is seen");
                    return Value.POISON;
                }
                return b.value();
            }
            if (s.definesLater(name)) {
                diagnostics.error(id.span(), "'" + name + "' is used before it is defined",
                        "it is defined later, at " + s.definitionOf(name)
                                + "; statements run in order, so move this use after it");
                return Value.POISON;
            }
        }
        Decl d = env.file().lookup(name);
        if (d != null) {
            return switch (d) {
                case Decl.Def def -> new Value.Function(def, env.file().owner(def));
                case Decl.Layer layer -> new Value.LayerType(layer, env.file().owner(layer));
                case Decl.Model model -> {
                    diagnostics.error(id.span(), "model '" + name + "' cannot be used in an expression",
                            "models are compiled on their own; share code between them with def or layer");
                    yield Value.POISON;
                }
            };
        }
        if (name.equals(TRAINING)) return training(id, env);
        Builtin b = Builtins.lookup(name);
        if (b != null) return new Value.BuiltinRef(b);
        // Every name in sight is a candidate, but most are skipped on length alone (see Spelling);
        // the nearest scopes and the built-ins first, as they are the likeliest and fewest.
        Spelling.Search search = new Spelling.Search(name, spellingBudget);
        for (Scope s = env.scope(); s != null; s = s.parent()) s.offerNames(search);
        search.considerAll(Builtins.names());
        env.file().offerNames(search);
        spellingBudget -= search.spent();
        String near = search.best();
        List<String> notes = new ArrayList<>();
        if (near != null) notes.add("did you mean '" + near + "'?");
        String dimOf = symbolicDimNote(name, env);
        if (dimOf != null) notes.add(dimOf);
        String captured = capturedNote(name, env);
        if (captured != null) notes.add(captured);
        if (List.of("torch", "F", "nn", "np", "numpy").contains(name)) {
            notes.add("there are no modules: built-ins and prelude functions are called by name, as in sum(x) or Linear(3, 2)");
        }
        diagnostics.error(id.span(), (called ? "unknown function '" : "undefined name '") + name + "'",
                notes.toArray(String[]::new));
        return Value.POISON;
    }

    /**
     * When an undefined name inside a def is a name of the body calling it, why the def does not
     * see it (defs are shape-polymorphic functions and cannot capture a model's params); else null.
     */
    private String capturedNote(String name, Env env) {
        if (env.model() != null || callers.isEmpty() || expanding.isEmpty() || !(expanding.peek() instanceof Decl.Def def)) {
            return null;
        }
        for (Scope s = callers.peek(); s != null; s = s.parent()) {
            Binding b = s.local(name);
            if (b != null) {
                return "'" + name + "' is " + b.kind().description() + " of the caller, and defs see only their own"
                        + " arguments and top-level names; pass it in: def " + def.name().text() + "(..., " + name + ")";
            }
        }
        return null;
    }

    /**
     * When an undefined name is a symbolic dimension of an input ({@code N} in
     * {@code input x: f32[N, 3]}), how to get its size in an expression; else null.
     */
    private static String symbolicDimNote(String name, Env env) {
        // Inputs are declared only in a model's body, so the note applies where its scope is in sight.
        if (env.model() == null) return null;
        for (Scope s = env.scope(); s != null; s = s.parent()) {
            if (s == env.model().scope) {
                String size = env.model().symbolicDims.get(name);
                return size == null ? null : name + " is a symbolic dimension, not a value; in expressions write " + size;
            }
        }
        return null;
    }

    /** The binding an expression names ({@code w}, {@code linear.weight}), or null for other expressions. */
    Binding bindingOf(Expr e, Env env) {
        switch (e) {
            case Expr.Name n -> {
                for (Scope s = env.scope(); s != null; s = s.parent()) {
                    Binding b = s.local(n.id().text());
                    if (b != null) return b;
                }
                return null;
            }
            case Expr.Member m -> {
                Binding target = bindingOf(m.target(), env);
                if (target != null && target.value() instanceof Value.Instance i) return i.members().local(m.member().text());
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    // ---- literals and operators --------------------------------------------------------------

    private Value list(Expr.ListLiteral l, Env env) {
        List<Value> items = new ArrayList<>();
        for (Expr e : l.elements()) items.add(eval(e, env));
        if (items.stream().anyMatch(v -> v instanceof Value.Poison)) return Value.POISON;
        if (items.isEmpty()) return new Tensor(TensorType.weakFloat(Shape.of(0)), true, new Known.Numbers(new double[0]));
        Shape inner = null;
        boolean integer = true, bool = true, numbers = true, constant = true;
        List<Double> data = new ArrayList<>();
        List<Dim> sizes = new ArrayList<>();
        List<Tensor> elements = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Expr at = l.elements().get(i);
            // Elements are constants, or sizes such as size(x, 0) (weak, known, but symbolic),
            // so that [size(x, 0), -1] is a shape.
            if (!(items.get(i) instanceof Tensor t) || !t.type().weak() || (!t.constant() && !(t.known() instanceof Known.Sizes))) {
                diagnostics.error(at.span(), "tensor literal elements must be constant numbers, found "
                        + describe(items.get(i)), "combine tensors with stack(...) or cat(...)");
                return Value.POISON;
            }
            elements.add(t);
            constant &= t.constant();
            if (inner == null) inner = t.type().shape();
            else if (!inner.equals(t.type().shape())) {
                diagnostics.error(at.span(), "ragged tensor literal: element " + i + " has shape " + t.type().shape()
                        + " but element 0 has shape " + inner, "every row of a tensor literal needs the same length");
                return Value.POISON;
            }
            integer &= t.type().dtype() == DType.I32;
            bool &= t.type().dtype() == DType.BOOL;
            if (!bool && t.type().dtype() == DType.BOOL) {
                diagnostics.error(at.span(), "a tensor literal cannot mix bools and numbers");
                return Value.POISON;
            }
            switch (t.known()) {
                case Known.Numbers n -> {
                    for (double v : n.data()) data.add(v);
                    for (double v : n.data()) sizes.add(v == Math.rint(v) ? Dim.of((long) v) : null);
                }
                case Known.Sizes s -> {
                    numbers = false;
                    sizes.addAll(s.dims());
                }
                case null -> numbers = false;
            }
        }
        Shape shape = inner.inserting(0, Dim.of(items.size()));
        DType dtype = bool ? DType.BOOL : integer ? DType.I32 : DType.F32;
        TensorType type = new TensorType(dtype, true, shape);
        if (numbers) return new Tensor(type, constant, new Known.Numbers(data.stream().mapToDouble(Double::doubleValue).toArray()));
        Known known = integer && !sizes.contains(null) && sizes.size() == items.size() ? new Known.Sizes(sizes) : null;
        // Not all numbers known: stack the elements' nodes.
        var e = lowering.at(l.span());
        List<Integer> rows = new ArrayList<>();
        for (Tensor t : elements) rows.add(e.reshape(lowering.as(t, Lowering.natural(type)), t.type().shape().inserting(0, Dim.of(1))));
        return new Tensor(type, constant, known, e.concat(rows, 0));
    }

    private Value unary(Expr.Unary u, Env env) {
        Value v = eval(u.operand(), env);
        if (v instanceof Value.Poison) return v;
        Tensor t = operand(v, u.operand());
        if (t == null) return Value.POISON;
        if (u.op() == UnaryOp.NOT ? t.type().dtype() != DType.BOOL : !t.type().dtype().isNumeric()) {
            diagnostics.report(Diagnostic.error(u.opSpan(), "cannot " + u.op().verb() + " " + t.type(),
                    u.op() == UnaryOp.NOT ? "~ inverts bool masks; for numbers use -x" : "arithmetic needs numbers; convert a mask with f32(...)")
                    .withRelated(u.operand().span()));
            return Value.POISON;
        }
        Known k = u.op() == UnaryOp.NEG ? Folding.unary(Folding.NEGATE, t.known())
                : u.op() == UnaryOp.PLUS ? t.known() : Folding.unary(x -> x == 0 ? 1 : 0, t.known());
        if (u.op() == UnaryOp.PLUS) return t;
        if (k != null) return new Tensor(t.type(), t.constant(), k);
        int x = lowering.node(t);
        var e = lowering.at(u.opSpan());
        return new Tensor(t.type(), t.constant(), null, u.op() == UnaryOp.NEG ? e.neg(x) : e.unary(UnaryFn.NOT, x));
    }

    /** A value used as an operand must be a tensor. */
    Tensor operand(Value v, Expr at) {
        if (v instanceof Tensor t) return t;
        if (v instanceof Value.Poison) return null;
        String hint = v instanceof Value.Instance i ? "apply it: " + at.span().text() + "(...)"
                : v instanceof Value.LayerType ? "instantiate it in the model first: l = " + at.span().text() + "(...)"
                : "call it: " + at.span().text() + "(...)";
        diagnostics.error(at.span(), describe(v) + " is not a tensor", hint);
        return null;
    }

    private Value binary(Expr.Binary b, Env env) {
        Value lv = eval(b.left(), env), rv = eval(b.right(), env);
        Tensor l = operand(lv, b.left()), r = operand(rv, b.right());
        if (l == null || r == null) return Value.POISON;
        BinaryOp op = b.op();
        TensorType lt = l.type(), rt = r.type();
        // Built only when something is wrong: formatting types is most of the cost otherwise.
        Supplier<String> message = () -> switch (op.kind()) {
            case ARITHMETIC -> op == BinaryOp.POW ? "cannot raise " + lt + " to the power " + rt
                    : "cannot " + op.verb() + " " + lt + " and " + rt;
            case COMPARISON -> "cannot compare " + lt + " and " + rt + " with " + op.symbol();
            case LOGICAL -> "cannot combine " + lt + " and " + rt + " with " + op.symbol();
            case MATMUL -> "cannot matrix-multiply " + lt + " and " + rt;
        };
        boolean eqOnBools = (op == BinaryOp.EQ || op == BinaryOp.NE) && lt.dtype() == DType.BOOL && rt.dtype() == DType.BOOL;
        if (op.kind() == BinaryOp.Kind.LOGICAL) {
            if (lt.dtype() != DType.BOOL || rt.dtype() != DType.BOOL) {
                return fail(b, message, op.symbol() + " combines bool masks; compare numbers first, for example (x > 0) "
                        + op.symbol() + " (y > 0)");
            }
        } else if (!eqOnBools && (!lt.dtype().isNumeric() || !rt.dtype().isNumeric())) {
            return fail(b, message, "arithmetic and comparisons need numbers; convert a mask with f32(...)");
        }
        if (op == BinaryOp.MATMUL) return matmul(l, r, b, message);
        TensorType t = combine(l, r, b.left().span(), b.right().span(), b.opSpan(), message);
        if (t == null) return Value.POISON;
        if (op == BinaryOp.DIV && t.dtype() == DType.I32) {
            if (!t.weak()) {
                return fail(b, message, "/ is true division and i32 / i32 has no i32 result; convert with f32(...) first");
            }
            t = TensorType.weakFloat(t.shape());
        }
        // PyTorch refuses integers to negative integer powers (the result is not an integer).
        if (op == BinaryOp.POW && !t.weak() && t.dtype() == DType.I32 && Folding.number(r.known()) < 0) {
            return fail(b, message, "integers to negative integer powers are not allowed; convert with f32(...) first");
        }
        // A weak integer raised to a negative or unknown power is a float, as in Python: 2 ** -1 is 0.5.
        if (op == BinaryOp.POW && t.weak() && t.dtype() == DType.I32 && !(Folding.number(r.known()) >= 0)) {
            t = TensorType.weakFloat(t.shape());
        }
        DType operands = Lowering.natural(t);
        if (op.kind() != BinaryOp.Kind.ARITHMETIC) {
            TensorType joined = t;
            operands = Lowering.natural(joined);
            t = new TensorType(DType.BOOL, t.weak(), t.shape());
        }
        Value.Known folded = Builtins.fold(op, l, r);
        if (folded != null) return new Tensor(t, l.constant() && r.constant(), folded);
        int a = lowering.as(l, operands), c = lowering.as(r, operands);
        int node = lowering.at(b.opSpan()).binary(FUNCTIONS.get(op), a, c);
        return new Tensor(t, l.constant() && r.constant(), null, node);
    }

    /** The graph function of each infix operator other than {@code @}. */
    private static final java.util.Map<BinaryOp, BinaryFn> FUNCTIONS = java.util.Map.ofEntries(
            java.util.Map.entry(BinaryOp.ADD, BinaryFn.ADD), java.util.Map.entry(BinaryOp.SUB, BinaryFn.SUB),
            java.util.Map.entry(BinaryOp.MUL, BinaryFn.MUL), java.util.Map.entry(BinaryOp.DIV, BinaryFn.DIV),
            java.util.Map.entry(BinaryOp.POW, BinaryFn.POW), java.util.Map.entry(BinaryOp.LT, BinaryFn.LT),
            java.util.Map.entry(BinaryOp.LE, BinaryFn.LE), java.util.Map.entry(BinaryOp.GT, BinaryFn.GT),
            java.util.Map.entry(BinaryOp.GE, BinaryFn.GE), java.util.Map.entry(BinaryOp.EQ, BinaryFn.EQ),
            java.util.Map.entry(BinaryOp.NE, BinaryFn.NE), java.util.Map.entry(BinaryOp.AND, BinaryFn.AND),
            java.util.Map.entry(BinaryOp.OR, BinaryFn.OR));

    private Value fail(Expr.Binary b, Supplier<String> message, String note) {
        diagnostics.report(Diagnostic.error(b.opSpan(), message.get(), note).withRelated(b.left().span(), b.right().span()));
        return Value.POISON;
    }

    /**
     * Combines two operands elementwise: joins their dtypes and broadcasts their shapes, or
     * reports at {@code at} with both operands marked. Returns null after reporting.
     */
    TensorType combine(Tensor a, Tensor b, Span aSpan, Span bSpan, Span at, Supplier<String> message) {
        DTypes.Joined j = DTypes.join(a.type(), b.type());
        if (j instanceof DTypes.Joined.Mismatch m) {
            diagnostics.report(Diagnostic.error(at, message.get(), m.note()).withRelated(aSpan, bSpan));
            return null;
        }
        Broadcast.Result r = Broadcast.shapes(a.type().shape(), b.type().shape());
        if (r instanceof Broadcast.Result.Clash c) {
            diagnostics.report(Diagnostic.error(at, message.get(), clashNotes(c)).withRelated(aSpan, bSpan));
            return null;
        }
        DTypes.Joined.Ok ok = (DTypes.Joined.Ok) j;
        return new TensorType(ok.dtype(), ok.weak(), ((Broadcast.Result.Ok) r).shape());
    }

    /** Why two shapes do not broadcast; when a symbolic size is involved, also why it does not stretch as 1 would. */
    static String[] clashNotes(Broadcast.Result.Clash c) {
        Dim symbolic = !c.left().isConstant() ? c.left() : !c.right().isConstant() ? c.right() : null;
        if (symbolic == null) return new String[] {c.explain()};
        if (!c.left().isConstant() && !c.right().isConstant()) {
            return new String[] {c.explain(), c.left() + " and " + c.right() + " are different symbolic dimensions, bound when the model"
                    + " runs; each broadcasts only with itself and 1"};
        }
        return new String[] {c.explain(), symbolic + " is a symbolic dimension, bound when the model runs; it broadcasts only with "
                + symbolic + " and 1"};
    }

    /** {@code @} by NumPy's matmul rules: 1-D operands are promoted and the added axis dropped; batch axes broadcast. */
    private Value matmul(Tensor l, Tensor r, Expr.Binary b, Supplier<String> message) {
        Shape a = l.type().shape(), c = r.type().shape();
        if (a.rank() == 0 || c.rank() == 0) {
            return fail(b, message, "@ needs operands with at least one axis; to scale by a scalar use *");
        }
        DTypes.Joined j = DTypes.join(l.type(), r.type());
        if (j instanceof DTypes.Joined.Mismatch m) return fail(b, message, m.note());
        Dim k1 = a.dim(a.rank() - 1);
        Dim k2 = c.rank() == 1 ? c.dim(0) : c.dim(c.rank() - 2);
        if (!k1.equals(k2)) {
            String note = "the left's last axis is " + k1 + " but the right's "
                    + (c.rank() == 1 ? "only axis" : "second-to-last axis") + " is " + k2;
            if (c.rank() == 2 && c.dim(1).equals(k1)) {
                String right = b.right().span().text();
                note += "; did you mean " + (right.endsWith(".T") ? right.substring(0, right.length() - 2) : right + ".T") + "?";
            }
            return fail(b, message, note);
        }
        Shape batchA = a.rank() > 2 ? new Shape(a.dims().subList(0, a.rank() - 2)) : Shape.SCALAR;
        Shape batchC = c.rank() > 2 ? new Shape(c.dims().subList(0, c.rank() - 2)) : Shape.SCALAR;
        Broadcast.Result batch = Broadcast.shapes(batchA, batchC);
        if (batch instanceof Broadcast.Result.Clash clash) {
            return fail(b, message, "batch " + clash.explain());
        }
        List<Dim> out = new ArrayList<>(((Broadcast.Result.Ok) batch).shape().dims());
        if (a.rank() >= 2) out.add(a.dim(a.rank() - 2));
        if (c.rank() >= 2) out.add(c.dim(c.rank() - 1));
        DTypes.Joined.Ok ok = (DTypes.Joined.Ok) j;
        TensorType type = new TensorType(ok.dtype(), ok.weak(), new Shape(out));
        DType d = Lowering.natural(type);
        int x = lowering.as(l, d), y = lowering.as(r, d);
        return new Tensor(type, l.constant() && r.constant(), null,
                lowerMatmul(lowering.at(b.opSpan()), x, y, ((Broadcast.Result.Ok) batch).shape(), type.shape()));
    }

    /**
     * NumPy's matmul in the graph's canonical form: 1-D operands get the axis they lack, both
     * are broadcast to the common batch axes, the product is taken, and added axes are dropped.
     */
    private static int lowerMatmul(Emitter e, int x, int y, Shape batch, Shape result) {
        Shape a = e.shape(x), c = e.shape(y);
        if (a.rank() == 1) x = e.reshape(x, Shape.of(Dim.of(1), a.dim(0)));
        if (c.rank() == 1) y = e.reshape(y, Shape.of(c.dim(0), Dim.of(1)));
        Shape a2 = e.shape(x), c2 = e.shape(y);
        List<Dim> da = new ArrayList<>(batch.dims());
        da.addAll(a2.dims().subList(a2.rank() - 2, a2.rank()));
        List<Dim> dc = new ArrayList<>(batch.dims());
        dc.addAll(c2.dims().subList(c2.rank() - 2, c2.rank()));
        int product = e.matmul(e.broadcast(x, new Shape(da)), e.broadcast(y, new Shape(dc)));
        return e.reshape(product, result);
    }

    // ---- members ----------------------------------------------------------------

    private Value member(Expr.Member m, Env env) {
        Value target = eval(m.target(), env);
        String name = m.member().text();
        switch (target) {
            case Value.Poison p -> {
                return p;
            }
            case Value.Instance i -> {
                Binding b = i.members().local(name);
                if (b == null) {
                    String near = Spelling.nearest(name, i.members().bindings().keySet());
                    diagnostics.error(m.member().span(), "layer instance '" + i.path() + "' (" + i.layer().name().text()
                            + ") has no member '" + name + "'", (near != null ? "did you mean '" + near + "'? " : "")
                            + "its members are " + listed(i.members().bindings().keySet()));
                    return Value.POISON;
                }
                return b.value();
            }
            case Tensor t -> {
                if (name.equals("T")) {
                    if (t.type().rank() != 2) {
                        diagnostics.error(m.member().span(), ".T needs a 2-D tensor, found " + t.type(),
                                "for other ranks use transpose(x, a, b) or permute(x, [...])");
                        return Value.POISON;
                    }
                    Shape s = t.type().shape();
                    int node = lowering.at(m.member().span()).transpose(lowering.node(t), List.of(1, 0));
                    return new Tensor(t.type().withShape(Shape.of(s.dim(1), s.dim(0))), t.constant(), null, node);
                }
                String x = m.target().span().text();
                String hint = switch (name) {
                    case "t", "transpose" -> "write " + x + ".T";
                    case "shape", "size" -> "write size(" + x + ", k) or numel(" + x + ")";
                    case "view" -> "write reshape(" + x + ", [...])";
                    case "detach" -> "write stop_gradient(" + x + ")";
                    case "float" -> "write f32(" + x + ")";
                    case "double" -> "write f64(" + x + ")";
                    case "long", "int" -> "write i32(" + x + ")";
                    default -> Builtins.lookup(name) != null
                            ? "built-ins are functions: write " + name + "(" + m.target().span().text() + ")"
                            : ".T is the only member of a tensor";
                };
                diagnostics.error(m.member().span(), "tensors have no member '" + name + "'", hint);
                return Value.POISON;
            }
            default -> {
                diagnostics.error(m.member().span(), describe(target) + " has no member '" + name + "'");
                return Value.POISON;
            }
        }
    }

    // ---- calls ---------------------------------------------------------------------------------

    private Value call(Expr.Call c, Env env) {
        Value callee = c.callee() instanceof Expr.Name n ? lookup(n.id(), env, true) : eval(c.callee(), env);
        List<Value> values = new ArrayList<>();
        for (Expr.Arg a : c.args()) {
            values.add(Einsum.isEquation(callee, c, a) ? Einsum.EQUATION : eval(a.value(), env));
        }
        return switch (callee) {
            case Value.Poison p -> p;
            case Value.BuiltinRef b -> callBuiltin(b.builtin(), c, values, env);
            case Value.Function f -> callDef(f, c, values, env);
            case Value.Instance i when !bodies.mayCall(i, c) -> Value.POISON;
            case Value.Instance i -> shared(i, c, values, env, () -> intoPrelude(i.layer(),
                    "the forward of '" + i.layer().name().text() + "'", c, () -> bodies.apply(i, c, values, env)));
            case Value.LayerType l -> {
                diagnostics.error(c.span(), "layer '" + l.layer().name().text() + "' must be instantiated in a declaration",
                        "write l = " + c.span().text() + " in the model or layer body, then apply it: l(x)");
                yield Value.POISON;
            }
            case Tensor t -> {
                diagnostics.error(c.callee().span(), "'" + c.callee().span().text() + "' is a tensor " + t.type() + ", not a function");
                yield Value.POISON;
            }
        };
    }

    private Value callBuiltin(Builtin b, Expr.Call c, List<Value> values, Env env) {
        if (b.initOnly() && env.initTarget() == null) {
            diagnostics.error(c.callee().span(), "'" + b.name() + "' is only allowed as a param initializer",
                    "for example: param w: f32[2, 3] = " + b.name() + "(" + String.join(", ", b.signature().positional()) + ")");
            return Value.POISON;
        }
        Arguments.Binding binding = Arguments.bind(b.name(), b.signature(), c.args(), values, c.span(), diagnostics);
        if (binding == null || values.stream().anyMatch(v -> v instanceof Value.Poison)) return Value.POISON;
        return b.rule().apply(new Site(b.name(), c, binding, env, this));
    }

    static Signature signatureOf(List<Param> params) {
        int required = 0;
        while (required < params.size() && params.get(required).defaultValue().isEmpty()) required++;
        return new Signature(params.stream().map(p -> p.name().text()).toList(), required, false, List.of());
    }

    private Value callDef(Value.Function f, Expr.Call c, List<Value> values, Env env) {
        Decl.Def def = f.def();
        if (recursiveDefs.contains(def)) return Value.POISON;
        if (isExpanding(def)) {
            diagnostics.error(c.span(), "def '" + def.name().text() + "' calls itself", "defs are inlined, so recursion cannot end");
            return Value.POISON;
        }
        if (expanding.size() > MAX_INLINE_DEPTH) {
            diagnostics.error(c.span(), "calls of defs and layers are nested more than " + MAX_INLINE_DEPTH + " deep",
                    "defs and layers are inlined at each call; flatten the chain of calls");
            return Value.POISON;
        }
        return shared(def, c, values, env, () -> intoPrelude(def, "'" + def.name().text() + "'", c, () -> inline(f, c, values, env)));
    }

    /**
     * Inlines a call of {@code callee} (a def, or a layer instance's forward), or returns the
     * result of an equal call inlined before in this model (see {@link InlineCache}). A call
     * that reported anything is not kept, so a mistake is reported at every call it affects;
     * nor is one in an initializer, where each call draws its own random numbers, nor one that
     * drew in the training step ({@link StepDraws}).
     */
    private Value shared(Object callee, Expr.Call c, List<Value> values, Env env, Supplier<Value> inline) {
        boolean cacheable = env.initTarget() == null;
        List<Object> key = cacheable ? InlineCache.key(c, values) : null;
        if (cacheable) {
            Value hit = cache.get(callee, key);
            if (hit != null) return hit;
        }
        long reportsBefore = diagnostics.reports();
        int drawsBefore = lowering.stepDraws();
        expansion.calls().push(c);
        Value result;
        try {
            result = inline.get();
        } finally {
            expansion.calls().pop();
        }
        // A call that drew in the step is not shared either: dropout(x) called twice drops twice.
        if (cacheable && diagnostics.reports() == reportsBefore && lowering.stepDraws() == drawsBefore) cache.put(callee, key, result);
        return result;
    }

    private Value inline(Value.Function f, Expr.Call c, List<Value> values, Env env) {
        Decl.Def def = f.def();
        boolean keepNames = cache.keepsNames(def.body(), def.params());
        Scope scope = bindParams(def.name().text(), def.params(), c, values, null, f.file(), env, keepNames);
        if (scope == null) return Value.POISON;
        expanding.push(def);
        callers.push(env.scope());
        try {
            Env inner = new Env(scope, f.file(), env.pathPrefix(), null, env.initTarget());
            return switch (def.body()) {
                case FunctionBody.Expression e -> eval(e.expr(), inner);
                case FunctionBody.Block b -> bodies.block(b, inner, keepNames);
            };
        } finally {
            callers.pop();
            expanding.pop();
        }
    }

    /** The user's call the prelude code being checked runs for (null outside the prelude): where run-time errors point. */
    private Span preludeCall;

    /** Where a run-time error of the code being checked should point: the user's call into the prelude, else {@code own}. */
    Span userSpan(Span own) {
        return preludeCall != null ? preludeCall : own;
    }

    /**
     * Runs {@code work}, a call from the user's file into the prelude's {@code callee}. What goes
     * wrong inside the prelude is reported at the call, since the user can neither see nor
     * change the prelude's code; a note quotes where inside it happened.
     */
    Value intoPrelude(Decl callee, String what, Expr.Call call, Supplier<Value> work) {
        SourceFile prelude = Prelude.source();
        if (callee.span().source() != prelude || call.span().source() == prelude) return work.get();
        Diagnostics outer = diagnostics;
        Diagnostics inner = new Diagnostics();
        diagnostics = inner;
        Span outerCall = preludeCall;
        preludeCall = call.span();
        try {
            return work.get();
        } finally {
            diagnostics = outer;
            preludeCall = outerCall;
            for (Diagnostic d : inner.sorted()) {
                if (d.primary().source() != prelude) {
                    outer.report(d);
                    continue;
                }
                Span inside = d.primary();
                List<Span> related = new ArrayList<>();
                for (Span r : d.related()) {
                    if (r.source() == prelude) inside = inside.to(r);
                    else related.add(r);
                }
                List<String> notes = new ArrayList<>(d.notes());
                notes.add("in " + what + " (from the prelude), at: " + inside.text().strip());
                outer.report(new Diagnostic(d.severity(), call.span(), related, d.message(), notes));
            }
        }
    }

    /**
     * Binds a call's arguments to a def's or forward's parameters in a new scope (chained to
     * {@code parent}), filling defaults and checking type annotations; null after reporting.
     * With {@code keepNames} each argument gets an alias node of its own (see {@link InlineCache#keepsNames}).
     */
    Scope bindParams(String callee, List<Param> params, Expr.Call c, List<Value> values, Scope parent,
                     FileScope file, Env callerEnv, boolean keepNames) {
        Arguments.Binding binding = Arguments.bind(callee, signatureOf(params), c.args(), values, c.span(), diagnostics);
        if (binding == null || values.stream().anyMatch(v -> v instanceof Value.Poison)) return null;
        Scope scope = new Scope(parent);
        Annotations annotations = new Annotations(this, callee, parent);
        for (Param p : params) {
            Arguments.Bound bound = binding.get(p.name().text());
            Value v;
            if (bound != null) v = bound.value();
            else v = eval(p.defaultValue().orElseThrow(), new Env(new Scope(parent), file, callerEnv.pathPrefix(), null, null));
            if (v instanceof Value.Poison) return null;
            if (p.type().isPresent() && !annotations.matches(p, v, bound != null ? bound.span() : c.span())) return null;
            if (keepNames) v = lowering.named(v, p.name().text(), bound != null ? bound.span() : c.span());
            scope.define(p.name().text(), new Binding(Binding.Kind.ARGUMENT, v, p.name().span(), p.name().text()));
        }
        return scope;
    }
}
