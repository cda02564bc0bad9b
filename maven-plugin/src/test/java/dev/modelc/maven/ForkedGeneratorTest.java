package dev.modelc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator process, started as the mojo starts it, with this test's JDK (25, from the build's toolchain) and class path. */
class ForkedGeneratorTest {
    @Test
    void reportsWhatEachFileBecameAndTheDiagnostics(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("good.model"), "model Good {\n  input x: f32[N]\n  output y = x * 2\n}\n");
        Path bad = Files.writeString(dir.resolve("bad.model"), "model Bad {\n  input x: f32[N]\n  output y = x * z\n}\n");
        ForkedGenerator.Launcher launcher = new ForkedGenerator.Launcher(Path.of(System.getProperty("java.home"), "bin", "java"),
                Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of).toList());
        Map<Path, String> packages = new LinkedHashMap<>();
        packages.put(good, "com.example");
        packages.put(bad, "com.example");
        ForkedGenerator.Outcome o = ForkedGenerator.run(launcher, dir, dir.resolve("out"), dir.resolve("scratch"), "f64", List.of(), packages);
        assertEquals(1, o.status());
        assertEquals(List.of("com/example/Good.java"), o.generated().get(good));
        assertTrue(o.generated().containsKey(bad));
        assertNull(o.generated().get(bad));
        assertEquals(bad + ":3:18: error: undefined name 'z'\n  output y = x * z\n                 ^\n", o.errors());
        assertTrue(Files.readString(dir.resolve("out/com/example/Good.java")).contains("with every floating value as f64"));
    }
}
