package dev.modelc.compiler.check;

import dev.modelc.compiler.diagnostics.Spelling;

import dev.modelc.compiler.ast.Expr;
import dev.modelc.compiler.diagnostics.Diagnostics;
import dev.modelc.compiler.diagnostics.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds the arguments of a call to a signature: positional first, then keywords, each named
 * at most once. Reports every mismatch with what the callee takes.
 */
final class Arguments {
    private Arguments() {
    }

    /** One argument matched to a parameter. */
    record Bound(String name, Expr expr, Value value, Span span) {
    }

    /** The matched arguments by parameter name; variadic extras in order under {@code rest}. */
    record Binding(Map<String, Bound> named, List<Bound> rest) {
        Bound get(String name) {
            return named.get(name);
        }
    }

    /**
     * Binds {@code args} (with their already checked {@code values}) to {@code sig}; returns null
     * after reporting when they do not fit.
     */
    static Binding bind(String callee, Signature sig, List<Expr.Arg> args, List<Value> values,
                        Span callSpan, Diagnostics diagnostics) {
        Map<String, Bound> named = new LinkedHashMap<>();
        List<Bound> rest = new ArrayList<>();
        boolean ok = true;
        boolean sawKeyword = false;
        int position = 0;
        // The names keywords may use, looked up once per keyword: a def may have thousands.
        java.util.Set<String> keywords = null;
        for (int i = 0; i < args.size(); i++) {
            Expr.Arg a = args.get(i);
            Value v = values.get(i);
            if (a.keyword().isEmpty()) {
                if (sawKeyword) {
                    diagnostics.error(a.span(), "positional argument after a keyword argument",
                            "keyword arguments follow positional ones in every call");
                    ok = false;
                    continue;
                }
                if (sig.variadic()) {
                    rest.add(new Bound(sig.positional().getFirst(), a.value(), v, a.span()));
                } else if (position < sig.positional().size()) {
                    String name = sig.positional().get(position);
                    named.put(name, new Bound(name, a.value(), v, a.span()));
                } else {
                    String note = takes(callee, sig) + "; found " + count(positionalCount(args), "positional argument");
                    if (!sig.keywordOnly().isEmpty() && position == sig.positional().size()) {
                        String kw = sig.keywordOnly().getFirst();
                        note += "; " + kw + " is keyword-only: write " + callee + "(..., " + kw + " = " + a.span().text() + ")";
                    }
                    diagnostics.error(a.span(), "too many arguments to '" + callee + "'", note);
                    ok = false;
                }
                position++;
            } else {
                sawKeyword = true;
                String k = a.keyword().get().text();
                Span kSpan = a.keyword().get().span();
                if (keywords == null) keywords = new java.util.HashSet<>(sig.all());
                if (!keywords.contains(k) || (sig.variadic() && k.equals(sig.positional().getFirst()))) {
                    String near = Spelling.nearest(k, sig.all());
                    String note = "dim".equals(k) && sig.all().contains("axis")
                            ? "modelc calls it axis: write axis = " + a.value().span().text()
                            : (near != null ? "did you mean '" + near + "'? " : "") + takes(callee, sig);
                    diagnostics.error(kSpan, "'" + callee + "' has no argument named '" + k + "'", note);
                    ok = false;
                } else if (named.containsKey(k)) {
                    diagnostics.error(kSpan, "argument '" + k + "' given twice");
                    ok = false;
                } else {
                    named.put(k, new Bound(k, a.value(), v, a.span()));
                }
            }
        }
        if (!ok) return null;
        int supplied = sig.variadic() ? rest.size() : 0;
        for (int i = 0; i < sig.required(); i++) {
            String name = sig.positional().get(i);
            if (sig.variadic() ? supplied == 0 : !named.containsKey(name)) {
                diagnostics.error(callSpan, "missing argument '" + name + "' in call to '" + callee + "'",
                        takes(callee, sig) + "; found " + (args.isEmpty() ? "no arguments" : count(args.size(), "argument")));
                return null;
            }
        }
        return new Binding(named, rest);
    }

    /** What a callee takes, for notes: "'affine' takes x, w, b", "'sum' takes x and the keyword arguments axis, keepdims". */
    static String takes(String callee, Signature sig) {
        List<String> positional = sig.visiblePositional();
        String out = "'" + callee + "' takes ";
        if (sig.variadic()) out += "one or more " + positional.getFirst();
        else if (!positional.isEmpty()) out += String.join(", ", positional);
        if (!sig.keywordOnly().isEmpty()) {
            out += (positional.isEmpty() ? "" : " and ") + "the keyword argument" + (sig.keywordOnly().size() == 1 ? " " : "s ")
                    + String.join(", ", sig.keywordOnly());
        } else if (positional.isEmpty()) {
            out += "no arguments";
        }
        return out;
    }

    private static int positionalCount(List<Expr.Arg> args) {
        int n = 0;
        for (Expr.Arg a : args) if (a.keyword().isEmpty()) n++;
        return n;
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
