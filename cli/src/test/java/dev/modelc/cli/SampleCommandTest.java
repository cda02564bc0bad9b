package dev.modelc.cli;

import static dev.modelc.cli.TrainCommandTest.modelc;
import static dev.modelc.cli.TrainCommandTest.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Npz;
import dev.modelc.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modelc sample} end to end: on the makemore sample trained briefly on its committed
 * subset (words of a-z, the same for the same seed, word i independent of the count), and on a
 * hand-made model whose next token is a fixed function of the last one (the loop itself: the
 * context shifts, the word ends at token 0, a word that never ends is cut and said to be).
 */
class SampleCommandTest {
    @TempDir
    static Path dir;
    private static String makemore;
    private static String trained;

    /** Two epochs of the makemore sample on the subset: enough for words that end. */
    @BeforeAll
    static void train() {
        makemore = sample("makemore/makemore.model").toString();
        Path data = sample("makemore/data/subset/train.csv");
        trained = dir.resolve("makemore.npz").toString();
        var r = modelc("train", makemore, "--data", "context=" + data + ":c0,c1,c2", "--data", "next=" + data + ":next",
                "--epochs", "2", "--save", trained);
        assertEquals(Main.OK, r.code(), r.err());
    }

    private static List<String> words(TrainCommandTest.Run r) {
        assertEquals(Main.OK, r.code(), r.err());
        return r.out().lines().toList();
    }

    @Test
    void theSameSeedGivesTheSameWordsOfLettersThatEnd() {
        List<String> first = words(modelc("sample", makemore, "--params", trained, "--seed", "7", "--count", "20"));
        var again = modelc("sample", makemore, "--params", trained, "--seed", "7", "--count", "20");
        assertEquals(first, words(again));
        assertEquals("", again.err(), "every word ended before --max-length");
        assertEquals(20, first.size());
        for (String w : first) assertTrue(w.matches("[a-z]*"), "'" + w + "' in " + first);
        // Not the same word over and over: the draws differ from word to word.
        assertTrue(first.stream().distinct().count() >= 15, first.toString());
    }

    @Test
    void wordIDependsOnTheSeedAndNotOnTheCount() {
        List<String> twenty = words(modelc("sample", makemore, "--params", trained, "--seed", "3", "--count", "20"));
        List<String> five = words(modelc("sample", makemore, "--params", trained, "--seed", "3", "--count", "5"));
        assertEquals(twenty.subList(0, 5), five);
        List<String> other = words(modelc("sample", makemore, "--params", trained, "--seed", "4", "--count", "20"));
        assertNotEquals(twenty, other);
    }

    @Test
    void theInterpreterDrawsTheWordsTheBytecodeDraws() {
        List<String> bytecode = words(modelc("sample", makemore, "--params", trained, "--seed", "11", "--count", "10"));
        List<String> interp = words(modelc("sample", makemore, "--params", trained, "--seed", "11", "--count", "10",
                "--backend", "interp"));
        assertEquals(bytecode, interp);
    }

    /** Next token = table row of the last token: 0 -> 1 -> 2 -> 3 -> 0 when {@code ends}, else 3 -> 1. */
    private static String chain(boolean ends) throws IOException {
        Path model = dir.resolve("chain.model");
        Files.writeString(model, """
                model Chain {
                  input context: i32[N, 3]
                  param w: f32[4, 4] = zeros()
                  output logits = w[context[:, 2]]
                }
                """);
        double[] w = new double[16];
        java.util.Arrays.fill(w, -100);
        int[] next = ends ? new int[] {1, 2, 3, 0} : new int[] {1, 2, 3, 1};
        for (int t = 0; t < 4; t++) w[t * 4 + next[t]] = 100;
        Npz.write(dir.resolve(ends ? "ends.npz" : "cycles.npz"), Map.of("w", Tensor.of(DType.F32, new int[] {4, 4}, w)));
        return model.toString();
    }

    @Test
    void eachWordRunsFromTheStartContextToTheEndToken() throws IOException {
        String model = chain(true);
        var r = modelc("sample", model, "--params", dir.resolve("ends.npz").toString(), "--vocab", ".abc", "--count", "3");
        assertEquals(List.of("abc", "abc", "abc"), words(r));
        assertEquals("", r.err());
    }

    @Test
    void aWordThatNeverEndsIsCutAtTheLimitWithANote() throws IOException {
        String model = chain(false);
        var r = modelc("sample", model, "--params", dir.resolve("cycles.npz").toString(), "--vocab", ".xyz", "--count", "2",
                "--max-length", "7");
        assertEquals(List.of("xyzxyzx", "xyzxyzx"), words(r));
        assertEquals("modelc: note: word 1 did not end within --max-length 7; it is cut there\n"
                + "modelc: note: word 2 did not end within --max-length 7; it is cut there\n", r.err());
    }

    @Test
    void tokensAreDrawnWithTheSoftmaxProbabilities() throws IOException {
        // From every context: '.' (the end) with probability 1/4, 'a' with 3/4; so a word is
        // empty with probability 1/4 and its length is geometric with mean 3.
        Path model = dir.resolve("coin.model");
        Files.writeString(model, """
                model Coin {
                  input context: i32[N, 2]
                  param w: f32[2, 2] = zeros()
                  output logits = w[context[:, 1]]
                }
                """);
        double l3 = Math.log(3);
        Path params = dir.resolve("coin.npz");
        Npz.write(params, Map.of("w", Tensor.of(DType.F32, new int[] {2, 2}, new double[] {0, l3, 0, l3})));
        List<String> w = words(modelc("sample", model.toString(), "--params", params.toString(), "--vocab", ".a", "--count", "4000",
                "--seed", "1"));
        assertEquals(4000, w.size());
        double empty = w.stream().filter(String::isEmpty).count() / 4000.0;
        double mean = w.stream().mapToInt(String::length).average().orElseThrow();
        // Standard errors: sqrt(0.25 * 0.75 / 4000) = 0.0068 and sqrt(12 / 4000) = 0.055; 5 of each.
        assertEquals(0.25, empty, 0.035, "share of empty words");
        assertEquals(3.0, mean, 0.28, "mean length");
    }

    @Test
    void whatCannotBeSampledIsAOneLineError() throws IOException {
        modelc("sample", makemore, "--params", trained, "--vocab", ".abc").assertOneLineError(
                "--vocab has 4 characters, but output 'logits' of Makemore is f32[N, 27]: give one character per token (27)");
        modelc("sample", makemore, "--params", trained, "--output", "logit").assertOneLineError(
                "Makemore has no output 'logit' to sample from; its outputs are logits, probs");
        String crop = sample("crop-yield/crop_yield.model").toString();
        Path linear = dir.resolve("linear.npz");
        Npz.write(linear, Map.of("linear.weight", Tensor.zeros(DType.F32, 2, 3), "linear.bias", Tensor.zeros(DType.F32, 2)));
        modelc("sample", crop, "--model", "CropYieldLinear", "--params", linear.toString(), "--output", "preds").assertOneLineError(
                "cannot sample from CropYieldLinear: input 'x' must be a batch of contexts of token ids, i32[N, k] with k a fixed "
                        + "number of tokens, but it is x: f32[N, 3]");
        var r = modelc("sample", makemore, "--params", trained, "--count", "-1");
        assertEquals(Main.USER_ERROR, r.code());
        assertTrue(r.err().startsWith("--count must be 0 or more, not -1\n"), r.err());
    }
}
