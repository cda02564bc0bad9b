package dev.modelc.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelc} end to end, through {@link Main#run(PrintWriter, PrintWriter, String...)}. */
class MainTest {

    private static final String GOOD = """
            # Crop yields from weather: linear regression, as in the PyTorch basics tutorial.
            def mse(a, b) = mean((a - b) ** 2)

            model CropYield {
              input x: f32[N, 3]            # temperature, rainfall, humidity
              input y: f32[N, 2]            # apples, oranges
              param w: f32[2, 3] = randn()
              param b: f32[2]    = randn()

              output preds = x @ w.T + b
              loss = mse(preds, y)
            }
            """;

    private static final String GOOD_SIGNATURE = """
            CropYield
              input   x      f32[N, 3]
              input   y      f32[N, 2]
              param   w      f32[2, 3]  = randn()
              param   b      f32[2]     = randn()
              output  preds  f32[N, 2]
              loss    loss   f32[]
            """;

    /** The diagnostics example of the language reference: a bias of the wrong shape. */
    private static final String BAD = GOOD.replace("param b: f32[2]    = randn()", "param c: f32[3]    = randn()")
            .replace("x @ w.T + b", "x @ w.T + c");

    private static final String BAD_DIAGNOSTIC = """
            %s:10:26: error: cannot add f32[N, 2] and f32[3]
              output preds = x @ w.T + c
                             ~~~~~~~ ^ ~
              dimension -1 is 2 on the left and 3 on the right (NumPy broadcasting)
            """;

    @TempDir
    Path dir;

    /** What one run of modelc gave. */
    record Result(int code, String out, String err) {
        void assertNoStackTrace() {
            assertAll(
                    () -> assertFalse(err.contains("Exception"), "a stack trace on stderr:\n" + err),
                    () -> assertFalse(err.contains("\tat "), "a stack trace on stderr:\n" + err),
                    () -> assertFalse(err.contains("internal error"), "reported as a bug:\n" + err));
        }
    }

    private static Result modelc(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString().replace("\r\n", "\n"), err.toString().replace("\r\n", "\n"));
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    @Test
    void goodFilePrintsItsSignatureAndExitsZero() throws IOException {
        Path good = write("crop_yield.model", GOOD);
        Result r = modelc("check", good.toString());
        assertEquals(Main.OK, r.code(), r.err());
        assertEquals(GOOD_SIGNATURE, r.out());
        assertEquals("", r.err());
    }

    @Test
    void badFilePrintsItsDiagnosticsAndExitsOne() throws IOException {
        Path bad = write("crop_yield.model", BAD);
        Result r = modelc("check", bad.toString());
        assertEquals(Main.USER_ERROR, r.code());
        assertEquals("", r.out());
        assertEquals(BAD_DIAGNOSTIC.formatted(bad), r.err());
    }

    @Test
    void everyErrorOfAFileIsReported() throws IOException {
        Path bad = write("two.model", """
                model Two {
                  input x: f32[N, 3]
                  a = x + [1, 2]
                  b = x @ [1, 2]
                }
                """);
        Result r = modelc("check", bad.toString());
        assertEquals(Main.USER_ERROR, r.code());
        assertTrue(r.err().contains(bad + ":3:"), r.err());
        assertTrue(r.err().contains(bad + ":4:"), r.err());
        r.assertNoStackTrace();
    }

    @Test
    void missingFileIsOneLineAndExitsOne() {
        Path missing = dir.resolve("nothere.model");
        Result r = modelc("check", missing.toString());
        assertEquals(Main.USER_ERROR, r.code());
        assertEquals("", r.out());
        assertEquals("modelc: " + missing + ": no such file\n", r.err());
    }

    @Test
    void directoryAsFileIsOneLineAndExitsOne() {
        Result r = modelc("check", dir.toString());
        assertEquals(Main.USER_ERROR, r.code());
        assertEquals("", r.out());
        assertEquals("modelc: " + dir + ": is a directory\n", r.err());
    }

    @Test
    void binaryGarbageGivesDiagnosticsNotAStackTrace() throws IOException {
        byte[] bytes = new byte[4096];
        new Random(20250101).nextBytes(bytes);
        bytes[0] = 0x7f; // an ELF-like start, then invalid UTF-8, NULs and control characters
        bytes[1] = (byte) 0xff;
        bytes[2] = 0;
        Path garbage = Files.write(dir.resolve("garbage.model"), bytes);
        Result r = modelc("check", garbage.toString());
        assertEquals(Main.USER_ERROR, r.code(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith(garbage + ":1:1: error: "), r.err());
        r.assertNoStackTrace();
    }

    @Test
    void severalFilesAreAllReportedAndOneBadFileFailsTheRun() throws IOException {
        Path bad = write("bad.model", BAD);
        Path good = write("good.model", GOOD);
        Result r = modelc("check", bad.toString(), good.toString());
        assertEquals(Main.USER_ERROR, r.code());
        assertEquals(GOOD_SIGNATURE, r.out());
        assertEquals(BAD_DIAGNOSTIC.formatted(bad), r.err());

        Result reversed = modelc("check", good.toString(), bad.toString());
        assertEquals(Main.USER_ERROR, reversed.code());
        assertEquals(GOOD_SIGNATURE, reversed.out());
        assertEquals(BAD_DIAGNOSTIC.formatted(bad), reversed.err());
    }

    @Test
    void severalGoodFilesAreSeparatedByABlankLine() throws IOException {
        Path one = write("one.model", GOOD);
        Path two = write("two.model", GOOD.replace("model CropYield", "model CropYield2"));
        Result r = modelc("check", one.toString(), two.toString());
        assertEquals(Main.OK, r.code(), r.err());
        assertEquals(GOOD_SIGNATURE + "\n" + GOOD_SIGNATURE.replace("CropYield", "CropYield2"), r.out());
    }

    @Test
    void aMissingFileDoesNotStopTheOthers() throws IOException {
        Path good = write("good.model", GOOD);
        Path missing = dir.resolve("nothere.model");
        Result r = modelc("check", missing.toString(), good.toString());
        assertEquals(Main.USER_ERROR, r.code());
        assertEquals(GOOD_SIGNATURE, r.out());
        assertEquals("modelc: " + missing + ": no such file\n", r.err());
    }

    @Test
    void aFileWithoutModelsSaysSo() throws IOException {
        Path defs = write("defs.model", "def twice(x) = 2 * x\n");
        Result r = modelc("check", defs.toString());
        assertEquals(Main.OK, r.code(), r.err());
        assertEquals(defs + ": no models\n", r.out());
    }

    @Test
    void helpPrintsUsageAndExitsZero() {
        Result r = modelc("--help");
        assertEquals(Main.OK, r.code());
        assertTrue(r.out().startsWith("Usage: modelc"), r.out());
        assertTrue(r.out().contains("check"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void checkHelpPrintsUsageAndExitsZero() {
        for (String[] args : new String[][] {{"check", "--help"}, {"help", "check"}, {"check", "-h"}}) {
            Result r = modelc(args);
            assertEquals(Main.OK, r.code(), String.join(" ", args));
            assertTrue(r.out().startsWith("Usage: modelc check"), r.out());
            assertTrue(r.out().contains("FILE"), r.out());
            assertTrue(r.out().contains("Exit status"), r.out());
            assertEquals("", r.err());
        }
    }

    @Test
    void versionPrintsTheVersion() {
        Result r = modelc("--version");
        assertEquals(Main.OK, r.code());
        assertTrue(r.out().startsWith("modelc "), r.out());
    }

    @Test
    void unknownOptionIsAUsageErrorExitingOne() throws IOException {
        Result top = modelc("--bogus");
        assertEquals(Main.USER_ERROR, top.code());
        assertEquals("", top.out());
        assertTrue(top.err().startsWith("Unknown option: '--bogus'\nUsage: modelc"), top.err());

        Path good = write("good.model", GOOD);
        Result sub = modelc("check", "--bogus", good.toString());
        assertEquals(Main.USER_ERROR, sub.code());
        assertEquals("", sub.out());
        assertTrue(sub.err().startsWith("Unknown option: '--bogus'\nUsage: modelc check"), sub.err());
    }

    @Test
    void unknownCommandIsAUsageErrorExitingOne() {
        Result r = modelc("frobnicate-everything");
        assertEquals(Main.USER_ERROR, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().contains("frobnicate-everything"), r.err());
        assertTrue(r.err().contains("Usage: modelc"), r.err());
    }

    @Test
    void missingCommandPrintsUsageOnceAndExitsOne() {
        Result r = modelc();
        assertEquals(Main.USER_ERROR, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("missing command\nUsage: modelc"), r.err());
        assertEquals(r.err().indexOf("Usage:"), r.err().lastIndexOf("Usage:"), "usage printed twice:\n" + r.err());
    }

    @Test
    void checkWithoutFilesIsAUsageErrorExitingOne() {
        Result r = modelc("check");
        assertEquals(Main.USER_ERROR, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("Missing required parameter: 'FILE'\nUsage: modelc check"), r.err());
    }
}
