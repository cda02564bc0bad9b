package dev.modelc.cli;

import static dev.modelc.cli.Cli.modelc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.interp.Interpreter;
import dev.modelc.compiler.interp.ModelEvaluation;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelc eval} end to end, through {@link Main#run}. */
class EvalCommandTest {

    /** The PyTorch basics tutorial's data: temperature, rainfall, humidity → apples, oranges. */
    private static final double[][] X = {{73, 67, 43}, {91, 88, 64}, {87, 134, 58}, {102, 43, 37}, {69, 96, 70}};
    private static final double[][] Y = {{56, 70}, {81, 101}, {119, 133}, {22, 37}, {103, 119}};
    /** CropYieldManual's own initializers. */
    private static final double[][] W = {{0.5121, 0.0860, -0.1805}, {1.3327, -1.7127, 0.5562}};
    private static final double[] B = {-0.5312, -1.3984};

    private static final String XY = "\"x\": " + json(X) + ",\n  \"y\": " + json(Y);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static String model() {
        return Cli.cropYield().toString();
    }

    private static JsonNode parse(Cli.Result r) throws IOException {
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(r.out().endsWith("\n") && r.out().indexOf('\n') == r.out().length() - 1,
                "not one line:\n" + r.out());
        return MAPPER.readTree(r.out());
    }

    @Test
    void cropYieldManualLossAndGradientsMatchAPlainJavaComputation() throws IOException {
        Path values = write("values.json", "{\n  " + XY + ",\n  \"w\": " + json(W) + ",\n  \"b\": " + json(B) + "\n}\n");
        Cli.Result r = modelc("eval", model(), "--model", "CropYieldManual", "--inputs", values.toString(), "--dtype", "f64");
        JsonNode json = parse(r);
        assertEquals("", r.err());
        assertEquals("CropYieldManual", json.get("model").asText());
        assertTrue(json.get("outputs").isObject() && json.get("outputs").isEmpty(), r.out()); // preds is not an output there
        assertEquals(List.of("w", "b"), iterable(json.get("grads").fieldNames()));

        // loss = mean((x @ w.T + b - y) ** 2) over the 5 x 2 predictions, and its gradients.
        int n = X.length;
        double loss = 0;
        double[][] gw = new double[2][3];
        double[] gb = new double[2];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 2; j++) {
                double pred = B[j];
                for (int k = 0; k < 3; k++) pred += X[i][k] * W[j][k];
                double diff = pred - Y[i][j];
                loss += diff * diff / (2 * n);
                gb[j] += 2 * diff / (2 * n);
                for (int k = 0; k < 3; k++) gw[j][k] += 2 * diff * X[i][k] / (2 * n);
            }
        }
        assertClose(loss, json.get("loss").doubleValue(), "loss");
        for (int j = 0; j < 2; j++) {
            assertClose(gb[j], json.get("grads").get("b").get(j).doubleValue(), "d loss / d b[" + j + "]");
            for (int k = 0; k < 3; k++) {
                assertClose(gw[j][k], json.get("grads").get("w").get(j).get(k).doubleValue(), "d loss / d w[" + j + "][" + k + "]");
            }
        }
    }

    @Test
    void f64NumbersRoundTripExactlyAndF32NumbersAreTheShortestFloat() throws IOException {
        Path values = write("values.json", "{" + XY + ", \"w\": " + json(W) + ", \"b\": " + json(B) + "}");
        CheckedModel m = Compiler.compile(SourceReaderAccess.read(Cli.cropYield())).program().orElseThrow().model("CropYield").orElseThrow();
        for (String dtype : new String[] {"f64", "f32"}) {
            // The interpreter, so the numbers can be compared exactly (compiled f32 matmuls sum in f32).
            Cli.Result r = modelc("eval", model(), "--model", "CropYield", "--inputs", values.toString(), "--dtype", dtype,
                    "--backend", "interp");
            JsonNode json = parse(r);
            DType d = dtype.equals("f64") ? DType.F64 : DType.F32;
            Map<String, Tensor> in = Map.of("x", tensor(d, X), "y", tensor(d, Y), "w", tensor(d, W),
                    "b", Tensor.of(d, new int[] {2}, B));
            ModelEvaluation.Result want = ModelEvaluation.evaluate(m, in, d == DType.F64 ? Interpreter.Precision.F64 : Interpreter.Precision.F32, 0);
            double[] preds = want.outputs().get("preds").toDoubleArray();
            JsonNode got = json.get("outputs").get("preds");
            for (int i = 0; i < preds.length; i++) {
                JsonNode number = got.get(i / 2).get(i % 2);
                if (d == DType.F64) {
                    assertEquals(preds[i], number.doubleValue(), 0.0, "preds at " + i);
                } else {
                    assertEquals((float) preds[i], Float.parseFloat(number.asText()), 0.0f, "preds at " + i);
                    assertTrue(r.out().contains("," + Float.toString((float) preds[i]) + "]")
                            || r.out().contains("[" + Float.toString((float) preds[i]) + ","), "the shortest float spelling:\n" + r.out());
                }
            }
            assertEquals(want.loss().orElseThrow().item(), d == DType.F64 ? json.get("loss").doubleValue()
                    : Float.parseFloat(json.get("loss").asText()), 0.0, "loss in " + dtype);
        }
    }

    @Test
    void declaredDTypesAreTheDefault() throws IOException {
        Path values = write("values.json", "{" + XY + "}");
        Cli.Result r = modelc("eval", model(), "--model", "CropYieldManual", "--inputs", values.toString());
        parse(r);
        CheckedModel m = Compiler.compile(SourceReaderAccess.read(Cli.cropYield())).program().orElseThrow().model("CropYieldManual").orElseThrow();
        ModelEvaluation.Result want = ModelEvaluation.evaluate(m, Map.of("x", tensor(DType.F32, X), "y", tensor(DType.F32, Y)),
                Interpreter.Precision.DECLARED, 0);
        Tensor loss = want.loss().orElseThrow();
        assertEquals(DType.F32, loss.dtype());
        assertTrue(r.out().contains("\"loss\":" + Float.toString((float) loss.item()) + ","), "an f32 loss, printed as a float:\n" + r.out());
    }

    @Test
    void paramsLeftOutAreDrawnFromTheSeed() throws IOException {
        Path values = write("values.json", "{" + XY + "}");
        String[] run = {"eval", model(), "--model", "CropYield", "--inputs", values.toString()};
        Cli.Result seven = modelc(concat(run, "--seed", "7"));
        Cli.Result sevenAgain = modelc(concat(run, "--seed", "7"));
        Cli.Result eight = modelc(concat(run, "--seed", "8"));
        Cli.Result none = modelc(run);
        Cli.Result zero = modelc(concat(run, "--seed", "0"));
        parse(seven);
        assertEquals(seven.out(), sevenAgain.out());
        assertNotEquals(seven.out(), eight.out());
        assertEquals(zero.out(), none.out(), "the default seed is 0");
        JsonNode grads = parse(none).get("grads");
        assertEquals(List.of("w", "b"), iterable(grads.fieldNames()));
    }

    @Test
    void givenParamsOverrideTheirInitializers() throws IOException {
        Path values = write("values.json", "{" + XY + ", \"b\": [1000, 1000]}");
        JsonNode one = parse(modelc("eval", model(), "--model", "CropYield", "--inputs", values.toString(), "--seed", "1"));
        JsonNode two = parse(modelc("eval", model(), "--model", "CropYield", "--inputs", values.toString(), "--seed", "2"));
        assertNotEquals(one.get("loss"), two.get("loss"), "w is still drawn from the seed");
        assertTrue(one.get("outputs").get("preds").get(0).get(0).doubleValue() > 500, one.toString());
    }

    @Test
    void badJsonIsADiagnosticWithLineAndColumn() throws IOException {
        Path values = write("values.json", "{\n  \"x\": [[1, 2, 3]],\n  \"y\": [[1, 2]],\n}\n");
        Cli.Result r = modelc("eval", model(), "--model", "CropYieldManual", "--inputs", values.toString());
        assertEquals(Main.USER_ERROR, r.code());
        assertEquals("", r.out());
        assertTrue(Pattern.compile("^" + Pattern.quote(values.toString()) + ":4:1: error: malformed JSON").matcher(r.err()).find(), r.err());
        r.assertNoStackTrace();
    }

    @Test
    void aMissingInputIsOneLineNamingIt() throws IOException {
        Path values = write("values.json", "{\"x\": " + json(X) + "}");
        Cli.Result r = modelc("eval", model(), "--model", "CropYieldManual", "--inputs", values.toString());
        assertEquals(Main.USER_ERROR, r.code());
        assertEquals("", r.out());
        assertEquals("modelc: " + values + ": missing input 'y' (f32[N, 2]), needed by CropYieldManual\n", r.err());
    }

    @Test
    void anUnknownKeyPointsAtItWithASuggestion() throws IOException {
        Path values = write("values.json", "{" + XY + ",\n \"wt\": " + json(W) + "}");
        Cli.Result r = modelc("eval", model(), "--model", "CropYieldManual", "--inputs", values.toString());
        assertEquals(Main.USER_ERROR, r.code());
        assertEquals("", r.out());
        assertEquals(values + ":3:2: error: 'wt' is not an input or param of CropYieldManual\n"
                + " \"wt\": " + json(W) + "}\n"
                + " ^^^^\n"
                + "  did you mean 'w'?\n"
                + "  CropYieldManual takes inputs x, y and params w, b\n", r.err());
    }

    @Test
    void aMisspeltInputIsNotAlsoReportedMissing() throws IOException {
        Path values = write("values.json", "{\"x\": " + json(X) + ", \"yy\": " + json(Y) + "}");
        Cli.Result r = modelc("eval", model(), "--model", "CropYieldManual", "--inputs", values.toString());
        assertEquals(Main.USER_ERROR, r.code());
        assertTrue(r.err().contains("error: 'yy' is not an input or param of CropYieldManual"), r.err());
        assertTrue(r.err().contains("did you mean 'y'?"), r.err());
        assertFalse(r.err().contains("missing"), r.err());
    }

    @Test
    void aWrongShapePointsAtTheValueWithExpectedAndFound() throws IOException {
        Path values = write("values.json", "{\"x\": [[1, 2], [3, 4]], \"y\": [[1, 2], [3, 4]]}");
        Cli.Result r = modelc("eval", model(), "--model", "CropYieldManual", "--inputs", values.toString());
        assertEquals(Main.USER_ERROR, r.code());
        assertEquals("", r.out());
        assertEquals(values + ":1:7: error: wrong shape for input 'x': expected f32[N, 3], found [2, 2]\n"
                + "{\"x\": [[1, 2], [3, 4]], \"y\": [[1, 2], [3, 4]]}\n"
                + "      ^^^^^^^^^^^^^^^^\n"
                + "  axis 1 has 2 elements where 3 are declared\n", r.err());
    }

    @Test
    void aWrongRankIsNamed() throws IOException {
        Path values = write("values.json", "{\"x\": " + json(X) + ", \"y\": [1, 2], \"b\": 3}");
        Cli.Result r = modelc("eval", model(), "--model", "CropYieldManual", "--inputs", values.toString());
        assertEquals(Main.USER_ERROR, r.code());
        assertTrue(r.err().contains("error: wrong shape for input 'y': expected f32[N, 2] (here [5, 2]), found [2]"), r.err());
        assertTrue(r.err().contains("it has rank 1 (a flat array) where rank 2 is declared"), r.err());
        assertTrue(r.err().contains("error: wrong shape for param 'b': expected f32[2], found []"), r.err());
    }

    @Test
    void inconsistentSymbolicSizesAreAnErrorOnTheLaterValue() throws IOException {
        double[][] y4 = Arrays.copyOf(Y, 4);
        Path values = write("values.json", "{\"x\": " + json(X) + ",\n \"y\": " + json(y4) + "}");
        Cli.Result r = modelc("eval", model(), "--model", "CropYieldManual", "--inputs", values.toString());
        assertEquals(Main.USER_ERROR, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith(values + ":2:7: error: wrong shape for input 'y': expected f32[N, 2] (here [5, 2]), found [4, 2]\n"), r.err());
        assertTrue(r.err().contains("  N is 5 (from axis 0 of 'x'), but axis 0 here has 4 elements\n"), r.err());
    }

    @Test
    void aSizeThatDisagreesWithinOneValueNamesItsEarlierAxis() throws IOException {
        Path file = write("square.model", """
                model Square {
                  input s: f32[M, M]
                  output t = sum(s)
                }
                """);
        Path values = write("values.json", "{\"s\": [[1, 2]]}");
        Cli.Result r = modelc("eval", file.toString(), "--inputs", values.toString());
        assertEquals(Main.USER_ERROR, r.code());
        assertEquals(values + ":1:7: error: wrong shape for input 's': expected f32[M, M], found [1, 2]\n"
                + "{\"s\": [[1, 2]]}\n"
                + "      ^^^^^^^^\n"
                + "  M is 1 (from axis 0), but axis 1 here has 2 elements\n", r.err());
    }

    @Test
    void wholeNumbersAreNeededForI32AndBool() throws IOException {
        Path file = write("labels.model", """
                model Labels {
                  input labels: i32[N]
                  input mask: bool[N]
                  output kept = where(mask, labels, 0)
                }
                """);
        Path good = write("good.json", "{\"labels\": [0, 2, 1], \"mask\": [true, false, 1]}");
        JsonNode json = parse(modelc("eval", file.toString(), "--inputs", good.toString()));
        assertEquals("[0,0,1]", json.get("outputs").get("kept").toString());

        Path bad = write("bad.json", "{\"labels\": [0, 1.5, 1], \"mask\": [true, false, 2]}");
        Cli.Result r = modelc("eval", file.toString(), "--inputs", bad.toString());
        assertEquals(Main.USER_ERROR, r.code());
        assertTrue(r.err().contains("error: input 'labels' is i32, but element 1 (row-major) of its value is 1.5"), r.err());
        assertTrue(r.err().contains("error: input 'mask' is bool, but element 2 (row-major) of its value is 2"), r.err());
    }

    @Test
    void aRunTimeErrorOfTheInterpreterIsOneLine() throws IOException {
        Path file = write("classes.model", """
                model Classes {
                  input labels: i32[N]
                  output hot = one_hot(labels, 3)
                }
                """);
        Path values = write("values.json", "{\"labels\": [0, 5, 1]}");
        Cli.Result r = modelc("eval", file.toString(), "--inputs", values.toString());
        assertEquals(Main.USER_ERROR, r.code());
        assertEquals("", r.out());
        assertEquals("modelc: class label 5 is out of range for 3 classes\n", r.err());
    }

    @Test
    void nanAndInfinityAreWrittenAsStrings() throws IOException {
        Path file = write("log.model", """
                model Log {
                  input x: f64[N]
                  output y = log(x)
                  output big = argmax(x, axis = 0)
                  output positive = x > 0
                }
                """);
        Path values = write("values.json", "{\"x\": [-1, 0, 1]}");
        Cli.Result r = modelc("eval", file.toString(), "--inputs", values.toString());
        assertEquals(Main.OK, r.code(), r.err());
        assertEquals("{\"model\":\"Log\",\"outputs\":{\"y\":[\"NaN\",\"-Infinity\",0.0],\"big\":2,\"positive\":[false,false,true]},"
                + "\"loss\":null,\"grads\":{}}\n", r.out());
    }

    @Test
    void severalModelsNeedModelAndAnUnknownModelGetsASuggestion() throws IOException {
        Path values = write("values.json", "{" + XY + "}");
        Cli.Result none = modelc("eval", model(), "--inputs", values.toString());
        assertEquals(Main.USER_ERROR, none.code());
        assertEquals("modelc: " + model() + " has 3 models (CropYield, CropYieldManual, CropYieldLinear); choose one with --model NAME\n",
                none.err());

        Cli.Result typo = modelc("eval", model(), "--model", "CropYeildManual", "--inputs", values.toString());
        assertEquals(Main.USER_ERROR, typo.code());
        assertEquals("modelc: " + model() + ": no model 'CropYeildManual'; did you mean 'CropYieldManual'?\n", typo.err());

        Cli.Result far = modelc("eval", model(), "--model", "Mnist", "--inputs", values.toString());
        assertEquals("modelc: " + model() + ": no model 'Mnist'; its models are CropYield, CropYieldManual, CropYieldLinear\n", far.err());
    }

    @Test
    void aModelWithErrorsPrintsItsDiagnostics() throws IOException {
        Path file = write("bad.model", "model Bad {\n  input x: f32[N, 3]\n  output y = x + [1, 2]\n}\n");
        Path values = write("values.json", "{\"x\": [[1, 2, 3]]}");
        Cli.Result r = modelc("eval", file.toString(), "--inputs", values.toString());
        assertEquals(Main.USER_ERROR, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith(file + ":3:"), r.err());
    }

    @Test
    void everyBackendGivesTheInterpretersNumbersAndUnknownOnesAreRefused() throws IOException {
        Path values = write("values.json", "{" + XY + ", \"w\": " + json(W) + ", \"b\": " + json(B) + "}");
        JsonNode want = parse(modelc("eval", model(), "--model", "CropYield", "--inputs", values.toString(), "--backend", "interp",
                "--dtype", "f64"));
        for (String backend : new String[] {"bytecode", "java"}) {
            Cli.Result r = modelc("eval", model(), "--model", "CropYield", "--inputs", values.toString(), "--backend", backend,
                    "--dtype", "f64");
            assertEquals(Main.OK, r.code(), r.err());
            // In f64 every backend sums in the interpreter's order: the same bits, so the same JSON.
            assertEquals(want, parse(r), backend);
        }
        Cli.Result bad = modelc("eval", model(), "--model", "CropYield", "--inputs", values.toString(), "--backend", "gpu");
        assertEquals(Main.USER_ERROR, bad.code());
        assertEquals("", bad.out());
        assertTrue(bad.err().startsWith("unknown backend 'gpu' for --backend: it is interp, bytecode, java or cuda"), bad.err());
        assertTrue(bad.err().contains("Usage: modelc eval"), bad.err());
    }

    @Test
    void usageMistakesExitOne() throws IOException {
        Path values = write("values.json", "{" + XY + "}");
        Cli.Result dtype = modelc("eval", model(), "--model", "CropYield", "--inputs", values.toString(), "--dtype", "f16");
        assertEquals(Main.USER_ERROR, dtype.code());
        assertTrue(dtype.err().startsWith("unknown dtype 'f16' for --dtype: it is f32 or f64\n"), dtype.err());

        Cli.Result noInputs = modelc("eval", model(), "--model", "CropYield");
        assertEquals(Main.USER_ERROR, noInputs.code());
        assertTrue(noInputs.err().startsWith("Missing required option: '--inputs=VALUES.json'"), noInputs.err());

        Cli.Result missingFile = modelc("eval", model(), "--model", "CropYield", "--inputs", dir.resolve("nothere.json").toString());
        assertEquals(Main.USER_ERROR, missingFile.code());
        assertEquals("modelc: " + dir.resolve("nothere.json") + ": no such file\n", missingFile.err());
    }

    @Test
    void helpShowsTheExitStatus() {
        Cli.Result r = modelc("eval", "--help");
        assertEquals(Main.OK, r.code());
        assertTrue(r.out().startsWith("Usage: modelc eval"), r.out());
        assertTrue(r.out().contains("--inputs=VALUES.json"), r.out());
        assertTrue(r.out().contains("\"NaN\""), r.out());
        assertTrue(r.out().contains("Exit status"), r.out());
        Cli.Result top = modelc("--help");
        assertTrue(top.out().contains("eval"), top.out());
    }

    // --- helpers ---

    private static void assertClose(double want, double got, String what) {
        assertEquals(want, got, 1e-12 * Math.max(1, Math.abs(want)), what);
    }

    private static String json(double[][] rows) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < rows.length; i++) out.append(i == 0 ? "" : ", ").append(json(rows[i]));
        return out.append(']').toString();
    }

    private static String json(double[] row) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < row.length; i++) out.append(i == 0 ? "" : ", ").append(row[i]);
        return out.append(']').toString();
    }

    private static Tensor tensor(DType d, double[][] rows) {
        double[] flat = Arrays.stream(rows).flatMapToDouble(Arrays::stream).toArray();
        return Tensor.of(d, new int[] {rows.length, rows[0].length}, flat);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    /** The test's own way to the sample's text (SourceReader is the command line's). */
    private static final class SourceReaderAccess {
        static dev.modelc.compiler.diagnostics.SourceFile read(Path p) {
            try {
                return SourceReader.read(p);
            } catch (SourceReader.Unreadable e) {
                throw new AssertionError(e.getMessage());
            }
        }
    }
}
