package dev.modelc.compiler.fuzz;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.diagnostics.Diagnostic;
import dev.modelc.compiler.diagnostics.SourceFile;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Specific inputs that have broken compilers before: empty and comment-only files, very deep
 * nesting, very long expressions and bodies, non-ASCII text, a byte-order mark, CRLF and CR line
 * endings, tabs, control characters; and the cases the fuzzers found (shape arithmetic at the
 * edges of a long, syntax recovery next to a closing brace).
 */
class RobustnessTest {
    /** Hang guard for the big inputs; the real speed figures are recorded elsewhere. */
    private static final Duration BIG_INPUT_BOUND = Duration.ofSeconds(20);
    /**
     * Each of the other 20,000-long chains checks in about a second here; ten is still a hang
     * guard, but one that a pass quadratic in the chain's length trips every time rather than
     * now and then (the comparison chain once took 18-26 s: each "cannot be chained" note quoted
     * the whole chain to its left).
     */
    private static final Duration CHAIN_BOUND = Duration.ofSeconds(10);
    private static final int N = 20_000;

    /** The broadcast mistake of the language reference, its error at 5:26. */
    private static final String BROADCAST_ERROR = """
            model CropYield {
              input x: f32[N, 3]
              param w: f32[2, 3] = randn()
              param c: f32[3] = zeros()
              output preds = x @ w.T + c
            }
            """;

    private static Compilation compile(String name, String text) {
        return FuzzSupport.compileSafely(new SourceFile(name, text), FuzzSupport.PER_INPUT_BOUND);
    }

    private static Compilation compileBig(String name, String text) {
        return FuzzSupport.compileSafely(new SourceFile(name, text), BIG_INPUT_BOUND);
    }

    private static List<String> positions(Compilation c) {
        return c.diagnostics().stream().filter(Diagnostic::isError)
                .map(d -> d.primary().line() + ":" + d.primary().column() + " " + d.message()).toList();
    }

    private static boolean hasErrorAt(Compilation c, int line, int column) {
        return c.diagnostics().stream().anyMatch(d -> d.isError() && d.primary().line() == line
                && d.primary().column() == column);
    }

    private static void assertClean(Compilation c) {
        assertFalse(c.hasErrors(), () -> "expected no errors, got:\n" + c.render());
        assertTrue(c.program().isPresent());
    }

    // ------------------------------------------------------------------ trivial files

    @Test
    void emptyFileChecksClean() {
        assertClean(compile("empty.model", ""));
    }

    @Test
    void fileOfOnlyCommentsAndBlankLinesChecksClean() {
        assertClean(compile("comments.model", "# one\n\n   # two ( [ { unclosed\r\n#\n\t# tab\n# no newline at end"));
    }

    // ------------------------------------------------------------------ depth and length

    @Test
    void twentyThousandNestedParenthesesGiveANestingDiagnostic() {
        String text = "model M {\n  input x: f32[3]\n  output y = " + "(".repeat(N) + "x" + ")".repeat(N) + "\n}\n";
        Compilation c = compileBig("parens.model", text);
        assertTrue(c.hasErrors(), "20,000 nested parentheses compiled without error");
        assertTrue(c.diagnostics().stream().anyMatch(d -> d.isError()
                        && d.message().toLowerCase(Locale.ROOT).contains("nest") && d.primary().line() == 3),
                () -> "no error on line 3 about nesting:\n" + positions(c));
    }

    @Test
    void twentyThousandNestedBracketsAndCallsGiveANestingDiagnostic() {
        String brackets = "model M {\n  param p: f32[1] = " + "[".repeat(N) + "1" + "]".repeat(N) + "\n}\n";
        String calls = "model M {\n  input x: f32[3]\n  output y = " + "relu(".repeat(N) + "x" + ")".repeat(N) + "\n}\n";
        for (String text : List.of(brackets, calls)) {
            Compilation c = compileBig("nested.model", text);
            assertTrue(c.diagnostics().stream().anyMatch(d -> d.isError()
                            && d.message().toLowerCase(Locale.ROOT).contains("nest")),
                    () -> "no error about nesting:\n" + positions(c));
        }
    }

    @Test
    void twentyThousandTermSumChecksClean() {
        String text = "model M {\n  input x: f32[N, 3]\n  output y = x" + " + x".repeat(N - 1) + "\n}\n";
        long t0 = System.nanoTime();
        Compilation c = compileBig("sum.model", text);
        System.out.printf("[fuzz] a %,d-term sum checked in %d ms%n", N, (System.nanoTime() - t0) / 1_000_000);
        assertClean(c);
    }

    @Test
    void twentyThousandChainedLocalsCheckClean() {
        StringBuilder text = new StringBuilder("model M {\n  input a0: f32[N, 3]\n");
        for (int i = 1; i <= N; i++) text.append("  a").append(i).append(" = a").append(i - 1).append(" + 1\n");
        text.append("  output a").append(N).append("\n}\n");
        long t0 = System.nanoTime();
        Compilation c = compileBig("locals.model", text.toString());
        System.out.printf("[fuzz] a model of %,d chained locals checked in %d ms%n", N,
                (System.nanoTime() - t0) / 1_000_000);
        assertClean(c);
    }

    @TestFactory
    Stream<DynamicTest> otherDeepChainsEndInDiagnosticsOrSuccess() {
        // Prefix operators, a right-associative power chain, postfix members and slices, and
        // long binary chains recurse in the parser or the checker without any bracket; each must
        // check or be refused politely, not overflow or take quadratic time.
        String head = "model M {\n  input x: f32[3, 3]\n  output y = ";
        String tail = "\n}\n";
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("20,000 prefix minuses", "-".repeat(N) + "x");
        bodies.put("20,000 spaced prefix minuses", "- ".repeat(N) + "x");
        bodies.put("20,000 logical nots", "~".repeat(N) + "(x > 0)");
        bodies.put("20,000-term power chain", "x" + " ** x".repeat(N - 1));
        bodies.put("20,000 .T members", "x" + ".T".repeat(N));
        bodies.put("20,000 slices", "x" + "[0:3]".repeat(N));
        bodies.put("20,000-term matmul chain", "x" + " @ x".repeat(N - 1));
        bodies.put("20,000-term comparison chain", "x" + " < x".repeat(N - 1));
        return bodies.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            long t0 = System.nanoTime();
            FuzzSupport.compileSafely(new SourceFile("chain.model", head + e.getValue() + tail), CHAIN_BOUND);
            System.out.printf("[fuzz] a %s checked in %d ms%n", e.getKey(), (System.nanoTime() - t0) / 1_000_000);
        }));
    }

    @Test
    void twentyThousandDefsCallingEachOtherEndInDiagnosticsOrSuccess() {
        // Inlining recurses once per def in the chain, and recursion detection walks it.
        StringBuilder text = new StringBuilder("def g0(a) = a + 1\n");
        for (int i = 1; i < N; i++) text.append("def g").append(i).append("(a) = g").append(i - 1).append("(a)\n");
        text.append("model M {\n  input x: f32[3]\n  output y = g").append(N - 1).append("(x)\n}\n");
        compileBig("defs.model", text.toString());
    }

    @Test
    void aDeepButFiniteChainOfDefsIsNotReportedAsRecursion() {
        int depth = 300;
        StringBuilder text = new StringBuilder("def g0(a) = a + 1\n");
        for (int i = 1; i < depth; i++) text.append("def g").append(i).append("(a) = g").append(i - 1).append("(a)\n");
        text.append("model M {\n  input x: f32[3]\n  output y = g").append(depth - 1).append("(x)\n}\n");
        Compilation c = compile("chain.model", text.toString());
        assertTrue(c.diagnostics().stream().noneMatch(d -> d.message().contains("calls itself")
                        || d.message().contains("call each other")),
                () -> "a chain of " + depth + " defs, none recursive, reported as recursion: " + positions(c));
    }

    @Test
    void aFileWithTwentyThousandMistakesReportsThemCoherently() {
        StringBuilder text = new StringBuilder("model M {\n  input x: f32[3]\n");
        for (int i = 0; i < N; i++) text.append("  y").append(i).append(" = x ^ undefined").append(i).append('\n');
        text.append("}\n");
        Compilation c = compileBig("mistakes.model", text.toString());
        assertTrue(c.hasErrors());
        String rendered = c.render();
        long shown = rendered.lines().filter(l -> l.startsWith("mistakes.model:") && l.contains(": error: ")).count();
        assertTrue(shown <= 20, "rendered " + shown + " errors, more than 20");
    }

    @Test
    void aVeryLongLineKeepsItsColumns() {
        // 100,000 spaces, then a mistake: the column counts every one of them.
        String text = "model M {\n" + " ".repeat(100_000) + "input x: f32[3] )\n}\n";
        Compilation c = compileBig("long.model", text);
        assertTrue(hasErrorAt(c, 2, 100_017), () -> "no error at 2:100017: " + positions(c));
    }

    @Test
    void shapeArithmeticNeverYieldsNegativeOrWrappedSizes() {
        // Each either is refused or checks with sound shapes (compile() checks every signature
        // for negative sizes and element counts past Long.MAX_VALUE); all are tried, all failures shown.
        Stream<Executable> cases = Stream.of("arange(-1)", "one_hot(arange(-5), 3)", "x[::9223372036854775807]",
                        "x[::2147483648]", "zeros([4294967296, 4294967296])", "one_hot(arange(2), 9223372036854775807)",
                        "x[-9223372036854775808]", "reshape(x, [-1, 0])", "x[1:0]")
                .map(e -> () -> compile("shapes.model", "model M {\n  input x: f32[2, 3, 4]\n  output o = " + e + "\n}\n"));
        Executable wrap = () -> {
            // 2^32 * 2^32 elements is not 0 elements, however a long wraps.
            Compilation c = compile("wrap.model", "model M {\n  output o = reshape(zeros([4294967296, 4294967296]), [0])\n}\n");
            assertTrue(c.hasErrors(), "reshaping 2^64 elements to [0] checked clean");
        };
        assertAll(Stream.concat(cases, Stream.of(wrap)));
    }

    @Test
    void syntaxRecoveryAroundClosingBracesNeverCrashes() {
        // Found by the token fuzzers: ANTLR's recovery invents a missing token from the one it
        // is at, which once was a synthesized newline with no token source (an NPE inside the parser).
        for (String text : List.of("model M {\n  train { model }\n}\n", "model M {\n  train { }\n  model\n}\n",
                "def f(x) {\n  return x\n}\nmodel\n", "def f(x) {\n  c = x - model\n}\n\nmu M {\n}\n",
                "layer L() {\n  forward(x) { return x }\n  )\n}\n", "model M {\n  train {\n  }\n  = 1\n}\n")) {
            Compilation c = compile("braces.model", text);
            assertTrue(c.hasErrors(), () -> "no error for " + FuzzSupport.show(text));
        }
    }

    // ------------------------------------------------------------------ text encodings

    @Test
    void nonAsciiIdentifierIsADiagnosticAtItsColumn() {
        Compilation c = compile("cafe.model", "model M {\n  input café: f32[3]\n}\n");
        assertTrue(hasErrorAt(c, 2, 12), () -> "no error at the 'é' (2:12): " + positions(c));
        assertTrue(c.program().isEmpty());
    }

    @Test
    void columnsCountCodePointsNotUtf16Units() {
        // 😀 is two UTF-16 units but one code point: the ')' after it is column 21, not 22.
        Compilation c = compile("emoji.model", "model M {\n  input 😀 x: f32[3] )\n}\n");
        assertTrue(hasErrorAt(c, 2, 9), () -> "no error at the emoji (2:9): " + positions(c));
        assertTrue(hasErrorAt(c, 2, 21), () -> "no error at the ')' (2:21): " + positions(c));
        String rendered = c.render();
        assertTrue(rendered.contains("  input 😀 x: f32[3] )\n        ^\n"), rendered);
    }

    @Test
    void byteOrderMarkIsIgnoredOrReportedAtTheStartNeverElsewhere() {
        // The command line strips a BOM; given one directly, the compiler may skip it or refuse
        // it, but only at 1:1, and it must not move any other diagnostic.
        for (String text : List.of(BROADCAST_ERROR, "model M {\n  input x: f32[3]\n  output y = x * 2\n}\n")) {
            Compilation plain = compile("bom.model", text);
            Compilation bom = compile("bom.model", "\uFEFF" + text);
            boolean refused = bom.diagnostics().stream().anyMatch(d -> d.isError() && d.primary().start() == 0
                    && d.message().contains("FEFF"));
            if (refused) {
                for (Diagnostic d : bom.diagnostics()) {
                    assertEquals(0, d.primary().start(), () -> "besides the BOM error: " + positions(bom));
                }
            } else {
                assertEquals(positions(plain), positions(bom), "the BOM moved or changed the diagnostics");
            }
        }
    }

    @Test
    void crlfLineEndingsKeepLinesAndColumns() {
        String crlf = BROADCAST_ERROR.replace("\n", "\r\n");
        Compilation c = compile("crlf.model", crlf);
        assertTrue(hasErrorAt(c, 5, 26), () -> "CRLF: " + positions(c));
        assertTrue(c.render().contains("crlf.model:5:26: error: "), c.render());
        // Every diagnostic lands where it lands with LF endings, syntax errors included.
        String syntax = "model M {\n  input x: f32[3]\n  output y = x )\n  loss = (x\n}\n";
        assertEquals(positions(compile("lf.model", syntax)), positions(compile("lf.model", syntax.replace("\n", "\r\n"))));
        assertEquals(positions(compile("lf.model", syntax)), positions(compile("lf.model", syntax.replace("\n", "\r"))),
                "old Mac CR endings");
    }

    @Test
    void tabsCountAsOneColumnAndAreCopiedIntoTheMarkerLine() {
        String text = BROADCAST_ERROR.replace("  output preds", "\toutput preds");
        Compilation c = compile("tabs.model", text);
        assertTrue(hasErrorAt(c, 5, 25), () -> "with a tab: " + positions(c));
        String rendered = c.render();
        String marker = rendered.lines().skip(2).findFirst().orElse("");
        assertTrue(marker.startsWith("\t"), () -> "marker line does not copy the tab:\n" + rendered);
    }

    @Test
    void controlCharactersAndNulAreDiagnosticsNotCrashes() {
        for (String junk : List.of("\u0000", "\u0007", "\u001B[31m", "\u007F", "\u0085", "\u2028", "\uFFFE", "\uD800",
                "\uDFFF\uD800")) {
            Compilation c = compile("junk.model", "model M {\n  input x: f32[3]" + junk + "\n}\n");
            assertTrue(c.hasErrors(), () -> "no error for " + FuzzSupport.show(junk));
            assertTrue(c.diagnostics().stream().anyMatch(d -> d.isError() && d.primary().line() == 2),
                    () -> "no error on line 2 for " + FuzzSupport.show(junk) + ": "
                            + c.diagnostics().stream().map(Diagnostic::toString).collect(Collectors.joining(", ")));
        }
    }
}
