package dev.modelc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerationStateTest {
    @Test
    void aFileIsStaleWhenItsBytesChangeOrAnOutputIsGone(@TempDir Path dir) throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.createDirectories(out.resolve("p"));
        Files.writeString(out.resolve("p/A.java"), "class A {}");
        Map<String, GenerationState.Entry> entries = new LinkedHashMap<>();
        entries.put("p/a.model", new GenerationState.Entry("h1", List.of("p/A.java")));
        entries.put("b model.model", new GenerationState.Entry("h2", List.of()));
        Path file = dir.resolve("state/state.txt");
        new GenerationState("fp", entries).write(file);

        GenerationState read = GenerationState.read(file);
        assertEquals("fp", read.fingerprint());
        assertEquals(entries, read.entries());
        assertFalse(read.isStale("p/a.model", "h1", out));
        assertTrue(read.isStale("p/a.model", "h3", out), "the bytes changed");
        assertTrue(read.isStale("c.model", "h1", out), "a new file");
        assertFalse(read.isStale("b model.model", "h2", out), "a file with no models selected stays generated");
        Files.delete(out.resolve("p/A.java"));
        assertTrue(read.isStale("p/a.model", "h1", out), "its class was deleted");
    }

    @Test
    void aMissingOrDamagedStateMeansEverythingIsGenerated(@TempDir Path dir) throws Exception {
        assertEquals("", GenerationState.read(dir.resolve("none")).fingerprint());
        Path damaged = Files.writeString(dir.resolve("damaged"), "modelc generate state 1\nfingerprint\tfp\nsomething else\n");
        assertTrue(GenerationState.read(damaged).entries().isEmpty());
        assertEquals("", GenerationState.read(damaged).fingerprint());
    }

    @Test
    void hashesAreOfTheBytes(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a"), "model M {}\n");
        Path b = Files.writeString(dir.resolve("b"), "model M {}\n");
        assertEquals(GenerationState.sha256(a), GenerationState.sha256(b));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", GenerationState.sha256(""));
    }
}
