package dev.modelc.compiler.backend.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.modelc.compiler.graph.ReduceFn;
import dev.modelc.compiler.kernel.Affine;
import dev.modelc.compiler.kernel.Arithmetic;
import dev.modelc.compiler.kernel.Expr;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.Let;
import dev.modelc.compiler.types.Dim;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.exec.Scalars;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of one {@link Kernel.Loop} as Java statements: the same loop nest, lets and rounding
 * as the bytecode backend's {@code LoopCompiler} emits (each function let as its
 * {@link Arithmetic} says: float operators, or {@link Scalars} in f64 rounded once), so both give
 * the same bits.
 */
final class LoopSource {
    static final ClassName SCALARS = ClassName.get(Scalars.class);

    private final Kernel.Loop loop;
    private final KernelPlan plan;
    private final Map<Integer, String> bufferNames;
    private final Map<String, String> symbols;
    private final Map<Integer, Let> lets = new HashMap<>();
    private final CodeBlock.Builder code = CodeBlock.builder();
    private final String[] varNames;
    private String outerFlat, innerFlat;

    private LoopSource(Kernel.Loop loop, KernelPlan plan, Map<Integer, String> bufferNames, Map<String, String> symbols) {
        this.symbols = symbols;
        this.loop = loop;
        this.plan = plan;
        this.bufferNames = bufferNames;
        this.varNames = new String[loop.variables()];
        loop.body().forEach(l -> lets.put(l.id(), l));
        loop.reduction().ifPresent(r -> r.body().forEach(l -> lets.put(l.id(), l)));
    }

    /**
     * The statements of the kernel method; its parameters are the buffers (named by
     * {@code bufferNames}), the sizes it uses (named by {@code symbols}), start and end.
     */
    static CodeBlock render(Kernel.Loop loop, KernelPlan plan, Map<Integer, String> bufferNames, Map<String, String> symbols) {
        LoopSource s = new LoopSource(loop, plan, bufferNames, symbols);
        s.body();
        return s.code.build();
    }

    /**
     * The statements of a {@link Kernel.Reductions}' method, as the bytecode backend's: chunks
     * {@code [start, end)} of the rows into {@code partials}, or with {@code start} -1 the
     * chunks' partials folded in order and stored, or with {@code RangeKernel.ONE_CHUNK} the one
     * chunk folded and stored. Its parameters are as a loop's, with the
     * partials array ({@code names.partials()}) after the buffers.
     */
    static CodeBlock render(Kernel.Reductions r, KernelPlan plan, Map<Integer, String> bufferNames, Map<String, String> symbols,
                            String partials) {
        LoopSource s = new LoopSource(r.rowLoop(), plan, bufferNames, symbols);
        s.rowReductions(r, partials);
        return s.code.build();
    }

    private void rowReductions(Kernel.Reductions r, String partials) {
        List<Kernel.Accumulator> accs = r.accumulators();
        int k = accs.size();
        varNames[0] = "j0";
        // Assigned on every path to the stores: the chunks' partials folded (start -1), or one
        // chunk's sums kept as they are (start RangeKernel.ONE_CHUNK, the same bits).
        for (int a = 0; a < k; a++) code.addStatement("double acc$L = $L", a, identity(accs.get(a).fn()));
        code.beginControlFlow("if (start != -1)");
        code.beginControlFlow("for (int c = Math.max(start, 0); c < end; c++)");
        for (int a = 0; a < k; a++) code.addStatement("acc$L = $L", a, identity(accs.get(a).fn()));
        code.addStatement("int lo = c * $T.REDUCTION_CHUNK, hi = Math.min($L, lo + $T.REDUCTION_CHUNK)",
                dev.modelc.runtime.exec.Parallel.class, sized(r.rows()), dev.modelc.runtime.exec.Parallel.class);
        code.beginControlFlow("for (int j0 = lo; j0 < hi; j0++)");
        for (Let l : r.body()) let(l);
        for (int a = 0; a < k; a++) for (int t : accs.get(a).terms()) fold(accs.get(a).fn(), "acc" + a, "v" + t);
        code.endControlFlow();
        code.beginControlFlow("if (start >= 0)");
        for (int a = 0; a < k; a++) code.addStatement("$L[c * $L + $L] = acc$L", partials, k, a, a);
        code.endControlFlow();
        code.endControlFlow();
        code.beginControlFlow("if (start >= 0)");
        code.addStatement("return");
        code.endControlFlow();
        code.nextControlFlow("else");
        for (int a = 0; a < k; a++) {
            Kernel.Accumulator x = accs.get(a);
            code.beginControlFlow("for (int c = 0; c < end; c++)");
            fold(x.fn(), "acc" + a, partials + "[c * " + k + " + " + a + "]");
            code.endControlFlow();
        }
        code.endControlFlow();
        for (int a = 0; a < k; a++) {
            Kernel.Accumulator x = accs.get(a);
            String value = x.fn() == ReduceFn.MEAN ? "acc" + a + " / (double) (" + longDim(renamed(x.count())) + ")" : "acc" + a;
            code.addStatement("$L[$L] = $L", bufferNames.get(x.buffer()), x.element(),
                    narrow(value, plan.buffer(x.buffer()).dtype(), x.fn() == ReduceFn.MEAN));
        }
        // The tail's loops, each over all its positions (in scopes of their own: their lets reuse names).
        for (Kernel.Loop t : r.tail()) {
            LoopSource s = new LoopSource(t, plan, bufferNames, symbols);
            Dim elements = Dim.of(1);
            for (Dim d : t.outer()) elements = elements.times(d);
            s.body("0", s.sized(t.flat() || t.outer().isEmpty() ? elements : t.outer().getFirst()));
            code.add(s.code.build());
        }
    }

    private static String identity(ReduceFn fn) {
        return switch (fn) {
            case SUM, MEAN -> "0.0";
            case MAX -> "Double.NEGATIVE_INFINITY";
            case MIN -> "Double.POSITIVE_INFINITY";
            case LOGSUMEXP -> throw new IllegalStateException("logsumexp is a library call");
        };
    }

    private void fold(ReduceFn fn, String acc, String v) {
        switch (fn) {
            case SUM, MEAN -> code.addStatement("$L += $L", acc, v);
            case MAX -> code.addStatement("$L = $T.maxNaN($L, $L)", acc, SCALARS, acc, v);
            case MIN -> code.addStatement("$L = $T.minNaN($L, $L)", acc, SCALARS, acc, v);
            case LOGSUMEXP -> throw new IllegalStateException("logsumexp is a library call");
        }
    }

    private void body() {
        body("start", "end");
    }

    /** The loop nest, its outermost loop from {@code from} to {@code to}. */
    private void body(String from, String to) {
        int r = loop.outer().size();
        if (loop.flat() || r == 0) {
            outerFlat = "i";
            code.beginControlFlow("for (int i = $L; i < $L; i++)", from, to);
            outerBody();
            code.endControlFlow();
            return;
        }
        varNames[0] = "i0";
        code.beginControlFlow("for (int i0 = $L; i0 < $L; i0++)", from, to);
        nested(1, r, this::outerBody);
        code.endControlFlow();
    }

    private void nested(int from, int to, Runnable then) {
        if (from == to) {
            then.run();
            return;
        }
        int r = loop.outer().size();
        String v = from < r ? "i" + from : "j" + (from - r);
        varNames[from] = v;
        Dim extent = from < r ? loop.outer().get(from) : loop.reduction().orElseThrow().inner().get(from - r);
        code.beginControlFlow("for (int $L = 0; $L < $L; $L++)", v, v, sized(extent), v);
        nested(from + 1, to, then);
        code.endControlFlow();
    }

    private void outerBody() {
        loop.reduction().ifPresent(r -> {
            String init = switch (r.fn()) {
                case SUM, MEAN -> "0.0";
                case MAX -> "Double.NEGATIVE_INFINITY";
                case MIN -> "Double.POSITIVE_INFINITY";
                case LOGSUMEXP -> throw new IllegalStateException("logsumexp is a library call");
            };
            code.addStatement("double acc = $L", init);
            Runnable inner = () -> {
                for (Let l : r.body()) let(l);
                eachStore(r);
                String v = "v" + r.value();
                switch (r.fn()) {
                    case SUM, MEAN -> code.addStatement("acc += $L", v);
                    case MAX -> code.addStatement("acc = $T.maxNaN(acc, $L)", SCALARS, v);
                    case MIN -> code.addStatement("acc = $T.minNaN(acc, $L)", SCALARS, v);
                    case LOGSUMEXP -> throw new IllegalStateException();
                }
            };
            int r0 = loop.outer().size();
            if (r.flat() || r.inner().isEmpty()) {
                innerFlat = "j";
                code.beginControlFlow("for (int j = 0; j < $L; j++)", sized(r.count()));
                inner.run();
                code.endControlFlow();
            } else {
                nested(r0, r0 + r.inner().size(), inner);
            }
        });
        for (Let l : loop.body()) let(l);
        String out = bufferNames.get(loop.store().buffer());
        String v = "v" + loop.store().value();
        String value = switch (plan.buffer(loop.store().buffer()).dtype()) {
            case F32, F64 -> v;
            case I32 -> "(int) " + v;
            case BOOL -> v + " != 0";
        };
        code.addStatement("$L[$L] = $L", out, ownIndex(), value);
    }

    /** The reduction's stores per position (a merged pass's results), at the flat inner position. */
    private void eachStore(Kernel.Reduction r) {
        if (r.each().isEmpty()) return;
        if (innerFlat == null) throw new IllegalStateException("stores per position in a reduction that is not flat: " + loop.name());
        for (var each : r.each()) {
            String v = "v" + each.value();
            String value = switch (plan.buffer(each.buffer()).dtype()) {
                case F32, F64 -> v;
                case I32 -> "(int) " + v;
                case BOOL -> v + " != 0";
            };
            code.addStatement("$L[$L] = $L", bufferNames.get(each.buffer()), innerFlat, value);
        }
    }

    private String ownIndex() {
        if (outerFlat != null) return outerFlat;
        int vars = loop.variables();
        List<Affine> pos = new ArrayList<>();
        for (int a = 0; a < loop.outer().size(); a++) pos.add(Affine.variable(a, vars));
        return index(Affine.flat(pos, loop.outer(), vars));
    }

    private String index(Affine a) {
        List<String> terms = new ArrayList<>();
        int r = loop.outer().size();
        boolean outerMoves = false, innerMoves = false;
        for (int v = 0; v < a.coefs().size(); v++) {
            Dim c = a.coefs().get(v);
            if (c.isConstant(0)) continue;
            if (v < r && outerFlat != null) {
                outerMoves = true;
            } else if (v >= r && innerFlat != null) {
                innerMoves = true;
            } else {
                terms.add(c.isConstant(1) ? varNames[v] : factor(renamed(c)) + " * " + varNames[v]);
            }
        }
        if (outerMoves) terms.add(outerFlat);
        if (innerMoves) terms.add(innerFlat);
        if (!a.offset().isConstant(0) || terms.isEmpty()) terms.add(factor(renamed(a.offset())));
        return String.join(" + ", terms);
    }

    private void let(Let l) {
        boolean f = l.dtype() == DType.F32;
        String type = f ? "float" : "double";
        String rhs = switch (l.expr()) {
            case Expr.Load ld -> {
                String at = bufferNames.get(ld.buffer()) + "[" + index(ld.index()) + "]";
                yield switch (plan.buffer(ld.buffer()).dtype()) {
                    case F32, F64 -> at;
                    case I32 -> "(double) " + at;
                    case BOOL -> "(" + at + " ? 1.0 : 0.0)";
                };
            }
            case Expr.Constant c -> f ? floatLiteral((float) c.value()) : doubleLiteral(c.value());
            case Expr.SizeOf s -> (f ? "(float) " : "(double) ") + "(" + longDim(renamed(s.size())) + ")";
            case Expr.Position p -> (f ? "(float) " : "(double) ") + "(" + index(p.index()) + ")";
            case Expr.Unary u -> unary(u, l.dtype());
            case Expr.Binary b -> binary(b, l.dtype());
            case Expr.Select s -> CodeBlock.of("$T.select($L, v$L, v$L)", SCALARS, "v" + s.mask(), s.a(), s.b()).toString();
            case Expr.Convert c -> switch (l.dtype()) {
                case F32 -> "(float) v" + c.x();
                case F64 -> "(double) v" + c.x();
                case I32 -> CodeBlock.of("$T.toI32(v$L)", SCALARS, c.x()).toString();
                case BOOL -> CodeBlock.of("$T.toBool(v$L)", SCALARS, c.x()).toString();
            };
            case Expr.Accumulated a -> {
                Kernel.Reduction r = loop.reduction().orElseThrow();
                String acc = r.fn() == ReduceFn.MEAN ? "acc / (double) (" + longDim(renamed(r.count())) + ")" : "acc";
                yield narrow(acc, l.dtype(), r.fn() == ReduceFn.MEAN);
            }
        };
        code.addStatement("$L v$L = $L", type, l.id(), rhs);
    }

    /** {@code fn(x)} as the kernel IR's {@link Arithmetic} says: a float operator, or {@code Scalars} in f64 rounded once. */
    private static String unary(Expr.Unary u, DType t) {
        return switch (u.arithmetic()) {
            case F32 -> switch (u.fn()) {
                case NEG -> "-v" + u.x();
                case SQUARE -> "v" + u.x() + " * v" + u.x();
                case ABS -> "Math.abs(v" + u.x() + ")";
                case RELU -> "Math.max(v" + u.x() + ", 0.0f)";
                case RECIPROCAL -> "1.0f / v" + u.x();
                default -> throw new IllegalStateException(u.fn() + " has no float operator");
            };
            case F64 -> narrow(CodeBlock.of("$T.$L(v$L)", SCALARS, u.fn().scalarsMethod(), u.x()).toString(), t, false);
        };
    }

    private static String binary(Expr.Binary b, DType t) {
        return switch (b.arithmetic()) {
            case F32 -> switch (b.fn()) {
                case ADD -> "v" + b.a() + " + v" + b.b();
                case SUB -> "v" + b.a() + " - v" + b.b();
                case MUL -> "v" + b.a() + " * v" + b.b();
                case DIV -> "v" + b.a() + " / v" + b.b();
                case MAX -> "Math.max(v" + b.a() + ", v" + b.b() + ")";
                case MIN -> "Math.min(v" + b.a() + ", v" + b.b() + ")";
                default -> throw new IllegalStateException(b.fn() + " has no float operator");
            };
            case F64 -> narrow(CodeBlock.of("$T.$L(v$L, v$L)", SCALARS, b.fn().scalarsMethod(), b.a(), b.b()).toString(), t, false);
        };
    }

    /** A double-valued expression rounded to {@code t}, as the interpreter rounds a node. */
    private static String narrow(String e, DType t, boolean compound) {
        return switch (t) {
            case F32 -> "(float) " + (compound ? "(" + e + ")" : e);
            case F64 -> e;
            case I32 -> CodeBlock.of("$T.wrapI32($L)", SCALARS, e).toString();
            case BOOL -> CodeBlock.of("$T.toBool($L)", SCALARS, e).toString();
        };
    }

    private String sized(Dim d) {
        return dim(renamed(d));
    }

    /** The size over the kernel's local names for the symbols. */
    private Dim renamed(Dim d) {
        Map<List<String>, Long> out = new java.util.LinkedHashMap<>();
        d.terms().forEach((k, v) -> out.merge(k.stream().map(symbols::get).sorted().toList(), v, Long::sum));
        return new Dim(out);
    }

    /** A size as a Java int expression over the symbols: {@code 2 * N}, {@code N + M}. */
    static String dim(Dim d) {
        if (d.isConstant()) return Long.toString(d.constant());
        StringBuilder s = new StringBuilder();
        for (var t : d.terms().entrySet()) {
            long c = t.getValue();
            List<String> syms = t.getKey();
            if (s.isEmpty()) {
                if (c < 0) s.append('-');
            } else {
                s.append(c < 0 ? " - " : " + ");
            }
            long mag = Math.abs(c);
            List<String> factors = new ArrayList<>();
            if (mag != 1 || syms.isEmpty()) factors.add(Long.toString(mag));
            factors.addAll(syms);
            s.append(String.join(" * ", factors));
        }
        return s.toString();
    }

    /** A size usable as a factor: parenthesized when it has several terms. */
    static String factor(Dim d) {
        String s = dim(d);
        return d.terms().size() > 1 || s.startsWith("-") ? "(" + s + ")" : s;
    }

    /** A size in long arithmetic (counts and sizes used as numbers can exceed int). */
    private static String longDim(Dim d) {
        if (d.isConstant()) return d.constant() + "L";
        return "(long) " + factor(d);
    }

    static String floatLiteral(float v) {
        if (Float.isNaN(v)) return "Float.NaN";
        if (Float.isInfinite(v)) return v > 0 ? "Float.POSITIVE_INFINITY" : "Float.NEGATIVE_INFINITY";
        return Float.toString(v) + "f";
    }

    static String doubleLiteral(double v) {
        if (Double.isNaN(v)) return "Double.NaN";
        if (Double.isInfinite(v)) return v > 0 ? "Double.POSITIVE_INFINITY" : "Double.NEGATIVE_INFINITY";
        return Double.toString(v);
    }
}
