package dev.modelc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {
    @Test
    void aFilesPackageIsItsFolderOrAtTheTopItsName() {
        assertEquals("com.example", ModelFiles.packageOf("com/example/crops.model"));
        assertEquals("crop_yield", ModelFiles.packageOf("crop_yield.model"));
        assertEquals("crop_yield", ModelFiles.packageOf("Crop-Yield.model"));
        assertEquals("my_models.v2_.class_", ModelFiles.packageOf("my-models/v2./class/x.model"));
        assertEquals("_2024", ModelFiles.packageOf("2024/x.model"));
    }

    @Test
    void scanFindsModelFilesSortedWithAntPatterns(@TempDir Path root) throws Exception {
        for (String f : List.of("b.model", "com/example/a.model", "com/example/skip.model", "notes.txt")) {
            Files.createDirectories(root.resolve(f).getParent());
            Files.writeString(root.resolve(f), "");
        }
        assertEquals(List.of(new ModelFiles.ModelFile("b.model", root.resolve("b.model"), "b"),
                        new ModelFiles.ModelFile("com/example/a.model", root.resolve("com/example/a.model"), "com.example")),
                ModelFiles.scan(root, List.of("**/*.model"), List.of("**/skip.model"), null));
        assertEquals("given", ModelFiles.scan(root, List.of("b.model"), List.of(), "given").get(0).packageName());
        assertEquals(List.of(), ModelFiles.scan(root.resolve("missing"), List.of("**/*.model"), List.of(), null));
    }
}
