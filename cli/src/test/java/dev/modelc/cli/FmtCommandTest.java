package dev.modelc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelc fmt}: rewriting in place, {@code --check}, and files that do not parse. */
class FmtCommandTest {
    static final String MESSY = "model M{\n input x :f32[N,3]\n\n\n output y=x*2   # doubled\n}\n";
    static final String TIDY = "model M {\n  input x: f32[N, 3]\n\n  output y = x * 2  # doubled\n}\n";

    @Test
    void rewritesFilesInPlace(@TempDir Path dir) throws Exception {
        Path messy = Files.writeString(dir.resolve("messy.model"), MESSY);
        Path tidy = Files.writeString(dir.resolve("tidy.model"), TIDY);
        Cli.Result r = Cli.modelc("fmt", messy.toString(), tidy.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out());
        assertEquals(TIDY, Files.readString(messy));
        assertEquals(TIDY, Files.readString(tidy));
    }

    @Test
    void checkListsWhatWouldChangeAndChangesNothing(@TempDir Path dir) throws Exception {
        Path messy = Files.writeString(dir.resolve("messy.model"), MESSY);
        Path tidy = Files.writeString(dir.resolve("tidy.model"), TIDY);
        Cli.Result r = Cli.modelc("fmt", "--check", messy.toString(), tidy.toString());
        assertEquals(1, r.code());
        assertEquals(messy + "\n", r.out());
        assertEquals(MESSY, Files.readString(messy));
        Cli.Result clean = Cli.modelc("fmt", "--check", tidy.toString());
        assertEquals(0, clean.code());
        assertEquals("", clean.out());
    }

    @Test
    void aFileThatDoesNotParseIsReportedAndLeftAlone(@TempDir Path dir) throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.model"), "model M {\n  input x f32[2]\n}\n");
        Cli.Result r = Cli.modelc("fmt", broken.toString());
        assertEquals(1, r.code());
        r.assertNoStackTrace();
        assertTrue(r.err().startsWith(broken + ":2:11: error: expected ':', found name 'f32'\n"), r.err());
        assertTrue(r.err().endsWith("modelc: " + broken + " does not parse; left as it is\n"), r.err());
        assertEquals("model M {\n  input x f32[2]\n}\n", Files.readString(broken));
    }

    @Test
    void aMissingFileIsAUserError(@TempDir Path dir) {
        Cli.Result r = Cli.modelc("fmt", dir.resolve("nope.model").toString());
        assertEquals(1, r.code());
        r.assertNoStackTrace();
        assertTrue(r.err().startsWith("modelc: "), r.err());
    }
}
