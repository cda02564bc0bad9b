package dev.modelc.cli;

import static dev.modelc.cli.Cli.modelc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelc graph} end to end, through {@link Main#run}. */
class GraphCommandTest {

    @TempDir
    Path dir;

    private static String model() {
        return Cli.cropYield().toString();
    }

    private static Cli.Result ok(String... args) {
        Cli.Result r = modelc(args);
        assertEquals(Main.OK, r.code(), r.err());
        assertEquals("", r.err());
        return r;
    }

    @Test
    void textShowsTheForwardGraphWithItsOps() {
        String g = ok("graph", model(), "--model", "CropYield").out();
        for (String op : new String[] {"= input[x]", "= input[y]", "= param[w]", "= param[b]", "= transpose[perm=(1, 0)]",
                "= matmul", "= broadcast", "= add", "= sub", "= square", "= reduce_mean[axes=(0, 1) keepdims=false]"}) {
            assertTrue(g.contains(op), op + " missing from\n" + g);
        }
        assertTrue(g.startsWith("%0:f32[N, 3] = input[x]"), g);
        assertTrue(g.endsWith("out preds = %7\nloss loss = %10\n"), g);
        assertFalse(g.contains("grad "), g);
        assertTrue(g.contains("# 10:20"), "source positions:\n" + g);
        assertEquals(g, ok("graph", model(), "--model", "CropYield", "--format", "text").out());
    }

    @Test
    void backwardAddsGradientsAndUpdates() {
        String g = ok("graph", model(), "--model", "CropYieldManual", "--backward").out();
        assertTrue(g.contains("grad w = %"), g);
        assertTrue(g.contains("grad b = %"), g);
        assertTrue(g.contains("update w = %"), g);
        assertTrue(g.contains("update b = %"), g);
        assertTrue(g.contains("loss loss = %"), g);

        String forward = ok("graph", model(), "--model", "CropYieldManual").out();
        assertFalse(forward.contains("grad "), forward);
        assertFalse(forward.contains("update "), forward);
    }

    @Test
    void noOptimizeShowsTheLoweredGraphWithoutDeadNodes() {
        String optimized = ok("graph", model(), "--model", "CropYieldLinear", "--backward").out();
        String raw = ok("graph", model(), "--model", "CropYieldLinear", "--backward", "--no-optimize").out();
        assertEquals(optimized, ok("graph", model(), "--model", "CropYieldLinear", "--backward", "--optimize").out());
        assertTrue(raw.contains("grad linear.weight = %"), raw);
        // The lowered graph names its values (alias nodes, which gradients need) and the optimizer
        // drops the names and rewrites the rest; it is not always shorter, since the front end
        // shares equal calls as it lowers.
        assertTrue(raw.contains("alias[loss]"), raw);
        assertFalse(optimized.contains("alias["), optimized);
        assertNotEquals(raw, optimized, "optimizing did not change the graph");
        // dead code is gone either way: no param initializers, which only INITIAL results use
        assertFalse(raw.contains("random_"), raw);
        assertFalse(raw.contains("init "), raw);
    }

    @Test
    void dotIsAGraphvizDigraph() {
        String dot = ok("graph", model(), "--model", "CropYield", "--format", "dot").out();
        assertTrue(dot.startsWith("digraph \"CropYield\" {\n"), dot);
        assertTrue(dot.endsWith("}\n"), dot);
        assertTrue(dot.contains("label=\"%5 matmul\\nf32[N, 2]\\nat 10:20\""), dot);
        assertTrue(dot.contains("label=\"loss loss\""), dot);
        assertTrue(dot.contains("label=\"out preds\""), dot);
        assertEquals(dot, ok("graph", model(), "--model", "CropYield", "--format", "dot").out(), "deterministic");

        String backward = ok("graph", model(), "--model", "CropYieldManual", "--format", "dot", "--backward").out();
        assertTrue(backward.contains("label=\"grad w\""), backward);
    }

    @Test
    void aSingleModelNeedsNoModelOption() throws IOException {
        Path file = Files.writeString(dir.resolve("one.model"), "model One {\n  input x: f64[3]\n  output y = 2 * x\n}\n",
                StandardCharsets.UTF_8);
        String g = ok("graph", file.toString()).out();
        assertTrue(g.contains("= mul"), g);
        assertTrue(g.endsWith("out y = %" + (lines(g) - 2) + "\n"), g);
    }

    @Test
    void mistakesExitOne() throws IOException {
        Cli.Result several = modelc("graph", model());
        assertEquals(Main.USER_ERROR, several.code());
        assertEquals("", several.out());
        assertEquals("modelc: " + model() + " has 3 models (CropYield, CropYieldManual, CropYieldLinear); choose one with --model NAME\n",
                several.err());

        Cli.Result typo = modelc("graph", model(), "--model", "cropyield");
        assertEquals(Main.USER_ERROR, typo.code());
        assertEquals("modelc: " + model() + ": no model 'cropyield'; did you mean 'CropYield'?\n", typo.err());

        Cli.Result format = modelc("graph", model(), "--model", "CropYield", "--format", "svg");
        assertEquals(Main.USER_ERROR, format.code());
        assertTrue(format.err().startsWith("unknown format 'svg' for --format: it is text or dot\nUsage: modelc graph"), format.err());

        Path bad = Files.writeString(dir.resolve("bad.model"), "model Bad {\n  input x: f32[3]\n  output y = x @ x @ x\n}\n",
                StandardCharsets.UTF_8);
        Cli.Result errors = modelc("graph", bad.toString());
        assertEquals(Main.USER_ERROR, errors.code());
        assertTrue(errors.err().startsWith(bad + ":3:"), errors.err());
        errors.assertNoStackTrace();

        Path none = Files.writeString(dir.resolve("defs.model"), "def twice(x) = 2 * x\n", StandardCharsets.UTF_8);
        assertEquals("modelc: " + none + ": no models\n", modelc("graph", none.toString()).err());
    }

    @Test
    void helpShowsTheExitStatus() {
        Cli.Result r = modelc("graph", "--help");
        assertEquals(Main.OK, r.code());
        assertTrue(r.out().startsWith("Usage: modelc graph"), r.out());
        assertTrue(r.out().contains("--[no-]optimize"), r.out());
        assertTrue(r.out().contains("Exit status"), r.out());
        assertTrue(modelc("--help").out().contains("graph"));
    }

    @Test
    void aMistypedCommandIsOfferedOnlyCommandsItResembles() {
        Cli.Result typo = modelc("grpah");
        assertEquals(Main.USER_ERROR, typo.code());
        assertEquals("Unmatched argument at index 0: 'grpah'\nDid you mean: modelc graph?\n", typo.err());

        Cli.Result far = modelc("frobnicate-everything");
        assertEquals(Main.USER_ERROR, far.code());
        assertFalse(far.err().contains("Did you mean"), far.err());
        assertTrue(far.err().contains("Usage: modelc"), far.err());
    }

    private static int lines(String s) {
        return (int) s.lines().count();
    }
}
