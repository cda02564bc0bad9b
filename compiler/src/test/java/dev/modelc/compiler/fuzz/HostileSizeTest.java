package dev.modelc.compiler.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.api.Modelc;
import dev.modelc.api.Program;
import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.diagnostics.Diagnostic;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.runtime.Tensor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Small files that describe enormous work (issue 12, "hangs on small hostile files"): each ends
 * within a hang bound with the right result, or with one diagnostic that names the limit, where
 * it was reached and why. The bounds are hang guards, not speed requirements: on an idle machine
 * each case takes one to a few seconds.
 */
class HostileSizeTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    private static Compilation compile(String name, String text) {
        long t0 = System.nanoTime();
        Compilation c = FuzzSupport.compileSafely(new SourceFile(name, text), BOUND);
        System.out.printf("[hostile] %s (%,d bytes) checked in %d ms%n", name, text.length(),
                (System.nanoTime() - t0) / 1_000_000);
        return c;
    }

    private static List<Diagnostic> errors(Compilation c) {
        return c.diagnostics().stream().filter(Diagnostic::isError).toList();
    }

    /** The compilation's only error; fails showing all of them otherwise. */
    private static Diagnostic onlyError(Compilation c) {
        List<Diagnostic> errors = errors(c);
        assertEquals(1, errors.size(), () -> "expected one error, got:\n" + c.render());
        return errors.getFirst();
    }

    private static String at(Diagnostic d) {
        return d.primary().line() + ":" + d.primary().column();
    }

    // ------------------------------------------------------------------ defs

    /** {@code def f{i+1}(x) = f{i}(x) + f{i}(x * 2)}: 2^levels calls as written, levels^2 distinct ones. */
    static String doublingDefs(int levels, String body0, String dtype, String extra) {
        StringBuilder s = new StringBuilder("def f0(x) = " + body0 + "\n");
        for (int i = 0; i < levels; i++) {
            s.append("def f").append(i + 1).append("(x) = f").append(i).append("(x) + f").append(i).append("(x * 2)")
                    .append(extra.replace("PREV", "f" + i)).append('\n');
        }
        s.append("model M {\n  input x: ").append(dtype).append("[N, 3]\n  output y = f").append(levels).append("(x)\n}\n");
        return s.toString();
    }

    @Test
    void thirtyLevelsOfDoublingDefsCheckAndGiveTheRightValues() throws Exception {
        // The file is 25 levels, 869 bytes (over 60 s before); 30 levels took over 400 s.
        String text = doublingDefs(30, "x * 1.5", "f64", "");
        Compilation c = compile("defs.model", text);
        assertFalse(c.hasErrors(), c::render);
        // Equal calls are shared, and hash-consing merges the rest: the graph is small.
        int nodes = c.program().orElseThrow().models().getFirst().graph().size();
        assertTrue(nodes < 2_000, "the graph of 30 doubling levels has " + nodes + " nodes");
        // f_n(x) = 1.5 * 3^n * x, exactly in f64 (3^30 < 2^53).
        Program p = Modelc.compile("defs.model", text);
        Map<String, Tensor> out = p.model("M", Backend.INTERP).forward(Map.of("x", Tensor.of(new double[] {1, 2, -4}, 1, 3)));
        double k = 1.5 * Math.pow(3, 30);
        assertArrayEquals(new double[] {k, 2 * k, -4 * k}, out.get("y").toDoubleArray());
    }

    @Test
    void doublingDefsOverConstantsAreSharedToo() {
        // Folded constants are compared by value: f30(2.0) is 30 levels of arithmetic on numbers.
        String text = doublingDefs(30, "x * 1.5", "f32", "").replace("output y = f30(x)", "output y = x * f30(2.0)");
        Compilation c = compile("constants.model", text);
        assertFalse(c.hasErrors(), c::render);
    }

    @Test
    void doublingDefsThatDifferentiateStopAtTheExpansionLimit() {
        // grad needs the argument's own name, so each call is new: 2^30 bodies. The check stops
        // at 200,000 expressions inside calls, pointing at a call of the chain.
        String text = doublingDefs(30, "sum(x * 1.5)", "f64", " + sum(grad(PREV(x), x))");
        Compilation c = compile("grads.model", text);
        Diagnostic d = onlyError(c);
        assertTrue(d.message().startsWith("model 'M' is too large to check: its calls expand to more than 200,000"
                + " expressions; reached while inlining 'f"), d::message);
        assertTrue(d.primary().line() <= 31, () -> "not at a call inside the defs: " + at(d));
        assertTrue(d.notes().stream().anyMatch(n -> n.startsWith("the calls being inlined go from 'f30' at grads.model:34:14")),
                () -> String.join("\n", d.notes()));
    }

    @Test
    void aDefTakingALayerAndCallingItTwiceIsShared() {
        StringBuilder s = new StringBuilder("def f0(l, x) = l(x) * 2\n");
        for (int i = 0; i < 30; i++) {
            s.append("def f").append(i + 1).append("(l, x) = f").append(i).append("(l, x) + f").append(i).append("(l, x + 1)\n");
        }
        s.append("layer L() {\n  param w: f32[3] = zeros()\n  forward(x) = x * w\n}\n");
        s.append("model M {\n  input x: f32[N, 3]\n  l = L()\n  output y = f30(l, x)\n}\n");
        Compilation c = compile("mix.model", s.toString());
        assertFalse(c.hasErrors(), c::render);
    }

    // ------------------------------------------------------------------ layers

    /** Layers each holding two instances of the layer before: 2^levels params. */
    static String doublingLayers(int levels) {
        StringBuilder s = new StringBuilder("layer L0() {\n  param w: f32[3] = zeros()\n  forward(x) = x * w\n}\n");
        for (int i = 0; i < levels; i++) {
            s.append("layer L").append(i + 1).append("() {\n  a = L").append(i).append("()\n  b = L").append(i)
                    .append("()\n  forward(x) = a(x) + b(x)\n}\n");
        }
        s.append("model M {\n  input x: f32[N, 3]\n  l = L").append(levels).append("()\n  output y = l(x)\n}\n");
        return s.toString();
    }

    @Test
    void twelveLevelsOfDoublingLayersAreFourThousandParams() {
        Compilation c = compile("layers12.model", doublingLayers(12));
        assertFalse(c.hasErrors(), c::render);
        assertEquals(4096, c.program().orElseThrow().signatures().getFirst().params().size());
    }

    @Test
    void fortyLevelsOfDoublingLayersStopAtTheParamLimit() {
        // 20 levels took 42 s and 3.6 GB; 40 never ended.
        for (int levels : List.of(20, 40)) {
            Compilation c = compile("layers" + levels + ".model", doublingLayers(levels));
            Diagnostic d = onlyError(c);
            assertTrue(d.message().startsWith("model 'M' declares more than 50,000 params; the next would be 'l.a.a."),
                    d::message);
            assertEquals("6:7", at(d), "at the instantiation of the innermost layer, in L1");
        }
    }

    @Test
    void layersApplyingAnInstanceTwiceStopAtTheExpansionLimit() {
        // forward(x) = a(a(x)): one param per level, but a chain of 2^40 multiplications.
        StringBuilder s = new StringBuilder("layer L0() {\n  param w: f32[3] = zeros()\n  forward(x) = x * w\n}\n");
        for (int i = 0; i < 40; i++) {
            s.append("layer L").append(i + 1).append("() {\n  a = L").append(i).append("()\n  forward(x) = a(a(x))\n}\n");
        }
        s.append("model M {\n  input x: f32[N, 3]\n  l = L40()\n  output y = l(x)\n}\n");
        Compilation c = compile("applied.model", s.toString());
        Diagnostic d = onlyError(c);
        assertTrue(d.message().startsWith("model 'M' is too large to check: its calls expand to more than 200,000"),
                d::message);
        assertTrue(d.message().endsWith("reached while inlining 'a'"), d::message);
    }

    @Test
    void aFileRepeatingAHostileModelStopsAtTheFileLimit() {
        // Each model alone stops at 200,000 expressions; the file as a whole stops at twice that,
        // so five copies (or five thousand) cost about two.
        StringBuilder s = new StringBuilder("def f0(x) = sum(x * 1.5)\n");
        for (int i = 0; i < 30; i++) {
            s.append("def f").append(i + 1).append("(x) = f").append(i).append("(x) + f").append(i)
                    .append("(x * 2) + sum(grad(f").append(i).append("(x), x))\n");
        }
        for (int m = 0; m < 5; m++) s.append("model M").append(m).append(" {\n  input x: f64[N, 3]\n  output y = f30(x)\n}\n");
        Compilation c = compile("repeated.model", s.toString());
        List<Diagnostic> errors = errors(c);
        assertEquals(5, errors.size(), c::render);
        assertTrue(errors.getFirst().message().startsWith("model 'M0' is too large to check: its calls expand to more"
                + " than 200,000 expressions"), errors.getFirst()::message);
        for (Diagnostic d : errors.subList(1, 5)) {
            assertTrue(d.message().contains("is too large to check: with the models before it, the file's calls expand to"
                    + " more than 400,000 expressions"), d::message);
        }
    }

    @Test
    void layersApplyingAnInstanceTwiceToTheSameValueAreShared() {
        StringBuilder s = new StringBuilder("layer L0() {\n  param w: f32[3] = zeros()\n  forward(x) = x * w\n}\n");
        for (int i = 0; i < 40; i++) {
            s.append("layer L").append(i + 1).append("() {\n  a = L").append(i).append("()\n  forward(x) = a(x) + a(x)\n}\n");
        }
        s.append("model M {\n  input x: f32[N, 3]\n  l = L40()\n  output y = l(x)\n}\n");
        Compilation c = compile("twice.model", s.toString());
        assertFalse(c.hasErrors(), c::render);
    }

    // ------------------------------------------------------------------ gradients

    @Test
    void gradientsOfGradientsStopAtTheGraphLimit() {
        StringBuilder s = new StringBuilder("def g0(x) = sum(x * x * x)\n");
        for (int i = 0; i < 40; i++) s.append("def g").append(i + 1).append("(x) = sum(grad(g").append(i).append("(x), x) * x)\n");
        s.append("model M {\n  input x: f64[N, 3]\n  output y = g40(x)\n}\n");
        Compilation c = compile("grads.model", s.toString());
        Diagnostic d = onlyError(c);
        assertTrue(d.message().startsWith("model 'M' is too large to check: its graph needs more than 500,000 nodes"),
                d::message);
        assertTrue(d.primary().text().startsWith("grad(g"), () -> "not at a grad call: " + d.primary().text());
    }

    @Test
    void aFewLevelsOfGradientsOfGradientsCheck() {
        StringBuilder s = new StringBuilder("def g0(x) = sum(x * x * x)\n");
        for (int i = 0; i < 5; i++) s.append("def g").append(i + 1).append("(x) = sum(grad(g").append(i).append("(x), x) * x)\n");
        s.append("model M {\n  input x: f64[N, 3]\n  output y = g5(x)\n}\n");
        assertFalse(compile("grads5.model", s.toString()).hasErrors());
    }

    // ------------------------------------------------------------------ sizes

    /** {@code zeros([(size(a0, 0) + size(a0, 1)) * ...])}: a size of 2^factors terms. */
    static String sizeProduct(int factors) {
        StringBuilder s = new StringBuilder("model M {\n");
        for (int i = 0; i < factors; i++) s.append("  input a").append(i).append(": f32[A").append(i).append(", B").append(i).append("]\n");
        String product = java.util.stream.IntStream.range(0, factors).mapToObj(i -> "(size(a" + i + ", 0) + size(a" + i + ", 1))")
                .collect(Collectors.joining(" * "));
        return s.append("  output y = zeros([").append(product).append("])\n}\n").toString();
    }

    @Test
    void aProductOfThirtySumsOfSizesIsRefusedAtTheProduct() {
        String text = sizeProduct(30);
        Compilation c = compile("sizes.model", text);
        Diagnostic d = onlyError(c);
        assertEquals("this size would be a polynomial of more than 256 terms", d.message());
        // At the product of the first nine factors (2^9 = 512 terms), inside the list.
        assertEquals("32:21", at(d));
        assertTrue(d.primary().text().endsWith("(size(a8, 0) + size(a8, 1))"), d.primary()::text);
        assertTrue(d.notes().getFirst().contains("of at most 256 terms"), d.notes()::toString);
    }

    @Test
    void aProductOfEightSumsOfSizesIsExact() {
        // 2^8 = 256 terms: the largest allowed.
        Compilation c = compile("sizes8.model", sizeProduct(8));
        assertFalse(c.hasErrors(), c::render);
        assertEquals(256, c.program().orElseThrow().signatures().getFirst().outputs().getFirst().type().shape().dim(0)
                .terms().size());
    }

    @Test
    void sizeArithmeticThatOverflowsIsAnErrorNotAWrappedNumber() {
        Compilation c = compile("overflow.model", "model M {\n  input x: f32[N]\n"
                + "  output y = zeros([size(x, 0) * 4611686018427387904 * 4])\n}\n");
        Diagnostic d = onlyError(c);
        assertEquals("this size arithmetic overflows a 64-bit integer", d.message());
        assertEquals("3:21", at(d));
    }

    @Test
    void anInputWhoseElementCountIsNoSizeIsRefusedAtItsType() {
        // N written 300 times: its element count N^300 multiplies more symbols than a size may,
        // and every stage after checking may take it (output x alone checked clean before).
        String dims = String.join(", ", java.util.Collections.nCopies(300, "N"));
        Compilation c = compile("rank.model", "model M {\n  input x: f32[" + dims + "]\n  output x\n}\n");
        Diagnostic d = onlyError(c);
        assertTrue(d.message().startsWith("the element count of input type f32[N, N, N,"), d::message);
        assertTrue(d.message().endsWith("is too large a size: a term of this size would multiply more than 256 symbolic sizes"),
                d::message);
        assertEquals("2:12", at(d));
    }

    // ------------------------------------------------------------------ many mistakes

    @Test
    void tenThousandModelsWithAnUndefinedNameEachAreReportedQuickly() {
        // 1,000 took 0.8 s and 10,000 took 50 s: each "did you mean" compared every model name.
        int n = 10_000;
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append("model M").append(i).append(" {\n  input x: f32[3]\n  output y = x + undefined").append(i).append("\n}\n");
        }
        Compilation c = compile("undefined.model", s.toString());
        List<Diagnostic> errors = errors(c);
        assertEquals(n, errors.size());
        assertEquals("undefined name 'undefined9999'", errors.getLast().message());
        assertEquals((4 * (n - 1) + 3) + ":18", at(errors.getLast()));
    }

    @Test
    void tenThousandMisspelledCallsAmongTenThousandSimilarDefsStayFast() {
        // Every def has the length of every misspelling, so none is skipped on length: the
        // searches share a budget, and the first mistakes still get their suggestion.
        int n = 10_000;
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) s.append(String.format("def helper%05d(x) = x * 2%n", i));
        for (int i = 0; i < n; i++) {
            s.append(String.format("model M%d {%n  input x: f32[3]%n  output y = helpr%05d(x)%n}%n", i, i));
        }
        Compilation c = compile("similar.model", s.toString());
        List<Diagnostic> errors = errors(c);
        assertEquals(n, errors.size());
        assertEquals("unknown function 'helpr00000'", errors.getFirst().message());
        assertEquals(List.of("did you mean 'helper00000'?"), errors.getFirst().notes());
    }

    // ------------------------------------------------------------------ literals

    /** A const holding a literal of {@code n} numbers, on one line. */
    static String literal(int n) {
        StringBuilder s = new StringBuilder("model M {\n  input x: f32[N]\n  const c = [");
        for (int i = 0; i < n; i++) s.append(i == 0 ? "" : ",").append(i % 10);
        return s.append("]\n  output y = sum(x) + sum(c)\n}\n").toString();
    }

    @Test
    void aTenMillionNumberLiteralIsRefusedAtItsBracket() {
        // 20 MB: 64 s and 6.3 GB before.
        Compilation c = compile("big.model", literal(10_000_000));
        Diagnostic d = onlyError(c);
        assertEquals("this tensor literal has more than 100,000 elements", d.message());
        assertEquals("3:13", at(d));
        assertTrue(d.notes().getFirst().contains(".npy"), d.notes()::toString);
        // The 20 MB line is quoted around the bracket, not whole.
        String rendered = c.render();
        assertTrue(rendered.length() < 1_000, () -> "rendered " + rendered.length() + " characters");
        assertTrue(rendered.contains("\n  const c = [0,1,2,3,4,5,6,7,8,9,0,1,2"), rendered);
    }

    @Test
    void aLiteralOfOneHundredThousandNumbersChecks() {
        Compilation c = compile("limit.model", literal(100_000));
        assertFalse(c.hasErrors(), c::render);
        Compilation over = compile("over.model", literal(100_001));
        assertEquals("this tensor literal has more than 100,000 elements", onlyError(over).message());
    }

    @Test
    void aMillionNumbersSplitIntoLiteralsAreRefusedToo() {
        // The same 20 MB, as 100 literals of 100,000 numbers: the file's literals are limited too.
        StringBuilder s = new StringBuilder("model M {\n");
        String numbers = "1,".repeat(99_999) + "1";
        for (int i = 0; i < 100; i++) s.append("  const c").append(i).append(" = [").append(numbers).append("]\n");
        s.append("  output y = sum(c0)\n}\n");
        Compilation c = compile("split.model", s.toString());
        Diagnostic d = onlyError(c);
        assertEquals("with the literals before it, this file's tensor literals have more than 1,000,000 elements",
                d.message());
        assertEquals("12:15", at(d), "at the eleventh literal");
    }

    @Test
    void nestedRowsCountTowardsTheLiteral() {
        // 400 rows of 251 numbers: 100,400 numbers in one literal.
        String row = "[" + "1,".repeat(250) + "1]";
        String rows = "[" + String.join(",", java.util.Collections.nCopies(400, row)) + "]";
        Compilation c = compile("rows.model", "model M {\n  const c = " + rows + "\n  output y = sum(c)\n}\n");
        assertEquals("2:13", at(onlyError(c)));
    }
}
