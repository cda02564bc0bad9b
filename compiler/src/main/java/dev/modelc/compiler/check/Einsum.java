package dev.modelc.compiler.check;

import dev.modelc.compiler.ast.Expr;
import dev.modelc.compiler.check.Value.Tensor;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.graph.BinaryFn;
import dev.modelc.compiler.graph.Emitter;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.Shape;
import dev.modelc.compiler.types.TensorType;
import dev.modelc.runtime.DType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code einsum("ij,jk->ik", a, b)}, {@code torch.einsum} with a constant equation in NumPy's
 * subscripts: a letter per axis, operands separated by commas, the output after {@code ->}
 * (without it, the letters written once, in alphabetical order); a letter repeated in one
 * operand takes its diagonal, a letter missing from the output is summed over. No ellipsis.
 * It is lowered to ops the graph already has, so derivatives and every backend come with them:
 * per operand, diagonals (a mask of equal positions, summed) and sums over the letters no one
 * else needs; then the operands left to right, each pair a matmul over the letters they share
 * and no later one needs (transposed and reshaped to {@code [batch, m, k] @ [batch, k, n]}), or
 * a broadcast product when they share none; last a transpose to the output's order.
 */
final class Einsum {
    private Einsum() {
    }

    /** Why a string stands where a value was expected. */
    static final String STRING_NOTE = "the only string the language takes is the equation of einsum, its first argument: "
            + "einsum(\"ij,jk->ik\", a, b)";

    /** What the equation argument evaluates to before the rule reads its text: never read as a tensor. */
    static final Value EQUATION = new Tensor(TensorType.weakInt(Shape.SCALAR), true, Folding.scalar(0));

    /** Whether {@code a} is the equation of a call of einsum (its first argument, a string). */
    static boolean isEquation(Value callee, Expr.Call c, Expr.Arg a) {
        return callee instanceof Value.BuiltinRef(Builtin b) && b.name().equals("einsum") && a.keyword().isEmpty()
                && c.args().getFirst() == a && a.value() instanceof Expr.Str;
    }

    static void define() {
        Builtins.define("einsum", Signature.variadic("operands"), Einsum::einsum);
    }

    /** An operand's letters, one per axis (after diagonals, fewer). */
    private record Term(String letters, int node) {
    }

    private static Value einsum(Site s) {
        List<Arguments.Bound> args = s.args.rest();
        if (!(args.getFirst().expr() instanceof Expr.Str equation)) {
            return s.failAt(args.getFirst().span(), "einsum needs its equation first, as a string, found "
                    + args.getFirst().expr().span().text(), "write einsum(\"ij,jk->ik\", a, b)");
        }
        List<Arguments.Bound> operands = args.subList(1, args.size());
        List<Tensor> tensors = new ArrayList<>();
        for (Arguments.Bound b : operands) {
            Tensor t = s.tensor(b);
            if (t == null) return Value.POISON;
            if (!t.type().dtype().isNumeric()) {
                return s.failAt(b.span(), "'einsum' needs numbers, found " + t.type(), "convert a mask with f32(...)");
            }
            tensors.add(t);
        }
        String text = equation.value();
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            boolean arrow = ch == '-' && i + 1 < text.length() && text.charAt(i + 1) == '>' || ch == '>' && i > 0 && text.charAt(i - 1) == '-';
            if (isLetter(ch) || ch == ',' || arrow) continue;
            Span at = within(equation, i, i + 1);
            if (ch == '.') {
                return s.failAt(at, "einsum's equation has an ellipsis, which modelc does not take",
                        "name every axis with a letter: \"...ij,...jk\" is \"bij,bjk\" for one batch axis");
            }
            return s.failAt(at, "bad character '" + text.substring(i, i + 1).replace("\"", "\\\"") + "' in einsum's equation",
                    "subscripts are letters (a-z, A-Z), one per axis, operands separated by ',' and the output after '->', "
                            + "with no spaces: \"ij,jk->ik\"");
        }
        int arrowAt = text.indexOf("->");
        if (arrowAt >= 0 && text.indexOf("->", arrowAt + 1) >= 0) {
            return s.failAt(within(equation, text.indexOf("->", arrowAt + 1), text.indexOf("->", arrowAt + 1) + 2),
                    "einsum's equation has more than one '->'", "the output follows the only '->': \"ij,jk->ik\"");
        }
        String inputs = arrowAt >= 0 ? text.substring(0, arrowAt) : text;
        List<String> terms = List.of(inputs.split(",", -1));
        if (terms.size() != tensors.size()) {
            return s.failAt(tensors.isEmpty() ? equation.span() : operandsSpan(operands), "einsum's equation \"" + text + "\" names "
                            + count(terms.size(), "operand") + ", found " + count(tensors.size(), "tensor"),
                    "write one tensor after the equation for each comma-separated term before '->'");
        }
        // Each letter's size, from its first axis; the operand that gave it, for messages.
        Map<Character, Dim> sizes = new LinkedHashMap<>();
        Map<Character, Integer> from = new LinkedHashMap<>();
        Map<Character, Integer> uses = new LinkedHashMap<>();
        int offset = 0;
        for (int k = 0; k < terms.size(); k++) {
            String term = terms.get(k);
            Shape shape = tensors.get(k).type().shape();
            if (term.length() != shape.rank()) {
                return s.failAt(operands.get(k).span(), "einsum's subscripts \"" + term + "\" name " + count(term.length(), "axis", "axes")
                                + ", but operand " + k + " is " + tensors.get(k).type() + " (" + count(shape.rank(), "axis", "axes") + ")",
                        "an operand needs one letter per axis");
            }
            for (int i = 0; i < term.length(); i++) {
                char l = term.charAt(i);
                uses.merge(l, 1, Integer::sum);
                Dim size = shape.dim(i);
                Dim known = sizes.putIfAbsent(l, size);
                from.putIfAbsent(l, k);
                if (known != null && !known.equals(size)) {
                    int first = from.get(l);
                    return s.failAt(within(equation, offset + i, offset + i + 1), "letter '" + l + "' stands for two sizes: " + known
                                    + " in operand " + first + " (" + tensors.get(first).type() + ") and " + size + " in operand " + k
                                    + (first == k ? "" : " (" + tensors.get(k).type() + ")"),
                            "axes named by the same letter must have the same size; einsum does not broadcast");
                }
            }
            offset += term.length() + 1;
        }
        String output;
        if (arrowAt >= 0) {
            output = text.substring(arrowAt + 2);
            for (int i = 0; i < output.length(); i++) {
                char l = output.charAt(i);
                Span at = within(equation, arrowAt + 2 + i, arrowAt + 3 + i);
                if (!sizes.containsKey(l)) {
                    return s.failAt(at, "einsum's output letter '" + l + "' names no axis of an operand",
                            "the output may only use letters of the operands: " + letters(sizes));
                }
                if (output.indexOf(l) != i) return s.failAt(at, "letter '" + l + "' appears twice in einsum's output");
            }
        } else {
            StringBuilder implicit = new StringBuilder();
            uses.entrySet().stream().filter(u -> u.getValue() == 1).map(Map.Entry::getKey).sorted().forEach(implicit::append);
            output = implicit.toString();
        }

        TensorType type = tensors.getFirst().type();
        for (Tensor t : tensors) {
            if (DTypes.join(type, t.type()) instanceof DTypes.Joined.Ok ok) type = new TensorType(ok.dtype(), ok.weak(), type.shape());
            else {
                DTypes.Joined.Mismatch m = (DTypes.Joined.Mismatch) DTypes.join(type, t.type());
                return s.failAt(operands.get(tensors.indexOf(t)).span(), "einsum cannot multiply " + type + " and " + t.type(), m.note());
            }
        }
        List<Dim> outDims = new ArrayList<>();
        for (char l : output.toCharArray()) outDims.add(sizes.get(l));
        TensorType result = type.withShape(new Shape(outDims));
        DType d = Lowering.natural(result);
        Emitter e = s.at();
        boolean constant = true;
        List<Term> pending = new ArrayList<>();
        for (int k = 0; k < tensors.size(); k++) {
            constant &= tensors.get(k).constant();
            pending.add(diagonals(e, new Term(terms.get(k), s.lowering().as(tensors.get(k), d))));
        }
        Term acc = null;
        for (int k = 0; k < pending.size(); k++) {
            StringBuilder later = new StringBuilder(output);
            for (int j = k + 1; j < pending.size(); j++) later.append(pending.get(j).letters());
            Term next = pending.get(k);
            if (acc == null) {
                acc = sumOut(e, next, later.toString(), "");
                continue;
            }
            acc = sumOut(e, acc, later.toString(), next.letters());
            next = sumOut(e, next, later.toString(), acc.letters());
            acc = pair(e, acc, next, later.toString());
        }
        acc = sumOut(e, acc, output, "");
        List<Integer> perm = new ArrayList<>();
        for (char l : output.toCharArray()) perm.add(acc.letters().indexOf(l));
        return new Tensor(result, constant, null, e.transpose(acc.node(), perm));
    }

    /** The operand with each repeated letter's diagonal taken: {@code sum(where(i == j, x, 0), axis = j)}. */
    private static Term diagonals(Emitter e, Term t) {
        String letters = t.letters();
        int node = t.node();
        for (int q = 0; q < letters.length(); q++) {
            int p = letters.indexOf(letters.charAt(q));
            if (p == q) continue;
            Shape shape = e.shape(node);
            Dim n = shape.dim(p);
            int equal = e.binary(BinaryFn.EQ, position(e, n, shape.rank(), p), position(e, n, shape.rank(), q));
            node = e.sum(e.where(equal, node, e.full(0, e.dtype(node), Shape.SCALAR)), List.of(q), false);
            letters = letters.substring(0, q) + letters.substring(q + 1);
            q--;
        }
        return new Term(letters, node);
    }

    /** The term summed over its letters that neither {@code needed} nor {@code partner} has. */
    private static Term sumOut(Emitter e, Term t, String needed, String partner) {
        List<Integer> axes = new ArrayList<>();
        StringBuilder kept = new StringBuilder();
        for (int i = 0; i < t.letters().length(); i++) {
            char l = t.letters().charAt(i);
            if (needed.indexOf(l) < 0 && partner.indexOf(l) < 0) axes.add(i);
            else kept.append(l);
        }
        return new Term(kept.toString(), e.sum(t.node(), axes, false));
    }

    /**
     * The product of two terms, summed over the letters they share that {@code later} (the
     * output and the operands still to come) does not have. Each letter of either is in the
     * other or in {@code later} (see {@link #sumOut}).
     */
    private static Term pair(Emitter e, Term a, Term b, String later) {
        StringBuilder batch = new StringBuilder(), contracted = new StringBuilder(), onlyA = new StringBuilder(), onlyB = new StringBuilder();
        for (char l : a.letters().toCharArray()) {
            if (b.letters().indexOf(l) < 0) onlyA.append(l);
            else if (later.indexOf(l) >= 0) batch.append(l);
            else contracted.append(l);
        }
        for (char l : b.letters().toCharArray()) if (a.letters().indexOf(l) < 0) onlyB.append(l);
        String letters = "" + batch + onlyA + onlyB;
        if (contracted.isEmpty() || !e.dtype(a.node()).isFloating()) {
            // A broadcast product over [batch, onlyA, onlyB, contracted], summed over the contracted letters.
            String all = letters + contracted;
            int product = e.mul(spread(e, a, all), spread(e, b, all));
            List<Integer> axes = new ArrayList<>();
            for (int i = letters.length(); i < all.length(); i++) axes.add(i);
            return new Term(letters, e.sum(product, axes, false));
        }
        // [batch, m, k] @ [batch, k, n], m, k and n each the letters' sizes multiplied.
        int left = grouped(e, a, List.of(batch.toString(), onlyA.toString(), contracted.toString()));
        int right = grouped(e, b, List.of(batch.toString(), contracted.toString(), onlyB.toString()));
        int product = e.matmul(left, right);
        List<Dim> dims = new ArrayList<>();
        for (char l : letters.toCharArray()) dims.add(sizeOf(e, l, a, b));
        return new Term(letters, e.reshape(product, new Shape(dims)));
    }

    /** The term transposed to the letters of {@code all} it has, in that order, with axes of size 1 for the others. */
    private static int spread(Emitter e, Term t, String all) {
        List<Integer> perm = new ArrayList<>();
        List<Dim> dims = new ArrayList<>();
        Shape shape = e.shape(t.node());
        for (char l : all.toCharArray()) {
            int at = t.letters().indexOf(l);
            if (at >= 0) perm.add(at);
            dims.add(at >= 0 ? shape.dim(at) : Dim.of(1));
        }
        return e.reshape(e.transpose(t.node(), perm), new Shape(dims));
    }

    /** The term transposed to the batch letters, then each further group merged into one axis. */
    private static int grouped(Emitter e, Term t, List<String> groups) {
        List<Integer> perm = new ArrayList<>();
        List<Dim> dims = new ArrayList<>();
        Shape shape = e.shape(t.node());
        for (int g = 0; g < groups.size(); g++) {
            Dim merged = Dim.of(1);
            for (char l : groups.get(g).toCharArray()) {
                int at = t.letters().indexOf(l);
                perm.add(at);
                if (g == 0) dims.add(shape.dim(at));
                else merged = merged.times(shape.dim(at));
            }
            if (g > 0) dims.add(merged);
        }
        return e.reshape(e.transpose(t.node(), perm), new Shape(dims));
    }

    private static Dim sizeOf(Emitter e, char l, Term a, Term b) {
        int at = a.letters().indexOf(l);
        return at >= 0 ? e.shape(a.node()).dim(at) : e.shape(b.node()).dim(b.letters().indexOf(l));
    }

    /** 0, 1, ..., n - 1 along {@code axis} of a tensor of {@code rank} axes, size 1 on the others. */
    private static int position(Emitter e, Dim n, int rank, int axis) {
        List<Dim> dims = new ArrayList<>(Collections.nCopies(rank, Dim.of(1)));
        dims.set(axis, n);
        return e.reshape(e.iota(n, DType.I32), new Shape(dims));
    }

    private static boolean isLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    /** Characters {@code from} to {@code to} of the string's value, in the source (after the opening quote). */
    private static Span within(Expr.Str s, int from, int to) {
        String v = s.value();
        return new Span(s.span().source(), s.span().start() + 1 + v.codePointCount(0, from), s.span().start() + 1 + v.codePointCount(0, to));
    }

    private static Span operandsSpan(List<Arguments.Bound> operands) {
        return operands.getFirst().span().to(operands.getLast().span());
    }

    private static String letters(Map<Character, Dim> sizes) {
        StringBuilder out = new StringBuilder();
        for (char l : sizes.keySet()) out.append(l);
        return out.toString();
    }

    private static String count(int n, String one) {
        return count(n, one, one + "s");
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
