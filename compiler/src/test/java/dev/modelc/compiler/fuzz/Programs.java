package dev.modelc.compiler.fuzz;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Random files that follow the grammar (mostly) but not the type and shape rules: random
 * declarations with random dtypes and shapes, and random expressions over them built from every
 * operator and built-in, so the checker, not only the parser, sees thousands of odd inputs.
 */
final class Programs {
    private Programs() {
    }

    private static final List<String> BINARY = List.of("+", "-", "*", "/", "@", "**", "<", "<=", ">", ">=", "==", "!=", "&", "|");
    private static final List<String> UNARY_OPS = List.of("-", "+", "~");
    private static final List<String> UNARY_FNS = List.of(
            "neg", "abs", "exp", "log", "log1p", "sqrt", "square", "sin", "cos", "tanh", "sigmoid", "relu", "softplus",
            "sign", "stop_gradient", "f32", "f64", "i32", "bool", "softmax", "log_softmax", "numel", "sum", "mean",
            "max", "min", "logsumexp", "argmax", "arange", "zeros", "ones", "randn", "rand_like", "randn_like", "bernoulli");
    private static final List<String> REDUCTIONS = List.of("sum", "mean", "max", "min", "logsumexp", "argmax", "softmax",
            "log_softmax", "squeeze", "unsqueeze", "var", "std", "norm", "layer_norm", "flatten", "prod", "cumsum");
    private static final List<String> BINARY_FNS = List.of("maximum", "minimum", "mse_loss", "l1_loss", "bce",
            "bce_with_logits", "cross_entropy", "soft_cross_entropy", "nll_loss", "accuracy", "max", "one_hot", "gather", "conv1d", "conv2d", "size",
            "transpose", "full", "broadcast_to", "reshape", "permute", "cat", "stack", "grad", "dropout", "bernoulli");
    private static final List<String> POOLS = List.of("max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d");
    private static final List<String> POOL_OPTIONS = List.of("", ", stride = 2", ", padding = 1", ", stride = [1, 2]",
            ", padding = [0, 1]", ", stride = 0", ", padding = -1", ", stride = 2, padding = 1", ", [2, 2]");
    /** einsum equations, well formed and not: repeated letters, implicit outputs, unknown letters, spaces, ellipses. */
    private static final List<String> EQUATIONS = List.of("ij,jk->ik", "ij,jk", "ii", "ii->i", "ij->ji", "i,i->", "ij->iz",
            "ij,jk->ikk", "i j", "...ij", "ij->", "", "->", "a,b,c", "ij-jk", "ij,,jk");
    private static final List<String> DTYPES = List.of("f32", "f32", "f32", "f64", "i32", "bool", "float", "f16");
    private static final List<String> DIMS = List.of("1", "2", "3", "4", "N", "N", "M", "0", "C", "k");

    private static Arbitrary<String> smallInt() {
        return Arbitraries.of("0", "1", "2", "-1", "-2", "3", "5", "-7", "100", "2147483648");
    }

    private static Arbitrary<String> shapeList() {
        return Arbitraries.of("1", "2", "3", "-1", "0", "N", "6", "-2").list().ofMaxSize(4)
                .map(ds -> "[" + String.join(", ", ds) + "]");
    }

    private static Arbitrary<String> literal() {
        return Arbitraries.of("0", "1", "2", "0.5", "-1", "1e-5", "2.5E3", ".5", "4.", "1e309", "1e-400", "2147483648",
                "99999999999999999999", "true", "false", "[1, 2, 3]", "[[1, 2], [3, 4]]", "[[1, 2], [3]]", "[]",
                "[[]]", "[true, false]", "[1.5, -2]", "zeros([2, 3])", "ones([3])", "full([2, 2], 7)", "arange(4)",
                "numel([1, 2])", "1 / 0", "0 / 0", "2 ** 1000", "-(2 ** 31)", "\"ij\"", "\"\"", "prod([1, 2, 3])");
    }

    private static Arbitrary<String> subscript(Arbitrary<String> e) {
        Arbitrary<String> one = Arbitraries.frequencyOf(
                Tuple.of(3, smallInt()),
                Tuple.of(2, Arbitraries.just(":")),
                Tuple.of(3, Combinators.combine(smallInt().optional(), smallInt().optional(), smallInt().optional())
                        .as((lo, hi, st) -> lo.orElse("") + ":" + hi.orElse("") + st.map(s -> ":" + s).orElse(""))),
                Tuple.of(1, e));
        return one.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(", ", l));
    }

    /** Expressions over {@code names}, at most {@code depth} operators deep. */
    static Arbitrary<String> expr(List<String> names, int depth) {
        Arbitrary<String> atom = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(names)),
                Tuple.of(3, literal()));
        return Arbitraries.recursive(() -> atom, e -> Arbitraries.oneOf(List.of(
                e,
                Combinators.combine(e, Arbitraries.of(BINARY), e).as((a, op, b) -> a + " " + op + " " + b),
                Combinators.combine(Arbitraries.of(UNARY_OPS), e).as((op, a) -> op + a),
                e.map(a -> "(" + a + ")"),
                Combinators.combine(Arbitraries.of(UNARY_FNS), e).as((f, a) -> f + "(" + a + ")"),
                Combinators.combine(Arbitraries.of(REDUCTIONS), e, smallInt(), Arbitraries.of("", ", keepdims = true",
                        ", keepdims = false", ", dim = 0", ", 1")).as((f, a, k, more) -> f + "(" + a + ", axis = " + k + more + ")"),
                Combinators.combine(Arbitraries.of(BINARY_FNS), e, e).as((f, a, b) -> f + "(" + a + ", " + b + ")"),
                Combinators.combine(e, subscript(e)).as((a, s) -> a + "[" + s + "]"),
                e.map(a -> a + ".T"),
                Combinators.combine(e, shapeList()).as((a, s) -> "reshape(" + a + ", " + s + ")"),
                Combinators.combine(e, shapeList()).as((a, s) -> "broadcast_to(" + a + ", " + s + ")"),
                Combinators.combine(e, shapeList()).as((a, s) -> "permute(" + a + ", " + s + ")"),
                Combinators.combine(e, smallInt(), smallInt()).as((a, i, j) -> "transpose(" + a + ", " + i + ", " + j + ")"),
                Combinators.combine(Arbitraries.of("cat", "stack"), e, e, smallInt())
                        .as((f, a, b, k) -> f + "(" + a + ", " + b + ", axis = " + k + ")"),
                Combinators.combine(e, e, e).as((m, a, b) -> "where(" + m + ", " + a + ", " + b + ")"),
                Combinators.combine(e, Arbitraries.of(names)).as((y, x) -> "grad(sum(" + y + "), " + x + ")"),
                Combinators.combine(e, Arbitraries.of(names)).as((y, x) -> "grad(" + y + ", " + x + ")"),
                Combinators.combine(e, smallInt()).as((a, k) -> "one_hot(" + a + ", " + k + ")"),
                Combinators.combine(e, e, smallInt()).as((a, b, k) -> "gather(" + a + ", " + b + ", axis = " + k + ")"),
                Combinators.combine(Arbitraries.of(POOLS), e, smallInt(), Arbitraries.of(POOL_OPTIONS))
                        .as((f, a, k, more) -> f + "(" + a + ", " + k + more + ")"),
                Combinators.combine(Arbitraries.of(EQUATIONS), e, e).as((q, a, b) -> "einsum(\"" + q + "\", " + a + ", " + b + ")"),
                Combinators.combine(Arbitraries.of(EQUATIONS), e).as((q, a) -> "einsum(\"" + q + "\", " + a + ")"),
                Combinators.combine(e, e).as((a, b) -> "(" + a + ")[i32(" + b + ")]"),
                Combinators.combine(e, smallInt()).as((a, k) -> "size(" + a + ", " + k + ")"),
                Combinators.combine(shapeList(), e, Arbitraries.of("", ", dtype = i32", ", dtype = f64", ", dtype = x"))
                        .as((s, v, d) -> "full(" + s + ", " + v + d + ")"),
                Combinators.combine(Arbitraries.of(names), e).as((f, a) -> f + "(" + a + ")"),
                Combinators.combine(Arbitraries.of(names), Arbitraries.of("weight", "bias", "w", "T", "sum", "t", "x"))
                        .as((a, m) -> a + "." + m)
        )), 0, depth);
    }

    private static Arbitrary<String> type() {
        return Combinators.combine(Arbitraries.of(DTYPES), Arbitraries.of(DIMS).list().ofMaxSize(3),
                        Arbitraries.of(true, true, true, false))
                .as((d, dims, bracket) -> bracket ? d + "[" + String.join(", ", dims) + "]" : d);
    }

    private static Arbitrary<String> init() {
        return Arbitraries.of("randn()", "rand()", "zeros()", "ones()", "full(0.5)", "normal(0, 1)",
                "uniform(-1, 1)", "[1, 2, 3]", "[[1, 2], [3, 4]]", "0", "normal(0)", "x", "randn", "uniform(1)");
    }

    /** A def, a layer and a model with random declarations, locals, outputs, loss, updates and train block. */
    static Arbitrary<String> program() {
        List<String> defNames = List.of("a", "b", "sq", "x");
        List<String> modelNames = List.of("x", "y", "w", "b", "c", "h", "l", "sq", "d", "N", "loss");
        Arbitrary<String> def = Combinators.combine(Arbitraries.of(true, false), expr(defNames, 2), expr(List.of("a", "b", "t", "sq"), 2))
                .as((block, e1, e2) -> block
                        ? "def d(a, b = 1) {\n  t = " + e1 + "\n  return " + e2 + "\n}\n"
                        : "def d(a, b = 1) = " + e1 + "\n");
        Arbitrary<String> layer = Combinators.combine(type(), init(), expr(List.of("x", "p", "n", "sq"), 2))
                .as((t, i, f) -> "layer L(n) {\n  param p: " + t + " = " + i + "\n  forward(x) = " + f + "\n}\n");
        Arbitrary<String> decls = Combinators.combine(type(), type(), type(), init(), type(), init(),
                        expr(List.of("x", "N", "sq"), 1), Arbitraries.of("L(3)", "L(N)", "Linear(3, 2)", "L()", "L(2, 2)", "3"))
                .as((tx, ty, tw, iw, tb, ib, c, l) -> "  input x: " + tx + "\n  input y: " + ty + "\n  param w: " + tw
                        + " = " + iw + "\n  param b: " + tb + " = " + ib + "\n  const c = " + c + "\n  l = " + l + "\n");
        Arbitrary<String> e = expr(modelNames, 3);
        Arbitrary<String> tail = Combinators.combine(e, e, e, e.optional(), Arbitraries.of(
                        "", "  train { batch = 2; epochs = 1; optimizer = sgd(lr = 0.1) }\n",
                        "  train { batch = 0; epochs = -1; shuffle = 3; optimizer = adam(lr = x) }\n",
                        "  train { optimizer = rmsprop(lr = 1) ; batch = 2; batch = 3 }\n",
                        "  update w = w - 0.1 * grad(loss, w)\n", "  update w = b\n  update w = w\n",
                        "  update l.weight = l.weight\n"))
                .as((h, o, lo, extra, tr) -> "  h = " + h + "\n  output o = " + o + "\n  loss = " + lo + "\n"
                        + extra.map(x -> "  output z = " + x + "\n").orElse("") + tr);
        return Combinators.combine(def, layer, decls, tail)
                .as((d, l, ds, t) -> "def sq(a) = a * a\n" + d + l + "model M {\n" + ds + t + "}\n");
    }

    // ---------------------------------------------------------------- well-typed programs

    /**
     * Expressions that are always f32 tensors broadcastable with {@code f32[N, 3]}: the atoms
     * are tensors of shape {@code [N, 3]} or {@code [3]}, constants appear only beside a tensor,
     * and every operation maps those shapes to those shapes (or to {@code [N, 1]}/{@code [1]},
     * which broadcast back; a matmul's operand is first multiplied by {@code x} to make it
     * {@code [N, 3]}). So every program from {@link #wellTyped()} is valid and must check.
     *
     * @param tensors  names of f32 tensors in scope
     * @param inModel  whether the model's params, const, layer instance and input are in scope
     */
    static Arbitrary<String> typedExpr(List<String> tensors, boolean inModel, int depth) {
        Arbitrary<String> atom = inModel
                ? Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.of(tensors)),
                        Tuple.of(1, Arbitraries.of("w[0:3]", "b[::1]", "x[:, 0:3]", "x[:, 0:3:1]", "x[-2:, :][0]", "m[1]")))
                : Arbitraries.of(tensors);
        Arbitrary<String> constant = inModel
                ? Arbitraries.of("1", "2", "0.5", "1e-3", ".25", "3.", "2.5E1", "(1 / 3)", "k", "(k * 2 - 1)", "-1")
                : Arbitraries.of("1", "2", "0.5", "1e-3", "c", "(c / 3)", "-1");
        Arbitrary<String> fn = inModel
                ? Arbitraries.of("exp", "tanh", "sigmoid", "relu", "abs", "square", "softplus", "sin", "cos", "neg",
                        "stop_gradient", "f32", "d", "sq")
                : Arbitraries.of("exp", "tanh", "sigmoid", "relu", "abs", "square", "softplus", "neg", "sq");
        Arbitrary<String> op = Arbitraries.of("+", "-", "*");
        return Arbitraries.recursive(() -> atom, e -> {
            List<Tuple.Tuple2<Integer, Arbitrary<String>>> alternatives = new ArrayList<>(List.of(
                    Tuple.of(4, e),
                    Tuple.of(5, Combinators.combine(e, op, e).as((a, o, b) -> "(" + a + " " + o + " " + b + ")")),
                    Tuple.of(3, Combinators.combine(e, op, constant, Arbitraries.of(true, false))
                            .as((a, o, k, left) -> left ? "(" + k + " " + o + " " + a + ")" : "(" + a + " " + o + " " + k + ")")),
                    Tuple.of(1, Combinators.combine(e, constant).as((a, k) -> "(" + a + " / " + k + ")")),
                    Tuple.of(1, e.map(a -> "-" + a)),
                    Tuple.of(1, e.map(a -> "(" + a + " / (1 + " + a + " ** 2))")),
                    Tuple.of(1, e.map(a -> a + " ** 2")),
                    Tuple.of(3, Combinators.combine(fn, e).as((f, a) -> f + "(" + a + ")")),
                    Tuple.of(1, e.map(a -> "log(abs(" + a + ") + 1)")),
                    Tuple.of(1, e.map(a -> "sqrt(abs(" + a + ") + 1e-6)")),
                    Tuple.of(1, Combinators.combine(Arbitraries.of("maximum", "minimum"), e, e)
                            .as((f, a, b) -> f + "(" + a + ", " + b + ")")),
                    Tuple.of(1, Combinators.combine(e, e, e).as((m, a, b) -> "where(" + m + " > 0, " + a + ", " + b + ")")),
                    Tuple.of(1, Combinators.combine(Arbitraries.of("sum", "mean", "max", "min", "logsumexp"), e)
                            .as((f, a) -> f + "(" + a + ", axis = -1, keepdims = true)")),
                    Tuple.of(1, Combinators.combine(Arbitraries.of("softmax", "log_softmax"), e)
                            .as((f, a) -> f + "(" + a + ", axis = -1)"))));
            if (inModel) {
                alternatives.addAll(List.of(
                        Tuple.of(1, e.map(a -> "((x * " + a + ") @ m)")),
                        Tuple.of(1, e.map(a -> "(x * " + a + ") @ m.T")),
                        Tuple.of(1, e.map(a -> "lin(x * " + a + ")")),
                        Tuple.of(1, Combinators.combine(e, Arbitraries.of("w", "b")).as((a, p) -> "grad(sum(" + a + " * x), " + p + ")")),
                        Tuple.of(1, e.map(a -> "grad(mean(" + a + " * x), m)[0]")),
                        Tuple.of(1, e.map(a -> "grad(mean((" + a + " * x) ** 2), x)")),
                        Tuple.of(1, e.map(a -> "dropout(" + a + ", 0.5)")),
                        Tuple.of(1, e.map(a -> "(" + a + " * rand_like(" + a + "))")),
                        Tuple.of(1, e.map(a -> "(" + a + " + randn_like(" + a + "))")),
                        Tuple.of(1, e.map(a -> "(" + a + " * bernoulli(0.5, [3]))"))));
            }
            return Arbitraries.frequencyOf(alternatives);
        }, 0, depth);
    }

    /** A valid file: a def in both forms, a layer, and a model whose every value is f32[N, 3]-compatible. */
    static Arbitrary<String> wellTyped() {
        Arbitrary<String> defBody = typedExpr(List.of("a"), false, 2);
        Arbitrary<String> header = Combinators.combine(defBody, Arbitraries.of(true, false))
                .as((d, block) -> "def sq(a) = a * a\n"
                        + (block ? "def d(a, c = 2) {\n  t = " + d + "\n  return t * c\n}\n" : "def d(a, c = 2) = " + d + "\n")
                        + "layer Lin(n) {\n  param p: f32[n, n] = normal(0, 0.1)\n  param q: f32[n] = zeros()\n"
                        + "  forward(a) = a @ p.T + q\n}\n");
        Arbitrary<List<String>> locals = typedExpr(List.of("x", "w", "b", "h0"), true, 3).list().ofMinSize(1).ofMaxSize(4);
        Arbitrary<String> train = Arbitraries.of("", "  update w = w - 0.1 * grad(loss, w)\n",
                "  train { batch = 4; epochs = 2; shuffle = true; optimizer = sgd(lr = 0.1, momentum = 0.9) }\n",
                "  train { optimizer = adam(lr = 1e-3) }\n");
        return Combinators.combine(header, locals, typedExpr(List.of("x", "w", "h0", "h1"), true, 3), train)
                .as((h, ls, out, tr) -> {
                    StringBuilder m = new StringBuilder(h).append("model M {\n  input x: f32[N, 3]\n")
                            .append("  param w: f32[3] = randn()\n  param b: f32[3] = zeros()\n")
                            .append("  param m: f32[3, 3] = uniform(-1, 1)\n  const k = 3\n  lin = Lin(3)\n")
                            .append("  h0 = x * w + b\n");
                    for (int i = 0; i < ls.size(); i++) {
                        m.append("  h").append(i + 1).append(" = ").append(ls.get(i).replace("h0", "h" + i)).append('\n');
                    }
                    return m.append("  output o = h").append(ls.size()).append(" + ").append(out).append('\n')
                            .append("  loss = mean((o - x) ** 2) + 1e-3 * sum(w ** 2)\n")
                            .append(tr).append("}\n").toString();
                });
    }

    // ---------------------------------------------------------------- shape built-ins

    /** Integers where shape arithmetic goes wrong: zero, negatives, the i32 and i64 limits and beyond. */
    private static final List<String> SMALL_INTS = List.of("0", "1", "2", "3", "4", "-1", "-2", "-3", "-5", "24");
    private static final List<String> HUGE_INTS = List.of("2147483647", "2147483648", "-2147483648", "4294967296",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "99999999999999999999");

    /**
     * Calls of the shape-making built-ins with edge-case constant arguments, nested up to three
     * deep, applied to {@code x: f32[2, 3, 4]} or {@code y: f32[N, 4]}; each file's outputs are
     * the calls, so whatever shape checks must be a real one.
     */
    static Arbitrary<String> shapeCalls() {
        Arbitrary<String> n = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(SMALL_INTS)), Tuple.of(1, Arbitraries.of(HUGE_INTS)));
        Arbitrary<String> list = n.list().ofMinSize(0).ofMaxSize(4).map(l -> "[" + String.join(", ", l) + "]");
        Arbitrary<String> slice = Combinators.combine(n.optional(), n.optional(), n.optional(), Arbitraries.of(true, false))
                .as((a, b, c, isSlice) -> isSlice
                        ? a.orElse("") + ":" + b.orElse("") + c.map(v -> ":" + v).orElse("")
                        : a.orElse("0"));
        Arbitrary<String> base = Arbitraries.of("x", "y", "x", "arange(6)", "zeros([2, 3])", "ones([4])");
        return Arbitraries.recursive(() -> base, e -> Arbitraries.oneOf(List.of(
                n.map(k -> "arange(" + k + ")"),
                Combinators.combine(Arbitraries.of("zeros", "ones"), list).as((f, l) -> f + "(" + l + ")"),
                Combinators.combine(list, n).as((l, v) -> "full(" + l + ", " + v + ")"),
                Combinators.combine(e, list).as((a, l) -> "reshape(" + a + ", " + l + ")"),
                Combinators.combine(e, list).as((a, l) -> "broadcast_to(" + a + ", " + l + ")"),
                Combinators.combine(e, list).as((a, l) -> "permute(" + a + ", " + l + ")"),
                Combinators.combine(e, n, n).as((a, i, j) -> "transpose(" + a + ", " + i + ", " + j + ")"),
                Combinators.combine(e, slice.list().ofMinSize(1).ofMaxSize(4))
                        .as((a, ss) -> "(" + a + ")[" + String.join(", ", ss) + "]"),
                Combinators.combine(Arbitraries.of("unsqueeze", "squeeze", "sum", "mean", "max", "min", "logsumexp",
                        "argmax", "softmax", "log_softmax"), e, n, Arbitraries.of("", ", keepdims = true"))
                        .as((f, a, k, kd) -> f + "(" + a + ", axis = " + k + (f.equals("unsqueeze") || f.equals("squeeze")
                                || f.startsWith("soft") || f.startsWith("log_") ? "" : kd) + ")"),
                Combinators.combine(Arbitraries.of("sum", "mean", "max"), e, list)
                        .as((f, a, l) -> f + "(" + a + ", axis = " + l + ")"),
                Combinators.combine(Arbitraries.of("cat", "stack"), e, e, n)
                        .as((f, a, b, k) -> f + "(" + a + ", " + b + ", axis = " + k + ")"),
                Combinators.combine(n, n).as((k, c) -> "one_hot(arange(" + k + "), " + c + ")"),
                Combinators.combine(e, e).as((a, b) -> "(" + a + ")[i32(" + b + ")]"),
                Combinators.combine(e, n).as((a, k) -> "(" + a + ")[arange(" + k + ")]"),
                Combinators.combine(e, e, n).as((a, b, k) -> "gather(" + a + ", i32(" + b + "), axis = " + k + ")"),
                Combinators.combine(Arbitraries.of("conv1d", "conv2d"), e, e, Arbitraries.of("stride", "padding", "dilation", "groups"),
                        Arbitraries.oneOf(n, list)).as((f, a, b, opt, v) -> f + "(" + a + ", " + b + ", " + opt + " = " + v + ")"),
                Combinators.combine(list, list, n, n).as((xs, ws, s, p) -> "conv2d(zeros(" + xs + "), ones(" + ws + "), stride = "
                        + s + ", padding = " + p + ")"),
                Combinators.combine(e, n).as((a, k) -> "full([size(" + a + ", " + k + ")], 1)"),
                Combinators.combine(Arbitraries.of(POOLS), e, n, n).as((f, a, k, st) -> f + "(" + a + ", " + k + ", stride = " + st + ")"),
                Combinators.combine(Arbitraries.of(POOLS), e, list).as((f, a, k) -> f + "(" + a + ", " + k + ")"),
                Combinators.combine(Arbitraries.of("prod", "cumsum"), e, n).as((f, a, k) -> f + "(" + a + ", axis = " + k + ")"),
                Combinators.combine(Arbitraries.of(EQUATIONS), e, e).as((q, a, b) -> "einsum(\"" + q + "\", " + a + ", " + b + ")"),
                e.map(a -> "arange(numel(" + a + "))"),
                e.map(a -> "(" + a + ").T"),
                Combinators.combine(e, e).as((a, b) -> "(" + a + ") @ (" + b + ")"),
                Combinators.combine(e, e).as((a, b) -> "(" + a + ") + (" + b + ")"))), 1, 3)
                .list().ofMinSize(1).ofMaxSize(3)
                .map(outs -> {
                    StringBuilder m = new StringBuilder("model M {\n  input x: f32[2, 3, 4]\n  input y: f32[N, 4]\n");
                    for (int i = 0; i < outs.size(); i++) m.append("  output o").append(i).append(" = ").append(outs.get(i)).append('\n');
                    return m.append("}\n").toString();
                });
    }
}
