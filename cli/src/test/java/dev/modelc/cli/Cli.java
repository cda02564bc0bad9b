package dev.modelc.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs {@code modelc} in process, as the subcommand tests do. */
final class Cli {
    private Cli() {
    }

    /** What one run of modelc gave. */
    record Result(int code, String out, String err) {
        void assertNoStackTrace() {
            assertAll(
                    () -> assertFalse(err.contains("Exception"), "a stack trace on stderr:\n" + err),
                    () -> assertFalse(err.contains("\tat "), "a stack trace on stderr:\n" + err),
                    () -> assertFalse(err.contains("internal error"), "reported as a bug:\n" + err));
        }
    }

    static Result modelc(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString().replace("\r\n", "\n"), err.toString().replace("\r\n", "\n"));
    }

    /** The crop-yield sample, found from the module directory (or the repository root). */
    static Path cropYield() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("samples/crop-yield/crop_yield.model");
            if (Files.isRegularFile(p)) return p;
        }
        throw new AssertionError("samples/crop-yield/crop_yield.model not found above " + Path.of("").toAbsolutePath());
    }
}
