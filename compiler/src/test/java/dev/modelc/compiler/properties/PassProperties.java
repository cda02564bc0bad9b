package dev.modelc.compiler.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.GraphPrinter;
import dev.modelc.compiler.graph.GraphVerifier;
import dev.modelc.compiler.passes.Pipeline;
import dev.modelc.compiler.properties.ExprPrograms.Program;
import dev.modelc.runtime.Tensor;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The optimization passes change no result. Each graph holds a random program's value, its
 * gradients and its Hessian-vector products (so the passes see the patterns differentiation
 * makes: broadcast fills, where-guarded products, sums of broadcasts, transposes of transposes).
 *
 * <p>Checked: every pass of {@link Pipeline#STANDARD} applied on its own to the original graph,
 * the passes applied in turn (each against the graph it was given), and
 * {@link Pipeline#optimize} with verification on. The graph verifier must accept every result,
 * and every named result must keep its shape and values: exactly for the passes that only
 * evaluate or share or drop nodes (fold, cse, dce); within 1e-12 relative for those that
 * replace one formula by an equal one whose rounding differs (stability: log(softmax) ->
 * log_softmax; simplify: sum(broadcast(x)) -> x * n), measured against the largest magnitude among
 * all the results: a value that cancels to (near) zero, such as the gradient with respect to a
 * shift that a softmax ignores, keeps the absolute rounding error of the terms it is made of.
 * Values are compared at a smooth point ({@link Harness#smoothPoint}), so that rounding changed
 * by a pass cannot flip a comparison.
 */
class PassProperties {
    /** Passes that must reproduce every value bit for bit (up to the sign of zero). */
    private static final Set<String> EXACT = Set.of("fold", "cse", "dce");

    /** The passes with a property of their own; the pipeline property checks this covers Pipeline.STANDARD. */
    private static final Set<String> CHECKED_ALONE = Set.of("stability", "simplify", "fold", "cse", "dce");

    static final int TRIES = 2000;

    /** Relative tolerance for passes that reassociate or substitute stable formulas. */
    static final double RELATIVE = 1e-12;

    @Provide
    Arbitrary<Program> programs() {
        return ExprPrograms.programs();
    }

    @Property(tries = TRIES)
    void stabilityRewritesPreserveResults(@ForAll("programs") Program program) {
        alone("stability", program);
    }

    @Property(tries = TRIES)
    void algebraicSimplificationPreservesResults(@ForAll("programs") Program program) {
        alone("simplify", program);
    }

    @Property(tries = TRIES)
    void constantFoldingPreservesResults(@ForAll("programs") Program program) {
        alone("fold", program);
    }

    @Property(tries = TRIES)
    void commonSubexpressionsPreserveResults(@ForAll("programs") Program program) {
        alone("cse", program);
    }

    @Property(tries = TRIES)
    void deadCodeEliminationPreservesResults(@ForAll("programs") Program program) {
        alone("dce", program);
    }

    /** The passes in turn, each against the graph it was given and against the original; then {@link Pipeline#optimize}. */
    @Property(tries = TRIES)
    void theStandardPipelinePreservesResults(@ForAll("programs") Program program) {
        for (Pipeline.Pass pass : Pipeline.STANDARD) {
            assertTrue(CHECKED_ALONE.contains(pass.name()), "no property checks pass '" + pass.name() + "' on its own");
        }
        Harness t = new Harness(program);
        Map<String, Tensor> at = t.smoothPoint();
        Assume.that(at != null);
        Map<String, Tensor> want = Harness.run(t.graph, at);
        Graph g = t.graph;
        Map<String, Tensor> before = want;
        for (Pipeline.Pass pass : Pipeline.STANDARD) {
            Graph after = apply(pass, g, t);
            Map<String, Tensor> got = Harness.run(after, at);
            compare(before, got, EXACT.contains(pass.name()), "'" + pass.name() + "' in the pipeline", t, after);
            compare(want, got, false, "the pipeline up to '" + pass.name() + "'", t, after);
            g = after;
            before = got;
        }
        Graph optimized;
        try {
            optimized = Pipeline.optimize(t.graph, true);
        } catch (RuntimeException bad) {
            optimized = fail("Pipeline.optimize throws " + bad + "\n" + t.describe(), bad);
        }
        compare(want, Harness.run(optimized, at), false, "Pipeline.optimize", t, optimized);
    }

    /** One pass of the standard pipeline, by name, applied to the original graph. */
    private static void alone(String name, Program program) {
        Pipeline.Pass pass = Pipeline.STANDARD.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no pass '" + name + "' in Pipeline.STANDARD"));
        Harness t = new Harness(program);
        Map<String, Tensor> at = t.smoothPoint();
        Assume.that(at != null);
        Graph after = apply(pass, t.graph, t);
        compare(Harness.run(t.graph, at), Harness.run(after, at), EXACT.contains(name), "'" + name + "' alone", t, after);
    }

    private static Graph apply(Pipeline.Pass pass, Graph g, Harness t) {
        Graph after;
        try {
            after = pass.run().apply(g);
        } catch (RuntimeException bad) {
            return fail("pass '" + pass.name() + "' throws " + bad + "\n" + t.describe() + "input to the pass:\n"
                    + GraphPrinter.print(g), bad);
        }
        try {
            return GraphVerifier.verify(after);
        } catch (GraphVerifier.InvalidGraph bad) {
            return fail("the verifier rejects the graph after '" + pass.name() + "': " + bad.getMessage() + "\n"
                    + t.describe() + "after:\n" + GraphPrinter.print(after), bad);
        }
    }

    private static void compare(Map<String, Tensor> want, Map<String, Tensor> got, boolean exact, String what,
                                Harness t, Graph after) {
        assertEquals(want.keySet(), got.keySet(), what + ": results differ\n" + t.describe());
        double scale = 0;
        for (Tensor v : want.values()) for (double d : v.toDoubleArray()) scale = Math.max(scale, Math.abs(d));
        for (String name : want.keySet()) {
            Tensor a = want.get(name), b = got.get(name);
            String context = what + ", result '" + name + "'";
            if (!Arrays.equals(a.shape(), b.shape())) fail(context + ": shape changes\n" + t.describe());
            double[] x = a.toDoubleArray(), y = b.toDoubleArray();
            for (int k = 0; k < x.length; k++) {
                boolean same = x[k] == y[k] || (Double.isNaN(x[k]) && Double.isNaN(y[k]));
                if (same) continue;
                // Results that cancel to about 0 (log(sum(exp(x))) - x over one element) carry rounding
                // on the scale of the intermediate values, which are about 1 here: hence the floor of 1.
                if (exact || Math.abs(x[k] - y[k]) > RELATIVE * Math.max(1, Math.max(scale, Math.abs(y[k])))) {
                    fail(context + "[" + k + "]: " + x[k] + " before, " + y[k] + " after"
                            + (exact ? " (this pass must be exact)" : "") + "\n" + t.describe()
                            + "after:\n" + GraphPrinter.print(after));
                }
            }
        }
    }
}
