package dev.modelc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelc.runtime.HeapLimit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train}, {@code eval} and {@code predict} refuse up front, with exit 1, a model whose params
 * cannot fit the heap (naming the param and what it needs against the limit) or whose params or
 * values of fixed shape are past a tensor's 2^31 - 1 elements (naming them and their line); they
 * used to die of an OutOfMemoryError, or with exit 2 "too many elements".
 */
@Timeout(60) // a hang guard: each refusal comes before anything large is allocated
class ModelMemoryTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    /** Exit 1, no trace, and the last line of stderr (after check's warnings) is the refusal, starting with {@code expected}. */
    private static void refused(TrainCommandTest.Run r, String expected) {
        assertEquals(Main.USER_ERROR, r.code(), r.err());
        assertTrue(!r.err().contains("Exception") && !r.err().contains("\tat "), r.err());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith(expected) || last.contains(expected), "expected\n" + expected + "\nin\n" + r.err());
        assertTrue(r.out().isEmpty(), "refused before any work:\n" + r.out());
    }

    private Path data() throws IOException {
        return file("d.csv", "a,b,c,y\n1,2,3,4\n");
    }

    @Test
    void trainRefusesParamsWhoseCopiesExceedTheHeap() throws IOException {
        // An f64 param that the heap could hold once, or nearly, but not with its gradient beside it.
        long elements = HeapLimit.max() / 16 + 1;
        long rows = (elements + 999) / 1000;
        assumeTrue(rows * 1000 <= Integer.MAX_VALUE, "the heap is too large for one tensor to exceed it");
        Path model = file("big.model", """
                model Big {
                  input x: f64[N, 3]
                  param h: f64[%d, 1000] = zeros()
                  loss = mean(x) + sum(h)
                }
                """.formatted(rows));
        var r = TrainCommandTest.modelc("train", model.toString(), "--data", "x=" + data() + ":a,b,c");
        refused(r,
                "modelc: " + model + ":3:3: param 'h' of Big is f64[" + rows + ", 1000]: " + HeapLimit.size(rows * 8000)
                        + "; training Big needs " + HeapLimit.size(rows * 16000) + " (its params, " + HeapLimit.size(rows * 8000)
                        + ", 2 times: the values and their gradients), more than the " + HeapLimit.size(HeapLimit.max())
                        + " the Java heap may grow to; raise the limit with -Xmx (for the modelc command, MODELC_OPTS=-Xmx");
    }

    @Test
    void adamsMomentsCountToo() throws IOException {
        long elements = HeapLimit.max() / 32 + 1; // 4 f64 copies: fits twice, not four times
        long rows = (elements + 999) / 1000;
        assumeTrue(rows * 1000 <= Integer.MAX_VALUE, "the heap is too large for one tensor to exceed it");
        Path model = file("adam.model", """
                model A {
                  input x: f64[N, 3]
                  param h: f64[%d, 1000] = zeros()
                  loss = mean(x) + sum(h)
                  train { optimizer = adam(lr = 0.1) }
                }
                """.formatted(rows));
        var r = TrainCommandTest.modelc("train", model.toString(), "--data", "x=" + data() + ":a,b,c");
        refused(r, "4 times: the values, their gradients and Adam's two moments), more than the");
    }

    @Test
    void paramsPastATensorsLimitAreNamedOnEveryCommand() throws IOException {
        Path model = file("huge.model", """
                model Huge {
                  input x: f32[N, 3]
                  param w: f32[100000, 100000] = zeros()
                  output y = sum(x) + sum(w)
                  loss = y
                }
                """);
        String expected = "modelc: " + model + ":3:3: param 'w' of Huge is f32[100000, 100000], 10000000000 elements, "
                + "more than the 2147483647 a tensor can hold; make it smaller";
        for (String backend : new String[] {"bytecode", "java", "interp"}) {
            // The java backend once wrote 10000000000 into its source and failed in javac, exit 2.
            refused(TrainCommandTest.modelc("train", model.toString(), "--data", "x=" + data() + ":a,b,c", "--backend", backend),
                    expected);
        }
        Path values = file("v.json", "{\"x\": [[1, 2, 3]]}");
        refused(TrainCommandTest.modelc("eval", model.toString(), "--inputs", values.toString()), expected);
        refused(TrainCommandTest.modelc("predict", model.toString(), "--params", dir.resolve("none.npz").toString(),
                "--data", "x=" + data() + ":a,b,c"), expected);
        refused(TrainCommandTest.modelc("compile", model.toString(), "--emit", "java", "--out", dir.resolve("gen").toString()),
                expected);
        assertTrue(!Files.exists(dir.resolve("gen/huge/Huge.java")), "no source that javac rejects");
        // 10^12 elements used to read "size 1000000000000 = 1000000000000 is out of range".
        Path t = file("t.model", """
                model T {
                  input x: f32[N, 3]
                  param w: f32[1000000, 1000000] = zeros()
                  loss = mean(x) + sum(w)
                }
                """);
        refused(TrainCommandTest.modelc("train", t.toString(), "--data", "x=" + data() + ":a,b,c"),
                "modelc: " + t + ":3:3: param 'w' of T is f32[1000000, 1000000], 1000000000000 elements, more than the "
                        + "2147483647 a tensor can hold; make it smaller");
    }

    @Test
    void aConstantPastATensorsLimitIsNamedWithItsLine() throws IOException {
        Path model = file("z.model", """
                model Z {
                  input x: f32[3]
                  output y = sum(zeros([100000, 100000])) + sum(x)
                }
                """);
        Path values = file("z.json", "{\"x\": [1, 2, 3]}");
        for (String backend : new String[] {"bytecode", "java", "interp"}) {
            var r = TrainCommandTest.modelc("eval", model.toString(), "--inputs", values.toString(), "--backend", backend);
            r.assertOneLineError("modelc: " + model + ":3:18: 'zeros([100000, 100000])' has shape [100000, 100000], 10000000000 "
                    + "elements, more than the 2147483647 a tensor can hold");
        }
    }

    @Test
    void modelsThatFitRunAsBefore() throws IOException {
        Path model = file("ok.model", """
                model Ok {
                  input x: f32[3]
                  param w: f32[1000, 1000] = zeros()
                  output y = sum(x) + sum(w) + sum(zeros([30000, 30000]) + 1)
                }
                """);
        var r = TrainCommandTest.modelc("eval", model.toString(), "--inputs", file("v.json", "{\"x\": [1, 2, 3]}").toString());
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(r.out().contains("\"y\":9.0E8"), r.out()); // 9e8 + 6 rounds to 9e8 in f32
    }
}
