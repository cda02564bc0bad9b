package dev.modelc.compiler.fuzz;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.ModelSignature;
import dev.modelc.compiler.diagnostics.Diagnostic;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.compiler.types.Dim;
import dev.modelc.compiler.types.TensorType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.opentest4j.AssertionFailedError;

/**
 * The one thing every fuzz input must satisfy: {@link Compiler#compile} returns (no exception of
 * any kind, {@code InternalCompilerError} included) within a generous hang bound, and what it
 * returns is coherent: a program exactly when there are no errors, every span inside its file,
 * the diagnostics render, and a checked model's signature has no negative sizes, concrete param
 * shapes and a scalar loss.
 */
final class FuzzSupport {
    /** A hang guard, not a speed requirement: small inputs compile in milliseconds. */
    static final Duration PER_INPUT_BOUND = Duration.ofSeconds(5);

    private FuzzSupport() {
    }

    /** Compiles {@code text} under the per-input bound and checks the outcome; fails the test otherwise. */
    static Compilation compileSafely(String text) {
        return compileSafely(new SourceFile("fuzz.model", text), PER_INPUT_BOUND);
    }

    static Compilation compileSafely(SourceFile source, Duration bound) {
        Compilation c;
        try {
            c = assertTimeoutPreemptively(bound, () -> Compiler.compile(source),
                    () -> "compile did not finish within " + bound + " for input " + show(source.text()));
        } catch (AssertionFailedError timedOut) {
            throw timedOut;
        } catch (Throwable t) {
            throw new AssertionError("compile threw " + t + " for input " + show(source.text()), t);
        }
        checkCoherent(c, source);
        return c;
    }

    /** The invariants of a finished compilation. */
    static void checkCoherent(Compilation c, SourceFile source) {
        String input = show(source.text());
        if (c == null) fail("compile returned null for input " + input);
        if (c.program().isPresent() && c.hasErrors()) {
            fail("a checked program came back together with errors for input " + input + "\n" + c.render());
        }
        if (c.program().isEmpty() && !c.hasErrors()) {
            fail("no program and no error: the compilation failed silently for input " + input + "\n" + c.render());
        }
        for (Diagnostic d : c.diagnostics()) {
            if (d.primary().source() != source) {
                fail("diagnostic '" + d.message() + "' points into " + d.primary().source().name()
                        + ", not the compiled file, for input " + input);
            }
            checkSpan(d, d.primary(), input);
            for (Span s : d.related()) checkSpan(d, s, input);
            if (d.message().isBlank()) fail("a diagnostic with an empty message for input " + input);
        }
        c.program().ifPresent(p -> {
            for (ModelSignature m : p.signatures()) checkSignature(m, input);
        });
        try {
            c.render();
        } catch (RuntimeException e) {
            throw new AssertionError("rendering the diagnostics threw " + e + " for input " + input, e);
        }
    }

    /**
     * What a checked model promises the stages after it: no negative sizes, element counts that
     * fit a long, concrete param shapes, a scalar loss.
     */
    private static void checkSignature(ModelSignature m, String input) {
        List<String> problems = new ArrayList<>();
        for (ModelSignature.Entry e : m.inputs()) checkType("input " + e.name(), e.type(), problems);
        for (ModelSignature.Entry e : m.outputs()) checkType("output " + e.name(), e.type(), problems);
        for (ModelSignature.ParamEntry p : m.params()) {
            checkType("param " + p.path(), p.type(), problems);
            if (!p.type().shape().isConcrete()) problems.add("param " + p.path() + " has a symbolic shape: " + p.type());
        }
        m.loss().ifPresent(l -> {
            checkType("loss " + l.name(), l.type(), problems);
            if (!l.type().isScalar()) problems.add("loss " + l.name() + " is not a scalar: " + l.type());
        });
        if (!problems.isEmpty()) {
            fail("model " + m.name() + " checked clean but " + String.join("; ", problems) + ", for input " + input);
        }
    }

    private static void checkType(String what, TensorType type, List<String> problems) {
        // A tensor with an axis of size 0 has no elements, however large its other axes.
        boolean empty = type.shape().dims().stream().anyMatch(d -> d.isConstant(0));
        long numel = 1;
        for (Dim d : type.shape().dims()) {
            if (!d.isConstant()) continue;
            if (d.constant() < 0) {
                problems.add(what + " has a negative size: " + type);
                return;
            }
            try {
                numel = Math.multiplyExact(numel, d.constant());
            } catch (ArithmeticException overflow) {
                // PyTorch refuses such a shape too ("numel: integer multiplication overflow").
                if (!empty) problems.add(what + " has more elements than a long can count: " + type);
                if (!empty) return;
            }
        }
    }

    private static void checkSpan(Diagnostic d, Span s, String input) {
        int length = s.source().length();
        if (s.start() < 0 || s.end() < s.start() || s.end() > length) {
            fail("diagnostic '" + d.message() + "' has span " + s.start() + ".." + s.end()
                    + " outside its file of " + length + " code points, for input " + input);
        }
    }

    /** The input as a Java string literal (escaped, cut to a readable length) for failure messages. */
    static String show(String text) {
        StringBuilder out = new StringBuilder("\"");
        int shown = 0;
        for (int i = 0; i < text.length(); i++, shown++) {
            if (shown == 2000) {
                out.append("\"... (").append(text.length()).append(" chars)");
                return out.toString();
            }
            char ch = text.charAt(i);
            switch (ch) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (ch < 0x20 || ch > 0x7e) out.append(String.format("\\u%04X", (int) ch));
                    else out.append(ch);
                }
            }
        }
        return out.append('"').toString();
    }
}
